# scripts/studylib/q7_convergence.py: question 7 of the study, convergence
# after a VM move, a link failure, a PE failure and a route-reflector
# failure, per control plane (flood-and-learn, EVPN, VPLS-LDP, VPLS-BGP),
# with MRAI and processing-delay variations: the event's convergence time
# (results.xml <control><event>) and the frames lost.
from .common import *

NUMBER = 7
PAGE = "convergence.md"
NOTES = [
    """- **Convergence per event**: summary.csv's `convergence_max_ms` is the
  largest over every control event, the run's start included; the study
  reads the one added event's `convergence-us` from results.xml
  `<control><event>` (printed with 6 significant digits: 10 us
  resolution at 2 s).""",
    """- **Frames lost to convergence**: `frames_lost_convergence` sums, over
  a run's control events, the VMs' flow frames lost to the forwarding
  state (failed links and nodes, missing routes) or misdelivered (to the
  old PE after a move); results.xml `<control><event>` has them per event
  with the frames the ingress PE flooded and those queues dropped
  (docs/outputs.md). Frames are charged to the latest event at or before
  their creation, so a frame on a link when it fails counts for the run's
  start.""",
]

SCEN = "study-convergence.xml"
PLANES = ["none", "evpn", "vpls-ldp", "vpls-bgp"]
BGP_PLANES = ["evpn", "vpls-bgp"]
CTRL_PLANES = ["evpn", "vpls-ldp", "vpls-bgp"]
EVENT_AT = "1s"
EVENTS = [
    ("move", "VM move (VM 0, hv1-1 to hv4-2)",
     ["overlay.move[1].vm=0", "overlay.move[1].to=hv4-2",
      "overlay.move[1].at=" + EVENT_AT]),
    ("link", "link failure (leaf1 to spine1)",
     ["events.link-down.a=leaf1", "events.link-down.b=spine1",
      "events.link-down.at=" + EVENT_AT]),
    ("pe", "PE failure (hv1-1)",
     ["events.node-down.node=hv1-1", "events.node-down.at=" + EVENT_AT]),
    ("rr", "RR failure (rr1 of rr1, rr2)",
     ["events.node-down.node=rr1", "events.node-down.at=" + EVENT_AT]),
]
MRAI = ["0s", "100ms", "1s"]
PROC = ["0s", "10us", "100us", "1ms"]
PROC_EVENTS = ["move", "pe"]
# The hand-checked case: tests/test_control.c's star (1 spine that is the
# reflector, 2 leaves, 1 hypervisor each, 40 / 10 Gb/s links of 500 ns),
# one tenant of 2 VMs, VM 0 moves to hv2-1 at 1 ms; the flows start after
# the move has converged.
STAR_SETS = ["topology.file=../topologies/leaf-spine-small.xml",
             "topology.spines=1", "topology.leaves=2",
             "topology.hypervisors-per-leaf=1", "overlay.encap=vxlan",
             "overlay.tenants.count=1", "overlay.tenants.vms-per-tenant=2",
             "overlay.bgp.reflectors=spine1", "overlay.move[1].vm=0",
             "overlay.move[1].to=hv2-1", "overlay.move[1].at=1ms",
             "run.duration=2ms", "traffic.flows.start=1500us",
             "overlay.control=evpn"]
STAR_PROC = ["0s", "10us"]

METRICS = ["convergence_ms", "frames_lost_convergence", "lost_live",
           "lost_failed", "frames_dropped",
           "link_down_drops", "no_route_drops", "node_down_drops",
           "ev_sent", "ev_lost_forwarding", "ev_misdelivered", "ev_flooded",
           "ev_lost_queue"]
# The added event's flow frames (results.xml <event>), by fate.
EV_ATTRS = [("ev_sent", "frames-sent"),
            ("ev_lost_forwarding", "frames-lost-forwarding"),
            ("ev_misdelivered", "frames-misdelivered"),
            ("ev_flooded", "frames-flooded"),
            ("ev_lost_queue", "frames-lost-queue")]

