# scripts/studylib/q6_vtep.py: question 6 of the study, the VTEP in every
# hypervisor or on the leaf (the seed's comment 8, 802.1Q-tagged access):
# MAC state and flooding at the VTEPs, as tenants and VMs grow, with the
# copies per BUM frame checked run by run against VTEPs hosting the VNI - 1.
from .common import *

NUMBER = 6
PAGE = "vtep.md"
NOTES = [
    """- **VTEP on the leaf**: the leaf VTEP (`vtep="leaf"`) does not model
  the VMs' ARP, broadcasts, NLB clusters or moves, so question 6 floods
  only unknown unicast (flood-and-learn, VMs that know every address);
  and it runs without a control plane.""",
]

SCEN = "study-vtep.xml"
MODES = ["hypervisor", "leaf"]
TENANTS = ["4", "16", "64"]
VMS = ["8", "32"]
HVS, LEAVES = 128, 16
METRICS = ["vteps", "vteps_per_tenant", "mac_entries_max",
           "mac_entries_mean", "mac_entries_total", "mac_over_bound",
           "bum_frames", "bum_copies", "copies_per_bum",
           "copies_minus_theory", "bum_local_copies", "bum_fabric_mb",
           "bum_access_mb", "bum_link_mb", "delivered_fraction"]


def q6_derive(row, root):
    ov = next(o for o in root.iter("overlay") if o.get("pes"))
    V = int(row["overlay.tenants.vms-per-tenant"])
    theory = 0
    pes = []
    local = 0
    for t in ov.findall("tenant"):
        n = int(t.get("pes"))
        bum = sum(int(t.get(k)) for k in ("bum-broadcast", "bum-multicast",
                                          "bum-unknown-unicast"))
        theory += bum * (n - 1)
        pes.append(n)
        local += int(t.get("bum-local-copies"))
    over = None
    total = 0
    for pe in ov.findall("pe"):
        m = int(pe.get("mac-entries-max"))
        total += m
        x = m - int(pe.get("tenants")) * V
        over = x if over is None else max(over, x)
    tiers = {b.get("name"): int(b.get("bytes"))
             for b in root.iter("bum-tier")}
    frames = int(row["bum_frames"])
    copies = int(row["bum_copies"])
    sent = float(row["overlay_frames_sent"])
    return {
        "vteps": int(row["overlay_vteps"]),
        "vteps_per_tenant": sum(pes) / len(pes),
        "mac_entries_max": int(row["mac_entries_max"]),
        "mac_entries_mean": float(row["mac_entries_mean"]),
        "mac_entries_total": total,
        "mac_over_bound": over,
        "bum_frames": frames,
        "bum_copies": copies,
        "copies_per_bum": copies / frames if frames else None,
        "copies_minus_theory": copies - theory,
        "bum_local_copies": local,
        "bum_fabric_mb": (tiers.get("fabric-up", 0) +
                          tiers.get("fabric-down", 0)) / 1e6,
        "bum_access_mb": (tiers.get("access-up", 0) +
                          tiers.get("access-down", 0)) / 1e6,
        "bum_link_mb": int(row["bum_link_bytes"]) / 1e6,
        "delivered_fraction": (float(row["overlay_frames_delivered"]) / sent
                               if sent else None),
    }


def question6(R, work, pages, img):
    base = os.path.join(work, "q6")
    d = R.sweep(SCEN, [], [("overlay.vtep", MODES),
                           ("overlay.tenants.count", TENANTS),
                           ("overlay.tenants.vms-per-tenant", VMS)],
                os.path.join(base, "sweep"), "q6")
    c = derive(d, "vtep.csv", METRICS, q6_derive)
    st = R.summarize(c, os.path.join(base, "vtep-stats.csv"), METRICS)
    for V in VMS:
        for y, what in (("mac_entries_max", "largest MAC table of a VTEP"),
                        ("bum_link_mb", "BUM MB summed over every link")):
            R.plot(c, "overlay.tenants.count", y,
                   os.path.join(img, "q6-%s-v%s" % (y.replace("_", "-"), V)),
                   by="overlay.vtep", logx=True,
                   where=["overlay.tenants.vms-per-tenant=%s" % V],
                   title="%s, %s VMs per tenant, against tenants" % (what, V))
    write_page(os.path.join(pages, PAGE), page6(R, st))


def keys():
    for T in TENANTS:
        for V in VMS:
            yield T, V


