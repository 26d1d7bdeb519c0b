#!/usr/bin/env bash
# bench/trace_cost.sh: what pcaps and ASCII traces cost (not a test).
#
# Runs `nvosim tunnel` (VXLAN, its default 100,000 tenant frames: 250,000
# events, a 70 MB trace) three ways back to back -- untraced, with --pcap (pe1's
# port, headers only) and with --trace (both ports) -- REPEATS rounds,
# each into a fresh directory, and reports each configuration's event rate
# (events / the run's own wall_s from summary.csv, which times the event
# loop, where pcap and trace writing happen) and the traced / untraced
# rate ratios: the median of the per-round ratios (a round's three runs
# are back to back, so a shared host's drift cancels mostly), with their
# range.  It also checks that the three give the same event fingerprint.
# Targets (issue 7): --pcap at least 0.5 of the untraced rate, --trace at
# least 0.25.  docs/performance.md has the figures.
#
# Usage: bench/trace_cost.sh [BUILD_DIR [REPEATS [FRAMES [OUT_PARENT]]]]
#        (defaults: build, 5, 100000, $TMPDIR or /tmp)
set -euo pipefail
cd "$(dirname "$0")/.."

build=${1:-build}
reps=${2:-5}
frames=${3:-100000}
parent=${4:-${TMPDIR:-/tmp}}
nvosim=$build/tools/nvosim
[ -x "$nvosim" ] || { echo "trace_cost: no $nvosim (build first)" >&2; exit 2; }

tmp=$(mktemp -d "$parent/nvosim-trace-bench-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

col() {   # col FILE NAME: the value of column NAME of a one-row CSV
  awk -F, -v name="$2" 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == name) c = i}
                        NR == 2 {print $c}' "$1"
}

# One run; prints "rate_per_s fingerprint bytes_written".
one() {
  local out=$1; shift
  "$nvosim" tunnel --frames "$frames" --out "$out" "$@" >/dev/null
  local ev wall fp size
  ev=$(col "$out/summary.csv" events)
  wall=$(col "$out/summary.csv" wall_s)
  fp=$(col "$out/summary.csv" fingerprint)
  size=$(find "$out" \( -name '*.pcap' -o -name trace.txt \) -printf '%s\n' \
         | awk '{s += $1} END {print s + 0}')
  rm -rf "$out"
  echo "$(echo "$ev / $wall" | bc -l) $fp ${size:-0}"
}

median() { sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

echo "trace cost: nvosim tunnel --frames $frames (vxlan), $(nproc) CPUs, $reps rounds, files in $parent"
plain=() pcap=() trace=() rp=() rt=()
fps=""
pcap_bytes=0 trace_bytes=0
for r in $(seq 1 "$reps"); do
  read -r a fa _ < <(one "$tmp/plain")
  read -r b fb pcap_bytes < <(one "$tmp/pcap" --pcap)
  read -r c fc trace_bytes < <(one "$tmp/trace" --trace)
  plain+=("$a"); pcap+=("$b"); trace+=("$c")
  rp+=("$(echo "$b / $a" | bc -l)"); rt+=("$(echo "$c / $a" | bc -l)")
  fps="$fps $fa $fb $fc"
done
if [ "$(echo "$fps" | tr ' ' '\n' | sed '/^$/d' | sort -u | wc -l)" != 1 ]; then
  echo "trace_cost: the event fingerprints differ:$fps" >&2
  exit 1
fi
rates() { printf '%s\n' "$@" | awk '{printf "%.2f ", $1 / 1e6}'; }
summary() {   # summary NAME RATIOS...
  local name=$1; shift
  local m lo hi
  m=$(printf '%s\n' "$@" | median)
  lo=$(printf '%s\n' "$@" | sort -g | head -1)
  hi=$(printf '%s\n' "$@" | sort -g | tail -1)
  printf '  %s / untraced: median %.2f (range %.2f-%.2f)\n' "$name" "$m" "$lo" "$hi"
}
printf '  untraced: %sM events/s\n' "$(rates "${plain[@]}")"
printf '  --pcap:   %sM events/s (%s bytes written)\n' "$(rates "${pcap[@]}")" "$pcap_bytes"
printf '  --trace:  %sM events/s (%s bytes written)\n' "$(rates "${trace[@]}")" "$trace_bytes"
summary "--pcap " "${rp[@]}"
summary "--trace" "${rt[@]}"
echo "  fingerprint $(echo "$fps" | awk '{print $1}') in every run"
