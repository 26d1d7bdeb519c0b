#!/bin/sh
# tests/study_q3.sh NVOSIM SOURCE_DIR OUT_DIR: run question 3 of the quick
# study (scripts/study --quick --only 3) into OUT_DIR and check its page,
# flooding.md: every cell parses as "mean ± half-width (n=N)" with n = the
# runs, and where theory is exact the cell is exactly the theory, ± 0.
# H PEs, 8 per leaf (L = H / 8 leaves), T VNIs, each PE hosting one (VNI t
# on the PEs p with p mod T = t): n = H / T PEs per VNI, on Lm leaves (the
# distinct p // 8); every sending PE sends one ARP request, RP spine1:
#  - copies per BUM frame: ingress replication, VPLS-LDP, EVPN without
#    ARP suppression and the NLB tenant n - 1 (the flood list: the other
#    hosting PEs); BIDIR-PIM 1:1 n + Lm (one copy per tree link: n access
#    links, Lm leaf-to-RP links), PIM-SM 1:1 n + Lm + 1 (each source's
#    first packet also goes as a Register to the RP, whose copy goes back
#    down); N:1 (one group, every PE joins it) H + L, PIM-SM H + L + 1;
#    EVPN with ARP suppression floods nothing (no BUM frame: missing);
#  - unwanted deliveries per BUM frame: H - n for N:1, 0 for every other
#    design (exact flood lists);
#  - (*,G) entries: 1:1 T x (Lm + 1) (a leaf per member leaf and the RP,
#    per group); N:1 L + 1; (S,G) per BUM frame: PIM-SM 2 (the first-hop
#    leaf and the RP), BIDIR 0;
#  - ARP suppressed / requested: EVPN 0, EVPN with suppression 1, and its
#    BUM bytes 0 on every tier; ingress replication's BUM bytes equal on
#    access-up and access-down;
#  - VPLS pseudowires T x n(n - 1)/2; EVPN type-3 routes H (PEs x VNIs
#    hosted).
set -eu
nvosim=$1
src=$2
out=$3
runs=${STUDY_CHECK_ONLY:-2}
if [ -z "${STUDY_CHECK_ONLY:-}" ]; then
  rm -rf "$out"
  start=$(date +%s)
  NVOSIM=$nvosim python3 "$src/scripts/study" --quick --only 3 --out "$out"
  echo "study_q3: scripts/study --quick --only 3 took $(( $(date +%s) - start )) s"
fi
PYTHONPATH="$src/tests${PYTHONPATH:+:$PYTHONPATH}" exec python3 - "$out" "$runs" <<'PYEOF'
import os, re, sys
from studycheck import Checks, tables, table_list

out = sys.argv[1]
runs = int(sys.argv[2])
ck = Checks("study_q3", runs)
fail, value, exact = ck.fail, ck.value, ck.exact

page = os.path.join(out, "flooding.md")
ck.files(out, ["flooding.md"],
         ["q3-pes-copies", "q3-pes-bytes", "q3-pes-mcast-state",
          "q3-vnis-unwanted", "q3-vnis-copies"])

