# scripts/studylib/q2_overhead.py: question 2 of the study, overhead and
# MTU: bytes per frame and goodput efficiency from 64 to 9000-byte frames,
# and what a 1500-byte underlay MTU drops.
from .common import *

NUMBER = 2
PAGE = "overhead.md"
NOTES = [
    """- **Drops by reason** are in results.xml only, not in summary.csv; the
  MTU table reads them from each run's results.xml.""",
    """- **No path-MTU model**: no ICMP "packet too big", no fragmentation, no
  VM MTU setting; a frame over the underlay MTU is simply dropped.""",
]

# inner IP packet sizes P: the tenant frame is P + 14 bytes (64 .. 9000)
Q2_SIZES = ["50", "114", "242", "498", "1010", "1486", "4082", "8986"]
# around the 1500-byte underlay MTU
Q2_MTU_SIZES = ["1400", "1450", "1454", "1458", "1462", "1486", "1500"]
Q2_BIG_MTU = "9216"


def q2_derive(row, root):
    sent = float(row["overlay_frames_sent"] or 0)
    mtu = 0
    for d in root.find("drops").findall("drop"):
        if d.get("reason") == "mtu":
            mtu = int(d.get("frames"))
    over = float(row["encap_overhead_bytes"]) if row["encap_overhead_bytes"] else None
    ge = row["goodput_efficiency"]
    return {
        "overhead_bytes_per_frame": over / sent if sent and over is not None else None,
        "goodput_efficiency": float(ge) if ge != "" else None,
        "mtu_drop_fraction": mtu / sent if sent else None,
        "mtu_drops": mtu,
        "tenant_frames": int(sent),
    }


Q2_METRICS = ["overhead_bytes_per_frame", "goodput_efficiency",
              "mtu_drop_fraction", "mtu_drops", "tenant_frames"]


def question2(R, work, pages, img):
    sets = {}
    for kind, sizes, mtu in (("sizes", Q2_SIZES, Q2_BIG_MTU),
                             ("mtu1500", Q2_MTU_SIZES, "1500")):
        parts = []
        for P in sizes:
            d = R.sweep("study-overhead.xml", q2_sets(P, mtu),
                        [("overlay.encap", ENCAPS)],
                        os.path.join(work, "q2", kind, "P" + P),
                        "q2 %s: IP packets of %s bytes, MTU %s" % (kind, P, mtu))
            parts.append((str(int(P) + 14), derive(d, "frames.csv", Q2_METRICS,
                                                   q2_derive)))
        merged = merge_sweeps(parts, "tenant_frame_bytes",
                              os.path.join(work, "q2", kind + ".csv"))
        sets[kind] = R.summarize(merged, os.path.join(work, "q2",
                                                      kind + "-stats.csv"),
                                 Q2_METRICS)
        sets[kind + "-csv"] = merged
    R.plot(sets["sizes-csv"], "tenant_frame_bytes", "goodput_efficiency",
           os.path.join(img, "q2-goodput"), by="overlay.encap", logx=True,
           title="goodput efficiency by tenant frame size (MTU %s)" % Q2_BIG_MTU)
    R.plot(sets["sizes-csv"], "tenant_frame_bytes", "overhead_bytes_per_frame",
           os.path.join(img, "q2-overhead"), by="overlay.encap", logx=True,
           title="encapsulation bytes per tenant frame (MTU %s)" % Q2_BIG_MTU)
    R.plot(sets["mtu1500-csv"], "tenant_frame_bytes", "mtu_drop_fraction",
           os.path.join(img, "q2-mtu1500"), by="overlay.encap",
           title="tenant frames dropped by a 1500-byte underlay MTU")
    write_page(os.path.join(pages, "overhead.md"), page2(R, sets))


def q2_sets(P, mtu):
    return ["traffic.flows.packet.size=%s" % P,
            "traffic.flows.size.fixed=%d" % (100 * (int(P) - 28)),
            "topology.defaults.access.mtu=%s" % mtu,
            "topology.defaults.fabric.mtu=%s" % mtu]


