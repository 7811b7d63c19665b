#!/usr/bin/env python3
"""Writes seed inputs for the fuzz targets from GitHub's real payloads and the datasets'
patches in ../shared, into OUT/<target>/ (default: fuzz/seeds, which git ignores).
They seed a run beside the saved corpus and are not committed:

    python3 fuzz/seeds.py && cargo +nightly fuzz run webhook fuzz/corpus/webhook fuzz/seeds/webhook
"""
import gzip, hashlib, itertools, json, os, sys

here = os.path.dirname(os.path.abspath(__file__))
shared = os.path.join(here, "..", "..", "shared")
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "seeds")
if not os.path.isdir(shared):
    sys.exit("seeds: skipped: needs ../shared beside the clone")


def write(target, data):
    os.makedirs(os.path.join(out, target), exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(out, target, name), "wb") as f:
        f.write(data)


hooks = os.path.join(shared, "fixtures", "github-webhooks")
for event in sorted(os.listdir(hooks)):
    folder = os.path.join(hooks, event)
    if not os.path.isdir(folder):
        continue
    for name in sorted(os.listdir(folder)):
        if name.endswith(".json"):
            with open(os.path.join(folder, name), "rb") as f:
                write("webhook", event.encode() + b"\n" + f.read())

MAX_PATCH = 16 * 1024
PAIRS_PER_PATH = 4


def patch_pairs(slice_):
    """Pairs of patches of one file from PRs open at the same time."""
    by_path = {}
    for pr in slice_["prs"]:
        for file in pr["files"]:
            patch = file.get("patch")
            if patch and len(patch) <= MAX_PATCH:
                by_path.setdefault(file["filename"], []).append(patch)
    for patches in by_path.values():
        yield from itertools.islice(itertools.combinations(patches, 2), PAIRS_PER_PATH)


pairs = 0
datasets = os.path.join(shared, "datasets")
for dataset in sorted(n for n in os.listdir(datasets) if n.endswith(".jsonl.gz")):
    with gzip.open(os.path.join(datasets, dataset), "rt") as f:
        for line in f:
            for a, b in patch_pairs(json.loads(line)):
                write("patch", (a + "\0" + b).encode())
                pairs += 1
print(f"seeds: {len(os.listdir(os.path.join(out, 'webhook')))} webhook payloads, "
      f"{pairs} patch pairs, in {out}")
