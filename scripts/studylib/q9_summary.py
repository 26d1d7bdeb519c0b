# scripts/studylib/q9_summary.py: question 9 of the study, the summary: every
# design the seed and its comments name, run in one scenario at one scale
# (scenarios/study-summary.xml), one row per design: the measured entropy,
# overhead, flooding, state, control traffic, convergence and CPU
# operations, and the answer to the seed's question computed from them.
from .common import *
from .q1_balance import FABRICS, PAIR_METRICS, pair_paths

NUMBER = 9
PAGE = "summary.md"
NOTES = [
    """- **CPU in operations, not cycles.** nvosim has no measured cycles per
  operation (docs/cpu.md, "Defaults and sources"); the summary runs the CPU
  model with every per-frame cost 1 cycle and every per-byte cost 0, so
  its "CPU" columns count encapsulations, BUM replicas and
  decapsulations per tenant frame. A reader's own calibration turns them
  into cycles.""",
]

SCENARIO = "study-summary.xml"

# (id, name, encap, flood, control, label): the rows of issue 11's summary.
DESIGNS = [
    ("vxlan-mcast", "VXLAN + IP multicast", "vxlan", "multicast", "none", "vni"),
    ("vxlan-ir", "VXLAN + ingress replication", "vxlan",
     "ingress-replication", "none", "vni"),
    ("vxlan-evpn", "VXLAN + EVPN", "vxlan", "ingress-replication", "evpn",
     "vni"),
    ("nvgre", "NVGRE + IP multicast", "nvgre", "multicast", "none", "vni"),
    ("stt", "STT + ingress replication", "stt", "ingress-replication",
     "none", "vni"),
    ("geneve", "Geneve + ingress replication", "geneve",
     "ingress-replication", "none", "vni"),
    ("gre-udp", "GRE-in-UDP + ingress replication", "gre-udp",
     "ingress-replication", "none", "vni"),
    ("mplsogre-vni", "MPLSoGRE, label as VNI + ingress replication",
     "mpls-gre", "ingress-replication", "none", "vni"),
    ("mplsogre-ldp", "MPLSoGRE + VPLS-LDP", "mpls-gre",
     "ingress-replication", "vpls-ldp", "per-pe"),
    ("mplsogre-bgp", "MPLSoGRE + VPLS-BGP", "mpls-gre",
     "ingress-replication", "vpls-bgp", "per-pe"),
    ("mplsoudp-evpn", "MPLSoUDP + EVPN, per-PE labels", "mpls-udp",
     "ingress-replication", "evpn", "per-pe"),
]

METRICS = ["leaf_up_jain", "leaf_up_max_over_mean", "fct_p99_us",
           "overhead_bytes_per_underlay_frame", "goodput_efficiency",
           "bum_frames", "copies_per_bum_frame", "bum_link_bytes_per_bum_frame",
           "bum_unwanted_deliveries", "mac_entries_max", "rib_entries_max",
           "pseudowires", "mcast_state_entries", "control_link_bytes",
           "start_convergence_us", "move_convergence_us", "drop_rate",
           "cpu_ops_per_frame", "encap_ops_per_frame",
           "replica_ops_per_frame", "decap_ops_per_frame"]


def _f(v):
    return float(v) if v not in (None, "") else None


def derive_row(row, root):
    tot = root.find("overlay").find("totals")
    frames = float(tot.get("vm-frames"))
    under = float(tot.get("underlay-frames-sent"))
    bum = _f(row["bum_frames"])
    conv = {"start": None, "move": None}
    ctl = root.find("control")
    if ctl is not None:
        for ev in ctl.iter("event"):
            k = ev.get("kind")
            if k in conv and ev.get("convergence-us") is not None:
                conv[k] = max(conv[k] or 0.0, float(ev.get("convergence-us")))
    out = {m: _f(row.get(m)) for m in (
        "leaf_up_jain", "leaf_up_max_over_mean", "fct_p99_us",
        "goodput_efficiency", "bum_frames", "bum_unwanted_deliveries",
        "mac_entries_max", "rib_entries_max", "pseudowires",
        "mcast_state_entries", "control_link_bytes", "drop_rate")}
    out["overhead_bytes_per_underlay_frame"] = (
        float(tot.get("encap-overhead-bytes")) / under if under else None)
    out["copies_per_bum_frame"] = (
        float(tot.get("bum-copies")) / bum if bum else None)
    out["bum_link_bytes_per_bum_frame"] = (
        _f(row["bum_link_bytes"]) / bum if bum else None)
    out["start_convergence_us"] = conv["start"]
    out["move_convergence_us"] = conv["move"]
    if frames:
        out["cpu_ops_per_frame"] = float(tot.get("cpu-cycles")) / frames
        out["encap_ops_per_frame"] = float(tot.get("cpu-encap-cycles")) / frames
        out["replica_ops_per_frame"] = (float(tot.get("cpu-replica-cycles"))
                                        / frames)
        out["decap_ops_per_frame"] = float(tot.get("cpu-decap-cycles")) / frames
    return out