def page2(R, sets):
    out = ["# Question 2: overhead and MTU\n", generated_note(R)]
    out.append("""What does each encapsulation cost per frame, how much of the underlay's
bytes are tenant payload, and what does an underlay with the common
1500-byte MTU drop? `scenarios/study-overhead.xml`: the small leaf-spine
(8 hypervisors), one tenant with one VM on every PE, BGP EVPN so that
every tenant frame is known unicast and encapsulated exactly once, flows
of 100 UDP packets between VMs on different PEs. The sweep sets the
tenant's IP packet size P (the tenant frame, as the VM's NIC sends it
without FCS, is P + 14 bytes) and the flow size (100 × (P − 28) payload
bytes: every packet full).

- **bytes per frame**: `encap_overhead_bytes` / `overlay_frames_sent`
  (summary.csv): the outer bytes the PEs added per tenant frame (STT:
  summed over its TSO segments);
- **goodput efficiency**: `goodput_efficiency`, tenant UDP payload
  delivered / underlay bytes the PEs sent (outer Ethernet to the end,
  no FCS, preamble or gap);
- **MTU drops**: the `mtu` drops of results.xml `<drops>` over the
  tenant frames sent, with both the access and the fabric links at MTU
  1500 (the first sweep uses %s, so that 9000-byte tenant frames fit).

A cell is `mean ± 95%% confidence half-width (n = runs)`. %s
""" % (Q2_BIG_MTU, q2_spread(sets)))
    st = sets["sizes"]
    frames = [str(int(P) + 14) for P in Q2_SIZES]
    out.append("## Bytes per tenant frame (underlay MTU %s)\n" % Q2_BIG_MTU)
    out.append(table(["encap"] + ["%s B" % f for f in frames],
                     [["`%s`" % e] + [cell(st.get((f, e)),
                                           "overhead_bytes_per_frame", 5)
                                      for f in frames] for e in ENCAPS]) + "\n")
    out.append("## Goodput efficiency (underlay MTU %s)\n" % Q2_BIG_MTU)
    out.append(table(["encap"] + ["%s B" % f for f in frames],
                     [["`%s`" % e] + [cell(st.get((f, e)),
                                           "goodput_efficiency", 5)
                                      for f in frames] for e in ENCAPS]) + "\n")
    out.append("![goodput efficiency](img/q2-goodput.png)\n")
    out.append("![bytes per tenant frame](img/q2-overhead.png)\n")
    mt = sets["mtu1500"]
    mframes = [str(int(P) + 14) for P in Q2_MTU_SIZES]
    out.append("## Tenant frames dropped by a 1500-byte underlay MTU\n")
    out.append("The fraction of tenant frames the PE's uplink dropped as "
               "over the MTU (results.xml `<drop reason=\"mtu\">` / tenant "
               "frames sent), by tenant frame size (IP packet + 14):\n")
    out.append(table(["encap"] + ["%s B" % f for f in mframes],
                     [["`%s`" % e] + [cell(mt.get((f, e)), "mtu_drop_fraction")
                                      for f in mframes] for e in ENCAPS]) + "\n")
    out.append("![MTU drops](img/q2-mtu1500.png)\n")
    out.append("## Bytes per tenant frame (underlay MTU 1500)\n")
    out.append("The same frames' overhead with the 1500-byte MTU (counted "
               "when the PE sends, so also for the frames the uplink then "
               "drops): STT's TSO cuts a frame whose STT frame (tenant frame "
               "+ 18) is over 1500 − 40 bytes into two segments, each with "
               "outer headers.\n")
    out.append(table(["encap"] + ["%s B" % f for f in mframes],
                     [["`%s`" % e] + [cell(mt.get((f, e)),
                                           "overhead_bytes_per_frame", 5)
                                      for f in mframes] for e in ENCAPS]) + "\n")
    out.append(q2_reading(st, mt, frames, mframes))
    cmds = []
    for kind, sizes, mtu in (("sizes", Q2_SIZES, Q2_BIG_MTU),
                             ("mtu1500", Q2_MTU_SIZES, "1500")):
        for P in sizes:
            cmds.append("nvosim sweep scenarios/study-overhead.xml %s \\\n"
                        "    --vary overlay.encap=%s --runs R --out DIR" % (
                            " ".join("--set " + s for s in q2_sets(P, mtu)),
                            ",".join(ENCAPS)))
    out.append("## Regenerating\n\n`scripts/study` runs these sweeps, derives "
               "the per-run columns above from each run's summary.csv and "
               "results.xml, merges them into one sweep-shaped CSV per MTU "
               "and runs `nvosim summarize` and `nvosim plot` on it:\n\n```\n"
               + "\n".join(cmds) + "\n```\n")
    out.append("""## Scope and limitations

- IPv4 underlay only (IPv6 adds 20 bytes to every encapsulation:
  `--set underlay.ip=ipv6`), no outer 802.1Q tag, defaults of each
  encapsulation (no Geneve options, no MPLS entropy label or control
  word: each adds 4 to 8 bytes, docs/encapsulations.md).
- STT's segmentation is the sender NIC's TSO at the uplink's MTU; the
  receiver's reassembly is not modelled (docs/encapsulations.md).
- Nothing in the model fragments or sends ICMP "packet too big": a frame
  over the MTU is dropped at the first link, which is what an underlay
  with DF set does to a hypervisor that does not lower its VMs' MTU.
- The efficiency counts the PEs' bytes: preamble, inter-frame gap and
  FCS (24 bytes per frame on the wire) are left out.
""")
    return "\n".join(out)


def q2_spread(sets):
    zero = all((num(x, m, "ci95") or 0) == 0
               for k in ("sizes", "mtu1500") for x in sets[k].values()
               for m in ("overhead_bytes_per_frame", "goodput_efficiency",
                         "mtu_drop_fraction") if num(x, m) is not None)
    if zero:
        return ("Every half-width is 0: the runs differ only in which VM "
                "sends to which and when, and with every packet full and "
                "none lost to a queue these ratios do not depend on that.")
    return ("Some half-widths are not 0: some runs lost frames or sent "
            "partial packets, which moves these ratios.")


