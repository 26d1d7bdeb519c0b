#!/bin/sh
# report_chromium.sh: the run report (nvosim report, docs/report.md) in a
# real browser.  Makes a run (overlay-evpn with series.csv and flows.csv)
# and a small sweep, writes their pages, and renders them with Debian's
# chromium, headless:
#   - --dump-dom: the elements the page must have are in the DOM chromium
#     built (the two fabric views with 32 link directions each, the 8 ECMP
#     bars, the CDF, the series plots, the tables; the sweep's plots);
#   - --enable-logging=stderr: no console message and no "Uncaught" error
#     while the page loads.  A page with a broken script is rendered first
#     and must be caught, so this check can fail;
#   - --screenshot: BUILD_DIR/report-chromium.png (kept as an artefact),
#     a PNG whose IHDR width and height are the window size asked for.
# The page must be self-contained: no script, no external resource.
# Without chromium the test fails (CI installs it: scripts/setup).
# Every chromium runs under a timeout, in its own process group, which
# is killed by its id afterwards.
# Usage: report_chromium.sh NVOSIM SOURCE_DIR BUILD_DIR
set -eu
nvosim=${1:?usage: report_chromium.sh NVOSIM SOURCE_DIR BUILD_DIR}
src=${2:?source dir}
build=${3:?build dir}
chromium=${CHROMIUM:-/usr/bin/chromium}
W=1280
H=2000

fail() {
    echo "report-chromium: FAIL: $*" >&2
    exit 1
}

if [ ! -x "$chromium" ]; then
    fail "$chromium not found: this test renders the report in Debian's chromium (install it: scripts/setup, or apt-get install chromium)"
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/nvosim-report-chromium.XXXXXX")
PG=""
cleanup() {
    if [ -n "$PG" ]; then
        kill -TERM -- "-$PG" 2>/dev/null || true
    fi
    rm -rf "$T"
}
trap cleanup EXIT INT TERM

# chrome OUT ERR ARGS...: chromium headless, at most 60 s, in its own
# process group (setsid), killed by that group's id when it is done.
chrome() {
    out=$1
    err=$2
    shift 2
    prof=$(mktemp -d "$T/profile.XXXXXX")
    setsid timeout -k 5 60 "$chromium" --headless --no-sandbox --disable-gpu \
        --user-data-dir="$prof" --no-first-run --enable-logging=stderr \
        --v=0 "$@" >"$out" 2>"$err" &
    PG=$!
    rc=0
    wait "$PG" || rc=$?
    kill -TERM -- "-$PG" 2>/dev/null || true
    PG=""
    [ "$rc" -eq 124 ] && fail "chromium timed out (60 s): $*"
    return "$rc"
}

# console_errors ERR: the console lines of a page load.
console_errors() {
    grep -E 'CONSOLE|Uncaught' "$1" || true
}

# 1. The console check itself: a broken script must be seen.
cat >"$T/broken.html" <<'EOF'
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>broken</title></head>
<body><p id="here">a page with a broken script</p>
<script>thisFunctionDoesNotExist();</script></body></html>
EOF
chrome "$T/broken.dom" "$T/broken.err" --dump-dom "file://$T/broken.html" \
    || fail "chromium failed on the self-check page: $(tail -3 "$T/broken.err")"
grep -q 'id="here"' "$T/broken.dom" \
    || fail "chromium --dump-dom did not give the self-check page's DOM"
if [ -z "$(console_errors "$T/broken.err" | grep Uncaught)" ]; then
    fail "the console check cannot see errors: a page calling an undefined function gave no \"Uncaught\" line on stderr"
fi
echo "self-check: a broken script is caught: $(console_errors "$T/broken.err" | head -1 | sed 's/.*CONSOLE/CONSOLE/')"

# 2. A run and its page.
"$nvosim" run "$src/scenarios/overlay-evpn.xml" --out "$T/run" \
    --set output.series=1ms --set output.flows=true >"$T/run.log" 2>&1 \
    || fail "nvosim run failed: $(tail -3 "$T/run.log")"
"$nvosim" report "$T/run" >"$T/report.log" 2>&1 \
    || fail "nvosim report failed: $(cat "$T/report.log")"
page="$T/run/report.html"
[ -s "$page" ] || fail "no $page"

# Self-contained: no script, no external resource of any kind.
if grep -n -i -E '<script|<link |<img |<iframe|src=|@import|url\(["'"'"']?(https?:|//)' "$page"; then
    fail "the page is not self-contained (the lines above)"
fi

chrome "$T/run.dom" "$T/run.err" --dump-dom "file://$page" \
    || fail "chromium failed on the run page: $(tail -3 "$T/run.err")"