def design_sets(d):
    _, _, encap, flood, control, label = d
    return ["overlay.encap=" + encap, "overlay.flood=" + flood,
            "overlay.control=" + control,
            "overlay.label=" + label]


def question9(R, work, pages, img):
    parts = []
    pparts = []
    for d in DESIGNS:
        pd = R.sweep("study-pair.xml", ["overlay.label=" + d[5]],
                     [("overlay.encap", [d[2]])],
                     os.path.join(work, "q9", "pair-" + d[0]),
                     "q9 one PE pair, " + d[1])
        pparts.append((d[0], derive(pd, "pair.csv", PAIR_METRICS,
                                    pair_paths(FABRICS[0]))))
        sd = R.sweep(SCENARIO, design_sets(d), [("overlay.encap", [d[2]])],
                     os.path.join(work, "q9", d[0]), "q9 " + d[1])
        parts.append((d[0], derive(sd, "summary9.csv", METRICS, derive_row)))
    merged = by_design(parts, os.path.join(work, "q9", "designs.csv"))
    pmerged = by_design(pparts, os.path.join(work, "q9", "pairs.csv"))
    st = R.summarize(merged, os.path.join(work, "q9", "designs-stats.csv"),
                     METRICS)
    pst = R.summarize(pmerged, os.path.join(work, "q9", "pairs-stats.csv"),
                      ["leaf_uplinks_used"])
    stats = {}
    for key, s in st.items():
        stats[key[0]] = dict(s)
    for key, s in pst.items():
        stats.setdefault(key[0], {}).update(
            {k: v for k, v in s.items() if k.startswith("leaf_uplinks_used")})
    R.plot(pmerged, "design", "leaf_uplinks_used",
           os.path.join(img, "q9-pair-paths"),
           title="leaf up-links one PE pair uses (of 4) by design")
    R.plot(merged, "design", "leaf_up_jain", os.path.join(img, "q9-jain"),
           title="leaf up-link balance (Jain) by design")
    R.plot(merged, "design", "bum_link_bytes_per_bum_frame",
           os.path.join(img, "q9-bum"),
           title="link bytes per BUM frame by design")
    R.plot(merged, "design", "control_link_bytes",
           os.path.join(img, "q9-control"),
           title="control-plane bytes on the links by design")
    write_page(os.path.join(pages, PAGE), page9(R, stats))


run = question9


def by_design(parts, path):
    """Sweep-shaped CSVs, one per design, merged with the design as the
    only varied column (the design names its encapsulation: that column
    is dropped, so nvosim summarize and plot see one dimension)."""
    merged = merge_sweeps(parts, "design", path)
    header, rows = read_csv(merged)
    k = header.index("overlay.encap")
    write_csv(merged, header[:k] + header[k + 1:],
              [r[:k] + r[k + 1:] for r in rows])
    return merged


def _m(stats, d, metric):
    return num(stats.get(d), metric)


def _na(stats, d, metric, why):
    """A cell, or n/a with the reason when the design has no such value."""
    s = stats.get(d)
    if s is None:
        return "not run"
    if int(s.get(metric + "_n", "0") or 0) == 0:
        return "n/a (%s)" % why
    return cell(s, metric)


