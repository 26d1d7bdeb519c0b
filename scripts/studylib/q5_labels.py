# scripts/studylib/q5_labels.py: question 5 of the study, the MPLS label
# as the VNI (one network-wide label per tenant, the seed's "misuse")
# against per-PE labels (each egress PE assigns its own): label state per
# PE and at a gateway (a PE hosting every tenant), as PEs and tenants
# grow, checked run by run against the count the placement gives.
from .common import *

NUMBER = 5
PAGE = "labels.md"
NOTES = [
    """- **Gateways**: nvosim has no gateway model; question 5 represents a
  virtual-to-physical gateway as a PE (hypervisor hv1-1) that hosts one
  VM of every tenant, placed explicitly.""",
]

SCEN = "study-labels.xml"
GATEWAY = "hv1-1"
HV_PER_LEAF = 8
LEAVES = ["2", "4", "8", "16"]          # 16 .. 128 PEs
TENANTS = ["4", "16", "64"]
VMS = 16                                # per tenant, besides the gateway's
MODES = ["vni", "per-pe"]
METRICS = ["gw_labels", "gw_theory", "gw_minus_theory", "pe_labels_mean",
           "pe_labels_max", "total_labels", "total_minus_theory",
           "pes_per_tenant"]


def tenant_sets(T):
    """Tenants 1 .. T-1 (the file has tenant 0), each with its first VM on
    the gateway and VMS more at random."""
    sets = []
    for t in range(1, int(T)):
        n = t + 1
        sets += ["overlay.tenant[%d].vni=%d" % (n, 5000 + t),
                 "overlay.tenant[%d].vm[1].hypervisor=%s" % (n, GATEWAY),
                 "overlay.tenant[%d].vms=%d" % (n, VMS),
                 "overlay.tenant[%d].placement=random" % n]
    return sets


def q5_derive(row, root):
    ov = next(o for o in root.iter("overlay") if o.get("label-state"))
    mode = ov.get("label")
    pes_t = [int(t.get("pes")) for t in ov.findall("tenant")]
    gw = None
    others = []
    for pe in ov.findall("pe"):
        ls = int(pe.get("label-state"))
        if pe.get("node") == GATEWAY:
            gw = ls
            if int(pe.get("tenants")) != len(pes_t):
                raise SystemExit("q5: the gateway %s hosts %s of %d tenants"
                                 % (GATEWAY, pe.get("tenants"), len(pes_t)))
        elif int(pe.get("tenants")) > 0:
            others.append(ls)
    # The theory (docs/pe.md, "Options"): VNI labels, one per tenant a PE
    # hosts; per-PE labels, per tenant it hosts, one label of every other
    # PE hosting it.  The gateway hosts every tenant.
    if mode == "vni":
        gw_th = len(pes_t)
        tot_th = sum(pes_t)
    else:
        gw_th = sum(p - 1 for p in pes_t)
        tot_th = sum(p * (p - 1) for p in pes_t)
    total = int(ov.get("label-state"))
    return {
        "gw_labels": gw,
        "gw_theory": gw_th,
        "gw_minus_theory": gw - gw_th,
        "pe_labels_mean": sum(others) / len(others) if others else None,
        "pe_labels_max": max(others) if others else None,
        "total_labels": total,
        "total_minus_theory": total - tot_th,
        "pes_per_tenant": sum(pes_t) / len(pes_t),
    }


def question5(R, work, pages, img):
    parts = []
    base = os.path.join(work, "q5")
    for T in TENANTS:
        d = R.sweep(SCEN, tenant_sets(T),
                    [("overlay.label", MODES), ("topology.leaves", LEAVES)],
                    os.path.join(base, "T" + T),
                    "q5: %s tenants" % T)
        parts.append((T, derive(d, "labels.csv", METRICS, q5_derive)))
    merged = merge_sweeps(parts, "tenants", os.path.join(base, "labels.csv"))
    st = R.summarize(merged, os.path.join(base, "labels-stats.csv"), METRICS)
    for mode in MODES:
        R.plot(merged, "topology.leaves", "gw_labels",
               os.path.join(img, "q5-gateway-%s" % mode), by="tenants",
               where=["overlay.label=%s" % mode],
               title="labels at the gateway (label=%s) against leaves "
                     "(8 PEs each)" % mode)
    R.plot(merged, "topology.leaves", "pe_labels_mean",
           os.path.join(img, "q5-pe-per-pe"), by="tenants",
           where=["overlay.label=per-pe"],
           title="mean labels per (non-gateway) PE, per-PE labels, against "
                 "leaves (8 PEs each)")
    write_page(os.path.join(pages, PAGE), page5(R, st))


