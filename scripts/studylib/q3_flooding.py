# scripts/studylib/q3_flooding.py: question 3 of the study, the cost of
# flooding BUM frames as the PEs and the VNIs grow: multicast 1:1 and N:1
# (PIM-SM, BIDIR-PIM), ingress replication, VPLS's full mesh, EVPN with
# and without ARP suppression, and an NLB tenant; copies, BUM bytes per
# tier, multicast state, unwanted deliveries.
from .common import *

NUMBER = 3
PAGE = "flooding.md"
NOTES = [
    """- **BUM bytes per tier** and the **(*,G) / (S,G)** split of the
  multicast state are in results.xml only (`<overlay><bum-tier>`,
  `<multicast><switch star-g s-g>`); the flooding page reads them from
  each run's results.xml.  Copies and unwanted deliveries per BUM frame
  are derived (`bum_copies` / `bum_frames`).""",
]

# designs: key -> (label, --set overrides, largest PE count it runs at)
Q3_DESIGNS = [
    ("ir", "ingress replication (flood-and-learn)",
     ["overlay.flood=ingress-replication", "overlay.control=none"], None),
    ("sm-1to1", "multicast PIM-SM, 1:1 (a group per VNI)",
     ["overlay.flood=multicast", "overlay.groups=per-vni", "overlay.pim=sm"],
     None),
    ("bidir-1to1", "multicast BIDIR-PIM, 1:1",
     ["overlay.flood=multicast", "overlay.groups=per-vni",
      "overlay.pim=bidir"], None),
    ("sm-Nto1", "multicast PIM-SM, N:1 (every VNI on one group)",
     ["overlay.flood=multicast", "overlay.groups=1", "overlay.pim=sm"], None),
    ("bidir-Nto1", "multicast BIDIR-PIM, N:1",
     ["overlay.flood=multicast", "overlay.groups=1", "overlay.pim=bidir"],
     None),
    ("vpls-ldp", "VPLS-LDP full mesh (MPLS over GRE)",
     ["overlay.control=vpls-ldp", "overlay.encap=mpls-gre"], None),
    ("evpn", "EVPN, no ARP suppression (ingress replication)",
     ["overlay.control=evpn", "overlay.bgp.arp-suppression=false"], None),
    ("evpn-arpsup", "EVPN with ARP suppression",
     ["overlay.control=evpn", "overlay.bgp.arp-suppression=true"], None),
    ("nlb", "NLB tenant (ingress replication, flood-and-learn)",
     ["overlay.flood=ingress-replication", "overlay.control=none",
      "overlay.nlb.tenant=0"], None),
]
LABEL = {k: lab for k, lab, _, _ in Q3_DESIGNS}
HPL = 8          # hypervisors (PEs) per leaf
SPINES = 4
Q3_VNIS = 4      # VNIs in the PE sweep
TIERS = ["access-up", "fabric-up", "fabric-down", "access-down"]
Q3_METRICS = ["bum_frames", "bum_copies", "copies_per_bum", "bum_link_bytes",
              "bum_bytes_per_frame"] + \
    ["bum_bytes_" + t.replace("-", "_") for t in TIERS] + \
    ["mcast_state_entries", "star_g_entries", "s_g_entries", "s_g_per_bum",
     "bum_unwanted_deliveries", "unwanted_per_bum", "arp_requests",
     "arp_suppressed", "arp_suppressed_fraction", "nlb_frames",
     "pseudowires", "evpn_type3_routes", "wall_s"]


def q3_grid(quick):
    if quick:
        return {"pes": [16, 64], "vni_pes": 16, "vnis": [1, 4]}
    return {"pes": [16, 64, 256, 1024], "vni_pes": 64,
            "vnis": [1, 2, 4, 8, 16, 32]}


