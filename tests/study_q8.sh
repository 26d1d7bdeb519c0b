#!/bin/sh
# tests/study_q8.sh NVOSIM SOURCE_DIR OUT_DIR: run question 8 of the quick
# study (scripts/study --quick --only 8) into OUT_DIR and check its page
# (cpu.md) against the CPU model's formulas (docs/cpu.md), where they are
# exact.  Each cell is pe_cpu_cycles / tenant frames of runs with one cost
# at 1 cycle and the others 0, so per tenant frame of F bytes:
#  - known unicast: encap ops = decap ops = 1, except STT without TSO:
#    one per segment on each end, k = ceil((F + 18) / (MTU - 40)) (the
#    sender's TSO/GSO cuts the STT frame, 18-byte STT header + F, into
#    TCP payloads of at most MTU - 40 bytes over IPv4:
#    docs/encapsulations.md), e.g. 7 for 9000 bytes at MTU 1500, 2 at
#    MTU 9000; encap bytes = decap bytes = F; replica ops and bytes = 0;
#    csum bytes = 2F with checksum offload off (both ends), else 0;
#  - BUM broadcasts, 2 tenants each on half of the 16 or 64 PEs: hosting
#    = PEs / 2; ingress replication: replicas = encapsulations =
#    decapsulations = hosting - 1 per frame (the flood list is the VNI's
#    other PEs, each decapsulates its copy), bytes (hosting - 1) x F;
#    multicast: 1 replica and 1 encapsulation (the copy to the group),
#    bytes F, between 1 and hosting - 1 decapsulations; csum 0;
#  - every cell "mean ± 0 (n=runs)" (the tenant-frame counts: n = runs).
set -eu
nvosim=$1
src=$2
out=$3
# STUDY_CHECK_ONLY=R: check the page already in OUT_DIR, made with R runs
# per point (docs/study after scripts/study --only 8: R = 10).
runs=${STUDY_CHECK_ONLY:-2}
if [ -z "${STUDY_CHECK_ONLY:-}" ]; then
  rm -rf "$out"
  start=$(date +%s)
  NVOSIM=$nvosim python3 "$src/scripts/study" --quick --only 8 --out "$out"
  echo "study_q8: scripts/study --quick --only 8 took $(( $(date +%s) - start )) s"
fi
PYTHONPATH="$src/tests${PYTHONPATH:+:$PYTHONPATH}" exec python3 - "$out" "$runs" "${STUDY_CHECK_ONLY:-}" <<'PY'
import os, re, sys
from studycheck import Checks, tables, table_list

out, runs, check_only = sys.argv[1], int(sys.argv[2]), sys.argv[3] != ""
ck = Checks("study_q8", runs)
fail, value, exact = ck.fail, ck.value, ck.exact

page = os.path.join(out, "cpu.md")
ck.files(out, ["cpu.md"], ["q8-encap-ops", "q8-bum-replicas"])
t = tables(page)
COLS = ["encap ops", "encap bytes", "replica ops", "replica bytes",
        "decap ops", "decap bytes", "csum bytes"]
# (heading, encap, tso, csum-offload, MTU)
DESIGNS = [
    ("VXLAN, TSO and checksum offload on", "vxlan", True, True, 9216),
    ("VXLAN, TSO and checksum offload off", "vxlan", False, False, 9216),
    ("STT, TSO on, MTU 9000", "stt", True, True, 9000),
    ("STT, TSO off, MTU 9000", "stt", False, True, 9000),
    ("STT, TSO on, MTU 1500", "stt", True, True, 1500),
    ("STT, TSO off, MTU 1500", "stt", False, True, 1500),
    ("Geneve, offloads on", "geneve", True, True, 9216),
    ("NVGRE, offloads on", "nvgre", True, True, 9216),
    ("MPLS over GRE, offloads on", "mpls-gre", True, True, 9216),
]
segs_seen = set()
for head, encap, tso, csum, mtu in DESIGNS:
    if head not in t:
        fail("cpu.md: no table under the heading %r" % head)
        continue
    hdr, rows = t[head]
    if hdr[1:8] != COLS:
        fail("cpu.md %s: columns %s" % (head, hdr))
        continue
    sizes = []
    for r in rows:
        F = int(r[0].split()[0])
        sizes.append(F)
        where = "cpu.md %s, %d B" % (head, F)
        k = 1
        if encap == "stt" and not tso:
            k = -(-(F + 18) // (mtu - 40))
            segs_seen.add(k)
        want = [k, F, 0, 0, k, F, 0 if csum else 2 * F]
        for name, c, w in zip(COLS, r[1:8], want):
            exact(c, w, "%s, %s" % (where, name))
        p = value(r[8], where + ", tenant frames")
        if p is not None and p[0] <= 0:
            fail("%s: no tenant frames" % where)
    if not {64, 1500, 9000} <= set(sizes):
        fail("cpu.md %s: frame sizes %s lack 64, 1500 or 9000" % (head, sizes))
# the formula was exercised beyond 1 segment: 2 (1500 B at MTU 1500,
# 9000 B at MTU 9000) and 7 (9000 B at MTU 1500)
if not {1, 2, 7} <= segs_seen:
    fail("cpu.md: STT without TSO showed segment counts %s, expected 1, 2 "
         "and 7 among them" % sorted(segs_seen))

head = "BUM: broadcasts by ingress replication and by multicast"
if head not in t:
    fail("cpu.md: no BUM table")
else:
    hdr, rows = t[head]
    seen = set()
    for r in rows:
        flood = r[0].strip("`")
        pes, F = int(r[1]), int(r[3].split()[0])
        seen.add((flood, pes))
        where = "cpu.md BUM %s, %d PEs, %d B" % (flood, pes, F)
        h = pes // 2
        exact(r[2], h, where + ", hosting")
        c = dict(zip(COLS, r[4:11]))
        if flood == "ingress-replication":
            for name in ("encap ops", "replica ops", "decap ops"):
                exact(c[name], h - 1, "%s, %s" % (where, name))
            for name in ("encap bytes", "replica bytes", "decap bytes"):
                exact(c[name], (h - 1) * F, "%s, %s" % (where, name))
        elif flood == "multicast":
            exact(c["encap ops"], 1, where + ", encap ops")
            exact(c["replica ops"], 1, where + ", replica ops")
            exact(c["encap bytes"], F, where + ", encap bytes")
            exact(c["replica bytes"], F, where + ", replica bytes")
            p = value(c["decap ops"], where + ", decap ops")
            if p is not None and not 1 <= p[0] <= h - 1:
                fail("%s: %g decapsulations, expected 1 .. %d" % (
                    where, p[0], h - 1))
        else:
            fail("%s: unexpected flood" % where)
        exact(c["csum bytes"], 0, where + ", csum bytes")
    want = {(f, p) for f in ("ingress-replication", "multicast")
            for p in (16, 64)}
    if seen != want:
        fail("cpu.md BUM: rows %s, expected %s" % (sorted(seen), sorted(want)))
text = open(page).read()
if "This page has no cycles." not in text:
    fail("cpu.md: does not say that it has no cycles")
# the index, written by the run (docs/study's is the lead's to regenerate)
readme = os.path.join(out, "README.md")
if not check_only and "[cpu.md](cpu.md) | measured |" not in open(readme).read():
    fail("README.md: question 8 is not listed as measured")
ck.done()
PY
