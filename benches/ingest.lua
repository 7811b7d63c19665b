-- wrk script for benches/ingest.sh: one real pull_request payload, signed once (the
-- signature covers the body alone), sent with a fresh delivery id on every request.
-- The body and its signature come from the environment the script sets.

local body = io.open(os.getenv("INGEST_BODY"), "rb"):read("*a")
local signature = os.getenv("INGEST_SIGNATURE")
local counter = 0
thread_id = 0
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  return wrk.format("POST", "/webhook", {
    ["Content-Type"] = "application/json",
    ["X-GitHub-Event"] = "pull_request",
    ["X-GitHub-Delivery"] = string.format("ingest-%d-%d", thread_id, counter),
    ["X-Hub-Signature-256"] = signature,
  }, body)
end

accepted = 0
other = 0

function response(status, headers, body)
  if status == 202 then
    accepted = accepted + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local accepted_total, other_total = 0, 0
  for _, thread in ipairs(threads) do
    accepted_total = accepted_total + thread:get("accepted")
    other_total = other_total + thread:get("other")
  end
  local seconds = summary.duration / 1e6
  io.write(string.format("ingest: accepted %d (202), other answers %d, socket errors %d\n",
    accepted_total, other_total,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  io.write(string.format("ingest: %.0f deliveries/s accepted; p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
    accepted_total / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
