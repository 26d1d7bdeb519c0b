# scripts/studylib/q4_control.py: question 4 of the study, control-plane
# state and traffic as the PEs and the VMs grow: flood-and-learn, EVPN
# (reflectors or a full mesh, with and without RT-constrain), VPLS-LDP,
# VPLS-BGP; sessions, messages, bytes, RIB sizes, memory per PE and per
# route reflector, time to converge.
from .common import *

NUMBER = 4
PAGE = "control-plane.md"
NOTES = [
    """- **Memory per PE and per route reflector** is in results.xml only
  (`<memory><type><role>`); the control-plane page sums the types per
  role from each run's results.xml (the model's counted bytes, not the
  process's resident memory).""",
]

RRS = "spine1 spine2"
# designs: key -> (label, --set overrides, largest PE count it runs at)
Q4_DESIGNS = [
    ("flood-learn", "flood-and-learn (no control plane)",
     ["overlay.control=none"], None),
    ("evpn-rr", "EVPN, 2 route reflectors",
     ["overlay.control=evpn", "overlay.bgp.rt-constrain=false"], 256),
    ("evpn-rr-rtc", "EVPN, 2 route reflectors, RT-constrain",
     ["overlay.control=evpn", "overlay.bgp.rt-constrain=true"], None),
    ("evpn-mesh", "EVPN, full iBGP mesh of the PEs",
     ["overlay.control=evpn", "overlay.bgp.reflectors=none"], 64),
    ("vpls-ldp", "VPLS-LDP (MPLS over GRE)",
     ["overlay.control=vpls-ldp", "overlay.encap=mpls-gre"], None),
    ("vpls-bgp", "VPLS-BGP, 2 route reflectors (MPLS over GRE)",
     ["overlay.control=vpls-bgp", "overlay.encap=mpls-gre"], 256),
]
HPL = 8          # PEs per leaf
SPINES = 4
VNI_PES = 8      # PEs per VNI (VNIs = PEs / 8)
Q4_VMS = 4       # VMs per PE in the PE sweep
ROUTE_TYPES = {"fib", "nh-sets", "nh-pool", "nh-set-hash", "route-groups",
               "group-keys", "group-dists", "route-index"}
Q4_METRICS = ["sessions", "bgp_sessions", "ldp_sessions", "messages",
              "control_bytes", "control_bytes_per_pe", "bgp_updates",
              "control_link_bytes", "evpn_type2_routes", "evpn_type3_routes",
              "rib_entries_max", "rr_rib_entries", "pseudowires",
              "mac_entries_max", "pe_mem_bytes", "rr_mem_bytes",
              "convergence_max_ms", "frames_lost_convergence", "queue_drops",
              "wall_s"]


def q4_grid(quick):
    if quick:
        return {"pes": [16, 32], "vms_pes": 16, "vms": [1, 4]}
    return {"pes": [16, 64, 256, 1024], "vms_pes": 64, "vms": [1, 4, 16, 64]}


