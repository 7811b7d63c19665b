#!/usr/bin/env bash
# Runs one fuzz target, then keeps in fuzz/corpus/TARGET the inputs it found that reach code
# the saved corpus and the seeds do not. Needs cargo-fuzz and a nightly toolchain; seeds come
# from ../shared (fuzz/seeds.py) when it is beside the clone.
#
#   fuzz/run.sh TARGET [SECONDS]        (600 s by default)
#
# A crash stops the run and leaves its input in fuzz/artifacts/TARGET/.
set -euo pipefail
cd "$(dirname "$0")"
target=$1
seconds=${2:-600}

python3 seeds.py || true
inputs=("corpus/$target")
[ -d "seeds/$target" ] && inputs+=("seeds/$target")
found=$(mktemp -d)
known=$(mktemp -d)
trap 'rm -rf "$found" "$known"' EXIT

cargo +nightly fuzz run -s none -a "$target" "$found" "${inputs[@]}" -- \
  -max_total_time="$seconds" -timeout=5 -rss_limit_mb=4096 -print_final_stats=1

for dir in "${inputs[@]}"; do cp "$dir"/* "$known"/; done
before=$(ls "$known" | sort)
# Only inputs that reach new code are kept (hit counts aside), in as few files as cover it.
"target/x86_64-unknown-linux-gnu/release/$target" -set_cover_merge=1 -use_counters=0 -timeout=5 \
  "$known" "$found" 2>/dev/null
new=$(comm -13 <(echo "$before") <(ls "$known" | sort))
for name in $new; do cp "$known/$name" "corpus/$target/$name"; done
echo "run.sh: $target: $(echo "$new" | grep -c . || true) new inputs kept in fuzz/corpus/$target"