def page5(R, st):
    out = ["# Question 5: the MPLS label as VNI versus per-PE labels\n",
           generated_note(R)]
    out.append("""The seed calls using the MPLS label as the VNI a "misuse": labels
should have local significance and be assigned by each egress PE. What
does each choice cost in label state, at a PE and at a gateway?
`scenarios/%s`: leaf-spines of 2 to 16 leaves with %d
hypervisors (PEs) each (`--vary topology.leaves`), MPLS over GRE,
flood-and-learn with the `vni-pes` flood lists, T tenants of %d VMs
placed at random plus one VM of every tenant on **%s, which stands for
a gateway**: nvosim has no gateway model, so a virtual-to-physical
gateway is represented here honestly as what it is to the label plane,
a PE that hosts every tenant (explicit placement). The runs last 100 us
with a few 4000-byte flows between VMs of a tenant, which do not change
the label state (counted from the placement and the flood lists).

- `label="vni"`: the tenant's VNI is its label on every PE;
- `label="per-pe"`: each egress PE assigns its own label per tenant, and
  an ingress PE must know, per tenant, the label of every other PE
  hosting it.

**Label state** is results.xml's `label-state` (docs/pe.md, "Options";
docs/outputs.md): per PE, the labels it must know to send, its own
(one per tenant it hosts, in both modes) not included with per-PE
labels. The theory, checked in every run against that run's placement
(the PEs hosting each tenant, `<tenant pes>`): with VNI labels a PE
needs one label per tenant it hosts (the gateway: T); with per-PE labels
one per (tenant, other PE hosting it), so the gateway holds Σ_t (PEs
hosting t − 1) and all PEs together Σ_t PEs_t × (PEs_t − 1). A cell is
`mean ± 95%% confidence half-width (n = runs)`; the runs differ in the
random placement.
""" % (SCEN, HV_PER_LEAF, VMS, GATEWAY))
    out.append("## Label state at the gateway and at the PEs\n")
    rows = []
    for T in TENANTS:
        for lv in LEAVES:
            pes = str(int(lv) * HV_PER_LEAF)
            v = st.get((T, "vni", lv))
            p = st.get((T, "per-pe", lv))
            rows.append([T, pes, cell(p, "pes_per_tenant"),
                         cell(v, "gw_labels"), cell(p, "gw_labels"),
                         cell(p, "gw_theory"), cell(p, "gw_minus_theory"),
                         cell(v, "pe_labels_mean"), cell(p, "pe_labels_mean"),
                         cell(p, "pe_labels_max")])
    out.append(table(["tenants", "PEs", "PEs per tenant",
                      "gateway, VNI labels", "gateway, per-PE labels",
                      "gateway, per-PE theory Σ(PEs_t − 1)",
                      "gateway, per-PE − theory",
                      "PE mean, VNI labels", "PE mean, per-PE labels",
                      "PE max, per-PE labels"], rows) + "\n")
    out.append("![gateway, VNI labels](img/q5-gateway-vni.png)\n")
    out.append("![gateway, per-PE labels](img/q5-gateway-per-pe.png)\n")
    out.append("![PE mean, per-PE labels](img/q5-pe-per-pe.png)\n")
    out.append("## Label state summed over the PEs\n")
    rows = []
    for T in TENANTS:
        for lv in LEAVES:
            pes = str(int(lv) * HV_PER_LEAF)
            v = st.get((T, "vni", lv))
            p = st.get((T, "per-pe", lv))
            rows.append([T, pes, cell(v, "total_labels"),
                         cell(v, "total_minus_theory"),
                         cell(p, "total_labels"),
                         cell(p, "total_minus_theory")])
    out.append(table(["tenants", "PEs", "VNI labels: Σ over PEs",
                      "VNI − Σ_t PEs_t", "per-PE labels: Σ over PEs",
                      "per-PE − Σ_t PEs_t (PEs_t − 1)"], rows) + "\n")
    out.append(q5_reading(st))
    cmds = ["# for T in %s: the tenants 1 .. T-1 as --set (below, T = 4)"
            % " ".join(TENANTS),
            "nvosim sweep scenarios/%s \\\n    %s \\\n    --vary "
            "overlay.label=%s --vary topology.leaves=%s --runs R --out DIR"
            % (SCEN, " \\\n    ".join("--set " + s for s in tenant_sets("4")),
               ",".join(MODES), ",".join(LEAVES))]
    out.append("## Regenerating\n\n`scripts/study --only 5` runs one sweep "
               "per tenant count, reads each run's `label-state` (overlay "
               "and per PE) and `<tenant pes>` from results.xml, and merges "
               "them into one sweep-shaped CSV for `nvosim summarize` and "
               "`nvosim plot`:\n\n```\n" + "\n".join(cmds) + "\n```\n")
    out.append("""## Scope and limitations

- The gateway is a PE with a VM of every tenant: the label state of a
  real gateway (a hardware VTEP or an MPLS PE facing a physical
  network) is the same count, but nothing else about it is modelled.
- Per-PE labels are distributed without signalling (docs/pe.md): label
  state is counted from the placement, not exchanged; one label per
  tenant and PE (no per-MAC or per-flow labels), one label on the stack
  (no transport labels).
- `label-state` counts the labels a PE must know to send; the labels a
  PE assigns itself (one per tenant it hosts, with per-PE labels) and
  the LFIB entries they need are not in it.
- Flood lists `vni-pes` (per-PE labels need them); with `all-pes` a PE
  would need a label of PEs that host no VM of the tenant, which a
  per-PE scheme cannot give.
""")
    return "\n".join(out)


