# scripts/studylib/q8_cpu.py: question 8 of the study, hypervisor CPU per
# design (STT with and without TSO, VXLAN with and without offloads,
# Geneve, NVGRE, MPLS over GRE; ingress replication against multicast
# flooding for BUM).  Published measurements give only six of the CPU
# costs (docs/cpu.md: Geneve, VXLAN-GPE and VXLAN per frame, the checksum
# per byte), none for most designs here, so this page gives no cycles: it measures the coefficients of the linear cost model,
# each run with one cost set to 1 cycle and the others 0, so that the
# run's pe_cpu_cycles / tenant frames is that cost's coefficient exactly
# (operations or bytes per tenant frame).  A reader multiplies them by a
# calibration of their own.
from .common import *

NUMBER = 8
PAGE = "cpu.md"
NOTES = [
    """- **CPU coefficients, not cycles** (question 8): each run sets one
  `<overlay><cpu>` cost to 1 cycle and the others to 0; the run's
  `pe_cpu_cycles` / `overlay_frames_sent` (summary.csv) is then that
  cost's operations or bytes per tenant frame. The page has no cycles:
  published measurements give only six of the costs (docs/cpu.md).""",
]

# (metric, the <cpu> cost set to 1, what it counts)
PARAMS = [
    ("encap_ops", "encap-frame-cycles",
     "encapsulation operations (per-frame work on send: 1 per tenant "
     "frame sent to another PE with TSO, 1 per underlay frame without)"),
    ("encap_bytes", "encap-byte-cycles",
     "tenant bytes encapsulated"),
    ("replica_ops", "replica-frame-cycles",
     "BUM replicas made (copies of a frame the PE hands to the underlay)"),
    ("replica_bytes", "replica-byte-cycles", "tenant bytes replicated"),
    ("decap_ops", "decap-frame-cycles",
     "decapsulation operations (per-frame work on receive; without TSO "
     "one per STT segment)"),
    ("decap_bytes", "decap-byte-cycles", "tenant bytes decapsulated"),
    ("csum_bytes", "csum-byte-cycles",
     "bytes checksummed in software (with csum-offload off: the tenant "
     "frame on send and on receive)"),
]
METRICS = [p[0] for p in PARAMS]
ALL_METRICS = METRICS + ["tenant_frames"]

# Known unicast designs: (key, label, encap, tso, csum-offload, MTU).
# MTU 9216 lets every tenant frame up to 9000 bytes through unsegmented
# (as question 2); STT is also run at 1500 and 9000, where TSO (or, without
# it, the host) cuts it into segments.
DESIGNS = [
    ("vxlan/offload-on", "VXLAN, TSO and checksum offload on", "vxlan",
     "on", "on", "9216"),
    ("vxlan/offload-off", "VXLAN, TSO and checksum offload off", "vxlan",
     "off", "off", "9216"),
    ("stt/tso-on/mtu-9000", "STT, TSO on, MTU 9000", "stt", "on", "on",
     "9000"),
    ("stt/tso-off/mtu-9000", "STT, TSO off, MTU 9000", "stt", "off", "on",
     "9000"),
    ("stt/tso-on/mtu-1500", "STT, TSO on, MTU 1500", "stt", "on", "on",
     "1500"),
    ("stt/tso-off/mtu-1500", "STT, TSO off, MTU 1500", "stt", "off", "on",
     "1500"),
    ("geneve", "Geneve, offloads on", "geneve", "on", "on", "9216"),
    ("nvgre", "NVGRE, offloads on", "nvgre", "on", "on", "9216"),
    ("mpls-gre", "MPLS over GRE, offloads on", "mpls-gre", "on", "on",
     "9216"),
]
# one sweep per group: the designs that differ in one varied path
GROUPS = [
    # (sets, varied path, {value: design key})
    (["overlay.cpu.tso=on", "overlay.cpu.csum-offload=on", "mtu=9216"],
     "overlay.encap", {"vxlan": "vxlan/offload-on", "geneve": "geneve",
                       "nvgre": "nvgre", "mpls-gre": "mpls-gre"}),
    (["overlay.encap=vxlan", "overlay.cpu.tso=off",
      "overlay.cpu.csum-offload=off", "mtu=9216"],
     "overlay.encap", {"vxlan": "vxlan/offload-off"}),
    (["overlay.encap=stt", "overlay.cpu.csum-offload=on", "mtu=9000"],
     "overlay.cpu.tso", {"on": "stt/tso-on/mtu-9000",
                         "off": "stt/tso-off/mtu-9000"}),
    (["overlay.encap=stt", "overlay.cpu.csum-offload=on", "mtu=1500"],
     "overlay.cpu.tso", {"on": "stt/tso-on/mtu-1500",
                         "off": "stt/tso-off/mtu-1500"}),
]
# tenant frame sizes F (the IP packet is F - 14)
SIZES_FULL = [64, 128, 256, 512, 1024, 1500, 4096, 9000]
SIZES_QUICK = [64, 1500, 9000]
# BUM: broadcasts (at most 1500 IP bytes: frames of 64 and 1514 bytes)
BUM_SIZES = [64, 1514]
BUM_FLOODS = ["ingress-replication", "multicast"]
# PEs: (leaves, hypervisors per leaf); 2 tenants, each on half the PEs
BUM_PES = [(16, 4, 4), (64, 8, 8)]
BUM_RATE = "1000"            # broadcasts per second per VM, for 6 ms


