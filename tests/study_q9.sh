#!/bin/sh
# tests/study_q9.sh NVOSIM SOURCE_DIR OUT_DIR: run the study's question 9,
# the summary (scripts/study --quick --only 9), into OUT_DIR and check its
# page (summary.md) against what is exact on its scale (16 PEs under 4
# leaves, 4 tenants of 32 VMs, every tenant on every PE):
#  - one PE pair uses all 4 leaf up-links with a UDP (or STT) source port
#    and exactly 1 with NVGRE or MPLS over GRE (no entropy beyond the pair);
#  - outer bytes per underlay frame = the header sizes of
#    docs/encapsulations.md (IPv4): VXLAN, Geneve, GRE-in-UDP 50; NVGRE 42;
#    MPLS over GRE 38 + 4 = 42; MPLS over UDP 42 + 4 = 46; STT 72 (no
#    frame here needs a second segment);
#  - copies per BUM frame: 1 with IP multicast, 15 (the other PEs of the
#    VNI) with ingress replication; with EVPN and VPLS at most 15 (frames
#    sent before the flood lists are complete get fewer) and above 14;
#  - VPLS pseudowires 4 VSIs x 16 x 15 / 2 = 480; EVPN Loc-RIB at a PE 128
#    type-2 + 4 x 16 type-3 = 192; BGP-VPLS NLRI 16 PEs x 4 VSIs x 2
#    label blocks of 8 (VE IDs 1..16) = 128; MAC entries 128 on every PE;
#  - no unwanted BUM delivery (flood lists of the VNI's PEs), no drop;
#  - every deterministic cell has half-width 0, n = runs everywhere, and
#    designs without a value say "n/a (why)", never 0.
set -eu
nvosim=$1
src=$2
out=$3
runs=${STUDY_CHECK_ONLY:-2}
if [ -z "${STUDY_CHECK_ONLY:-}" ]; then
  rm -rf "$out"
  NVOSIM=$nvosim python3 "$src/scripts/study" --quick --only 9 --out "$out"
fi
PYTHONPATH="$src/tests${PYTHONPATH:+:$PYTHONPATH}" exec python3 - "$out/summary.md" "$runs" <<'PY'
import sys
from studycheck import Checks
path, runs = sys.argv[1], int(sys.argv[2])
ck = Checks("study_q9", runs)
fails = ck.fails
rows = {}
heads = []
for line in open(path).read().splitlines():
    if not line.startswith("|") or line.startswith("| ---"):
        continue
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if cells[0] == "design":
        heads.append(cells)
        continue
    rows.setdefault(cells[0], {}).update(zip(heads[-1], cells))
# The page's tables share a "design" column: each design's cells by
# column title, across the tables.
def cell(design, col):
    c = rows.get(design, {}).get(col)
    if c is None:
        ck.fail("%s: no column %r" % (design, col))
    return c
def val(design, col):
    c = cell(design, col)
    return ck.value(c, "%s / %s" % (design, col)) if c is not None else None
def exact(design, col, want):
    c = cell(design, col)
    if c is not None:
        ck.exact(c, want, "%s / %s" % (design, col))
def na(design, col):
    ck.na(rows.get(design, {}).get(col, ""), "%s / %s" % (design, col),
          "n/a (")
D = {
 "VXLAN + IP multicast": ("vxlan", "mcast"), "VXLAN + ingress replication": ("vxlan", "ir"),
 "VXLAN + EVPN": ("vxlan", "evpn"), "NVGRE + IP multicast": ("nvgre", "mcast"),
 "STT + ingress replication": ("stt", "ir"), "Geneve + ingress replication": ("geneve", "ir"),
 "GRE-in-UDP + ingress replication": ("gre-udp", "ir"),
 "MPLSoGRE, label as VNI + ingress replication": ("mpls-gre", "ir"),
 "MPLSoGRE + VPLS-LDP": ("mpls-gre", "ldp"), "MPLSoGRE + VPLS-BGP": ("mpls-gre", "bgp"),
 "MPLSoUDP + EVPN, per-PE labels": ("mpls-udp", "evpn"),
}
HDR = {"vxlan": 50, "geneve": 50, "gre-udp": 50, "nvgre": 42, "mpls-gre": 42,
       "mpls-udp": 46, "stt": 72}
if set(rows) != set(D):
    fails.append("designs: %s, expected %s" % (sorted(rows), sorted(D)))
for d, (enc, plane) in D.items():
    exact(d, "one PE pair: leaf up-links used (of 4)", 1 if enc in ("nvgre", "mpls-gre") else 4)
    exact(d, "overhead bytes per underlay frame", HDR[enc])
    if plane in ("mcast", "ir"):
        exact(d, "copies per BUM frame", 1 if plane == "mcast" else 15)
    else:
        # BUM frames sent before the control plane has filled the flood
        # lists (IMET routes, pseudowires) get fewer copies
        v = val(d, "copies per BUM frame")
        if v and not 14 < v[0] <= 15:
            fails.append("%s / copies per BUM frame: %g, expected in (14, 15]" % (d, v[0]))
    exact(d, "MAC entries (max PE)", 128)
    exact(d, "unwanted BUM deliveries", 0)
    exact(d, "drop_rate", 0)
    if plane in ("ldp", "bgp"):
        exact(d, "pseudowires", 480)
    else:
        na(d, "pseudowires")
    if plane == "evpn":
        exact(d, "control RIB entries (max PE)", 192)
    elif plane == "bgp":
        exact(d, "control RIB entries (max PE)", 128)
    else:
        na(d, "control RIB entries (max PE)")
    if plane == "mcast":
        val(d, "multicast state entries")
    else:
        na(d, "multicast state entries")
    if plane in ("mcast", "ir"):
        na(d, "start convergence (us)")
        na(d, "move convergence (us)")
    else:
        val(d, "start convergence (us)")
        if plane in ("evpn", "ldp"):
            val(d, "move convergence (us)")
        else:
            na(d, "move convergence (us)")
    if plane == "ir":
        exact(d, "control bytes on links", 0)
    for col in ("loaded: leaf_up_jain",):
        v = val(d, col)
        if v and not 0 < v[0] <= 1:
            fails.append("%s / %s: %g outside (0, 1]" % (d, col, v[0]))
text = open(path).read()
ck.count()
if "**The answer, from these numbers.**" not in text:
    fails.append("summary.md: no answer paragraph")
ck.done()
PY