def theory(H, T):
    n = H // T
    L = H // 8
    Lm = {len({p // 8 for p in range(H) if p % T == t}) for t in range(T)}
    assert len(Lm) == 1
    return n, L, Lm.pop()

def axis_values(hdr):
    return [int(h.split()[0]) for h in hdr[1:]]

T_PES = 4   # the VNIs of the PE sweep
all_t = [(head, hdr, rows) for _, head, hdr, rows in table_list(page)]
sections = {}
for head, hdr, rows in all_t:
    sections.setdefault(head, []).append((hdr, rows))

def first(prefix):
    for head, hdr, rows in all_t:
        if head.startswith(prefix):
            return hdr, rows
    fail("no table under a heading %r" % prefix)
    return ["design"], []

designs = {"ir", "sm-1to1", "bidir-1to1", "sm-Nto1", "bidir-Nto1",
           "vpls-ldp", "evpn", "evpn-arpsup", "nlb"}
mcast = {"sm-1to1", "bidir-1to1", "sm-Nto1", "bidir-Nto1"}

def points(hdr, axis, H2):
    """(H, T) per column."""
    vals = axis_values(hdr)
    return [(v, T_PES) if axis == "pes" else (H2, v) for v in vals]

H2 = None
m = re.search(r"## Flooding as the VNIs grow \((\d+) PEs\)", open(page).read())
if not m:
    fail("no 'Flooding as the VNIs grow (H PEs)' section")
else:
    H2 = int(m.group(1))

def check_copies(hdr, rows, axis, where):
    seen = set()
    for r in rows:
        d = r[0].strip("`")
        seen.add(d)
        for (H, T), c in zip(points(hdr, axis, H2), r[1:]):
            w = "%s %s H=%d T=%d" % (where, d, H, T)
            if c == "not run":
                if d not in ("vpls-ldp", "evpn", "evpn-arpsup") or H <= 256:
                    fail("%s: not run" % w)
                continue
            n, L, Lm = theory(H, T)
            want = {"ir": n - 1, "vpls-ldp": n - 1, "evpn": n - 1,
                    "nlb": n - 1, "bidir-1to1": n + Lm, "sm-1to1": n + Lm + 1,
                    "bidir-Nto1": H + L, "sm-Nto1": H + L + 1}.get(d)
            if d == "evpn-arpsup":
                if c != "– (n=0)":
                    fail("%s: %r, expected missing (no BUM frame)" % (w, c))
            else:
                exact(c, want, w)
    if seen != designs:
        fail("%s: rows %s" % (where, sorted(seen)))

def check_unwanted(hdr, rows, axis, where):
    for r in rows:
        d = r[0].strip("`")
        for (H, T), c in zip(points(hdr, axis, H2), r[1:]):
            w = "%s %s H=%d T=%d" % (where, d, H, T)
            if c == "not run" or d == "evpn-arpsup":
                continue
            n, L, Lm = theory(H, T)
            exact(c, H - n if d.endswith("Nto1") else 0, w)

def check_star_g(hdr, rows, axis, where):
    for r in rows:
        d = r[0].strip("`")
        for (H, T), c in zip(points(hdr, axis, H2), r[1:]):
            n, L, Lm = theory(H, T)
            exact(c, L + 1 if d.endswith("Nto1") else T * (Lm + 1),
                  "%s %s H=%d T=%d" % (where, d, H, T))

hdr, rows = first("Flooding as the PEs grow")
check_copies(hdr, rows, "pes", "PEs copies")
pes_hdr = hdr
hdr, rows = first("Flooding as the VNIs grow")
check_copies(hdr, rows, "vnis", "VNIs copies")
seen_unw = 0
seen_sg = 0
for head, hdr, rows in all_t:
    axis = "vnis" if hdr[1].endswith("VNIs") else "pes"
    if head == "Unwanted deliveries per BUM frame":
        check_unwanted(hdr, rows, axis, "unwanted " + axis); seen_unw += 1
    elif head == "Multicast state: (*,G) entries":
        check_star_g(hdr, rows, axis, "(*,G) " + axis); seen_sg += 1
    elif head.startswith("Multicast state: (S,G) entries per BUM"):
        for r in rows:
            d = r[0].strip("`")
            for h, c in zip(hdr[1:], r[1:]):
                exact(c, 2 if d.startswith("sm") else 0,
                      "(S,G)/BUM %s %s" % (d, h))
    elif hdr[0] == "design" and head.startswith("ARP requests sent") and len(rows) == 2:
        for r in rows:
            d = r[0].strip("`")
            for h, c in zip(hdr[1:], r[1:]):
                exact(c, 1 if d == "evpn-arpsup" else 0, "ARP %s %s" % (d, h))
    elif head.startswith("BUM bytes per tier"):
        col = {h: i for i, h in enumerate(hdr)}
        for r in rows:
            d = r[0].strip("`")
            if d == "evpn-arpsup":
                for c in r[1:]:
                    exact(c, 0, "%s %s" % (head, d))
            elif d == "ir" and r[col["`access-up`"]] != r[col["`access-down`"]]:
                fail("%s ir: access-up %r != access-down %r" % (
                    head, r[col["`access-up`"]], r[col["`access-down`"]]))
            for c in r[1:]:
                if c != "not run":
                    value(c, "%s %s" % (head, d))
    elif hdr[0] == "measure":
        for r in rows:
            for h, c in zip(hdr[1:], r[1:]):
                H = int(h.split()[0])
                n = H // T_PES
                w = "%s %s" % (r[0], h)
                if r[0] == "`vpls-ldp` pseudowires":
                    if c != "not run" or H <= 256:
                        exact(c, T_PES * n * (n - 1) // 2, w)
                elif r[0] == "`evpn` evpn_type3_routes":
                    if c != "not run" or H <= 256:
                        exact(c, H, w)
                else:
                    p = value(c, w)
                    if p and p[0] <= 0:
                        fail("%s: %r, expected > 0" % (w, c))
    # every other table: each cell parses (or is "not run" / missing)
    else:
        for r in rows:
            for c in r[1:]:
                if c not in ("not run", "– (n=0)"):
                    value(c, "%s %s" % (head, r[0]))
if seen_unw != 2 or seen_sg != 2:
    fail("expected unwanted and (*,G) tables on both axes (%d, %d)"
         % (seen_unw, seen_sg))
ck.done()
PYEOF
