"""Drives `switchyard mcp` with the official MCP Python SDK, as an agent's client does.

Usage: driver.py SERVER_BINARY WORKDIR [SERVER_ARGS...] < calls.json > answers.json

It starts `SERVER_BINARY mcp SERVER_ARGS...` over stdio in WORKDIR with this process's environment, lists the tools,
makes each call of calls.json (a list of {"tool": NAME, "arguments": {...}}) in order, and
prints one JSON object: {"server": ..., "tools": [...], "calls": [...]}. Each call gives
either the result as sent on the wire (content, structuredContent, isError) or, when the call
failed at the protocol level, {"raised": TYPE, "message": TEXT}. Checking is left to the test.
"""

import asyncio
import json
import os
import sys

from mcp import Client, StdioServerParameters


async def main() -> None:
    binary, workdir, extra = sys.argv[1], sys.argv[2], sys.argv[3:]
    calls = json.load(sys.stdin)
    server = StdioServerParameters(command=binary, args=["mcp", *extra], cwd=workdir, env=dict(os.environ))
    answers = []
    async with Client(server, read_timeout_seconds=120) as client:
        tools = await client.list_tools()
        for call in calls:
            try:
                result = await client.call_tool(call["tool"], call.get("arguments"))
                answers.append(result.model_dump(by_alias=True, mode="json", exclude_none=True))
            except Exception as error:  # the test reads what was raised
                answers.append({"raised": type(error).__name__, "message": str(error)})
        info = client.server_info
        report = {
            "server": info.model_dump(by_alias=True, mode="json") if info else None,
            "instructions": client.instructions,
            "tools": [tool.model_dump(by_alias=True, mode="json", exclude_none=True) for tool in tools.tools],
            "calls": answers,
        }
    json.dump(report, sys.stdout)


asyncio.run(main())
