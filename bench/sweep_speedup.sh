#!/usr/bin/env bash
# bench/sweep_speedup.sh: the sweep speed-up benchmark (not a test).
#
# Runs the same sweep of 16 short runs (scenarios/ecmp-permutation.xml at
# run.duration=10ms, ~0.4 s each: 4 ECMP hash functions x 4 replications)
# with -j 1 and with -j 2, REPEATS times each, alternating, each into a
# fresh directory, and reports the wall-clock time of the whole command
# (process starts, scenario checks and sweep.csv included) and the
# speed-up: the median of the per-round ratios (-j 1 time / -j 2 time of
# the same round; on a shared host this cancels most of the drift between
# rounds), with their range.  It also checks that both give the same rows
# (wall_s aside).  docs/performance.md has the
# figures; the target on a 2-CPU machine is >= 1.8x.
#
# Usage: bench/sweep_speedup.sh [BUILD_DIR [REPEATS [DURATION]]]
#        (defaults: build, 3, 10ms)
set -euo pipefail
cd "$(dirname "$0")/.."

build=${1:-build}
reps=${2:-3}
duration=${3:-10ms}
nvosim=$build/tools/nvosim
scenario=scenarios/ecmp-permutation.xml
[ -x "$nvosim" ] || { echo "sweep_speedup: no $nvosim (build first)" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nvosim-sweep-bench-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# One sweep; prints its wall-clock seconds.
one() {
  local jobs=$1 out=$2 t0 t1
  t0=$(date +%s.%N)
  "$nvosim" sweep "$scenario" --vary underlay.ecmp.function=crc32,crc16,toeplitz,xor-fold \
    --runs 4 --set run.duration="$duration" -j "$jobs" --out "$out" >/dev/null
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}

median() { sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

echo "sweep speed-up: 16 runs of $scenario (run.duration=$duration), $(nproc) CPUs, $reps repeats"
t1=() t2=()
for r in $(seq 1 "$reps"); do
  t1+=("$(one 1 "$tmp/j1-$r")")
  t2+=("$(one 2 "$tmp/j2-$r")")
done
m1=$(printf '%s\n' "${t1[@]}" | median)
m2=$(printf '%s\n' "${t2[@]}" | median)
ratios=()
for i in "${!t1[@]}"; do ratios+=("$(echo "${t1[$i]} / ${t2[$i]}" | bc -l)"); done
mr=$(printf '%s\n' "${ratios[@]}" | median)
lo=$(printf '%s\n' "${ratios[@]}" | sort -g | head -1)
hi=$(printf '%s\n' "${ratios[@]}" | sort -g | tail -1)
# The runs' own wall_s (the last column), summed: the work to share.
sum_runs() { awk -F, 'NR > 1 {s += $NF} END {printf "%.2f", s}' "$1/sweep.csv"; }
printf '  -j 1: %s s (median %.2f s; the runs themselves %s s)\n' \
  "$(printf '%.2f ' "${t1[@]}")" "$m1" "$(sum_runs "$tmp/j1-1")"
printf '  -j 2: %s s (median %.2f s; the runs themselves %s s)\n' \
  "$(printf '%.2f ' "${t2[@]}")" "$m2" "$(sum_runs "$tmp/j2-1")"
printf '  speed-up: %.2fx (median of the per-round ratios; range %.2f - %.2f; target >= 1.8x)\n' \
  "$mr" "$lo" "$hi"

# The same rows either way, wall_s aside.
strip() { sed 's/,[^,]*$//' "$1/sweep.csv"; }
if ! cmp -s <(strip "$tmp/j1-1") <(strip "$tmp/j2-1"); then
  echo "sweep_speedup: -j 1 and -j 2 wrote different rows" >&2
  exit 1
fi
echo "  rows: identical with -j 1 and -j 2 (wall_s aside)"
