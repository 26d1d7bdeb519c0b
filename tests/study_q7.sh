#!/bin/sh
# tests/study_q7.sh NVOSIM SOURCE_DIR OUT_DIR: question 7 of the study
# (convergence): run scripts/study --quick --only 7 into OUT_DIR and check
# convergence.md against what the model gives exactly or bounds:
#  - the star of tests/test_control.c (made with --set): a VM move under
#    EVPN converges in 2492.8 ns = 0.0024928 ms (RARP, UPDATE and
#    reflected UPDATE serialization + 4 x 500 ns propagation), 32,353 ns
#    with 10 us of processing per message, both ± 0;
#  - "n/a" with a reason, never a number, where the case does not apply:
#    every event of flood-and-learn (no control plane), the RR failure of
#    VPLS-LDP (no reflectors), the link failure of every plane (the
#    underlay reroutes, no session fails), the move of VPLS-BGP (no MAC
#    withdraw), the PE failure of VPLS-LDP (no label message);
#  - the EVPN and VPLS-LDP moves converge in (0, 1) ms (VPLS-LDP: the new
#    PE's MAC Address Withdraw, <ldp mac-withdraw="list">), and a
#    processing delay d lengthens the VPLS-LDP move by exactly d (each
#    peer processes the one withdraw once); a PE or RR failure under EVPN
#    and VPLS-BGP in [2000, 2001] ms: the 3 s hold timer minus the 1 s
#    between the dead node's last message (when the sessions formed, well
#    under 1 ms into the run) and the failure at 1 s;
#  - MRAI M never shortens convergence, and a PE failure's is at most
#    2001 ms + M; a processing delay d lengthens the EVPN move by at least
#    2d (the reflector and the receiving PE each process the UPDATE) and
#    never shortens a VPLS-BGP PE failure's;
#  - no frame is dropped in a move run (nothing fails) nor in the RR
#    failure runs of the planes that have no reflector sessions, and no
#    tenant packet of a flow between live PEs is lost after a move, a PE
#    failure or an RR failure (flows.csv: no path between live PEs fails
#    on the dual-homed fabric);
#  - frames_lost_convergence (the per-event counts) equals flows.csv's
#    losses between live PEs, cell for cell, wherever no PE fails (every
#    flow is then between live PEs); the added event's frames: none lost
#    to queues, none to the forwarding state in a move or an RR failure,
#    none misdelivered or flooded after an RR or link failure;
#  - every number cell is "mean ± h (n=2)".
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
  NVOSIM=$nvosim python3 "$src/scripts/study" --quick --only 7 --out "$out" -j 2
  echo "study_q7: scripts/study --quick --only 7 took $(( $(date +%s) - start )) s"
fi
PYTHONPATH="$src/tests${PYTHONPATH:+:$PYTHONPATH}" exec python3 - "$out" "$runs" <<'PYEOF'
import os, re, sys
from studycheck import Checks, tables, table_list
out = sys.argv[1]
runs = int(sys.argv[2])
ck = Checks("study_q7", runs)
fail, value, between = ck.fail, ck.value, ck.between
sect = ck.section

def na(c, where):
    ck.na(c, where, "n/a: ", 20)

page = os.path.join(out, "convergence.md")
ck.files(out, ["convergence.md"],
         ["q7-mrai-move", "q7-mrai-pe", "q7-procdelay-move", "q7-procdelay-pe"])
t = tables(page)

hdr, rows = sect(t, "A move worked out by hand")
want = {"0s": 0.0024928, "10us": 0.032353}
for r in rows:
    v = value(r[2], "hand-checked move %s" % r[0])
    if v and (abs(v[0] - want[r[0]]) > 1e-9 or v[1] != 0):
        fail("hand-checked move %s: %r, expected %g ± 0" % (r[0], r[2],
                                                           want[r[0]]))
if set(r[0] for r in rows) != set(want):
    fail("hand-checked move: rows %s" % [r[0] for r in rows])

hdr, rows = sect(t, "Convergence time by event and control plane")
ev = ["move", "link", "pe", "rr"]
main = {}
for r in rows:
    main[r[0].strip("`")] = dict(zip(ev, r[1:]))
if set(main) != {"none", "evpn", "vpls-ldp", "vpls-bgp"}:
    fail("convergence table rows: %s" % sorted(main))
for e in ev:
    na(main["none"][e], "none %s" % e)
for p in ("evpn", "vpls-ldp", "vpls-bgp"):
    na(main[p]["link"], "%s link" % p)
na(main["vpls-ldp"]["rr"], "vpls-ldp rr")
na(main["vpls-bgp"]["move"], "vpls-bgp move")
na(main["vpls-ldp"]["pe"], "vpls-ldp pe")
between(main["evpn"]["move"], 1e-9, 1, "evpn move (ms)")
between(main["vpls-ldp"]["move"], 1e-9, 1, "vpls-ldp move (ms)")
for p in ("evpn", "vpls-bgp"):
    for e in ("pe", "rr"):
        between(main[p][e], 2000, 2001, "%s %s (ms)" % (p, e))

hdr, rows = sect(t, "MRAI")
mrai = {}
for r in rows:
    mrai[(r[0].strip("`"), r[1])] = r[2:]