def unicast_sets(F, sets):
    P = F - 14
    out = ["traffic.flows.packet.size=%d" % P,
           "traffic.flows.size.fixed=%d" % (20 * (P - 28))]
    for s in sets:
        if s.startswith("mtu="):
            m = s.split("=")[1]
            out += ["topology.defaults.access.mtu=" + m,
                    "topology.defaults.fabric.mtu=" + m]
        else:
            out.append(s)
    return out


def bum_sets(F, pes, leaves, per_leaf):
    return ["overlay.control=none",
            "traffic.flows.arrival.rate=1e-6",
            "topology.leaves=%d" % leaves,
            "topology.hypervisors-per-leaf=%d" % per_leaf,
            "overlay.tenants.count=2",
            "overlay.tenants.vms-per-tenant=%d" % (pes // 2),
            "overlay.bum.broadcast-rate=" + BUM_RATE,
            "overlay.bum.broadcast-size=%d" % (F - 14)]


def coefficient(row, what, bum):
    """pe_cpu_cycles / tenant frames of one run, with its checks."""
    where = "q8 %s, point %s run %s" % (what, row["point"], row["run"])
    sent = int(row["overlay_frames_sent"] or 0)
    if sent == 0:
        die("%s: no tenant frame sent" % where)
    if int(row["overlay_frames_dropped"] or 0) or int(row["frames_dropped"] or 0):
        die("%s: frames were dropped, so the per-frame coefficients would "
            "not be the model's (%s overlay, %s underlay)" % (
                where, row["overlay_frames_dropped"], row["frames_dropped"]))
    if bum and int(row["bum_frames"] or 0) != sent:
        die("%s: %s of the %d tenant frames are BUM: the BUM runs must send "
            "nothing else" % (where, row["bum_frames"], sent))
    if not bum and int(row["bum_frames"] or 0):
        die("%s: %s BUM frames in a known-unicast run" % (where,
                                                         row["bum_frames"]))
    return float(row["pe_cpu_cycles"]) / sent, sent


def collect(R, work, kind, sets, varied, keys, label, bum, acc):
    """One sweep per cost, varying VARIED over KEYS' values (KEYS: {value:
    the design's key}): acc[key][run] = {metric: value}."""
    sub = os.path.join(work, "q8", kind, label.replace(" ", "-"))
    for metric, param, _ in PARAMS:
        d = R.sweep("study-cpu.xml", sets + ["overlay.cpu.%s=1" % param],
                    [(varied, list(keys))], os.path.join(sub, metric),
                    "q8 %s %s: %s=1" % (kind, label, param))
        rows, _ = sweep_rows(d)
        for row in rows:
            key = keys[row[varied]]
            c, sent = coefficient(row, "%s %s" % (kind, key), bum)
            r = acc.setdefault(key, {}).setdefault(row["run"],
                                                   {"seed": row["seed"]})
            r[metric] = c
            if r.setdefault("tenant_frames", sent) != sent:
                die("q8 %s %s run %s: %d tenant frames with %s=1, %d with "
                    "another cost: the runs differ" % (
                        kind, key, row["run"], sent, param,
                        r["tenant_frames"]))
            if bum and metric == "replica_ops":
                r.update(hosting(d, row))


def hosting(d, row):
    """The PEs hosting each tenant (results.xml <tenant pes>): all
    equal here."""
    root = results_xml(d, row)
    pes = {int(t.get("pes")) for t in root.find("overlay").findall("tenant")}
    if len(pes) != 1:
        die("q8 BUM: tenants on different numbers of PEs: %s" % sorted(pes))
    return {"hosting_pes": pes.pop()}


def write_merged(path, columns, acc, order, metrics):
    rows = []
    for p, key in enumerate(order, 1):
        for run in sorted(acc[key], key=int):
            r = acc[key][run]
            rows.append([str(p)] + [str(v) for v in key] + [r["seed"], run]
                        + [fmt_raw(r.get(m)) for m in metrics])
    write_csv(path, ["point"] + columns + ["seed", "run"] + metrics, rows)
    return path


def question8(R, work, pages, img):
    sizes = SIZES_QUICK if R.quick else SIZES_FULL
    acc = {}
    for F in sizes:
        for gi, (sets, varied, mapping) in enumerate(GROUPS):
            collect(R, work, "unicast", unicast_sets(F, sets), varied,
                    {v: (k, F) for v, k in mapping.items()},
                    "F%d g%d" % (F, gi + 1), False, acc)
    order = [(d[0], F) for d in DESIGNS for F in sizes]
    uni = write_merged(os.path.join(work, "q8", "unicast.csv"),
                       ["design", "tenant_frame_bytes"], acc, order,
                       ALL_METRICS)
    ust = R.summarize(uni, os.path.join(work, "q8", "unicast-stats.csv"),
                      ALL_METRICS)
    bacc = {}
    border = []
    for pes, leaves, per_leaf in BUM_PES:
        for F in BUM_SIZES:
            collect(R, work, "bum", bum_sets(F, pes, leaves, per_leaf),
                    "overlay.flood", {f: (f, pes, F) for f in BUM_FLOODS},
                    "PEs%d F%d" % (pes, F), True, bacc)
            border += [(f, pes, F) for f in BUM_FLOODS]
    bum = write_merged(os.path.join(work, "q8", "bum.csv"),
                       ["flood", "pes", "tenant_frame_bytes"], bacc, border,
                       ALL_METRICS + ["hosting_pes"])
    bst = R.summarize(bum, os.path.join(work, "q8", "bum-stats.csv"),
                      ALL_METRICS + ["hosting_pes"])
    R.plot(uni, "tenant_frame_bytes", "encap_ops",
           os.path.join(img, "q8-encap-ops"), by="design", logx=True,
           title="encapsulation operations per known-unicast tenant frame")
    R.plot(bum, "pes", "replica_ops",
           os.path.join(img, "q8-bum-replicas"), by="flood",
           where=["tenant_frame_bytes=64"],
           title="BUM replicas per broadcast frame (64-byte frames)")
    write_page(os.path.join(pages, PAGE), page8(R, ust, bst, sizes))


COLS = [("encap_ops", "encap ops"), ("encap_bytes", "encap bytes"),
        ("replica_ops", "replica ops"), ("replica_bytes", "replica bytes"),
        ("decap_ops", "decap ops"), ("decap_bytes", "decap bytes"),
        ("csum_bytes", "csum bytes")]


def page8(R, ust, bst, sizes):
    out = ["# Question 8: hypervisor CPU\n", generated_note(R)]
    out.append("""How much work does a hypervisor do per tenant frame for each overlay
design: STT with and without TSO, VXLAN with and without its NIC offloads,
Geneve, NVGRE, MPLS over GRE, and ingress replication against IP
multicast for BUM frames?

**This page has no cycles.** nvosim's CPU model (docs/cpu.md) is linear:
a PE's cycles are a sum of operations and bytes, each times a cost, and
published measurements give only six of its costs (docs/cpu.md,
"Defaults and sources": the per-frame encapsulation cost of Geneve,
VXLAN-GPE and VXLAN and the decapsulation cost of Geneve and VXLAN, from
VPP's graph nodes, and the checksum's cost per byte, from Linux), none
for STT, NVGRE or MPLS, none per byte encapsulated or decapsulated and
none for a replica, so the designs here cannot be compared in cycles
from published numbers. Cycles need a calibration of the rest. What the
model does count exactly is the coefficients: per tenant frame (the frame
a VM gives its PE),

```
cycles per tenant frame =
      encap_ops   × encap-frame-cycles   + encap_bytes   × encap-byte-cycles
    + replica_ops × replica-frame-cycles + replica_bytes × replica-byte-cycles
    + decap_ops   × decap-frame-cycles   + decap_bytes   × decap-byte-cycles
    + csum_bytes  × csum-byte-cycles
```

summed over every PE the frame touches (the sender, and each PE that
decapsulates a copy). Each run here sets one of the seven costs to 1
cycle (1000 millicycles) and the others to 0, so the run's
`pe_cpu_cycles` / `overlay_frames_sent` (summary.csv) is that cost's
coefficient, exactly. Multiply the tables by your own costs
(docs/cpu.md, "To calibrate") to get cycles.

| coefficient | the cost set to 1 | what it counts, per tenant frame |
| --- | --- | --- |
""")
    for metric, param, what in PARAMS:
        out[-1] += "| `%s` | `%s` | %s |\n" % (metric, param, what)
    out.append("""**Known unicast** (`scenarios/study-cpu.xml` as shipped): the small
leaf-spine (8 hypervisors), one tenant with one VM on every PE, BGP EVPN
(every MAC installed before the flows start, so every tenant frame is
known unicast: encapsulated once by its PE, decapsulated once by the
other), a permutation of flows of 20 full UDP packets; the tenant frame
is F bytes (IP packet F − 14). **BUM**: the same scenario with EVPN off
(`overlay.control=none`), no flows, 2 tenants, each with a VM on half
the PEs of a leaf-spine of 16 PEs (4 leaves × 4) or 64 PEs (8 × 8), every
VM sending broadcasts (%s per second, for 6 ms), flooded by ingress
replication (`flood-list="vni-pes"`: to the other PEs hosting the VNI)
or by IP multicast (PIM-SM, a group per VNI). Every run is checked: no
frame dropped, and every tenant frame known unicast (or, in the BUM runs,
every one a broadcast).

A cell is `mean ± 95%% confidence half-width (n = runs)`. %s
""" % (BUM_RATE, spread8(ust, bst)))
    out.append("## Known unicast: operations and bytes per tenant frame\n")
    for key, label, encap, tso, csum, mtu in DESIGNS:
        out.append("### %s\n" % label)
        out.append("`%s`: `overlay.encap=%s`, `overlay.cpu.tso=%s`, "
                   "`overlay.cpu.csum-offload=%s`, underlay MTU %s.\n" % (
                       key, encap, tso, csum, mtu))
        rows = []
        for F in sizes:
            st = ust.get((key, str(F)))
            rows.append(["%d B" % F] + [cell(st, m, 6) for m, _ in COLS]
                        + [cell(st, "tenant_frames", 6)])
        out.append(table(["tenant frame"] + [c for _, c in COLS]
                         + ["tenant frames per run"], rows) + "\n")
    out.append("![encapsulation operations per tenant frame]"
               "(img/q8-encap-ops.png)\n")
    out.append("## BUM: broadcasts by ingress replication and by multicast\n")
    out.append("Per broadcast frame a VM sent (every tenant frame of these "
               "runs is one); *hosting* is the PEs hosting the frame's VNI "
               "(results.xml `<tenant pes>`), the sender included.\n")
    rows = []
    for pes, _, _ in BUM_PES:
        for F in BUM_SIZES:
            for fl in BUM_FLOODS:
                st = bst.get((fl, str(pes), str(F)))
                rows.append(["`%s`" % fl, str(pes),
                             cell(st, "hosting_pes", 6), "%d B" % F]
                            + [cell(st, m, 6) for m, _ in COLS])
    out.append(table(["flood", "PEs", "hosting", "tenant frame"]
                     + [c for _, c in COLS], rows) + "\n")
    out.append("![BUM replicas per broadcast frame](img/q8-bum-replicas.png)\n")
    out.append(reading8(ust, bst, sizes))
    out.append(regen8(sizes))
    out.append("""## Scope and limitations

- The coefficients are the model's counts (docs/cpu.md): a linear cost
  per operation and per byte, no caches, batching, interrupt coalescing
  or contention. Cycles are never modelled as delaying a frame.
- One cost set per run for every encapsulation: the model does not
  derive a Geneve or STT header's work from its format, so at the same
  offloads VXLAN, Geneve, NVGRE and MPLS over GRE have the same
  coefficients. Their differences are in the costs (a calibration per
  encapsulation), which nvosim does not have.
- TSO matters only for frames over the MTU, and VMs send frames of at
  most their packet size, so for the UDP encapsulations (no GSO
  super-frames from VMs) `tso` changes nothing; only STT segments.
- Only overlay work is counted: not the VM's stack, the vSwitch's lookup
  of local traffic, its copies to local VMs, or MAC learning.
- Multicast flooding counts one replica per BUM frame: the PE's one copy
  to the VNI's group (`pe_node.c` counts it as a replica, as it does each
  ingress-replication copy); the switches' copies cost the hypervisors
  nothing.
- Broadcasts of at most 1500 IP bytes (`<bum broadcast-size>`), so the
  BUM table stops at 1514-byte frames.
""")
    return "\n".join(out)


def spread8(ust, bst):
    zero = all((num(x, m, "ci95") or 0) == 0
               for st in (ust, bst) for x in st.values() for m in METRICS
               if num(x, m) is not None)
    if zero:
        return ("Every coefficient's half-width is 0: a coefficient "
                "depends on the frame size, the design and, for BUM, the "
                "flood list, not on which VM sends to which or when (the "
                "number of tenant frames per run does: flows and "
                "broadcasts arrive at random).")
    return ("Some coefficients' half-widths are not 0: they depend on the "
            "run (timing, which PEs had joined a group when a frame was "
            "flooded).")


def val(st, m):
    return num(st or {}, m)


def reading8(ust, bst, sizes):
    L = ["## Reading\n"]
    big = sizes[-1]
    s15 = [val(ust.get(("stt/tso-off/mtu-1500", str(F))), "encap_ops")
           for F in sizes]
    s90 = val(ust.get(("stt/tso-off/mtu-9000", str(big))), "encap_ops")
    s_on = val(ust.get(("stt/tso-on/mtu-1500", str(big))), "encap_ops")
    if all(v is not None for v in s15) and s90 is not None and s_on is not None:
        L.append(
            "- **STT and TSO.** With TSO a tenant frame costs one "
            "encapsulation and one decapsulation operation whatever its "
            "size (%s for a %d-byte frame at MTU 1500). Without it the "
            "host pays per segment on both ends: %s per frame for %d-byte "
            "frames, %s for %d-byte frames at MTU 1500 and %s for "
            "%d-byte frames at MTU 9000, each "
            "ceil((F + 18) / (MTU − 40)). The per-byte coefficients do not "
            "change (every byte is encapsulated once), so TSO saves "
            "per-frame work only, and only for frames over the MTU." % (
                g(s_on, 6), big, g(s15[0], 6), sizes[0], g(s15[-1], 6), big,
                g(s90, 6), big))
    on = ust.get(("vxlan/offload-on", "1500"))
    off = ust.get(("vxlan/offload-off", "1500"))
    if on and off and val(off, "csum_bytes") is not None:
        L.append(
            "- **VXLAN offloads.** Checksum offload off adds %s checksummed "
            "bytes per 1500-byte frame (the frame once on send and once on "
            "receive), against %s with it on; TSO off changes nothing for "
            "VXLAN here (encap ops %s and %s), since no VM frame is over "
            "the MTU. Whether that is more than the encapsulation itself "
            "depends on csum-byte-cycles against encap-byte-cycles and "
            "decap-byte-cycles, which only a measurement can give "
            "(docs/cpu.md lists the published ones and why none gives "
            "cycles)." % (
                g(val(off, "csum_bytes"), 6), g(val(on, "csum_bytes"), 6),
                g(val(off, "encap_ops"), 6), g(val(on, "encap_ops"), 6)))
    same = []
    for key in ("geneve", "nvgre", "mpls-gre"):
        if all(val(ust.get((key, str(F))), m) ==
               val(ust.get(("vxlan/offload-on", str(F))), m)
               for F in sizes for m in METRICS):
            same.append(key)
    if same:
        L.append(
            "- **Geneve, NVGRE, MPLS over GRE** have exactly VXLAN's "
            "coefficients at every size (%s): with offloads on, every "
            "unicast design costs 1 operation and F bytes on each end. The "
            "model cannot tell their header work apart (Scope, below); a "
            "calibration per encapsulation can." % ", ".join(
                "`%s`" % k for k in same))
    parts = []
    for pes, _, _ in BUM_PES:
        ir = bst.get(("ingress-replication", str(pes), str(BUM_SIZES[0])))
        mc = bst.get(("multicast", str(pes), str(BUM_SIZES[0])))
        if ir and mc and val(ir, "replica_ops") is not None:
            parts.append(
                "at %d PEs (%s hosting the VNI) the sending PE makes %s "
                "replicas and %s encapsulations per broadcast with ingress "
                "replication, %s and %s with multicast, and the receivers "
                "decapsulate %s copies with the one and %s with the "
                "other" % (
                    pes, g(val(ir, "hosting_pes"), 6),
                    g(val(ir, "replica_ops"), 6), g(val(ir, "encap_ops"), 6),
                    g(val(mc, "replica_ops"), 6), g(val(mc, "encap_ops"), 6),
                    g(val(ir, "decap_ops"), 6), g(val(mc, "decap_ops"), 6)))
    irs = [bst.get(("ingress-replication", str(p), str(F)))
           for p, _, _ in BUM_PES for F in BUM_SIZES]
    mcs = [bst.get(("multicast", str(p), str(F)))
           for p, _, _ in BUM_PES for F in BUM_SIZES]
    if parts and all(irs) and all(mcs):
        hosting_1 = all(val(x, "replica_ops") == val(x, "hosting_pes") - 1
                        for x in irs)
        mc_const = len({val(x, "replica_ops") for x in mcs}) == 1
        same_rx = all(val(a, "decap_ops") == val(b, "decap_ops")
                      for a, b in zip(irs, mcs))
        text = ("- **Ingress replication** puts the flooding on the sending "
                "hypervisor: %s." % "; ".join(parts))
        if hosting_1:
            text += (" The replicas per frame are the PEs hosting the VNI "
                     "− 1 at every PE count and frame size")
            text += (", so the sender's work per broadcast grows with the "
                     "VNI's spread while multicast's stays at %s" % g(
                         val(mcs[0], "replica_ops"), 6)
                     if mc_const else "") + "."
        if same_rx:
            text += (" The receivers decapsulate as many copies either "
                     "way: with IP multicast the switches make them "
                     "(question 3).")
        L.append(text)
    return "\n".join(L) + "\n"


def regen8(sizes):
    cmds = []
    F = sizes[-1]
    sets, varied, mapping = GROUPS[3]
    cmds.append("nvosim sweep scenarios/study-cpu.xml %s \\\n    --set "
                "overlay.cpu.encap-frame-cycles=1 --vary %s=%s --runs R "
                "--out DIR" % (" ".join("--set " + s for s in
                                        unicast_sets(F, sets)),
                               varied, ",".join(mapping)))
    pes, leaves, per_leaf = BUM_PES[-1]
    cmds.append("nvosim sweep scenarios/study-cpu.xml %s \\\n    --set "
                "overlay.cpu.replica-frame-cycles=1 --vary overlay.flood=%s "
                "--runs R --out DIR" % (
                    " ".join("--set " + s for s in bum_sets(
                        BUM_SIZES[0], pes, leaves, per_leaf)),
                    ",".join(BUM_FLOODS)))
    return ("## Regenerating\n\n`scripts/study --only 8` runs one sweep per "
            "cost (set to 1, the others 0 as in the scenario) for each "
            "frame size and group of designs (%d sweeps here), divides each "
            "run's `pe_cpu_cycles` by its `overlay_frames_sent`, merges "
            "them into a sweep-shaped CSV (`results/study/q8/unicast.csv`, "
            "`bum.csv`) and runs `nvosim summarize` and `nvosim plot` on "
            "it. Two of the sweeps:\n\n```\n%s\n```\n" % (
                len(PARAMS) * (len(sizes) * len(GROUPS)
                               + len(BUM_PES) * len(BUM_SIZES)),
                "\n".join(cmds)))


run = question8