def q5_reading(st):
    lines = ["## Reading\n"]
    T, lv = TENANTS[-1], LEAVES[-1]
    v = st.get((T, "vni", lv))
    p = st.get((T, "per-pe", lv))
    if v and p:
        gv, gp = num(v, "gw_labels"), num(p, "gw_labels")
        pv, pp = num(v, "pe_labels_mean"), num(p, "pe_labels_mean")
        spread = num(p, "pes_per_tenant")
        if None not in (gv, gp, pv, pp, spread):
            lines.append(
                "- At %s tenants on %d PEs (each tenant on %s PEs on "
                "average), the gateway knows %s labels with the label as "
                "VNI and %s with per-PE labels (%s times as many); a PE "
                "that is not a gateway knows %s and %s on average." % (
                    T, int(lv) * HV_PER_LEAF, g(spread, 3), g(gv, 4),
                    g(gp, 4), g(gp / gv, 3), g(pv, 3), g(pp, 4)))
    small = st.get((TENANTS[-1], "per-pe", LEAVES[0]))
    big = st.get((TENANTS[-1], "per-pe", LEAVES[-1]))
    if small and big:
        a, b = num(small, "gw_labels"), num(big, "gw_labels")
        if a is not None and b is not None:
            lines.append(
                "- With per-PE labels the gateway's state grows with how "
                "widely the tenants are spread: from %s labels on %d PEs to "
                "%s on %d with the same %s tenants of %d VMs; with VNI "
                "labels it stays at one per tenant whatever the number of "
                "PEs. It is bounded by T × VMs per tenant (%d here), "
                "reached when no two VMs of a tenant share a PE." % (
                    g(a, 4), int(LEAVES[0]) * HV_PER_LEAF, g(b, 4),
                    int(LEAVES[-1]) * HV_PER_LEAF, TENANTS[-1], VMS,
                    int(TENANTS[-1]) * VMS))
    lines.append(
        "- Every run's gateway and total label state equal the counts the "
        "placement gives (the `− theory` columns are 0 ± 0).")
    lines.append(
        "- **Against the seed**: the seed says label-as-VNI \"would not "
        "gain us anything\". On label state it does gain: one label per "
        "tenant at every PE and gateway, against one per (tenant, remote "
        "PE) with MPLS's local labels, a factor of the PEs per tenant. "
        "What it costs is what the seed says: the labels lose local "
        "significance (every PE must agree on them, which existing MPLS "
        "stacks do not) and it still needs flooding or a control plane "
        "(question 4).")
    return "\n".join(lines) + "\n"


run = question5