def q2_reading(st, mt, frames, mframes):
    lines = ["## Reading\n"]
    small, big = frames[0], frames[-1]
    ov = {e: num(st.get((small, e)) or {}, "overhead_bytes_per_frame")
          for e in ENCAPS}
    known = {e: v for e, v in ov.items() if v is not None}
    if known:
        lo = min(known, key=known.get)
        hi = max(known, key=known.get)
        lines.append(
            "- **Overhead** per tenant frame, from %s bytes (`%s`) to %s "
            "(`%s`); `vxlan` %s, `nvgre` %s." % (
                g(known[lo], 5), lo, g(known[hi], 5), hi,
                g(known.get("vxlan", float("nan")), 5),
                g(known.get("nvgre", float("nan")), 5)))
        const = [e for e in ENCAPS
                 if len({num(st.get((f, e)) or {}, "overhead_bytes_per_frame")
                         for f in frames}) == 1]
        if len(const) == len(ENCAPS):
            lines[-1] += (" Every row is the same at every frame size: each "
                          "frame is one underlay packet at this MTU.")
        else:
            lines[-1] += (" %d of the %d rows are the same at every frame "
                          "size: %s." % (len(const), len(ENCAPS), ", ".join(
                              "`%s`" % e for e in const)))
        stt = [num(mt.get((f, "stt")) or {}, "overhead_bytes_per_frame")
               for f in mframes]
        if all(v is not None for v in stt):
            lines[-1] += (" With a 1500-byte MTU, STT's overhead per tenant "
                          "frame goes from %s to %s bytes as the frames "
                          "need a second segment." % (g(min(stt), 5),
                                                      g(max(stt), 5)))
    e_s = {e: num(st.get((small, e)) or {}, "goodput_efficiency") for e in ENCAPS}
    e_b = {e: num(st.get((big, e)) or {}, "goodput_efficiency") for e in ENCAPS}
    if all(v is not None for v in e_s.values()) and all(
            v is not None for v in e_b.values()):
        lines.append(
            "- **Goodput efficiency** of %s-byte frames ranges from %s "
            "to %s; at %s bytes every encapsulation is "
            "between %s and %s (a spread of %s, against %s at %s bytes): "
            "the header choice matters for small frames." % (
                small, g(min(e_s.values()), 4), g(max(e_s.values()), 4), big,
                g(min(e_b.values()), 4), g(max(e_b.values()), 4),
                g(max(e_b.values()) - min(e_b.values()), 2),
                g(max(e_s.values()) - min(e_s.values()), 2), small))
    passes = {}
    for e in ENCAPS:
        ok = [int(f) for f in mframes
              if (num(mt.get((f, e)) or {}, "mtu_drop_fraction") or 0) == 0
              and mt.get((f, e)) is not None]
        bad = [int(f) for f in mframes
               if (num(mt.get((f, e)) or {}, "mtu_drop_fraction") or 0) > 0]
        passes[e] = (max(ok) if ok else None, min(bad) if bad else None)
    desc = []
    for e in ENCAPS:
        ok, bad = passes[e]
        if bad is None:
            desc.append("`%s` drops none" % e)
        else:
            desc.append("`%s` passes %s and drops %s-byte frames" % (
                e, ok if ok else "none", bad))
    lines.append(
        "- **A 1500-byte underlay MTU**: %s. A VM with the usual 1500-byte "
        "IP MTU (a %s-byte frame) loses every full-size frame with every "
        "encapsulation that does not segment: the underlay needs an MTU of "
        "at least 1500 + the outer IP and encapsulation headers (or the VMs "
        "a smaller MTU). STT's TSO cuts each frame into segments that fit, "
        "at the price of a second set of headers." % (
            "; ".join(desc), mframes[-1]))
    ov_b = {e: num(st.get((small, e)) or {}, "overhead_bytes_per_frame")
            for e in ("vxlan", "mpls-gre", "mpls-ip")}
    if all(v is not None for v in ov_b.values()) and all(
            e_s.get(e) is not None and e_b.get(e) is not None
            for e in ("vxlan", "mpls-ip")):
        lines.append(
            "- The seed does not argue about overhead, and the numbers say "
            "it need not: MPLS over GRE and MPLS in IP save %s and %s bytes "
            "per frame against VXLAN, which raises the goodput efficiency "
            "of %s-byte frames from %s to %s and of %s-byte frames from %s "
            "to %s: not a reason to choose an encapsulation." % (
                g(ov_b["vxlan"] - ov_b["mpls-gre"], 3),
                g(ov_b["vxlan"] - ov_b["mpls-ip"], 3),
                small, g(e_s["vxlan"], 4), g(e_s["mpls-ip"], 4),
                big, g(e_b["vxlan"], 4), g(e_b["mpls-ip"], 4)))
    return "\n".join(lines) + "\n"




run = question2