order = ["0s", "100ms", "1s"]
ms = {"0s": 0, "100ms": 100, "1s": 1000}
prev = None
for m in order:
    v = value(mrai[("evpn", m)][0], "evpn move MRAI %s" % m)
    if v and prev is not None and v[0] < prev:
        fail("evpn move: MRAI %s shortened convergence (%g < %g)" % (m, v[0], prev))
    prev = v[0] if v else prev
for p in ("evpn", "vpls-bgp"):
    prev = None
    for m in order:
        v = between(mrai[(p, m)][1], 2000, 2001 + ms[m], "%s pe MRAI %s" % (p, m))
        if v is not None and prev is not None and v < prev:
            fail("%s pe: MRAI %s shortened convergence" % (p, m))
        prev = v if v is not None else prev

hdr, rows = sect(t, "Processing delay")
proc = {}
for r in rows:
    proc[(r[0].strip("`"), r[1])] = r[2:]
base = value(proc[("evpn", "0 us")][0], "evpn move proc 0")
for d in (10, 100, 1000):
    v = value(proc[("evpn", "%d us" % d)][0], "evpn move proc %d us" % d)
    if v and base and v[0] < base[0] + 2 * d / 1000.0:
        fail("evpn move with %d us per message: %g ms < %g + 2 x %g"
             % (d, v[0], base[0], d / 1000.0))
prev = 2000
lbase = value(proc[("vpls-ldp", "0 us")][0], "vpls-ldp move proc 0")
for d in (0, 10, 100, 1000):
    v = value(proc[("vpls-ldp", "%d us" % d)][0], "vpls-ldp move proc %d" % d)
    want = lbase[0] + d / 1000.0 if lbase else None
    if v and want is not None and abs(v[0] - want) > 1e-4 * want + 1e-7:
        fail("vpls-ldp move with %d us per message: %g ms, expected %g + %g"
             % (d, v[0], lbase[0], d / 1000.0))
    na(proc[("vpls-ldp", "%d us" % d)][1], "vpls-ldp pe proc %d" % d)
    v = between(proc[("vpls-bgp", "%d us" % d)][1], prev, 3000,
                "vpls-bgp pe proc %d us" % d)
    prev = v if v is not None else prev

hdr, rows = sect(t, "Tenant packets lost, per flow")
live = {}
for r in rows:
    p, e = r[0].strip("`"), r[1]
    live[(p, e)] = r[2]
    v = value(r[2], "lost live %s %s" % (p, e))
    if not e.startswith("link") and v and (v[0] != 0 or v[1] != 0):
        fail("lost between live PEs %s %s: %r, expected 0 ± 0" % (p, e, r[2]))
    if e.startswith("PE failure"):
        value(r[3], "lost to or from hv1-1 %s" % p)
    else:
        na(r[3], "lost to or from hv1-1 %s %s" % (p, e))
if len(rows) != 16:
    fail("lost table: %d rows, expected 16" % len(rows))

hdr, rows = sect(t, "Frames dropped in the run")
for r in rows:
    p, e = r[0].strip("`"), r[1]
    vals = [value(c, "drops %s %s" % (p, e)) for c in r[2:]]
    if e.startswith("VM move") or (e.startswith("RR failure")
                                   and p in ("none", "vpls-ldp")):
        for v, c in zip(vals, r[2:]):
            if v and (v[0] != 0 or v[1] != 0):
                fail("drops %s %s: %r, expected 0 ± 0" % (p, e, c))
if len(rows) != 16:
    fail("drops table: %d rows, expected 16" % len(rows))

hdr, rows = sect(t, "Frames lost to convergence")
flc = {}
for r in rows:
    p = r[0].strip("`")
    for e, c in zip(hdr[1:], r[1:]):
        flc[(p, e)] = c
        if p == "none":
            na(c, "frames lost none %s" % e)
        else:
            value(c, "frames lost %s %s" % (p, e))
if len(rows) != 4:
    fail("frames lost table: %d rows, expected 4" % len(rows))
# Where no PE fails every flow is between live PEs: the per-event count
# and flows.csv's say the same, run by run, so their cells are equal.
for p in ("evpn", "vpls-ldp", "vpls-bgp"):
    for e in hdr[1:]:
        if e.startswith("PE failure"):
            continue
        ck.count()
        if flc[(p, e)] != live[(p, e)]:
            fail("frames lost %s %s: %r, flows.csv between live PEs %r"
                 % (p, e, flc[(p, e)], live[(p, e)]))

hdr, rows = sect(t, "The added event's frames, by fate")
for r in rows:
    p, e = r[0].strip("`"), r[1]
    vals = [value(c, "fates %s %s %s" % (p, e, h))
            for h, c in zip(hdr[2:], r[2:])]
    if None in vals:
        continue
    sent, fwd, mis, flooded, queue = vals
    # Nothing fails on a data path in a move or a reflector failure; no
    # queue overflows anywhere (light load).
    zero = [queue]
    if e.startswith("VM move") or e.startswith("RR failure"):
        zero += [fwd]
    if e.startswith("RR failure") or e.startswith("link"):
        zero += [mis, flooded]
    for v in zero:
        ck.count()
        if v[0] != 0 or v[1] != 0:
            fail("fates %s %s: %r, expected 0 ± 0" % (p, e, r[2:]))
    ck.count()
    if sent[0] <= 0:
        fail("fates %s %s: no frames sent" % (p, e))
if len(rows) != 12:
    fail("fates table: %d rows, expected 12" % len(rows))

ck.done()
PYEOF