def page6(R, st):
    out = ["# Question 6: the VTEP in the hypervisor or on the ToR\n",
           generated_note(R)]
    out.append("""The seed's comment 8 would move the network function from the
hypervisor to the physical access switch ("physical access switch
support VXLAN"); the reply says it couples hypervisor and ToR. What
does it do to the state and the flooding? `scenarios/%s`: the
leaf-spine of `topologies/leaf-spine-4x16x8.xml` (%d hypervisors on %d
leaves), VXLAN, flood-and-learn with ingress replication to the VTEPs
hosting each VNI (`vni-pes`), T tenants of V VMs at random, 10-packet
UDP flows between VMs of a tenant (1000 flows/s per hypervisor, 2 ms).
With `vtep="hypervisor"` every hypervisor is a VTEP (PE); with
`vtep="leaf"` every leaf is one and the hypervisors send their VMs'
frames to it 802.1Q-tagged (one VLAN per tenant on each leaf,
docs/vtep-leaf.md). The VMs know every address, so every BUM frame is
an unknown unicast, flooded until the destination's MAC is learned.

Theory: VTEPs = %d hypervisors or %d leaves; under ingress replication
a BUM frame costs (VTEPs hosting the VNI − 1) encapsulated copies, so
`bum_copies` = Σ_t BUM frames_t × (VTEPs hosting t − 1), checked in
every run (results.xml `<tenant pes bum-*>`); a VTEP's MAC table holds at
most the VMs of the tenants it hosts (tenants × V). A cell is `mean ±
95%% confidence half-width (n = runs)`; the runs differ in the random
placement and the traffic.
""" % (SCEN, HVS, LEAVES, HVS, LEAVES))
    out.append("## MAC state at the VTEPs\n")
    rows = []
    for T, V in keys():
        for m in MODES:
            s = st.get((m, T, V))
            rows.append([T, V, "`%s`" % m, cell(s, "vteps"),
                         cell(s, "vteps_per_tenant"),
                         cell(s, "mac_entries_max"),
                         cell(s, "mac_entries_mean"),
                         cell(s, "mac_entries_total"),
                         cell(s, "mac_over_bound")])
    out.append(table(["tenants", "VMs per tenant", "vtep", "VTEPs",
                      "VTEPs per tenant", "MAC entries, largest VTEP",
                      "MAC entries, mean VTEP", "MAC entries, Σ VTEPs",
                      "max over VTEPs of (entries − tenants × V)"], rows) + "\n")
    for V in VMS:
        out.append("![largest MAC table, V = %s](img/q6-mac-entries-max-v%s.png)\n"
                   % (V, V))
    out.append("## Flooding\n")
    out.append("BUM frames the VTEPs flooded, the encapsulated copies they "
               "sent (`bum_copies`) and their difference from the theory, "
               "the copies per BUM frame, the local copies (at the leaf: "
               "tagged copies down to the hypervisors of the VLAN; at a "
               "hypervisor: to its own VMs), the BUM megabytes on the "
               "fabric tiers (leaf-spine, both ways) and on the access "
               "tiers (hypervisor-leaf, both ways), and the fraction of "
               "the VMs' frames delivered:\n")
    rows = []
    for T, V in keys():
        for m in MODES:
            s = st.get((m, T, V))
            rows.append([T, V, "`%s`" % m, cell(s, "bum_frames"),
                         cell(s, "bum_copies"),
                         cell(s, "copies_minus_theory"),
                         cell(s, "copies_per_bum"),
                         cell(s, "bum_local_copies"),
                         cell(s, "bum_fabric_mb"),
                         cell(s, "bum_access_mb"),
                         cell(s, "delivered_fraction")])
    out.append(table(["tenants", "VMs per tenant", "vtep", "BUM frames",
                      "copies", "copies − theory", "copies per BUM frame",
                      "local copies", "BUM MB, fabric", "BUM MB, access",
                      "frames delivered"], rows) + "\n")
    for V in VMS:
        out.append("![BUM bytes, V = %s](img/q6-bum-link-mb-v%s.png)\n"
                   % (V, V))
    out.append(q6_reading(st))
    out.append("## Regenerating\n\n`scripts/study --only 6` runs this sweep, "
               "reads each run's `<tenant>`, `<pe>` and `<bum-tier>` "
               "elements from results.xml, and writes the derived columns as "
               "a sweep-shaped CSV for `nvosim summarize` and `nvosim "
               "plot`:\n\n```\nnvosim sweep scenarios/%s --vary "
               "overlay.vtep=%s \\\n    --vary overlay.tenants.count=%s "
               "--vary overlay.tenants.vms-per-tenant=%s \\\n    --runs R "
               "--out DIR\n```\n" % (SCEN, ",".join(MODES), ",".join(TENANTS),
                                     ",".join(VMS)))
    out.append("""## Scope and limitations

- Flood-and-learn only: a leaf VTEP runs no control plane in nvosim
  (docs/control-planes.md), and does not model the VMs' ARP, broadcasts
  or moves, so the BUM here is unknown unicast only; the flows are
  one-way UDP, so a destination that never sends is never learned and
  every frame to it floods (the worst case of flood-and-learn).
- Ingress replication only at the leaf (docs/vtep-leaf.md); no IP
  multicast underlay in either mode here.
- The 802.1Q tag adds 4 bytes to every frame on an access link and
  nothing on the fabric (the VTEP removes it before encapsulating).
- The leaf is a switch and a VTEP at once; nothing models its hardware
  table limits (a real ToR's MAC and VTEP table sizes).
""")
    return "\n".join(out)