def q4_sets(H, M, extra):
    """H PEs (H / 8 leaves of 8), H / 8 VNIs of 8 PEs each (each PE hosts
    one VNI), M VMs per PE."""
    T = H // VNI_PES
    return ["topology.spines=%d" % SPINES, "topology.leaves=%d" % (H // HPL),
            "topology.hypervisors-per-leaf=%d" % HPL,
            "overlay.tenants.count=%d" % T,
            "overlay.tenants.tenants-per-hypervisor=1",
            "overlay.tenants.vms-per-tenant=%d" % (M * VNI_PES)] + extra


def fnum(v):
    return float(v) if v not in (None, "") else None


def q4_derive(row, root):
    out = {m: fnum(row.get(m)) for m in Q4_METRICS if m in row}
    bs, ls = fnum(row["bgp_sessions"]), fnum(row["ldp_sessions"])
    out["sessions"] = (bs or 0) + (ls or 0) if bs is not None or \
        ls is not None else None
    bm, lm = fnum(row["bgp_messages"]), fnum(row["ldp_messages"])
    out["messages"] = (bm or 0) + (lm or 0) if bm is not None or \
        lm is not None else None
    bb, lb = fnum(row["bgp_bytes"]), fnum(row["ldp_bytes"])
    cb = (bb or 0) + (lb or 0) if bb is not None or lb is not None else None
    out["control_bytes"] = cb
    pes = fnum(row["overlay_vteps"])
    out["control_bytes_per_pe"] = cb / pes if cb is not None and pes else None
    pe = 0.0
    rr = 0.0
    has_rr = False
    for t in root.find("memory").findall("type"):
        for r in t.findall("role"):
            if r.get("name") == "hypervisor":
                pe += float(r.get("mean-bytes"))
            elif r.get("name") == "spine" and t.get("name") not in ROUTE_TYPES:
                rr += float(r.get("max-bytes"))
                has_rr = True
    out["queue_drops"] = sum(int(d.get("frames"))
                             for d in root.find("drops").findall("drop")
                             if d.get("reason") == "queue")
    out["pe_mem_bytes"] = pe
    out["rr_mem_bytes"] = rr if has_rr else None
    return out


def merge2(parts, columns, path):
    out = []
    header_out = None
    point = 0
    for values, src in parts:
        header, rows = read_csv(src)
        if header_out is None:
            header_out = ["point"] + columns + header[1:]
        point += 1
        for r in rows:
            out.append([str(point)] + list(values) + r[1:])
    write_csv(path, header_out, out)
    return path


def q4_cmd(H, M, extra):
    return ("nvosim sweep scenarios/study-control.xml %s --runs R --out DIR"
            % " ".join("--set " + (s if " " not in s else
                                   s.split("=")[0] + "='" +
                                   s.split("=", 1)[1] + "'")
                       for s in q4_sets(H, M, extra)))


def question4(R, work, pages, img):
    grid = q4_grid(R.quick)
    res = {}
    cmds = []
    for kind in ("pes", "vms"):
        parts = []
        if kind == "pes":
            points = [(H, Q4_VMS) for H in grid["pes"]]
        else:
            points = [(grid["vms_pes"], M) for M in grid["vms"]]
        for key, label, extra, top in Q4_DESIGNS:
            for H, M in points:
                if top is not None and H > top:
                    continue
                d = R.sweep("study-control.xml", q4_sets(H, M, extra), [],
                            os.path.join(work, "q4", kind,
                                         "%s-H%d-M%d" % (key, H, M)),
                            "q4 %s: %s, %d PEs, %d VMs per PE" % (
                                kind, key, H, M))
                parts.append(((key, str(H), str(M)),
                              derive(d, "control.csv", Q4_METRICS,
                                     q4_derive)))
                cmds.append(q4_cmd(H, M, extra))
        merged = merge2(parts, ["design", "pes", "vms_per_pe"],
                        os.path.join(work, "q4", kind + ".csv"))
        res[kind] = R.summarize(merged, os.path.join(work, "q4",
                                                     kind + "-stats.csv"),
                                Q4_METRICS)
        res[kind + "-csv"] = merged
    pc, vc = res["pes-csv"], res["vms-csv"]
    R.plot(pc, "pes", "sessions", os.path.join(img, "q4-pes-sessions"),
           by="design", logx=True,
           title="control-plane sessions (BGP or LDP), %d VMs per PE" % Q4_VMS)
    R.plot(pc, "pes", "control_bytes", os.path.join(img, "q4-pes-bytes"),
           by="design", logx=True,
           title="control-plane bytes sent (bytes), %d VMs per PE" % Q4_VMS)
    R.plot(pc, "pes", "rib_entries_max", os.path.join(img, "q4-pes-rib"),
           by="design", logx=True,
           title="largest Loc-RIB at a PE (routes), %d VMs per PE" % Q4_VMS)
    R.plot(pc, "pes", "pe_mem_bytes", os.path.join(img, "q4-pes-pe-mem"),
           by="design", logx=True,
           title="counted memory per PE (bytes), %d VMs per PE" % Q4_VMS)
    R.plot(pc, "pes", "convergence_max_ms",
           os.path.join(img, "q4-pes-convergence"), by="design", logx=True,
           title="time to converge at start (ms), %d VMs per PE" % Q4_VMS)
    R.plot(vc, "vms_per_pe", "rib_entries_max",
           os.path.join(img, "q4-vms-rib"), by="design", logx=True,
           title="largest Loc-RIB at a PE (routes), %d PEs" % grid["vms_pes"])
    R.plot(vc, "vms_per_pe", "control_bytes",
           os.path.join(img, "q4-vms-bytes"), by="design", logx=True,
           title="control-plane bytes sent (bytes), %d PEs" % grid["vms_pes"])
    write_page(os.path.join(pages, PAGE), page4(R, res, grid, cmds))


def q4_table(stats, axis, values, metric, digits=4, designs=None):
    rows = []
    for key, label, _, _ in Q4_DESIGNS:
        if designs is not None and key not in designs:
            continue
        cells = []
        for v in values:
            st = None
            for k, x in stats.items():
                if k[0] == key and k[1 if axis == "pes" else 2] == v:
                    st = x
            cells.append(cell(st, metric, digits) if st is not None
                         else "not run")
        rows.append(["`%s`" % key] + cells)
    unit = "PEs" if axis == "pes" else "VMs/PE"
    return table(["design"] + ["%s %s" % (v, unit) for v in values],
                 rows) + "\n"


BGP = ["evpn-rr", "evpn-rr-rtc", "evpn-mesh", "vpls-bgp"]
EVPN = ["evpn-rr", "evpn-rr-rtc", "evpn-mesh"]
RR = ["evpn-rr", "evpn-rr-rtc", "vpls-bgp"]
PLANES = ["evpn-rr", "evpn-rr-rtc", "evpn-mesh", "vpls-ldp", "vpls-bgp"]


def page4(R, res, grid, cmds):
    P, V = res["pes"], res["vms"]
    pes = [str(h) for h in grid["pes"]]
    vms = [str(m) for m in grid["vms"]]
    H2 = grid["vms_pes"]
    out = ["# Question 4: control-plane state and traffic\n",
           generated_note(R)]
    out.append("""How much state and traffic does each control plane cost as the PEs and
the VMs grow? `scenarios/study-control.xml`: a leaf-spine of %d spines
and %d PEs per leaf, H PEs in all; H / %d VNIs of %d PEs each (each PE
hosts one VNI, `tenants-per-hypervisor="1"`, so a VNI's PEs are spread
over the leaves) and M VMs per PE. The control plane starts at 0 and
runs for 5 s of simulated time (TCP resends what the start's bursts
lost after its 200 ms minimum RTO and the LDP and BGP timers); flows of
one UDP packet between VMs of a VNI at 4 s give flood-and-learn its
MACs. The route reflectors are `spine1` and `spine2` (every PE a client
of both, the reflectors meshed); the links' control queues are the
default 64 KiB.

Designs:

%s

Measures, per run (summary.csv unless said):

- **sessions**: `bgp_sessions` (Established) or `ldp_sessions`
  (OPERATIONAL) at the end;
- **messages**, **bytes**: `bgp_messages` + `ldp_messages` and
  `bgp_bytes` + `ldp_bytes`, sent by all speakers (LDP's Hellos
  included), and those bytes per PE; `control_link_bytes` the control
  bytes summed over every link they crossed;
- **routes**: `evpn_type2_routes`, `evpn_type3_routes` advertised,
  `rib_entries_max` the largest Loc-RIB of the plane's routes at a PE,
  `rr_rib_entries` at a reflector; `pseudowires` (directions up / 2);
  `mac_entries_max` the largest MAC table of a PE;
- **memory**: results.xml `<memory>`: per PE the sum over every type of
  the hypervisors' mean bytes (MAC table, EVPN or VPLS state, BGP RIB
  and Adj-RIB-Out, TCP connections); per reflector the sum over the
  non-routing types of the spines' largest bytes (the reflectors are
  the only spines with control-plane state; each type's largest spine,
  so with two alike reflectors the bytes of one);
- **time to converge**: `convergence_max_ms`, from the start to the last
  control-plane change (a best-path change or an LDP label message).

A cell is `mean ± 95%% confidence half-width (n = runs)`; "not run" is a
grid point the design was not run at (below); "–" a missing value (no
sessions without a control plane).
""" % (SPINES, HPL, VNI_PES, VNI_PES,
       "\n".join("- `%s`: %s" % (k, lab) for k, lab, _, _ in Q4_DESIGNS)))
    out.append("## As the PEs grow (%d VMs per PE)\n" % Q4_VMS)
    out.append("### Sessions\n")
    out.append(q4_table(P, "pes", pes, "sessions", 6, PLANES))
    out.append("![sessions](img/q4-pes-sessions.png)\n")
    out.append("### Messages sent\n")
    out.append(q4_table(P, "pes", pes, "messages", 5, PLANES))
    out.append("### Bytes sent (bytes)\n")
    out.append(q4_table(P, "pes", pes, "control_bytes", 4, PLANES))
    out.append("![bytes](img/q4-pes-bytes.png)\n")
    out.append("### Bytes sent per PE (bytes)\n")
    out.append(q4_table(P, "pes", pes, "control_bytes_per_pe", 4, PLANES))
    out.append("### Control bytes over all links (bytes)\n")
    out.append(q4_table(P, "pes", pes, "control_link_bytes", 4))
    out.append("### EVPN routes advertised: type-2 (MAC+IP)\n")
    out.append(q4_table(P, "pes", pes, "evpn_type2_routes", 6, EVPN))
    out.append("### EVPN routes advertised: type-3 (IMET)\n")
    out.append(q4_table(P, "pes", pes, "evpn_type3_routes", 6, EVPN))
    out.append("### Largest Loc-RIB at a PE (routes)\n")
    out.append(q4_table(P, "pes", pes, "rib_entries_max", 6, BGP))
    out.append("![RIB](img/q4-pes-rib.png)\n")
    out.append("### Loc-RIB at a reflector (routes)\n")
    out.append(q4_table(P, "pes", pes, "rr_rib_entries", 6, RR))
    out.append("### Pseudowires\n")
    out.append(q4_table(P, "pes", pes, "pseudowires", 6,
                        ["vpls-ldp", "vpls-bgp"]))
    out.append("### Largest MAC table at a PE (entries)\n")
    out.append(q4_table(P, "pes", pes, "mac_entries_max", 5))
    out.append("### Counted memory per PE (bytes)\n")
    out.append(q4_table(P, "pes", pes, "pe_mem_bytes", 4))
    out.append("![memory per PE](img/q4-pes-pe-mem.png)\n")
    out.append("### Counted memory per route reflector (bytes)\n")
    out.append(q4_table(P, "pes", pes, "rr_mem_bytes", 4, RR))
    out.append("### Time to converge at the start (ms)\n")
    out.append(q4_table(P, "pes", pes, "convergence_max_ms", 4, PLANES))
    out.append("![convergence](img/q4-pes-convergence.png)\n")
    out.append("### Frames dropped by full queues\n")
    out.append("results.xml `<drops><drop reason=\"queue\">`, frames "
               "of any class (the data is one packet per flow, at 4 s; "
               "flood-and-learn, with no control plane, drops none):\n")
    out.append(q4_table(P, "pes", pes, "queue_drops", 5))
    out.append("### Wall-clock time per run (s)\n")
    out.append("`wall_s` of sweep.csv: what one run of each grid point "
               "took on this machine (2 cores shared with other work), "
               "two runs at a time:\n")
    out.append(q4_table(P, "pes", pes, "wall_s", 3))
    out.append("## As the VMs grow (%d PEs)\n" % H2)
    out.append("%d PEs, %d VNIs of %d PEs, M VMs per PE.\n" % (
        H2, H2 // VNI_PES, VNI_PES))
    out.append("### Largest Loc-RIB at a PE (routes)\n")
    out.append(q4_table(V, "vms", vms, "rib_entries_max", 6, BGP))
    out.append("![RIB](img/q4-vms-rib.png)\n")
    out.append("### Loc-RIB at a reflector (routes)\n")
    out.append(q4_table(V, "vms", vms, "rr_rib_entries", 6, RR))
    out.append("### Messages sent\n")
    out.append(q4_table(V, "vms", vms, "messages", 5, PLANES))
    out.append("### Bytes sent (bytes)\n")
    out.append(q4_table(V, "vms", vms, "control_bytes", 4, PLANES))
    out.append("![bytes](img/q4-vms-bytes.png)\n")
    out.append("### Largest MAC table at a PE (entries)\n")
    out.append(q4_table(V, "vms", vms, "mac_entries_max", 5))
    out.append("### Counted memory per PE (bytes)\n")
    out.append(q4_table(V, "vms", vms, "pe_mem_bytes", 4))
    out.append("### Counted memory per route reflector (bytes)\n")
    out.append(q4_table(V, "vms", vms, "rr_mem_bytes", 4, RR))
    out.append("### Time to converge at the start (ms)\n")
    out.append(q4_table(V, "vms", vms, "convergence_max_ms", 4, PLANES))
    out.append(q4_reading(P, V, pes, vms, H2))
    out.append("## Regenerating\n\n`scripts/study` runs one sweep per "
               "design and grid point (no `--vary`: the PEs, VNIs and VMs "
               "per VNI change together), derives the columns above from "
               "each run's summary.csv and results.xml, merges them into "
               "one sweep-shaped CSV per axis (columns `design`, `pes`, "
               "`vms_per_pe`) and runs `nvosim summarize` and `nvosim "
               "plot` on it:\n\n```\n" + "\n".join(cmds) + "\n```\n")
    out.append("""## Scope and limitations

- **Not run**: EVPN without RT-constrain and VPLS-BGP above 256 PEs
  (every Loc-RIB holds every route: at 1,024 PEs millions of entries,
  docs/performance.md "Control-plane scale benchmark" measures 2 GiB at
  300 PEs for its shape); the full iBGP mesh above 64 PEs (n(n − 1)/2
  sessions, 32,640 at 256 PEs, each PE's routes sent on every one of
  them: left out to keep the full study within minutes). Flood-and-learn, RT-constrained EVPN and VPLS-LDP
  (whose sessions are only between PEs that share a VSI: 8 per VSI here)
  run at 1,024.
- Each VNI spans 8 PEs; a VNI on every PE (docs/performance.md's VPLS
  benchmark) makes VPLS-LDP's sessions n(n − 1)/2 over all the PEs.
- VPLS-LDP's LDP state (sessions, label mappings, pseudowires) has no
  memory type of its own: its memory row counts its TCP connections, MAC
  table and VM index only, so it is not comparable with the BGP rows.
- Memory is the model's counted bytes (docs/memory.md): the glib hash
  tables and the allocator's overhead are not in it, and a real speaker
  keeps more per route (policy, history). The reflector's figure is the
  largest spine per type.
- The start only: no VM moves, withdrawals, failures or refreshes in
  the 5 s (question 7 is convergence after events); no MRAI (0 s, FRR's
  iBGP default), no processing delay per message.
""")
    return "\n".join(out)


def q4_get(stats, design, h=None, m=None, metric="sessions"):
    for k, x in stats.items():
        if k[0] == design and (h is None or k[1] == h) and \
                (m is None or k[2] == m):
            return num(x, metric)
    return None


def q4_slow(P, at, c):
    slow = [d for d, v in c.items() if v is not None and v >= 200]
    if not slow:
        return ""
    drops = {d: q4_get(P, d, at, str(Q4_VMS), "queue_drops") for d in slow}
    if not all(v for v in drops.values()):
        return ""
    return (" The designs that take hundreds of milliseconds (%s) had "
            "frames dropped by full queues (%s frames, the queue-drop "
            "table; flood-and-learn, with the same data, drops none): "
            "control segments lost at the start, which TCP resends "
            "(docs/tcp.md: a minimum RTO of 200 ms, doubled on each loss): "
            "the time is the retransmission timer's, not the protocol's "
            "work." % (", ".join("`%s`" % d for d in slow),
                       ", ".join("%s %s" % (d, g(v, 5))
                                 for d, v in drops.items())))


def q4_reading(P, V, pes, vms, H2):
    M = str(Q4_VMS)
    lines = ["## Reading\n"]
    at = "256" if "256" in pes else pes[-1]
    mesh_at = max((h for h in pes if q4_get(P, "evpn-mesh", h, M)
                   is not None), key=int)
    s_rr = q4_get(P, "evpn-rr", mesh_at, M)
    s_mesh = q4_get(P, "evpn-mesh", mesh_at, M)
    if None not in (s_rr, s_mesh):
        lines.append(
            "- **Sessions.** At %s PEs two reflectors need %s BGP sessions "
            "(2 per PE and one between them), a full mesh %s (n(n − 1)/2); "
            "VPLS-LDP %s, since only PEs that share a VSI talk (8 per VSI "
            "here)." % (mesh_at, g(s_rr, 6), g(s_mesh, 6),
                        g(q4_get(P, "vpls-ldp", mesh_at, M) or float("nan"),
                          6)))
    r_rr = q4_get(P, "evpn-rr", at, M, "rib_entries_max")
    r_rtc = q4_get(P, "evpn-rr-rtc", at, M, "rib_entries_max")
    b_rr = q4_get(P, "evpn-rr", at, M, "control_bytes")
    b_rtc = q4_get(P, "evpn-rr-rtc", at, M, "control_bytes")
    if None not in (r_rr, r_rtc, b_rr, b_rtc):
        lines.append(
            "- **RT-constrain.** Without it every PE's Loc-RIB holds every "
            "route of every VNI: %s routes at %s PEs, against %s with "
            "RT-constrain (its own VNI's routes only), and the speakers "
            "send %s bytes against %s (%s times less). The reflectors "
            "still hold every route." % (
                g(r_rr, 6), at, g(r_rtc, 6), g(b_rr, 4), g(b_rtc, 4),
                g(b_rr / b_rtc, 3)))
    m_fl = q4_get(P, "flood-learn", at, M, "pe_mem_bytes")
    m_rr = q4_get(P, "evpn-rr", at, M, "pe_mem_bytes")
    m_rtc = q4_get(P, "evpn-rr-rtc", at, M, "pe_mem_bytes")
    m_ldp = q4_get(P, "vpls-ldp", at, M, "pe_mem_bytes")
    if None not in (m_fl, m_rr, m_rtc, m_ldp):
        lines.append(
            "- **Memory per PE** at %s PEs: %s bytes with flood-and-learn "
            "(its MAC table and VM index), %s with EVPN and reflectors, %s with "
            "RT-constrain, %s with VPLS-LDP (TCP and MAC table only: its "
            "LDP state is not counted)." % (
                at, g(m_fl, 4), g(m_rr, 4), g(m_rtc, 4), g(m_ldp, 4)))
    c = {d: q4_get(P, d, at, M, "convergence_max_ms") for d in PLANES}
    if all(c[d] is not None for d in ("evpn-rr", "evpn-rr-rtc", "vpls-ldp")):
        lines.append(
            "- **Convergence** at the start, %s PEs: %s." % (
                at, ", ".join("`%s` %s ms" % (d, g(v, 4))
                              for d, v in c.items() if v is not None)) +
            q4_slow(P, at, c))
    rv = [(m, q4_get(V, "evpn-rr", str(H2), m, "rib_entries_max"))
          for m in vms]
    if all(v is not None for _, v in rv):
        lines.append(
            "- **VMs.** The EVPN Loc-RIB grows with the VMs: on %d PEs "
            "%s routes per PE; flood-and-learn's MAC tables grow too, but "
            "only with the MACs that actually send." % (
                H2, " → ".join("%s (%s VMs/PE)" % (g(v, 6), m)
                               for m, v in rv)))
    seed = ("- **Against the seed.** The seed calls VPLS a kludge (a "
            "full mesh of pseudowires) and says doing MPLS properly needs "
            "BGP on the hypervisors. The pseudowire rows are the full mesh, "
            "n(n − 1)/2 per VSI")
    bl = q4_get(P, "vpls-ldp", at, M, "control_bytes_per_pe")
    br = q4_get(P, "evpn-rr", at, M, "control_bytes_per_pe")
    bt = q4_get(P, "evpn-rr-rtc", at, M, "control_bytes_per_pe")
    if None not in (bl, br, bt):
        seed += (", but with VSIs of 8 PEs VPLS-LDP %s at %s PEs: %s bytes "
                 "sent per PE against %s for EVPN with reflectors (%s with "
                 "RT-constrain)" % (
                     "sends the fewest control bytes per PE" if bl < min(br, bt)
                     else "is not the cheapest", at, g(bl, 4), g(br, 4),
                     g(bt, 4)))
    seed += (". What grows with the PEs is BGP's state when every route "
             "goes everywhere (EVPN or VPLS-BGP without RT-constrain: the "
             "Loc-RIB rows), which RT-constrain removes at the PEs but not "
             "at the reflectors. Flood-and-learn needs no sessions at all, "
             "at the price of question 3's flooding.")
    lines.append(seed)
    return "\n".join(lines) + "\n"


run = question4
