#!/bin/sh
# tests/study_quick.sh NVOSIM SOURCE_DIR OUT_DIR: run the quick study
# (scripts/study --quick) into OUT_DIR and check its pages: they exist, their
# tables' cells parse as "mean ± half-width (n=N)", and the numbers where
# theory is exact are exactly the theory's:
#  - overhead bytes per tenant frame = the header sizes of
#    docs/encapsulations.md (IPv4, no VLAN tag): vxlan, vxlan-gpe, geneve,
#    gre-udp 50; mpls-udp 42 + 4 = 46; nvgre 42; mpls-gre 38 + 4 = 42;
#    mpls-ip 34 + 4 = 38; stt 72 (one segment: every tenant frame up to
#    9000 bytes + the 18-byte STT header fits in 9216 - 40 bytes), with a
#    half-width of 0; at MTU 1500 STT pays 72 bytes on the first TSO
#    segment and 54 on each later one, ceil((F + 18) / 1460) segments for a
#    tenant frame of F bytes (1414: 72; 1464 and up: 126);
#  - goodput efficiency = (P - 28) / (P + 14 + H): the UDP payload of an
#    IP packet of P bytes over the tenant frame (P + 14) plus the overhead H
#    (every frame known unicast, every packet full);
#  - a 1500-byte MTU drops every tenant frame whose outer IP packet,
#    (P + 14) + H - 14 = P + H bytes (the outer Ethernet header is not in
#    the MTU), is over 1500, and none other (vxlan: P = 1450 passes, 1454
#    is dropped); STT (segmented by TSO) drops none;
#  - one PE pair's leaf up-links: exactly 1 (± 0) for nvgre, mpls-gre and
#    mpls-ip with a 5-tuple hash, for mpls-gre hashing the GRE key (it has
#    none), for every inner-header hash of MPLS over GRE / IP (an Ethernet
#    pseudowire: no inner IP is guessed) and for NVGRE's with a 64-byte
#    parser (the inner IP addresses start at byte 68); exactly 4 for the six
#    encapsulations with a source port, for nvgre hashing the GRE key or
#    the inner headers with a 128-byte parser (inner ports end at byte
#    80), and for MPLS with an entropy label hashed; on the 5-stage fabric
#    1 and 16 super-spine up-links for the same cases; with N addresses,
#    between 1 and min(N, 4);
#  - the balance measures are Jain indexes in (0, 1] and max / mean >= 1,
#    FCTs > 0, and no loaded run flooded (bum_frames 0); the tables of
#    FCT against load and of few heavy pairs parse, with n = runs.
set -eu
nvosim=$1
src=$2
out=$3
# STUDY_CHECK_ONLY=R: check the pages already in OUT_DIR, made with R
# runs per point (e.g. docs/study after a full scripts/study: R = 10).
runs=${STUDY_CHECK_ONLY:-2}
if [ -z "${STUDY_CHECK_ONLY:-}" ]; then
  rm -rf "$out"
  start=$(date +%s)
  NVOSIM=$nvosim python3 "$src/scripts/study" --quick --only 1,2 --out "$out"
  echo "study_quick: scripts/study --quick took $(( $(date +%s) - start )) s"
fi
PYTHONPATH="$src/tests${PYTHONPATH:+:$PYTHONPATH}" exec python3 - "$out" "$runs" <<'EOF'
import math, os, re, sys
from studycheck import Checks, tables, table_list

out = sys.argv[1]
runs = int(sys.argv[2])
ck = Checks("study_quick", runs)
fail, value, exact = ck.fail, ck.value, ck.exact

ck.files(out, ["README.md", "load-balancing.md", "overhead.md"],
         ["q1-leaf-spine-pair-paths", "q1-leaf-spine-leaf-jain",
          "q1-five-stage-spine-jain", "q2-goodput", "q2-mtu1500"])
if ck.fails:
    ck.done()

# ---- question 2
H = {"vxlan": 50, "vxlan-gpe": 50, "geneve": 50, "gre-udp": 50,
     "mpls-udp": 46, "nvgre": 42, "mpls-gre": 42, "mpls-ip": 38, "stt": 72}
t = tables(os.path.join(out, "overhead.md"))
def sect(t, prefix):
    return ck.section(t, prefix)
