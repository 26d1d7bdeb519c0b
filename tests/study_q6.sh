#!/bin/sh
# tests/study_q6.sh NVOSIM SOURCE_DIR OUT_DIR: question 6 of the study
# (the VTEP in the hypervisor or on the leaf): run scripts/study --quick
# --only 6 into OUT_DIR and check vtep.md against the theory:
#  - VTEPs = the 128 hypervisors, or the 16 leaves, ± 0;
#  - in every run the encapsulated copies equal Σ_t BUM frames_t x
#    (VTEPs hosting t − 1) (ingress replication to the vni-pes flood
#    list): the "copies − theory" column is 0 ± 0;
#  - no VTEP holds more MAC entries than the VMs of its tenants (tenants
#    x V): the max over VTEPs of entries − tenants x V is at most 0;
#  - VTEPs per tenant at most min(V, VTEPs); copies per BUM frame at most
#    min(V, VTEPs) − 1 (a frame reaches the other VTEPs of its VNI); the fraction
#    delivered in (0, 1];
#  - every cell "mean ± h (n=2)", every (tenants, V, vtep) row present.
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
  NVOSIM=$nvosim python3 "$src/scripts/study" --quick --only 6 --out "$out" -j 2
  echo "study_q6: scripts/study --quick --only 6 took $(( $(date +%s) - start )) s"
fi
PYTHONPATH="$src/tests${PYTHONPATH:+:$PYTHONPATH}" exec python3 - "$out" "$runs" <<'PYEOF'
import os, re, sys
from studycheck import Checks, tables, table_list
out = sys.argv[1]
runs = int(sys.argv[2])
ck = Checks("study_q6", runs)
fail, value, exact = ck.fail, ck.value, ck.exact

page = os.path.join(out, "vtep.md")
ck.files(out, ["vtep.md"], [img + V for V in ("8", "32")
                            for img in ("q6-mac-entries-max-v", "q6-bum-link-mb-v")])
t = tables(page)
VTEPS = {"hypervisor": 128, "leaf": 16}
want = {(T, V, m) for T in (4, 16, 64) for V in (8, 32) for m in VTEPS}
hdr, rows = t.get("MAC state at the VTEPs", [[], []])
seen = set()
spread = {}
for r in rows:
    T, V, m = int(r[0]), int(r[1]), r[2].strip("`")
    seen.add((T, V, m))
    w = "vtep.md MAC T=%d V=%d %s" % (T, V, m)
    exact(r[3], VTEPS[m], w + " VTEPs")
    for c in r[4:]:
        value(c, w)
    s = value(r[4], w + " VTEPs per tenant")
    if s:
        spread[(T, V, m)] = s[0]
        if not (1 <= s[0] <= min(V, VTEPS[m])):
            fail("%s: %g VTEPs per tenant" % (w, s[0]))
    o = value(r[8], w + " over bound")
    if o and o[0] > 0:
        fail("%s: a VTEP holds %g MACs more than its tenants' VMs" % (w, o[0]))
if seen != want:
    fail("vtep.md MAC rows: %s" % sorted(want ^ seen))
hdr, rows = t.get("Flooding", [[], []])
seen = set()
for r in rows:
    T, V, m = int(r[0]), int(r[1]), r[2].strip("`")
    seen.add((T, V, m))
    w = "vtep.md flooding T=%d V=%d %s" % (T, V, m)
    for c in r[3:]:
        value(c, w)
    exact(r[5], 0, w + " copies - theory")
    cp = value(r[6], w + " copies per BUM frame")
    if cp and not (0 <= cp[0] <= min(V, VTEPS[m]) - 1):
        fail("%s: %g copies per BUM frame" % (w, cp[0]))
    d = value(r[10], w + " delivered")
    if d and not (0 < d[0] <= 1):
        fail("%s: delivered fraction %g" % (w, d[0]))
if seen != want:
    fail("vtep.md flooding rows: %s" % sorted(want ^ seen))
ck.done()
PYEOF