def page9(R, stats):
    out = ["# Question 9: the summary\n", generated_note(R)]
    out.append("""Every design the seed and its comments name, in one scenario at one
scale (`scenarios/study-summary.xml`): the 4 x 4 x 4 leaf-spine (16
hypervisor PEs under 4 leaves, 4 spines, 10 Gb/s links), 4 tenants of 32
VMs spread round-robin (every tenant on every PE, 2 VMs per PE). The VMs
ARP before their first frame to an address and send broadcasts and
multicasts at 100 frames/s each; from 5 ms to 10 ms each hypervisor
offers 30% of its 10 Gb/s in 32 KB UDP flows to random VMs of the same
tenant; VM 0 moves to another leaf at 7 ms and announces itself with a
gratuitous ARP. The entropy of one PE pair is measured apart, as on
question 1's page: two VMs under different leaves exchange about 400
one-packet flows per direction (`scenarios/study-pair.xml`, with the
design's encapsulation and label mode), and the column counts the source
leaf's up-links that carried any of them (of 4). Each design is the same file with `--set overlay.encap`,
`overlay.flood`, `overlay.control` and `overlay.label`. The deeper pages
(questions 1 to 8) vary what this page holds fixed.

A cell is `mean ± 95% confidence half-width (n = runs)` over independent
replications; ± 0 means every run gave the same value; "n/a" says why a
design has no such number.

""")
    hdr1 = ["design", "encap / flood / control",
            "one PE pair: leaf up-links used (of 4)", "loaded: leaf_up_jain",
            "leaf_up_max_over_mean", "fct_p99_us",
            "overhead bytes per underlay frame", "goodput_efficiency"]
    body1 = []
    hdr2 = ["design", "BUM frames", "copies per BUM frame",
            "link bytes per BUM frame",
            "unwanted BUM deliveries", "MAC entries (max PE)",
            "control RIB entries (max PE)", "pseudowires",
            "multicast state entries"]
    body2 = []
    hdr3 = ["design", "control bytes on links", "start convergence (us)",
            "move convergence (us)", "drop_rate", "CPU ops per tenant frame",
            "encap", "replica", "decap"]
    body3 = []
    for d in DESIGNS:
        i, name = d[0], d[1]
        s = stats.get(i)
        ctl = d[4]
        body1.append([name, "`%s` / `%s` / `%s`" % (d[2], d[3], d[4]),
                      cell(s, "leaf_uplinks_used"),
                      cell(s, "leaf_up_jain"),
                      cell(s, "leaf_up_max_over_mean"),
                      cell(s, "fct_p99_us"),
                      cell(s, "overhead_bytes_per_underlay_frame"),
                      cell(s, "goodput_efficiency")])
        body2.append([name, cell(s, "bum_frames"),
                      cell(s, "copies_per_bum_frame"),
                      cell(s, "bum_link_bytes_per_bum_frame"),
                      cell(s, "bum_unwanted_deliveries"),
                      cell(s, "mac_entries_max"),
                      _na(stats, i, "rib_entries_max", "no BGP"),
                      _na(stats, i, "pseudowires", "no VPLS"),
                      _na(stats, i, "mcast_state_entries",
                          "no multicast flooding")])
        body3.append([name, cell(s, "control_link_bytes"),
                      _na(stats, i, "start_convergence_us",
                          "no control plane" if ctl == "none" else "none"),
                      _na(stats, i, "move_convergence_us",
                          "no control plane: learned from the data"
                          if ctl == "none" else
                          "BGP-signalled VPLS: relearned from the data "
                          "plane (RFC 4761 has no MAC withdraw)"),
                      cell(s, "drop_rate"), cell(s, "cpu_ops_per_frame"),
                      cell(s, "encap_ops_per_frame"),
                      cell(s, "replica_ops_per_frame"),
                      cell(s, "decap_ops_per_frame")])
    out.append("## Entropy and overhead\n\n")
    out.append(table(hdr1, body1) + "\n\n")
    out.append("![leaf up-links one PE pair uses](img/q9-pair-paths.png)\n\n")
    out.append("![leaf up-link balance by design](img/q9-jain.png)\n\n")
    out.append("## Flooding and state\n\n")
    out.append(table(hdr2, body2) + "\n\n")
    out.append("![link bytes per BUM frame](img/q9-bum.png)\n\n")
    out.append("## Control traffic, convergence and CPU operations\n\n")
    out.append(table(hdr3, body3) + "\n\n")
    out.append("![control-plane bytes](img/q9-control.png)\n\n")
    out.append("""What the columns are: `leaf_up_jain` is Jain's index of the bytes on
the 16 leaf up-links (1 = even; docs/outputs.md), `leaf_up_max_over_mean`
the busiest over the mean; "overhead bytes per underlay frame" is the
outer-header bytes the PEs added divided by the frames they sent
(unicast and BUM copies alike); `goodput_efficiency` the tenant payload
delivered over the underlay bytes the PEs sent (flooding lowers it); "link
bytes per BUM frame" the bytes that BUM frames put on all links (every
copy on every hop, framing included) divided by the BUM frames the VMs
originated; "copies per BUM frame" the copies the ingress PEs put on
the wire per BUM frame (one to the group with multicast; one per other
PE of the VNI with ingress replication or VPLS); "control RIB entries" the largest EVPN or BGP-VPLS Loc-RIB
at a PE; "pseudowires" n(n-1)/2 per VSI when all are up; "multicast
state" the (*,G) and (S,G) entries over all switches; "control bytes on
links" every BGP, LDP, PIM and IGMP byte summed over the links it crossed;
convergence is from the control-plane event (the run's start, the move)
to the last route or label change it caused (docs/control-planes.md);
"CPU ops" are encapsulations, replicas and decapsulations per tenant
frame (docs/cpu.md; counted, not timed).

""")
    out.append(reading9(stats))
    out.append("""## Regenerate

```
scripts/study --only 9
```

runs, per design, `nvosim sweep scenarios/study-summary.xml --set
overlay.flood=... --set overlay.control=... --set overlay.label=...
--vary overlay.encap=... --runs %d`, derives the columns above from each
run's summary.csv and results.xml, and summarizes them with `nvosim
summarize` (raw files under the study's work folder, `q9/`).

## Scope and limitations

- One scale (16 PEs, 128 VMs, one leaf-spine): how each column grows with
  PEs, VMs and tenants is on the pages of questions 3 and 4; how the
  fixes for NVGRE and MPLS entropy work, on question 1's.
- The MPLS rows hash the 5-tuple only (no entropy label, no GRE-key or
  inner-header hashing): the seed's case.
- STT, Geneve, GRE-in-UDP and the MPLS encapsulations cannot use the
  multicast underlay here (docs/scenarios.md: `flood="multicast"` is for
  VXLAN, VXLAN-GPE, Geneve, GRE-in-UDP and NVGRE), so they flood by
  ingress replication; Geneve and GRE-in-UDP could use either.
- A VPLS-LDP move converges when every peer has processed the new
  PE's MAC Address Withdraw; BGP-signalled VPLS relearns a moved MAC
  from the data plane (RFC 4761 has no MAC withdraw), so it has no move
  convergence; EVPN's is the MAC-mobility update's.
- CPU columns are operation counts (see above), not cycles or seconds.
""" % R.runs)
    return "".join(out)


