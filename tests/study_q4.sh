#!/bin/sh
# tests/study_q4.sh NVOSIM SOURCE_DIR OUT_DIR: run question 4 of the quick
# study (scripts/study --quick --only 4) into OUT_DIR and check its page,
# control-plane.md: every cell parses as "mean ± half-width (n=N)" with
# n = the runs, and where theory is exact the cell is exactly the theory,
# ± 0.  P PEs, T = P / 8 VNIs of 8 PEs each (each PE hosts one VNI), M VMs
# per PE, reflectors spine1 and spine2:
#  - BGP sessions with 2 reflectors 2P + 1 (each PE to both, the
#    reflectors to each other: P x R + R(R - 1)/2), with a full mesh
#    P(P - 1)/2; LDP sessions T x 8 x 7 / 2 (only PEs that share a VSI);
#  - EVPN type-2 routes P x M (one MAC+IP per VM), type-3 P (PEs x VNIs
#    hosted); the largest PE Loc-RIB P x M + P without RT-constrain
#    (every route), 8M + 8 with it (its own VNI's); a reflector's P x M + P;
#  - pseudowires T x 8 x 7 / 2 for VPLS-LDP and VPLS-BGP (n(n - 1)/2 per
#    VSI of n = 8 PEs);
#  - EVPN's largest MAC table 8M (every MAC of the VNI, installed from
#    type-2 routes);
#  - flood-and-learn sends no control byte (0 on every link) and drops
#    no frame in a queue;
#  - memory, messages, bytes and convergence times are > 0; the
#    wall-clock table parses.
set -eu
nvosim=$1
src=$2
out=$3
runs=${STUDY_CHECK_ONLY:-2}
if [ -z "${STUDY_CHECK_ONLY:-}" ]; then
  rm -rf "$out"
  start=$(date +%s)
  NVOSIM=$nvosim python3 "$src/scripts/study" --quick --only 4 --out "$out"
  echo "study_q4: scripts/study --quick --only 4 took $(( $(date +%s) - start )) s"
fi
PYTHONPATH="$src/tests${PYTHONPATH:+:$PYTHONPATH}" exec python3 - "$out" "$runs" <<'PYEOF'
import os, re, sys
from studycheck import Checks, tables, table_list

out = sys.argv[1]
runs = int(sys.argv[2])
ck = Checks("study_q4", runs)
fail, value, exact = ck.fail, ck.value, ck.exact

page = os.path.join(out, "control-plane.md")
ck.files(out, ["control-plane.md"],
         ["q4-pes-sessions", "q4-pes-bytes", "q4-pes-rib", "q4-pes-pe-mem",
          "q4-pes-convergence", "q4-vms-rib", "q4-vms-bytes"])

text = open(page).read()
m1 = re.search(r"## As the PEs grow \((\d+) VMs per PE\)", text)
m2 = re.search(r"## As the VMs grow \((\d+) PEs\)", text)
if not (m1 and m2):
    print("control-plane.md: no 'As the PEs grow' / 'As the VMs grow' section")
    sys.exit(1)
M_PES, P_VMS = int(m1.group(1)), int(m2.group(1))
TOP = {"evpn-rr": 256, "vpls-bgp": 256, "evpn-mesh": 64}
seen = set()
for sect, head, hdr, rows in table_list(page):
    if hdr[0] != "design":
        continue
    pes_axis = sect.startswith("As the PEs")
    for r in rows:
        d = r[0].strip("`")
        for h, c in zip(hdr[1:], r[1:]):
            v = int(h.split()[0])
            P, M = (v, M_PES) if pes_axis else (P_VMS, v)
            T = P // 8
            w = "%s / %s / %s %s" % (sect, head, d, h)
            if c == "not run":
                if P <= TOP.get(d, 0) or d not in TOP:
                    fail("%s: not run" % w)
                continue
            seen.add(head)
            want = None
            if head == "Sessions":
                want = {"evpn-mesh": P * (P - 1) // 2,
                        "vpls-ldp": T * 28}.get(d, 2 * P + 1)
            elif head.startswith("EVPN routes advertised: type-2"):
                want = P * M
            elif head.startswith("EVPN routes advertised: type-3"):
                want = P
            elif head.startswith("Largest Loc-RIB") and d != "vpls-bgp":
                want = 8 * M + 8 if d == "evpn-rr-rtc" else P * M + P
            elif head.startswith("Loc-RIB at a reflector") and d != "vpls-bgp":
                want = P * M + P
            elif head == "Pseudowires":
                want = T * 28
            elif head.startswith("Largest MAC table") and d.startswith("evpn"):
                want = 8 * M
            elif head.startswith("Control bytes over all links") and \
                    d == "flood-learn":
                want = 0
            if want is not None:
                exact(c, want, w)
            elif head.startswith("Frames dropped by full queues"):
                if d == "flood-learn":
                    exact(c, 0, w)
                else:
                    p = value(c, w)
                    if p is not None and p[0] < 0:
                        fail("%s: %r < 0" % (w, c))
            elif head.startswith("Wall-clock"):
                value(c, w)
            else:
                p = value(c, w)
                if p is not None and p[0] <= 0:
                    fail("%s: %r, expected > 0" % (w, c))
for h in ("Sessions", "EVPN routes advertised: type-2 (MAC+IP)",
          "EVPN routes advertised: type-3 (IMET)", "Pseudowires",
          "Largest Loc-RIB at a PE (routes)", "Loc-RIB at a reflector (routes)",
          "Largest MAC table at a PE (entries)",
          "Counted memory per PE (bytes)",
          "Counted memory per route reflector (bytes)",
          "Time to converge at the start (ms)", "Messages sent",
          "Bytes sent (bytes)"):
    if h not in seen:
        fail("no table %r" % h)
ck.done()
PYEOF