def q6_reading(st):
    lines = ["## Reading\n"]
    T, V = TENANTS[-1], VMS[-1]
    h, l = st.get(("hypervisor", T, V)), st.get(("leaf", T, V))
    if h and l:
        vals = {k: (num(h, k), num(l, k)) for k in
                ("mac_entries_max", "mac_entries_total", "copies_per_bum",
                 "bum_fabric_mb", "bum_access_mb", "vteps_per_tenant",
                 "delivered_fraction")}
        if all(None not in v for v in vals.values()):
            mx, tot, cp, fab, acc, vpt, dl = (vals[k] for k in (
                "mac_entries_max", "mac_entries_total", "copies_per_bum",
                "bum_fabric_mb", "bum_access_mb", "vteps_per_tenant",
                "delivered_fraction"))
            lines.append(
                "- **State** (%s tenants of %s VMs): the largest MAC table "
                "is %s entries at a hypervisor and %s at a leaf (a leaf "
                "holds every tenant of its %d hypervisors); summed over "
                "the VTEPs, %s against %s: the leaf VTEPs hold %s of the "
                "hypervisors' total, since one leaf learns once what its "
                "hypervisors would each learn." % (
                    T, V, g(mx[0], 4), g(mx[1], 4), HVS // LEAVES,
                    g(tot[0], 4), g(tot[1], 4), g(tot[1] / tot[0], 2)))
            lines.append(
                "- **Flooding**: a tenant spans %s VTEPs on average with "
                "hypervisor VTEPs and %s with leaf VTEPs, so a BUM frame "
                "costs %s encapsulated copies against %s; the fabric "
                "carries %s MB of BUM against %s MB. The access links "
                "carry %s MB against %s MB: a hypervisor VTEP sends every "
                "copy up its own access link, a leaf VTEP receives one "
                "tagged frame and sends its copies down to every "
                "hypervisor of the VLAN. %s of the VMs' frames are "
                "delivered with leaf VTEPs against %s with hypervisor "
                "VTEPs: the leaf's copies leave at the fabric's rate and "
                "overflow the hypervisors' access links (queue drops on "
                "the access-down tier), where a hypervisor's copies are "
                "paced by its own NIC (docs/scenarios.md, `<traffic>`)." % (
                    g(vpt[0], 3), g(vpt[1], 3), g(cp[0], 3), g(cp[1], 3),
                    g(fab[0], 4), g(fab[1], 4), g(acc[0], 4), g(acc[1], 4),
                    g(dl[1], 3), g(dl[0], 3)))
    lines.append(
        "- Every run's copies equal Σ_t BUM frames_t × (VTEPs hosting t − "
        "1) (the `copies − theory` column is 0 ± 0), and no VTEP holds "
        "more MACs than the VMs of its tenants.")
    lines.append(
        "- **Against the seed's reply to comment 8** (\"tightly couples "
        "hypervisor and ToR switches\"): the numbers do not measure "
        "orchestration, but they show what the ToR VTEP buys: fewer "
        "tunnel endpoints, fewer encapsulated copies on the fabric per "
        "BUM frame and less MAC state in total, and what it costs: larger "
        "tables per switch (the sum of its hypervisors' tenants) and "
        "replication at the switch, not paced by any NIC, onto the "
        "hypervisors' access links.")
    return "\n".join(lines) + "\n"


run = question6