def reading9(stats):
    """The answer to the seed's question: every claim is computed from the
    tables' means and intervals (two means differ only where their 95%
    intervals do not overlap); a claim whose numbers are missing is left
    out."""
    def m(d, metric):
        return _m(stats, d, metric)

    def ci(d, metric):
        return num(stats.get(d), metric, "ci95") or 0.0

    def differ(a, b, metric):
        x, y = m(a, metric), m(b, metric)
        return abs(x - y) > ci(a, metric) + ci(b, metric)

    def have(pairs):
        return all(m(d, k) is not None for d, k in pairs)

    out = ["## Reading: could MPLS over IP replace VXLAN or NVGRE?\n\n"]
    answer = []
    P = "leaf_uplinks_used"
    if have([(d, P) for d in ("vxlan-ir", "nvgre", "mplsogre-vni",
                              "mplsoudp-evpn")]):
        pv, pn, pm, pu = (m("vxlan-ir", P), m("nvgre", P),
                          m("mplsogre-vni", P), m("mplsoudp-evpn", P))
        out.append(
            "- **Entropy.** One PE pair's flows use %s of the source leaf's "
            "4 up-links with MPLS over GRE (label as VNI), %s with NVGRE, "
            "%s with VXLAN and %s with MPLS over UDP." % (
                g(pm, 3), g(pn, 3), g(pv, 3), g(pu, 3)))
        J = "leaf_up_jain"
        if have([(d, J) for d in ("vxlan-ir", "mplsogre-vni")]):
            out.append(
                " Under load, with all 240 PE pairs sending, the leaf "
                "up-links' Jain index is %s for MPLS over GRE against %s "
                "for VXLAN: %s.\n" % (
                    cell(stats.get("mplsogre-vni"), J),
                    cell(stats.get("vxlan-ir"), J),
                    "a measurable difference" if differ(
                        "mplsogre-vni", "vxlan-ir", J) else
                    "the intervals overlap, so many pairs hide what one pair "
                    "shows"))
        else:
            out.append("\n")
        if pm < pv:
            answer.append(
                "with the label as VNI, MPLS over GRE gives a PE pair %s "
                "path%s where VXLAN gives %s, as the seed says (and as "
                "NVGRE, %s)" % (g(pm, 3), "" if pm == 1 else "s", g(pv, 3),
                                g(pn, 3)))
        if pu >= pv:
            answer.append(
                "MPLS over UDP gets VXLAN's entropy (%s paths) from its "
                "source port" % g(pu, 3))
    O = "overhead_bytes_per_underlay_frame"
    names = [("mplsogre-vni", "MPLS over GRE"), ("nvgre", "NVGRE"),
             ("vxlan-ir", "VXLAN"), ("mplsoudp-evpn", "MPLS over UDP"),
             ("stt", "STT")]
    if have([(d, O) for d, _ in names]):
        ov = sorted(((m(d, O), n) for d, n in names))
        out.append("- **Overhead.** Outer bytes per underlay frame: %s.\n" %
                   ", ".join("%s %s" % (n, g(v, 4)) for v, n in ov))
        if ov[0][1] == "MPLS over GRE" or ov[0][0] == m("mplsogre-vni", O):
            ties = [n for v, n in ov[1:] if v == ov[0][0]]
            answer.append("MPLS over GRE has the smallest header (%s bytes%s, "
                          "against VXLAN's %s)" % (
                              g(m("mplsogre-vni", O), 4),
                              ", as " + " and ".join(ties) if ties else "",
                              g(m("vxlan-ir", O), 4)))
    B = "bum_link_bytes_per_bum_frame"
    if have([("vxlan-mcast", B), ("vxlan-ir", B), ("mplsogre-vni", B),
             ("vxlan-ir", "bum_frames"), ("vxlan-evpn", "bum_frames")]):
        bm, bi, bg = m("vxlan-mcast", B), m("vxlan-ir", B), m("mplsogre-vni", B)
        out.append(
            "- **Flooding.** A BUM frame puts %s bytes on the links with IP "
            "multicast and %s with ingress replication (%sx); MPLS over GRE, "
            "which has no multicast group for a label here, %s. EVPN's ARP "
            "suppression takes the BUM frames from %s to %s.\n" % (
                g(bm, 4), g(bi, 4), g(bi / bm, 3), g(bg, 4),
                cell(stats.get("vxlan-ir"), "bum_frames"),
                cell(stats.get("vxlan-evpn"), "bum_frames")))
        if bi > bm and differ("vxlan-ir", "vxlan-mcast", B):
            answer.append(
                "without a multicast underlay every design floods by "
                "replication at %s times the link bytes per BUM frame"
                % g(bi / bm, 3))
    C = "control_link_bytes"
    if have([("mplsogre-ldp", "pseudowires"), ("vxlan-evpn", "rib_entries_max"),
             ("mplsogre-ldp", C), ("mplsogre-bgp", C), ("vxlan-evpn", C),
             ("mplsoudp-evpn", C)]):
        out.append(
            "- **State and control traffic.** VPLS holds %s pseudowires "
            "(4 VSIs on 16 PEs); EVPN %s routes at the largest PE. Control "
            "bytes on the links: VPLS-LDP %s, VPLS-BGP %s, EVPN over VXLAN "
            "%s and over MPLS/UDP %s.\n" % (
                g(m("mplsogre-ldp", "pseudowires"), 4),
                g(m("vxlan-evpn", "rib_entries_max"), 4),
                g(m("mplsogre-ldp", C), 4), g(m("mplsogre-bgp", C), 4),
                g(m("vxlan-evpn", C), 4), g(m("mplsoudp-evpn", C), 4)))
        answer.append(
            "doing MPLS properly takes a control plane: here VPLS-LDP's "
            "full mesh (%s pseudowires, %s control bytes), VPLS-BGP (%s) or "
            "EVPN (%s; over VXLAN %s)" % (
                g(m("mplsogre-ldp", "pseudowires"), 4),
                g(m("mplsogre-ldp", C), 4), g(m("mplsogre-bgp", C), 4),
                g(m("mplsoudp-evpn", C), 4), g(m("vxlan-evpn", C), 4)))
    if have([("vxlan-evpn", "move_convergence_us")]):
        ldp = ""
        if have([("mplsogre-ldp", "move_convergence_us")]):
            ldp = (", VPLS-LDP in %s us (the new PE's MAC Address "
                   "Withdraw)" % cell(stats.get("mplsogre-ldp"),
                                      "move_convergence_us"))
        out.append(
            "- **Convergence.** After the move EVPN converged in %s us%s; "
            "flood-and-learn and BGP-signalled VPLS have no control-plane "
            "event for it and relearn from the gratuitous ARP and the "
            "first frames (question 7).\n" % (
                cell(stats.get("vxlan-evpn"), "move_convergence_us"), ldp))
    K = "cpu_ops_per_frame"
    if have([("vxlan-ir", K), ("vxlan-mcast", K)]):
        out.append(
            "- **CPU.** Ingress replication costs %s operations per tenant "
            "frame, IP multicast %s (the difference is the replicas and "
            "their encapsulations: %s replicas per tenant frame).\n" % (
                g(m("vxlan-ir", K), 4), g(m("vxlan-mcast", K), 4),
                g(m("vxlan-ir", "replica_ops_per_frame") or 0, 4)))
    if answer:
        out.append("\n**The answer, from these numbers.** At this scale: " +
                   "; ".join(answer) + ".\n\n")
    return "".join(out)