# Why a cell has no convergence time: the case does not apply, or the
# plane counts no control-plane change for it (docs/control-planes.md).
NA = {
    "none": "flood-and-learn has no control plane, so no convergence "
            "event (the data plane relearns from frames)",
    ("vpls-ldp", "rr"): "VPLS-LDP has no reflectors (a full mesh of "
                        "targeted LDP sessions); rr1 carries nothing",
    ("evpn", "link"): "no control-plane change: the underlay reroutes, "
                      "every BGP session survives",
    ("vpls-bgp", "link"): "no control-plane change: the underlay reroutes, "
                          "every BGP session survives",
    ("vpls-ldp", "link"): "no control-plane change: the underlay reroutes, "
                          "every LDP session survives",
    ("vpls-bgp", "move"): "no control-plane change: BGP-signalled VPLS "
                          "(RFC 4761) has no MAC withdraw; the new PE's "
                          "RARP, flooded over the pseudowires, moves the "
                          "MAC (data plane)",
    ("vpls-ldp", "pe"): "no change counted: the LDP sessions to the dead "
                        "PE expire with no label message, and nvosim "
                        "counts only label messages as LDP changes",
}


def na_reason(plane, ev):
    if plane == "none":
        return NA["none"]
    return NA.get((plane, ev), "no control-plane change counted")


def flow_losses(sweep_dir, failed):
    """(packets lost by flows between live hypervisors, by flows to or
    from FAILED) from a run's flows.csv."""
    def fn(row, root):
        path = os.path.join(sweep_dir, "runs", "P%s-R%s" % (
            row["point"], row["run"]), "flows.csv")
        header, rows = read_csv(path)
        i_s, i_d, i_x = (header.index(c) for c in ("src", "dst", "drops"))
        live = dead = 0
        for r in rows:
            if failed in (r[i_s], r[i_d]):
                dead += int(r[i_x])
            else:
                live += int(r[i_x])
        vals = q7_derive(row, root)
        vals["lost_live"] = live
        vals["lost_failed"] = dead if failed else None
        return vals
    return fn


def q7_derive(row, root):
    conv = None
    fates = {}
    ctl = root.find("control")
    if ctl is not None:
        for e in ctl.findall("event"):
            if e.get("kind") == "start":
                continue
            if e.get("convergence-us"):
                conv = float(e.get("convergence-us")) / 1000.0
            fates = {m: int(e.get(a)) for m, a in EV_ATTRS}
    drops = {d.get("reason"): int(d.get("frames"))
             for d in root.find("drops").findall("drop")}
    lost = row.get("frames_lost_convergence", "")
    return dict(fates, **{
        "convergence_ms": conv,
        "frames_lost_convergence": int(lost) if lost != "" else None,
        "frames_dropped": int(row["frames_dropped"]),
        "link_down_drops": drops.get("link-down", 0),
        "no_route_drops": drops.get("no-route", 0),
        "node_down_drops": drops.get("node-down", 0),
    })


def proc_sets(d):
    return ["overlay.bgp.proc-delay=" + d, "overlay.ldp.proc-delay=" + d]


def us(t):
    """A time such as 10us, 1ms, 0s in microseconds (a string)."""
    for suf, f in (("us", 1), ("ms", 1000), ("s", 1000000)):
        if t.endswith(suf) and t[:-len(suf)].replace(".", "").isdigit():
            return "%g" % (float(t[:-len(suf)]) * f)
    raise ValueError(t)


