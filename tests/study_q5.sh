#!/bin/sh
# tests/study_q5.sh NVOSIM SOURCE_DIR OUT_DIR: question 5 of the study
# (the MPLS label as VNI versus per-PE labels): run scripts/study --quick
# --only 5 into OUT_DIR and check labels.md against the counts the
# placement gives (docs/pe.md, "Options"):
#  - with the label as VNI the gateway (a PE hosting every tenant) knows
#    exactly T labels, T the tenants (4, 16, 64), ± 0;
#  - in every run the gateway's per-PE label state is Σ_t (PEs hosting
#    t − 1) and the PEs' sum is Σ_t PEs_t (PEs_t − 1) with per-PE labels,
#    Σ_t PEs_t with VNI labels: the "− theory" columns are 0 ± 0;
#  - bounds: PEs per tenant at most min(PEs, 16 VMs + the gateway's);
#    the gateway's per-PE labels between T and 16 T; no PE knows more
#    labels than the gateway, and with VNI labels a PE at most T;
#  - every cell "mean ± h (n=2)".
set -eu
nvosim=$1
src=$2
out=$3
# STUDY_CHECK_ONLY=R: check the page already in OUT_DIR, made with R runs
# per point (docs/study after a full scripts/study: R = 10); nothing is
# run or removed then.
runs=${STUDY_CHECK_ONLY:-2}
if [ -z "${STUDY_CHECK_ONLY:-}" ]; then
  rm -rf "$out"
  start=$(date +%s)
  NVOSIM=$nvosim python3 "$src/scripts/study" --quick --only 5 --out "$out" -j 2
  echo "study_q5: scripts/study --quick --only 5 took $(( $(date +%s) - start )) s"
fi
PYTHONPATH="$src/tests${PYTHONPATH:+:$PYTHONPATH}" exec python3 - "$out" "$runs" <<'PYEOF'
import os, sys
from studycheck import Checks, tables
out = sys.argv[1]
runs = int(sys.argv[2])
ck = Checks("study_q5", runs)
fail, value, exact = ck.fail, ck.value, ck.exact

page = os.path.join(out, "labels.md")
ck.files(out, ["labels.md"], ["q5-gateway-vni", "q5-gateway-per-pe", "q5-pe-per-pe"])
t = tables(page)
hdr, rows = t.get("Label state at the gateway and at the PEs", [[], []])
seen = set()
for r in rows:
    T, P = int(r[0]), int(r[1])
    seen.add((T, P))
    w = "labels.md T=%d PEs=%d" % (T, P)
    v = [value(c, w + " " + h) for h, c in zip(hdr[2:], r[2:])]
    if None in v:
        continue
    spread, gw_vni, gw_pp, gw_th, gw_diff, pe_vni, pe_pp, pe_max = [x[0] for x in v]
    exact(r[3], T, w + " gateway, VNI labels")
    exact(r[6], 0, w + " gateway, per-PE - theory")
    if abs(gw_pp - gw_th) > 1e-9:
        fail("%s: gateway %g != theory %g" % (w, gw_pp, gw_th))
    if not (1 <= spread <= min(P, 17)):
        fail("%s: %g PEs per tenant" % (w, spread))
    if not (T <= gw_pp <= 16 * T):
        fail("%s: gateway per-PE labels %g not in [%d, %d]" % (w, gw_pp, T, 16 * T))
    if pe_max > gw_pp + 1e-9:
        fail("%s: a PE's %g labels above the gateway's %g" % (w, pe_max, gw_pp))
    if not (0 < pe_vni <= T):
        fail("%s: VNI labels per PE %g not in (0, %d]" % (w, pe_vni, T))
want = {(T, 8 * l) for T in (4, 16, 64) for l in (2, 4, 8, 16)}
if seen != want:
    fail("labels.md: rows %s, expected %s" % (sorted(seen), sorted(want)))
hdr, rows = t.get("Label state summed over the PEs", [[], []])
if len(rows) != 12:
    fail("labels.md totals: %d rows" % len(rows))
for r in rows:
    w = "labels.md totals T=%s PEs=%s" % (r[0], r[1])
    value(r[2], w)
    value(r[4], w)
    exact(r[3], 0, w + " VNI - theory")
    exact(r[5], 0, w + " per-PE - theory")
ck.done()
PYEOF