def q3_sets(H, T, key, extra):
    """--set overrides: H PEs (H / 8 leaves of 8), T VNIs, each PE hosting
    one VNI (tenants-per-hypervisor 1: VNI t on the PEs p with p mod T =
    t), one VM per hosting PE (H / T VMs per VNI)."""
    V = H // T
    s = ["topology.spines=%d" % SPINES, "topology.leaves=%d" % (H // HPL),
         "topology.hypervisors-per-leaf=%d" % HPL,
         "overlay.tenants.count=%d" % T,
         "overlay.tenants.tenants-per-hypervisor=1",
         "overlay.tenants.vms-per-tenant=%d" % V] + extra
    if key == "nlb":
        s.append("overlay.nlb.vms=%d" % max(2, V // 2))
    return s


def fnum(v):
    return float(v) if v not in (None, "") else None


def q3_derive(row, root):
    ov = root.find("overlay")
    frames = fnum(row["bum_frames"]) or 0
    copies = fnum(row["bum_copies"])
    unw = fnum(row["bum_unwanted_deliveries"])
    out = {
        "bum_frames": int(frames),
        "bum_copies": int(copies) if copies is not None else None,
        "copies_per_bum": copies / frames if frames and copies is not None
        else None,
        "bum_link_bytes": fnum(row["bum_link_bytes"]),
        "bum_bytes_per_frame": (fnum(row["bum_link_bytes"]) or 0) / frames
        if frames else None,
        "bum_unwanted_deliveries": unw,
        "unwanted_per_bum": unw / frames if frames and unw is not None
        else None,
        "mcast_state_entries": fnum(row["mcast_state_entries"]),
        "arp_requests": fnum(row["arp_requests"]),
        "arp_suppressed": fnum(row["arp_suppressed"]),
        "pseudowires": fnum(row["pseudowires"]),
        "evpn_type3_routes": fnum(row["evpn_type3_routes"]),
        "wall_s": fnum(row["wall_s"]),
    }
    req, sup = out["arp_requests"], out["arp_suppressed"]
    out["arp_suppressed_fraction"] = sup / req if req and sup is not None \
        else None
    for t in TIERS:
        out["bum_bytes_" + t.replace("-", "_")] = 0
    for bt in ov.findall("bum-tier"):
        if bt.get("name") in TIERS:
            out["bum_bytes_" + bt.get("name").replace("-", "_")] = \
                int(bt.get("bytes"))
    vt = ov.find("vm-traffic")
    out["nlb_frames"] = int(vt.get("nlb-frames")) if vt is not None else None
    mc = ov.find("multicast")
    if mc is not None:
        sg = sum(int(s.get("s-g")) for s in mc.findall("switch"))
        out["star_g_entries"] = sum(int(s.get("star-g"))
                                    for s in mc.findall("switch"))
        out["s_g_entries"] = sg
        out["s_g_per_bum"] = sg / frames if frames else None
    return out


def merge2(parts, columns, path):
    """Sweep-shaped CSVs of one point each, PARTS = [(values, csv)], into
    one with COLUMNS (the values) as the varied columns, a point each."""
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


def q3_cmd(H, T, key, extra):
    return ("nvosim sweep scenarios/study-flooding.xml %s --runs R --out DIR"
            % " ".join("--set " + s for s in q3_sets(H, T, key, extra)))


def question3(R, work, pages, img):
    grid = q3_grid(R.quick)
    res = {}
    cmds = []
    for kind in ("pes", "vnis"):
        parts = []
        if kind == "pes":
            points = [(H, Q3_VNIS) for H in grid["pes"]]
        else:
            points = [(grid["vni_pes"], T) for T in grid["vnis"]]
        for key, label, extra, top in Q3_DESIGNS:
            for H, T in points:
                if top is not None and H > top:
                    continue
                d = R.sweep("study-flooding.xml", q3_sets(H, T, key, extra),
                            [], os.path.join(work, "q3", kind,
                                             "%s-H%d-T%d" % (key, H, T)),
                            "q3 %s: %s, %d PEs, %d VNIs" % (kind, key, H, T))
                parts.append(((key, str(H), str(T)),
                              derive(d, "flooding.csv", Q3_METRICS,
                                     q3_derive)))
                cmds.append(q3_cmd(H, T, key, extra))
        merged = merge2(parts, ["design", "pes", "vnis"],
                        os.path.join(work, "q3", kind + ".csv"))
        res[kind] = R.summarize(merged, os.path.join(work, "q3",
                                                     kind + "-stats.csv"),
                                Q3_METRICS)
        res[kind + "-csv"] = merged
    pc = res["pes-csv"]
    R.plot(pc, "pes", "copies_per_bum", os.path.join(img, "q3-pes-copies"),
           by="design", logx=True,
           title="BUM copies put on links per BUM frame (%d VNIs)" % Q3_VNIS)
    R.plot(pc, "pes", "bum_link_bytes", os.path.join(img, "q3-pes-bytes"),
           by="design", logx=True,
           title="BUM bytes over all links (bytes), %d VNIs" % Q3_VNIS)
    R.plot(pc, "pes", "mcast_state_entries",
           os.path.join(img, "q3-pes-mcast-state"), by="design", logx=True,
           title="multicast state entries, (*,G) + (S,G) (%d VNIs)" % Q3_VNIS)
    vc = res["vnis-csv"]
    R.plot(vc, "vnis", "unwanted_per_bum",
           os.path.join(img, "q3-vnis-unwanted"), by="design", logx=True,
           title="unwanted deliveries per BUM frame (%d PEs)" % grid["vni_pes"])
    R.plot(vc, "vnis", "copies_per_bum", os.path.join(img, "q3-vnis-copies"),
           by="design", logx=True,
           title="BUM copies per BUM frame (%d PEs)" % grid["vni_pes"])
    write_page(os.path.join(pages, PAGE), page3(R, res, grid, cmds))


def keys_of(stats, design, col):
    """The grid values (as text) of COL (1: pes, 2: vnis) that DESIGN ran."""
    vals = sorted({k[col] for k in stats if k[0] == design}, key=int)
    return vals


def q3_table(stats, axis, values, metric, digits=4, designs=None):
    """Rows: designs; columns: the AXIS values (pes or vnis)."""
    rows = []
    for key, label, _, _ in Q3_DESIGNS:
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
    hdr = ["design"] + ["%s %s" % (v, "PEs" if axis == "pes" else "VNIs")
                        for v in values]
    return table(hdr, rows) + "\n"


def page3(R, res, grid, cmds):
    P, V = res["pes"], res["vnis"]
    pes = [str(h) for h in grid["pes"]]
    vnis = [str(t) for t in grid["vnis"]]
    H2 = grid["vni_pes"]
    mcast = ["sm-1to1", "bidir-1to1", "sm-Nto1", "bidir-Nto1"]
    out = ["# Question 3: flooding cost\n", generated_note(R)]
    out.append("""What does flooding a broadcast, an unknown unicast or an ARP request
cost as the PEs and the VNIs grow, per flooding design?
`scenarios/study-flooding.xml`: a leaf-spine of %d spines and %d PEs
(hypervisors) per leaf, H PEs in all (H / %d leaves); T VNIs, each PE
hosting exactly one (`tenants-per-hypervisor="1"`: VNI t on the PEs p
with p mod T = t, so each VNI spans n = H / T PEs spread over the
leaves), one VM per hosting PE. Each VM resolves its flow's destination
with ARP: one broadcast request per VM that starts a flow (Poisson
arrivals, 2,000 flows/s per VM for 1 ms from 5 ms: the number of
senders varies from run to run); with the NLB design the first half of
VNI 0's VMs form a unicast-mode NLB cluster, and every frame to its MAC
is an unknown unicast that floods. The spine `spine1` is the RP of
every group and, with EVPN, the route reflector.

Designs (`design` in the tables, the `--set` overrides in
"Regenerating"):

%s

Measures, per run:

- **copies per BUM frame**: `bum_copies` / `bum_frames` (summary.csv):
  the BUM frames put on links (the ingress PE's replicas plus, with
  multicast, the switches' copies and PIM-SM's Registers) per BUM frame
  a VM sent; with ingress replication each copy then crosses 2 or 4
  links, with multicast each copy is one link;
- **BUM bytes**: `bum_link_bytes`, bytes (framing included) of BUM frames
  summed over every link they crossed, and per tier from results.xml
  `<overlay><bum-tier>`;
- **multicast state**: `mcast_state_entries`, (*,G) + (S,G) entries
  summed over the switches at the end, split from results.xml
  `<multicast><switch star-g s-g>`;
- **unwanted deliveries**: `bum_unwanted_deliveries`, BUM copies that
  reached a PE hosting no VM of their VNI, per BUM frame;
- **ARP**: `arp_requests` the VMs sent, `arp_suppressed` the PEs answered
  from EVPN bindings.

A cell is `mean ± 95%% confidence half-width (n = runs)`; "not run" is a
grid point the design was not run at (below); a missing value is "–".
""" % (SPINES, HPL, HPL, "\n".join("- `%s`: %s" % (k, lab)
                                   for k, lab, _, _ in Q3_DESIGNS)))
    out.append("## Flooding as the PEs grow (%d VNIs)\n" % Q3_VNIS)
    out.append("Copies put on links per BUM frame:\n")
    out.append(q3_table(P, "pes", pes, "copies_per_bum", 5))
    out.append("![copies per BUM frame](img/q3-pes-copies.png)\n")
    out.append("### BUM bytes over all links (bytes)\n")
    out.append(q3_table(P, "pes", pes, "bum_link_bytes", 4))
    out.append("![BUM bytes](img/q3-pes-bytes.png)\n")
    out.append("### BUM bytes per BUM frame (bytes)\n")
    out.append(q3_table(P, "pes", pes, "bum_bytes_per_frame", 5))
    big = pes[-1]
    out.append("### BUM bytes per tier at %s PEs (bytes)\n" % big)
    out.append(q3_tier_table(P, "pes", big))
    mid = "256" if "256" in pes else pes[-1]
    if mid != big:
        out.append("### BUM bytes per tier at %s PEs (bytes)\n" % mid)
        out.append(q3_tier_table(P, "pes", mid))
    out.append("### Multicast state: (*,G) entries\n")
    out.append(q3_table(P, "pes", pes, "star_g_entries", 5, mcast))
    out.append("### Multicast state: (S,G) entries per BUM frame\n")
    out.append("Every source PE sends one ARP request in these runs, so "
               "this is (S,G) entries per source:\n")
    out.append(q3_table(P, "pes", pes, "s_g_per_bum", 4, mcast))
    out.append("### Multicast state: (*,G) + (S,G) entries\n")
    out.append(q3_table(P, "pes", pes, "mcast_state_entries", 5, mcast))
    out.append("![multicast state](img/q3-pes-mcast-state.png)\n")
    out.append("### Unwanted deliveries per BUM frame\n")
    out.append(q3_table(P, "pes", pes, "unwanted_per_bum", 4))
    out.append("### ARP requests sent and suppressed\n")
    out.append("ARP requests the VMs sent:\n")
    out.append(q3_table(P, "pes", pes, "arp_requests", 4))
    out.append("The fraction the PEs answered from EVPN bindings "
               "(`arp_suppressed` / `arp_requests`):\n")
    out.append(q3_table(P, "pes", pes, "arp_suppressed_fraction", 4,
                        ["evpn", "evpn-arpsup"]))
    out.append("Frames to the NLB cluster MAC (results.xml `<vm-traffic "
               "nlb-frames>`) and all BUM frames of the NLB design:\n")
    out.append(table(["measure"] + ["%s PEs" % h for h in pes],
                     [["`%s`" % m] + [cell(P.get(("nlb", h, str(Q3_VNIS))), m)
                                      for h in pes]
                      for m in ("nlb_frames", "bum_frames")]) + "\n")
    out.append("VPLS pseudowires (`pseudowires`) and EVPN type-3 routes "
               "(`evpn_type3_routes`):\n")
    out.append(table(["measure"] + ["%s PEs" % h for h in pes],
                     [["`%s` %s" % (d, m)] +
                      [cell(P.get((d, h, str(Q3_VNIS))), m) if
                       P.get((d, h, str(Q3_VNIS))) else "not run"
                       for h in pes]
                      for d, m in (("vpls-ldp", "pseudowires"),
                                   ("evpn", "evpn_type3_routes"))]) + "\n")
    out.append("### Wall-clock time per run (s)\n")
    out.append("`wall_s` of sweep.csv: what one run of each grid point "
               "took on this machine (2 cores shared with other work), "
               "two runs at a time:\n")
    out.append(q3_table(P, "pes", pes, "wall_s", 3))
    out.append("## Flooding as the VNIs grow (%d PEs)\n" % H2)
    out.append("The same designs on %d PEs with T VNIs of %d / T PEs "
               "each. Copies per BUM frame:\n" % (H2, H2))
    out.append(q3_table(V, "vnis", vnis, "copies_per_bum", 5))
    out.append("![copies per BUM frame](img/q3-vnis-copies.png)\n")
    out.append("### Unwanted deliveries per BUM frame\n")
    out.append(q3_table(V, "vnis", vnis, "unwanted_per_bum", 4))
    out.append("![unwanted deliveries](img/q3-vnis-unwanted.png)\n")
    out.append("### BUM bytes per BUM frame (bytes)\n")
    out.append(q3_table(V, "vnis", vnis, "bum_bytes_per_frame", 5))
    out.append("### Multicast state: (*,G) entries\n")
    out.append(q3_table(V, "vnis", vnis, "star_g_entries", 5, mcast))
    out.append("### Multicast state: (*,G) + (S,G) entries\n")
    out.append(q3_table(V, "vnis", vnis, "mcast_state_entries", 5, mcast))
    out.append(q3_reading(P, V, pes, vnis, H2))
    out.append("## Regenerating\n\n`scripts/study` runs one sweep per "
               "design and grid point (no `--vary`: the PE count and the "
               "VMs per VNI change together), derives the columns above "
               "from each run's summary.csv and results.xml, merges them "
               "into one sweep-shaped CSV per axis (columns `design`, "
               "`pes`, `vnis`) and runs `nvosim summarize` and `nvosim "
               "plot` on it:\n\n```\n" + "\n".join(cmds) + "\n```\n")
    out.append("""## Scope and limitations

%s- The BUM traffic is ARP (one request per VM that sends) and NLB frames:
  no broadcast or multicast background (`<bum>`), no MAC aging during
  the run, no VM moves. The flows are one UDP packet each, so the known
  unicast they cause is small; the page is about the flood, not the
  data.
- One RP (`spine1`) for every group; no RP placement study, no SPT
  switchover at the last hops (docs/multicast.md, "Scope and
  Limitations"); IPv4 underlay only.
- Each PE hosts one VNI (`tenants-per-hypervisor="1"`), VNIs spread
  evenly over the leaves; other placements (VNIs packed per leaf)
  change the tree sizes and the per-tier bytes.
""" % q3_scale_note(P, pes))
    return "\n".join(out)


def q3_scale_note(P, pes):
    top = pes[-1]
    pw = q3_get(P, "vpls-ldp", top, str(Q3_VNIS), "pseudowires")
    t3 = q3_get(P, "evpn", top, str(Q3_VNIS), "evpn_type3_routes")
    w = [q3_get(P, d, top, str(Q3_VNIS), "wall_s")
         for d in ("vpls-ldp", "evpn")]
    text = ("- Every design runs at every grid point, up to %s PEs" %
            "{:,}".format(int(top)))
    if None not in (pw, t3) and None not in w:
        text += (": at %s PEs VPLS-LDP sets up %s pseudowires (4 VSIs) "
                 "and EVPN advertises %s type-3 routes, in %s s and %s s "
                 "per run" % ("{:,}".format(int(top)), g(pw, 7), g(t3, 6),
                              g(w[0], 3), g(w[1], 3)))
    return text + (". docs/performance.md (\"Control-plane scale "
                   "benchmark\") has what a VNI on every PE costs; question "
                   "4 has the control planes' cost.\n")


def q3_tier_table(stats, axis, v):
    rows = []
    for key, label, _, _ in Q3_DESIGNS:
        st = None
        for k, x in stats.items():
            if k[0] == key and k[1 if axis == "pes" else 2] == v:
                st = x
        if st is None:
            rows.append(["`%s`" % key] + ["not run"] * len(TIERS))
            continue
        rows.append(["`%s`" % key] + [cell(st, "bum_bytes_" +
                                           t.replace("-", "_"), 4)
                                      for t in TIERS])
    return table(["design"] + ["`%s`" % t for t in TIERS], rows) + "\n"


def q3_get(stats, design, h=None, t=None, metric="copies_per_bum"):
    for k, x in stats.items():
        if k[0] == design and (h is None or k[1] == h) and \
                (t is None or k[2] == t):
            return num(x, metric)
    return None


def q3_reading(P, V, pes, vnis, H2):
    T = str(Q3_VNIS)
    lo, hi = pes[0], pes[-1]
    lines = ["## Reading\n"]
    ir_lo, ir_hi = q3_get(P, "ir", lo, T), q3_get(P, "ir", hi, T)
    sm_lo, sm_hi = q3_get(P, "sm-1to1", lo, T), q3_get(P, "sm-1to1", hi, T)
    b_ir = q3_get(P, "ir", hi, T, "bum_bytes_per_frame")
    b_bi = q3_get(P, "bidir-1to1", hi, T, "bum_bytes_per_frame")
    if None not in (ir_lo, ir_hi, sm_lo, sm_hi):
        lines.append(
            "- **Copies.** Ingress replication sends %s copies per BUM frame "
            "from the ingress PE at %s PEs and %s at %s PEs (n − 1: the "
            "flood list of a VNI of n PEs); every copy crosses the sender's "
            "access link, so the sender's NIC and access link carry n − 1 "
            "frames per flood. Multicast puts one copy on each link of the "
            "tree: %s and %s per BUM frame at those sizes, but the PE sends "
            "one." % (g(ir_lo, 4), lo, g(ir_hi, 4), hi, g(sm_lo, 4),
                      g(sm_hi, 4)))
    if None not in (b_ir, b_bi):
        lines.append(
            "- **Bytes.** At %s PEs a flood costs %s bytes over all links "
            "with ingress replication and %s with BIDIR-PIM (%s times "
            "less): the multicast tree crosses each fabric link once, "
            "ingress replication crosses the fabric once per receiving PE." % (
                hi, g(b_ir, 4), g(b_bi, 4), g(b_ir / b_bi, 3)))
    st_sm = q3_get(P, "sm-1to1", hi, T, "mcast_state_entries")
    st_bi = q3_get(P, "bidir-1to1", hi, T, "mcast_state_entries")
    if None not in (st_sm, st_bi):
        lines.append(
            "- **State.** The price is state in the fabric: at %s PEs "
            "BIDIR-PIM keeps %s (*,G) entries for %s VNIs (one per leaf "
            "with a member and one at the RP, per group); PIM-SM adds two "
            "(S,G) per source, %s entries in all: its state grows with the "
            "number of sending PEs, not the number of VNIs." % (
                hi, g(st_bi, 5), T, g(st_sm, 5)))
    un = [(t, q3_get(V, "bidir-Nto1", str(H2), t, "unwanted_per_bum"))
          for t in vnis]
    st1 = q3_get(V, "bidir-1to1", str(H2), vnis[-1], "star_g_entries")
    stn = q3_get(V, "bidir-Nto1", str(H2), vnis[-1], "star_g_entries")
    if all(u is not None for _, u in un) and None not in (st1, stn):
        lines.append(
            "- **N:1.** Mapping every VNI to one group keeps the (*,G) "
            "state at %s entries at %s VNIs (1:1: %s), but every PE then "
            "receives every VNI's floods: on %d PEs the unwanted "
            "deliveries per BUM frame go %s as the VNIs grow (H − H / T), "
            "against 0 for 1:1 multicast, ingress replication, VPLS and "
            "EVPN, whose flood lists are exact." % (
                g(stn, 4), vnis[-1], g(st1, 4), H2,
                " → ".join("%s (T = %s)" % (g(u, 4), t) for t, u in un)))
    same = {d: all(q3_get(P, d, h, T) == q3_get(P, "ir", h, T)
                   and q3_get(P, d, h, T) is not None for h in pes)
            for d in ("vpls-ldp", "evpn", "nlb")}
    at = pes[min(len(pes) - 1, 2)]
    sup = q3_get(P, "evpn-arpsup", at, T, "bum_frames")
    req = q3_get(P, "evpn-arpsup", at, T, "arp_requests")
    if sup is not None and req is not None:
        lines.append(
            "- **ARP suppression.** With EVPN's ARP suppression the PEs "
            "answered %s ARP requests (mean) themselves at %s PEs and "
            "flooded %s BUM frames; without suppression EVPN %s." % (
                g(req, 4), at, g(sup, 3),
                "floods with the same copies per frame as ingress "
                "replication at every PE count: its type-3 routes build the "
                "same flood lists" if same["evpn"] else
                "floods with other copies per frame than ingress "
                "replication (the tables)"))
    nl = q3_get(P, "nlb", hi, T, "nlb_frames")
    nlc = q3_get(P, "nlb", hi, T)
    nb = q3_get(P, "nlb", hi, T, "bum_link_bytes")
    ib = q3_get(P, "ir", hi, T, "bum_link_bytes")
    if None not in (nl, nlc, nb, ib):
        lines.append(
            "- **NLB.** The NLB cluster's MAC is never learned, so every "
            "frame to it floods: %s frames to the cluster (mean) at %s PEs, "
            "each %s copies like an ARP request, and the BUM bytes over all "
            "links are %s against %s without the cluster, from "
            "one packet per flow; the flood lasts as long as the clients "
            "send. A control plane cannot advertise a MAC that no one "
            "sources, so EVPN would flood these frames too." % (
                g(nl, 4), hi, g(nlc, 4), g(nb, 4), g(ib, 4)))
    seed = ("- **Against the seed.** The seed says VXLAN without a control "
            "plane pushes flooding into IP multicast in the core, and calls "
            "VPLS a kludge (a full mesh of pseudowires). The multicast "
            "rows confirm the core then holds state, (*,G) per member leaf "
            "and group and, with PIM-SM, (S,G) per source")
    if None not in (st_sm, st_bi):
        seed += " (%s and %s entries at %s PEs)" % (g(st_bi, 5), g(st_sm, 5),
                                                    hi)
    seed += ("; but ingress replication needs no multicast at all, at "
             "the price of n − 1 copies from the ingress PE")
    if same["vpls-ldp"]:
        seed += (", and VPLS's full mesh floods with exactly the same "
                 "copies per frame as ingress replication at every PE "
                 "count: as a flood, the pseudowire mesh is just a flood "
                 "list, and its cost is in the control plane (question 4)")
    seed += (". What removes the ARP floods is EVPN's ARP suppression, "
             "a control plane on the PEs; N:1 group sharing, the usual "
             "answer to too many groups, brings the unwanted deliveries "
             "above.")
    lines.append(seed)
    return "\n".join(lines) + "\n"


run = question3
