#!/bin/sh
# install.sh: "cmake --install" into a temporary prefix, then the installed
# nvosim, run from a directory outside the source and build trees, finds
# its schemas in PREFIX/share/nvosim (not in the source tree, which stays
# where it is), validates and runs an installed example scenario, and
# writes its results.
# Usage: install.sh CMAKE BUILD_DIR
set -u
cmake=$1
build=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$cmake" --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log" 2>&1 \
    || { cat "$tmp/install.log"; fail "cmake --install"; }
p=$tmp/prefix
for f in bin/nvosim share/nvosim/scenarios/scenario.rng \
         share/nvosim/topologies/topology.rng share/nvosim/docs/results.rng \
         share/nvosim/scenarios/websearch.xml \
         share/nvosim/scenarios/cdf/websearch.cdf \
         share/nvosim/topologies/leaf-spine-small.xml \
         share/doc/nvosim/LICENSE; do
    [ -f "$p/$f" ] || fail "$f not installed"
done
[ -x "$p/bin/nvosim" ] || fail "bin/nvosim is not executable"

mkdir "$tmp/work"
cd "$tmp/work" || fail "cd"
unset NVO_SCHEMA_DIR
"$p/bin/nvosim" --version >out.txt 2>&1 || fail "nvosim --version"
grep -qxF "schemas in $p/share/nvosim" out.txt \
    || { cat out.txt; fail "the installed nvosim does not use its own schemas"; }

for s in "$p"/share/nvosim/scenarios/*.xml; do
    "$p/bin/nvosim" validate "$s" >out.txt 2>&1 \
        || { cat out.txt; fail "nvosim validate $s"; }
done
"$p/bin/nvosim" run "$p/share/nvosim/scenarios/websearch.xml" --quiet \
    --set run.duration=200us >out.txt 2>&1 \
    || { cat out.txt; fail "nvosim run websearch.xml"; }
[ -s results/websearch/results.xml ] || fail "no results/websearch/results.xml"
[ -s results/websearch/summary.csv ] || fail "no results/websearch/summary.csv"
grep -q '^scenario,' results/websearch/summary.csv \
    || fail "summary.csv has no header"
[ "$(wc -l < results/websearch/summary.csv)" -eq 2 ] \
    || fail "summary.csv is not a header and one row"
echo "installed into $p: validate and run OK"