def question7(R, work, pages, img):
    res = {"main": {}, "mrai": {}, "proc": {}}
    base = os.path.join(work, "q7")
    for ev, _, sets in EVENTS:
        d = R.sweep(SCEN, sets, [("overlay.control", PLANES)],
                    os.path.join(base, "main", ev), "q7 %s" % ev)
        c = derive(d, "q7.csv", METRICS,
                   flow_losses(d, "hv1-1" if ev == "pe" else None))
        res["main"][ev] = (c, R.summarize(c, os.path.join(base, "main",
                                                        ev + "-stats.csv"),
                                          METRICS))
    for ev in PROC_EVENTS:
        sets = dict((e, s) for e, _, s in EVENTS)[ev]
        d = R.sweep(SCEN, sets, [("overlay.control", BGP_PLANES),
                                 ("overlay.bgp.mrai", MRAI)],
                    os.path.join(base, "mrai", ev), "q7 %s, MRAI" % ev)
        c = derive(d, "q7.csv", METRICS, q7_derive)
        res["mrai"][ev] = (c, R.summarize(c, os.path.join(
            base, "mrai", ev + "-stats.csv"), METRICS))
        parts = []
        for p in PROC:
            d = R.sweep(SCEN, sets + proc_sets(p),
                        [("overlay.control", CTRL_PLANES)],
                        os.path.join(base, "proc", ev, "P" + us(p)),
                        "q7 %s, processing delay %s" % (ev, p))
            parts.append((us(p), derive(d, "q7.csv", METRICS, q7_derive)))
        m = merge_sweeps(parts, "proc_delay_us",
                         os.path.join(base, "proc", ev + ".csv"))
        res["proc"][ev] = (m, R.summarize(m, os.path.join(
            base, "proc", ev + "-stats.csv"), METRICS))
    d = R.sweep(SCEN, STAR_SETS, [("overlay.bgp.proc-delay", STAR_PROC)],
                os.path.join(base, "star"), "q7 hand-checked star")
    m = derive(d, "q7.csv", METRICS, q7_derive)
    res["star"] = R.summarize(m, os.path.join(base, "star-stats.csv"),
                              METRICS)
    for ev in PROC_EVENTS:
        R.plot(res["proc"][ev][0], "proc_delay_us", "convergence_ms",
               os.path.join(img, "q7-procdelay-%s" % ev),
               by="overlay.control", logx=False,
               title="%s: convergence (ms) against the processing delay "
                     "per message (us)" % dict((e, t) for e, t, _ in EVENTS)[ev])
    R.plot(res["mrai"]["move"][0], "overlay.bgp.mrai", "convergence_ms",
           os.path.join(img, "q7-mrai-move"), by="overlay.control",
           title="VM move: convergence (ms) against the MRAI")
    R.plot(res["mrai"]["pe"][0], "overlay.bgp.mrai", "convergence_ms",
           os.path.join(img, "q7-mrai-pe"), by="overlay.control",
           title="PE failure: convergence (ms) against the MRAI")
    write_page(os.path.join(pages, PAGE), page7(R, res))


def conv_cell(st, plane, ev, digits=5):
    if st is None:
        return "not run"
    if int(st.get("convergence_ms_n", "0") or 0) == 0:
        return "n/a: " + na_reason(plane, ev)
    return cell(st, "convergence_ms", digits)


def lost_cell(st, plane, metric="frames_lost_convergence"):
    if st is None:
        return "not run"
    if int(st.get(metric + "_n", "0") or 0) == 0:
        if plane == "none":
            return "n/a: no control plane"
        return "– (n=0)"
    return cell(st, metric)