for name, kind in (("Bytes per tenant frame (underlay MTU 9216)", "overhead"),
                   ("Bytes per tenant frame (underlay MTU 1500)", "overhead1500"),
                   ("Goodput efficiency", "goodput"),
                   ("Tenant frames dropped by a 1500-byte", "mtu")):
    hdr, rows = sect(t, name)
    sizes = [int(h.split()[0]) for h in hdr[1:]]
    seen = set()
    for r in rows:
        e = r[0].strip("`")
        seen.add(e)
        for F, c in zip(sizes, r[1:]):
            where = "overhead.md %s %s %d B" % (kind, e, F)
            P = F - 14
            if kind == "overhead":
                exact(c, H[e], where)
            elif kind == "overhead1500":
                # STT: 72 on the first TSO segment, 54 on each other one;
                # segments of at most 1500 - 40 bytes of the STT frame
                segs = -(-(F + 18) // 1460)
                exact(c, 72 + 54 * (segs - 1) if e == "stt" else H[e], where)
            elif kind == "goodput":
                want = (P - 28) / (P + 14 + H[e])
                # printed with 5 significant digits
                exact(c, want, where, tol=6e-5 * want)
            else:
                if e == "stt":
                    want = 0.0
                else:
                    want = 1.0 if P + H[e] > 1500 else 0.0
                exact(c, want, where)
    if seen != set(H):
        fail("overhead.md %s: rows %s, expected the nine encapsulations"
             % (kind, sorted(seen)))
    if kind == "mtu" and not (1500 in sizes and 1514 in sizes):
        fail("overhead.md mtu: no 1500 or 1514-byte column")

# ---- question 1
t = tables(os.path.join(out, "load-balancing.md"))
one = {"nvgre", "mpls-gre", "mpls-ip", "mpls-gre/gre-key", "nvgre/inner-64",
       "mpls-gre/inner-64", "mpls-gre/inner-128", "mpls-ip/inner-64",
       "mpls-ip/inner-128"}
four = {"vxlan", "vxlan-gpe", "geneve", "gre-udp", "mpls-udp", "stt",
        "nvgre/gre-key", "nvgre/inner-128", "mpls-gre/el", "mpls-ip/el"}
for fabric, five in (("Leaf-spine", False), ("5-stage", True)):
    hdr, rows = sect(t, fabric)
    keys = set()
    col = {h: i for i, h in enumerate(hdr)}
    for r in rows:
        k = r[0].strip("`")
        keys.add(k)
        where = "load-balancing.md %s %s" % (fabric, k)
        leaf = r[col["pair: leaf up-links used (of 4)"]]
        spine = r[col["pair: super-spine up-links used (of 16)"]] if five else None
        if k in one:
            exact(leaf, 1, where + " leaf up-links")
            if five:
                exact(spine, 1, where + " super-spine up-links")
        elif k in four:
            exact(leaf, 4, where + " leaf up-links")
            if five:
                exact(spine, 16, where + " super-spine up-links")
        elif "/addresses=" in k:
            n = int(k.split("=")[1])
            p = value(leaf, where)
            if p and not (1 <= p[0] <= min(n, 4)):
                fail("%s: %g leaf up-links with %d addresses" % (where, p[0], n))
        else:
            fail("%s: unexpected row" % where)
        for h, i in col.items():
            if h.endswith("_jain"):
                p = value(r[i], where + " " + h)
                if p and not (0 < p[0] <= 1):
                    fail("%s %s: %g not in (0, 1]" % (where, h, p[0]))
            elif h.endswith("_max_over_mean"):
                p = value(r[i], where + " " + h)
                if p and p[0] < 1:
                    fail("%s %s: %g below 1" % (where, h, p[0]))
            elif h.startswith("fct_"):
                p = value(r[i], where + " " + h)
                if p and p[0] <= 0:
                    fail("%s %s: %g" % (where, h, p[0]))
    if not (one | four) <= keys:
        fail("load-balancing.md %s: rows missing: %s"
             % (fabric, sorted((one | four) - keys)))
# the load and few-heavy-pairs tables: every cell parses, n = runs
for name in ("Flow completion time against load", "Few heavy pairs"):
    hdr, rows = sect(t, name)
    if len(rows) < 9:
        fail("load-balancing.md %s: %d rows" % (name, len(rows)))
    for r in rows:
        for h, c in zip(hdr[2:], r[2:]):
            p = value(c, "load-balancing.md %s %s %s %s" % (name, r[0], r[1], h))
            if p and p[0] < 0:
                fail("load-balancing.md %s %s: %g < 0" % (name, h, p[0]))
text = open(os.path.join(out, "load-balancing.md")).read()
if text.count("`bum_frames` is 0: every data frame was known unicast") != 2:
    fail("load-balancing.md: a loaded run flooded (bum_frames > 0)")
readme = open(os.path.join(out, "README.md")).read()
for n, page in ((1, "load-balancing.md"), (2, "overhead.md")):
    if "| %d | " % n not in readme or "[%s](%s) | measured |" % (page, page) not in readme:
        fail("README.md: question %d is not listed as measured" % n)

ck.done()
EOF