errs=$(console_errors "$T/run.err")
[ -z "$errs" ] || fail "console messages while loading the run page:
$errs"
for id in headline fabric fabric-util fabric-bum scale-util scale-bum tiers \
          tiers-table ecmp fct fct-cdf fct-cdf-line series series-bgp-msgs \
          series-bgp-rib series-pe-mac series-link-bytes; do
    grep -q "id=\"$id\"" "$T/run.dom" || fail "no element id=\"$id\" in the DOM chromium built"
done
# The DOM as parsed: 2 views x 32 link directions, 8 next-hop bars.
links=$(grep -o 'class="link"' "$T/run.dom" | wc -l)
[ "$links" -eq 64 ] || fail "$links link elements in the DOM, expected 64 (2 views x 32 directions)"
bars=$(grep -o 'class="ecmp-bar' "$T/run.dom" | wc -l)
[ "$bars" -eq 8 ] || fail "$bars ECMP bars in the DOM, expected 8"
svgs=$(grep -o '<svg' "$T/run.dom" | wc -l)
echo "run page: ids present, $links link elements, $bars ECMP bars, $svgs svg elements, no console message"

# 3. The screenshot, kept in the build directory.
shot="$build/report-chromium.png"
rm -f "$shot"
chrome "$T/shot.out" "$T/shot.err" --window-size="$W,$H" \
    --hide-scrollbars --screenshot="$shot" "file://$page" \
    || fail "chromium --screenshot failed: $(tail -3 "$T/shot.err")"
errs=$(console_errors "$T/shot.err")
[ -z "$errs" ] || fail "console messages while taking the screenshot:
$errs"
[ -s "$shot" ] || fail "no screenshot $shot"
sig=$(od -A n -t x1 -N 8 "$shot" | tr -d ' \n')
[ "$sig" = 89504e470d0a1a0a ] || fail "$shot is not a PNG (signature $sig)"
ihdr=$(od -A n -t x1 -j 12 -N 4 "$shot" | tr -d ' \n')
[ "$ihdr" = 49484452 ] || fail "$shot: no IHDR chunk first"
pw=$(od -A n -t u1 -j 16 -N 4 "$shot" | awk '{print $1*16777216+$2*65536+$3*256+$4}')
ph=$(od -A n -t u1 -j 20 -N 4 "$shot" | awk '{print $1*16777216+$2*65536+$3*256+$4}')
[ "$pw" -eq "$W" ] && [ "$ph" -eq "$H" ] \
    || fail "$shot is ${pw}x${ph}, expected ${W}x${H}"
echo "screenshot: $shot, ${pw}x${ph}, $(wc -c <"$shot") bytes"

# 4. A sweep's page.
"$nvosim" sweep "$src/scenarios/ecmp-permutation.xml" \
    --vary underlay.ecmp.function=crc32,toeplitz --runs 2 -j 2 \
    --out "$T/sweep" >"$T/sweep.log" 2>&1 \
    || fail "nvosim sweep failed: $(tail -3 "$T/sweep.log")"
"$nvosim" report "$T/sweep" >"$T/report2.log" 2>&1 \
    || fail "nvosim report of the sweep failed: $(cat "$T/report2.log")"
chrome "$T/sweep.dom" "$T/sweep.err" --dump-dom "file://$T/sweep/report.html" \
    || fail "chromium failed on the sweep page: $(tail -3 "$T/sweep.err")"
errs=$(console_errors "$T/sweep.err")
[ -z "$errs" ] || fail "console messages while loading the sweep page:
$errs"
for id in sweep sweep-fct_p50_us sweep-leaf_up_jain sweep-fct_p50_us-t; do
    grep -q "id=\"$id\"" "$T/sweep.dom" || fail "no element id=\"$id\" in the sweep page's DOM"
done
means=$(grep -o 'class="mean"' "$T/sweep.dom" | wc -l)
[ "$means" -gt 0 ] || fail "no point drawn in the sweep page"
echo "sweep page: ids present, $means points drawn, no console message"

# 5. The command's refusals: exit 1, nothing written.
mkdir "$T/empty"
rc=0
"$nvosim" report "$T/empty" >"$T/e.out" 2>"$T/e.err" || rc=$?
[ "$rc" -eq 1 ] || fail "nvosim report of an empty folder exited $rc, expected 1"
grep -q "neither results.xml (a run) nor sweep.csv (a sweep)" "$T/e.err" \
    || fail "unexpected message: $(cat "$T/e.err")"
[ ! -e "$T/empty/report.html" ] || fail "a report.html was left in the empty folder"
rc=0
"$nvosim" report >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "nvosim report without a folder exited $rc, expected 2"
"$nvosim" report --help | grep -q "usage: nvosim report DIR" || fail "no --help"
echo "report-chromium: ok"