def page7(R, res):
    ev_title = dict((e, t) for e, t, _ in EVENTS)
    out = ["# Question 7: convergence after a move or a failure\n",
           generated_note(R)]
    out.append("""How long does each control plane take to settle after a VM move, a
fabric link failure, a PE (hypervisor) failure and a route-reflector
failure, and how many frames are lost? `scenarios/%s`: the
dual-homed leaf-spine (`topologies/dual-homed.xml`: 2 spines, 4 leaves
in pairs, 8 hypervisors each on two leaves, 2 route reflectors `rr1`,
`rr2` hanging off the spines), 2 tenants of 8 VMs round-robin (every
hypervisor hosts one VM of each), MPLS over UDP with per-PE labels (the
same encapsulation for every plane, since VPLS needs MPLS), BGP hold
time 3 s and keepalive 1 s, LDP Hellos every 1 s with a 3 s hold and a
3 s KeepAlive time; UDP flows of 10 × 1028-byte packets, 200 flows/s
per hypervisor from 0.5 s to the end (5 s). Each run adds ONE event at
%s (`--set` below) and the study reads that event's convergence time
(the last control-plane change charged to it minus its time:
results.xml `<control><event convergence-us>`, docs/control-planes.md,
"Convergence").

A control-plane change is a Loc-RIB best-path change at a BGP speaker or
the receipt of an LDP label message. A cell is `mean ± 95%%
confidence half-width (n = runs)`; "n/a" says why a case has no
convergence time (never 0).
""" % (SCEN, EVENT_AT))
    out.append("## Convergence time by event and control plane (ms)\n")
    rows = []
    for p in PLANES:
        rows.append(["`%s`" % p] + [conv_cell(res["main"][e][1].get((p,)), p, e)
                                    for e, _, _ in EVENTS])
    out.append(table(["control"] + [t for _, t, _ in EVENTS], rows) + "\n")
    out.append("## Frames lost to convergence\n")
    out.append("`frames_lost_convergence`: the VMs' flow frames lost to "
               "the forwarding state (a failed link or node, no route) or "
               "misdelivered (to a PE that no longer hosts the VM), summed "
               "over the run's control events (the start and the added "
               "one); not frames queues dropped, not floods "
               "(docs/outputs.md). With no PE failing, every flow is "
               "between live PEs and this is, run by run, the flows.csv "
               "count of \"Tenant packets lost, per flow\" (its first "
               "column):\n")
    rows = []
    for p in PLANES:
        rows.append(["`%s`" % p] + [lost_cell(res["main"][e][1].get((p,)), p)
                                    for e, _, _ in EVENTS])
    out.append(table(["control"] + [t for _, t, _ in EVENTS], rows) + "\n")
    out.append("## The added event's frames, by fate\n")
    out.append("From results.xml `<control><event>` (docs/outputs.md): the "
               "VMs' flow frames made from the event on (until the end), "
               "those lost to the forwarding state, misdelivered, flooded "
               "by their ingress PE (the destination MAC unknown there: "
               "after a PE failure, its VMs' MACs once withdrawn) and lost "
               "to full queues:\n")
    rows = []
    for p in CTRL_PLANES:
        for e, t, _ in EVENTS:
            st = res["main"][e][1].get((p,))
            rows.append(["`%s`" % p, t] + [lost_cell(st, p, m)
                                           for m, _ in EV_ATTRS])
    out.append(table(["control", "event", "frames sent", "lost, forwarding "
                      "state", "misdelivered", "flooded", "lost, queues"],
                     rows) + "\n")
    out.append("## Tenant packets lost, per flow\n")
    out.append("From each run's flows.csv (`drops` per flow: packets sent "
               "− delivered − still in the network): the packets lost by "
               "flows between VMs on live PEs, and for the PE failure those "
               "lost by flows to or from a VM on the dead PE (which no "
               "convergence can save, floods included). The per-event "
               "counts above cannot tell live from dead endpoints, and "
               "flood-and-learn has no events, so this split stays with "
               "flows.csv:\n")
    rows = []
    for p in PLANES:
        for e, t, _ in EVENTS:
            st = res["main"][e][1].get((p,))
            rows.append(["`%s`" % p, t, cell(st, "lost_live"),
                         cell(st, "lost_failed") if e == "pe" else
                         "n/a: no PE fails in this case"])
    out.append(table(["control", "event", "lost, flows between live PEs",
                      "lost, flows to or from hv1-1"], rows) + "\n")
    out.append("## Frames dropped in the run, by reason\n")
    out.append("Every frame the run dropped (`frames_dropped`: tenant and "
               "control frames alike), and of them those a failed link held "
               "or was sent (`link-down`), those with no route (`no-route`: "
               "to a dead node's address) and those that reached a dead "
               "node (`node-down`). A PE failure's drops include every "
               "frame sent to the dead PE's VMs, after convergence too; a "
               "reflector failure's are the BGP keepalives and TCP "
               "segments the PEs still send it until their hold timers "
               "expire:\n")
    rows = []
    for p in PLANES:
        for e, t, _ in EVENTS:
            st = res["main"][e][1].get((p,))
            rows.append(["`%s`" % p, t, cell(st, "frames_dropped"),
                         cell(st, "link_down_drops"),
                         cell(st, "no_route_drops"),
                         cell(st, "node_down_drops")])
    out.append(table(["control", "event", "frames dropped", "link-down",
                      "no-route", "node-down"], rows) + "\n")
    out.append("## MRAI (BGP planes)\n")
    out.append("`overlay.bgp.mrai` (the minimum interval between UPDATEs "
               "to a peer; FRR's iBGP default 0, RFC 4271 suggests 5 s), "
               "convergence in ms:\n")
    rows = []
    for p in BGP_PLANES:
        for m in MRAI:
            rows.append(["`%s`" % p, m] + [
                conv_cell(res["mrai"][e][1].get((p, m)), p, e)
                for e in PROC_EVENTS])
    out.append(table(["control", "MRAI"] + [ev_title[e] for e in PROC_EVENTS],
                     rows) + "\n")
    out.append("![MRAI, VM move](img/q7-mrai-move.png)\n")
    out.append("![MRAI, PE failure](img/q7-mrai-pe.png)\n")
    out.append("## Processing delay per message\n")
    out.append("`overlay.bgp.proc-delay` and `overlay.ldp.proc-delay` "
               "together (every speaker handles one message at a time, in "
               "arrival order), convergence in ms:\n")
    rows = []
    for p in CTRL_PLANES:
        for d in PROC:
            rows.append(["`%s`" % p, "%s us" % us(d)] + [
                conv_cell(res["proc"][e][1].get((us(d), p)), p, e)
                for e in PROC_EVENTS])
    out.append(table(["control", "processing delay"] +
                     [ev_title[e] for e in PROC_EVENTS], rows) + "\n")
    out.append("![processing delay, VM move](img/q7-procdelay-move.png)\n")
    out.append("![processing delay, PE failure](img/q7-procdelay-pe.png)\n")
    out.append("## A move worked out by hand\n")
    out.append("""The star of `tests/test_control.c` (`evpn_move_convergence`), made
from the same scenario with `--set` (below): one spine (the
reflector), two leaves, one hypervisor on each, 40 Gb/s fabric and
10 Gb/s access links of 500 ns, one tenant of 2 VMs, VXLAN, EVPN; VM 0
moves from hv1-1 to hv2-1 at 1 ms, the flows start at 1.5 ms. The last
change is hv1-1 installing the new MAC+IP route: the RARP ahead of the
UPDATE on hv2-1's uplink ((92 + 24) × 8 / 10 Gb/s = 92.8 ns), the
UPDATE's 169-byte frame to the reflector (193 × 0.8 + 500 + 193 × 0.2 +
500 ns) and the reflected 183-byte frame to hv1-1 (207 × 0.2 + 500 +
207 × 0.8 + 500 ns): 2492.8 ns = 0.0024928 ms. With 10 us per message
at every speaker, hv1-1's withdrawal reaches the reflector first and is
processed first: 32,353 ns (the test's comment has the sum).

""")
    rows = []
    for d, want in zip(STAR_PROC, ("0.0024928", "0.032353")):
        rows.append([d, want,
                     cell(res["star"].get((d,)), "convergence_ms", 6)])
    out.append(table(["processing delay", "by hand (ms)", "measured (ms)"],
                     rows) + "\n")
    out.append(q7_reading(res))
    cmds = []
    for e, _, sets in EVENTS:
        cmds.append("nvosim sweep scenarios/%s %s \\\n    --vary "
                    "overlay.control=%s --runs R --out DIR" % (
                        SCEN, " ".join("--set " + s for s in sets),
                        ",".join(PLANES)))
    for e in PROC_EVENTS:
        sets = dict((x, s) for x, _, s in EVENTS)[e]
        cmds.append("nvosim sweep scenarios/%s %s \\\n    --vary "
                    "overlay.control=%s --vary overlay.bgp.mrai=%s "
                    "--runs R --out DIR" % (
                        SCEN, " ".join("--set " + s for s in sets),
                        ",".join(BGP_PLANES), ",".join(MRAI)))
        cmds.append("# for D in %s:\nnvosim sweep scenarios/%s %s \\\n"
                    "    --set overlay.bgp.proc-delay=D --set "
                    "overlay.ldp.proc-delay=D \\\n    --vary overlay.control=%s "
                    "--runs R --out DIR" % (
                        " ".join(PROC), SCEN,
                        " ".join("--set " + s for s in sets),
                        ",".join(CTRL_PLANES)))
    cmds.append("nvosim sweep scenarios/%s %s \\\n"
                "    --vary overlay.bgp.proc-delay=%s --runs R --out DIR" % (
                    SCEN, " ".join("--set " + s for s in STAR_SETS),
                    ",".join(STAR_PROC)))
    out.append("## Regenerating\n\n`scripts/study --only 7` runs these "
               "sweeps, reads each run's added event from results.xml and "
               "its drops by reason, writes them as sweep-shaped CSVs and "
               "runs `nvosim summarize` and `nvosim plot` on them:\n\n```\n"
               + "\n".join(cmds) + "\n```\n")
    out.append("""## Scope and limitations

- One event per run, at 1 s, on one small fabric (8 PEs, 2 tenants);
  the runs differ in their seed (which VM sends to which, and when).
- A failure is noticed only by timers: BGP and LDP hold timers of 3 s
  (no BFD, no next-hop tracking of the underlay), so a PE failure's
  convergence is the hold time minus the time since the dead PE's last
  message (its peers' last keepalive from it came when the sessions
  formed, 1 s of keepalive interval earlier).
- What counts as a change: a BGP Loc-RIB best-path change or an LDP
  label message processed (docs/control-planes.md); a VPLS-LDP move's is
  the new PE's MAC Address Withdraw (`<ldp mac-withdraw="list">`, the
  default) at each peer. A VPLS PE that loses
  a session drops the pseudowire's label state with no message, which is
  not counted; flood-and-learn has no control events at all: its
  "convergence" is the data plane relearning a MAC from the next frame,
  which nvosim does not time.
- A change is charged to the latest event at or before it: with a large
  MRAI an UPDATE held back from the start can land after the added
  event and be charged to it.
- The underlay reroutes a failed link after `convergence-delay` (1 ms,
  docs/scenarios.md) whatever the control plane; frames sent into the
  link meanwhile are the `link-down` drops.
- A VM moves to a hypervisor of its tenant as a live migration: added on
  the new PE before it leaves the old one.
""")
    return "\n".join(out)


def q7_reading(res):
    def mean(which, ev, key):
        st = res[which][ev][1].get(key)
        return num(st, "convergence_ms") if st else None
    lines = ["## Reading\n"]
    mv = mean("main", "move", ("evpn",))
    pe = {p: mean("main", "pe", (p,)) for p in BGP_PLANES}
    rr = {p: mean("main", "rr", (p,)) for p in BGP_PLANES}
    lm = mean("main", "move", ("vpls-ldp",))
    if mv is not None:
        txt = ("- **A VM move** converges in %s ms with EVPN: one UPDATE "
               "through a reflector, tens of microseconds on this fabric."
               % g(mv, 4))
        if lm is not None:
            txt += (" VPLS-LDP takes %s ms: the new PE's MAC Address "
                    "Withdraw (RFC 4762 6.2) over its targeted LDP "
                    "sessions, no reflector in between." % g(lm, 4))
        txt += (" BGP-signalled VPLS has no control-plane step for it "
                "(RFC 4761 has no MAC withdraw): the new PE's RARP moves "
                "the MAC in the other PEs' tables as flood-and-learn does.")
        lines.append(txt)
    if all(v is not None for v in pe.values()):
        lines.append(
            "- **A PE failure** takes %s ms (EVPN) and %s ms (VPLS-BGP): "
            "the reflectors' hold timer (3 s) runs from the dead PE's last "
            "message (when the sessions formed, microseconds into the run; "
            "its next keepalive was due after the failure at 1 s), so it "
            "expires 2 s and some microseconds after the failure; the "
            "control plane's own speed does not "
            "matter next to the failure detection, so a real deployment "
            "needs BFD or next-hop tracking, not a faster BGP." % (
                g(pe["evpn"], 5), g(pe["vpls-bgp"], 5)))
    if all(v is not None for v in rr.values()):
        lines.append(
            "- **A reflector failure** (one of two) settles in %s ms "
            "(EVPN) and %s ms (VPLS-BGP), also at the hold timer: the "
            "paths through rr2 replace those through rr1 and the data "
            "plane does not notice (the MAC tables and flood lists keep "
            "their entries)." % (g(rr["evpn"], 5), g(rr["vpls-bgp"], 5)))
    lines.append(
        "- **A fabric link failure** is the underlay's business: no "
        "session fails and no route changes in any plane; the frames lost "
        "are those the link held or was sent before the underlay "
        "rerouted (the `link-down` drops above), charged to the start "
        "when they were on the link as it failed and to the failure when "
        "sent into it before the reroute.")
    def lost(ev, p, k):
        st = res["main"][ev][1].get((p,))
        return num(st, k) if st else None
    ll = {p: lost("link", p, "lost_live") for p in PLANES}
    pf = {p: lost("pe", p, "lost_failed") for p in PLANES}
    pl = [lost(e, p, "lost_live") for e in ("move", "pe", "rr")
          for p in PLANES]
    if None not in pl and None not in ll.values() and None not in pf.values():
        lines.append(
            "- **Tenant packets lost**: %s between live PEs after a move, "
            "a PE failure or a reflector failure, with every plane (no "
            "path between live PEs fails); %s after the link failure "
            "(%s: the packets the link held or was sent before the "
            "underlay rerouted); a PE failure loses %s packets of the "
            "flows to or from its VMs (%s): convergence does not save "
            "them, it decides when the other PEs stop counting the dead "
            "PE's MACs." % (
                "none" if max(pl) == 0 else "up to %s" % g(max(pl), 3),
                " to ".join(sorted({g(v, 4) for v in ll.values()})),
                "the same with every plane" if len(set(ll.values())) == 1
                else "depending on the plane",
                " to ".join(sorted({g(v, 5) for v in pf.values()})),
                "the same with every plane" if len(set(pf.values())) == 1
                else "depending on the plane"))
    fwd = lost("pe", "evpn", "ev_lost_forwarding")
    fl = lost("pe", "evpn", "ev_flooded")
    lf = lost("pe", "evpn", "lost_failed")
    if fwd is not None and fl is not None and lf is not None:
        lines.append(
            "- **A PE failure's frames**, by the event's own count (EVPN): "
            "%s frames toward the dead PE's VMs lost to the forwarding "
            "state (no route to it once the underlay reconverged) until "
            "the withdrawal of its routes reached their senders, then %s "
            "flooded by the senders' PEs (the MACs unknown: to the other "
            "PEs of the tenant, which drop them); flows.csv counts %s "
            "packets lost by the flows to or from its VMs, the frames "
            "on their way when it failed included." % (
                g(fwd, 5), g(fl, 5), g(lf, 5)))
    m = [mean("mrai", "move", ("evpn", x)) for x in MRAI]
    if all(v is not None for v in m):
        lines.append(
            "- **MRAI** dominates a move's convergence once it is set: "
            "%s ms with MRAI %s against %s ms with 0 (EVPN): an UPDATE "
            "waits, at the PE and at the reflector, until the interval "
            "since the last UPDATE to that peer is over." % (
                g(m[1], 5), MRAI[1], g(m[0], 4)))
    vb = [mean("mrai", "move", ("vpls-bgp", x)) for x in MRAI]
    if vb[-1] is not None and vb[0] is None:
        lines.append(
            "- The VPLS-BGP move with MRAI %s shows a time (%s ms) where "
            "there is none with 0: an UPDATE of the run's start, held back "
            "by the MRAI, changed a Loc-RIB after the move and was charged "
            "to it (Scope and limitations)." % (MRAI[-1], g(vb[-1], 4)))
    d = [mean("proc", "move", (us(x), "evpn")) for x in PROC]
    if all(v is not None for v in d):
        lines.append(
            "- **Processing delay** adds per speaker on the path, plus "
            "queueing behind other messages: a move takes %s ms with %s "
            "per message against %s ms with none (EVPN)." % (
                g(d[-1], 4), PROC[-1], g(d[0], 4)))
    lines.append(
        "- **The seed** says VXLAN without a control plane floods and that "
        "MPLS done properly needs BGP on the hypervisors. On convergence "
        "the numbers add a nuance: the BGP planes converge on a move in "
        "microseconds, while flood-and-learn and VPLS move a MAC through "
        "the data plane (the RARP) with no control-plane step at all "
        "(nvosim does not time that relearning), and on failures every "
        "plane waits for its timers: against the seed's preference for a "
        "real control plane, BGP buys nothing on a PE failure here "
        "without faster failure detection.")
    return "\n".join(lines) + "\n"


run = question7
