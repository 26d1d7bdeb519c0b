# scripts/studylib/q1_balance.py: question 1 of the study, load balancing
# by encapsulation on a leaf-spine and a 5-stage fabric, with the fixes for
# NVGRE and MPLS (addresses per hypervisor, GRE-key hashing, entropy labels,
# inner-header hashing): uplink balance per tier, max / mean, FCT p99.
from .common import *

NUMBER = 1
PAGE = "load-balancing.md"
NOTES = [
    """- **Paths per hypervisor pair.** nvosim reports ECMP per switch and next
  hop (results.xml `<ecmp>`), not per pair of PEs; `scripts/study`
  counts the next hops one pair used with a two-VM scenario
  (`study-pair.xml`) and writes the counts as a sweep-shaped CSV that
  `nvosim summarize` and `nvosim plot` read. A per-pair output (the
  `tests/test_overlay_ecmp.c` measure) would let the loaded runs report
  it too.""",
    """- **Queueing delay per tier**: results.xml has it per link; the study
  takes the largest per tier. A `*_max_queue_us` summary column per
  tier would make it a plain sweep metric.""",
    """- **EVPN at 512 VMs on the 5-stage fabric**: in one of two runs tried,
  one PE had not installed every MAC route when the flows started (it
  flooded unknown unicast); the 5-stage runs use 256 VMs, and the page
  checks that no loaded run flooded.""",
]

FABRICS = [
    {
        "id": "leaf-spine",
        "title": "Leaf-spine (4 spines, 4 leaves, 4 hypervisors per leaf)",
        "ecmp_sets": ["topology.defaults.fabric.rate=10Gbps"],
        "pair_sets": [],
        "src_leaf": "leaf1",
        "src_spines": None,
    },
    {
        "id": "five-stage",
        "title": "5-stage (4 pods of 4 spines and 4 leaves, 16 super-spines, "
                 "4 hypervisors per leaf)",
        "ecmp_sets": ["topology.file=../topologies/five-stage-4x4.xml",
                      "topology.uplink.rate=10Gbps",
                      "topology.super-uplink.rate=10Gbps",
                      "overlay.tenants.vms-per-tenant=256"],
        "pair_sets": ["topology.file=../topologies/five-stage-4x4.xml",
                      "overlay.tenant.vm[1].hypervisor=hv1-1-1",
                      "overlay.tenant.vm[2].hypervisor=hv4-1-1"],
        "src_leaf": "leaf1-1",
        "src_spines": "spine1-",
    },
]

# Each configuration is one sweep: fixed --set overrides and --vary
# dimensions; a row of the table per grid point.
CONFIGS = [
    {"id": "encap", "sets": [],
     "vary": [("overlay.encap", ENCAPS)],
     "key": lambda v: v[0],
     "what": lambda v: "defaults, 5-tuple hash"},
    {"id": "addresses", "sets": [],
     "vary": [("overlay.encap", ["nvgre", "mpls-gre", "mpls-ip"]),
              ("overlay.addresses", ["2", "4", "8"])],
     "key": lambda v: "%s/addresses=%s" % v,
     "what": lambda v: "%s underlay addresses per hypervisor" % v[1]},
    {"id": "gre-key", "sets": ["underlay.ecmp.fields=5-tuple,gre-key"],
     "vary": [("overlay.encap", ["nvgre", "mpls-gre"])],
     "key": lambda v: "%s/gre-key" % v,
     "what": lambda v: "switches hash the GRE key too"},
    {"id": "el", "sets": ["overlay.entropy-label=true",
                          "underlay.ecmp.fields=5-tuple,mpls-el"],
     "vary": [("overlay.encap", ["mpls-gre", "mpls-ip"])],
     "key": lambda v: "%s/el" % v,
     "what": lambda v: "entropy label; switches hash it"},
    {"id": "inner", "sets": ["underlay.ecmp.fields=5-tuple,inner"],
     "vary": [("overlay.encap", ["nvgre", "mpls-gre", "mpls-ip"]),
              ("underlay.ecmp.parser-depth", ["64", "128"])],
     "key": lambda v: "%s/inner-%s" % v,
     "what": lambda v: "switches hash the inner headers, parser depth %s bytes"
                       % v[1]},
]

# FCT against load: the encapsulations with and without entropy
LOAD_VARY = [("overlay.encap", ["vxlan", "nvgre", "mpls-ip"]),
             ("traffic.flows.arrival.load", ["0.3", "0.6", "0.9"])]

# Few heavy pairs: one VM per hypervisor, each sending only to its
# partner (a permutation): 4 PE pairs per leaf instead of dozens.
HEAVY_SETS = ["traffic.flows.pattern=permutation",
              "overlay.tenants.vms-per-tenant=16"]
HEAVY = [
    {"id": "heavy", "sets": [],
     "vary": [("overlay.encap", ["vxlan", "stt", "nvgre", "mpls-gre",
                                 "mpls-ip"]),
              ("traffic.flows.arrival.load", ["0.3", "0.6"])],
     "key": lambda v: v[0]},
    {"id": "heavy-fixes-addr", "sets": ["traffic.flows.arrival.load=0.6"],
     "vary": [("overlay.encap", ["nvgre", "mpls-ip"]),
              ("overlay.addresses", ["4", "8"])],
     "key": lambda v: "%s/addresses=%s" % v},
    {"id": "heavy-fixes-key", "sets": ["traffic.flows.arrival.load=0.6",
                                       "underlay.ecmp.fields=5-tuple,gre-key"],
     "vary": [("overlay.encap", ["nvgre"])],
     "key": lambda v: "%s/gre-key" % v},
    {"id": "heavy-fixes-el", "sets": ["traffic.flows.arrival.load=0.6",
                                      "overlay.entropy-label=true",
                                      "underlay.ecmp.fields=5-tuple,mpls-el"],
     "vary": [("overlay.encap", ["mpls-gre", "mpls-ip"])],
     "key": lambda v: "%s/el" % v},
]

QUEUE_METRICS = ["fabric_up_max_queue_us", "access_down_max_queue_us"]


def max_queues(row, root):
    """The largest queueing delay of any link of the leaves' up-links and
    of the links down to the hypervisors (results.xml <link>)."""
    m = {"fabric-up": None, "access-down": None}
    for l in root.find("links").findall("link"):
        t = l.get("tier")
        v = l.get("max-queue-delay-us")
        if t in m and v is not None:
            m[t] = max(m[t] or 0.0, float(v))
    return {"fabric_up_max_queue_us": m["fabric-up"],
            "access_down_max_queue_us": m["access-down"]}


Q1_METRICS = ["leaf_up_jain", "leaf_up_max_over_mean", "spine_up_jain",
              "spine_up_max_over_mean", "fct_p99_us", "fct_p50_us",
              "drop_rate", "bum_frames", "flows_completed"]
PAIR_METRICS = ["leaf_uplinks_used", "spine_uplinks_used"]


def pair_paths(fabric):
    def fn(row, root):
        used_leaf = 0
        used_spine = 0
        for sw in root.find("ecmp").findall("switch"):
            hops = sum(1 for h in sw.findall("next-hop")
                       if int(h.get("frames")) > 0)
            if sw.get("name") == fabric["src_leaf"]:
                used_leaf = hops
            if fabric["src_spines"] and sw.get("name").startswith(
                    fabric["src_spines"]):
                used_spine += hops
        return {"leaf_uplinks_used": used_leaf,
                "spine_uplinks_used": used_spine if fabric["src_spines"]
                else None}
    return fn


def question1(R, work, pages, img):
    results = {}
    for fab in FABRICS:
        for cfg in CONFIGS:
            label = "q1 %s %s" % (fab["id"], cfg["id"])
            d = R.sweep("study-ecmp.xml", fab["ecmp_sets"] + cfg["sets"],
                        cfg["vary"],
                        os.path.join(work, "q1", fab["id"], "ecmp-" + cfg["id"]),
                        label + " (loaded fabric)")
            st = R.summarize(d, os.path.join(d, "summary-stats.csv"), Q1_METRICS)
            p = R.sweep("study-pair.xml", fab["pair_sets"] + cfg["sets"],
                        cfg["vary"],
                        os.path.join(work, "q1", fab["id"], "pair-" + cfg["id"]),
                        label + " (one PE pair)")
            dcsv = derive(p, "paths.csv", PAIR_METRICS, pair_paths(fab))
            pst = R.summarize(dcsv, os.path.join(p, "paths-stats.csv"),
                              PAIR_METRICS)
            results[(fab["id"], cfg["id"])] = (d, st, dcsv, pst)
        # plots of the encapsulation sweep and of the addresses sweep
        d, _, dcsv, _ = results[(fab["id"], "encap")]
        R.plot(dcsv, "overlay.encap", "leaf_uplinks_used",
               os.path.join(img, "q1-%s-pair-paths" % fab["id"]),
               title="leaf up-links one PE pair uses (%s)" % fab["id"])
        R.plot(d, "overlay.encap", "leaf_up_jain",
               os.path.join(img, "q1-%s-leaf-jain" % fab["id"]),
               title="leaf up-link balance under load (%s)" % fab["id"])
        R.plot(d, "overlay.encap", "fct_p99_us",
               os.path.join(img, "q1-%s-fct-p99" % fab["id"]),
               title="flow completion time p99 under load (%s)" % fab["id"])
        if fab["src_spines"]:
            R.plot(d, "overlay.encap", "spine_up_jain",
                   os.path.join(img, "q1-%s-spine-jain" % fab["id"]),
                   title="spine up-link balance under load (%s)" % fab["id"])
        _, _, acsv, _ = results[(fab["id"], "addresses")]
        R.plot(acsv, "overlay.addresses", "leaf_uplinks_used",
               os.path.join(img, "q1-%s-addresses" % fab["id"]),
               by="overlay.encap",
               title="leaf up-links one PE pair uses, by addresses (%s)"
                     % fab["id"])
    fab = FABRICS[0]
    d = R.sweep("study-ecmp.xml", fab["ecmp_sets"], LOAD_VARY,
                os.path.join(work, "q1", fab["id"], "ecmp-load"),
                "q1 %s load (loaded fabric)" % fab["id"])
    qcsv = derive(d, "queues.csv", QUEUE_METRICS, max_queues)
    qst = R.summarize(qcsv, os.path.join(d, "queues-stats.csv"), QUEUE_METRICS)
    st = R.summarize(d, os.path.join(d, "summary-stats.csv"), Q1_METRICS)
    for k in st:
        st[k].update(qst.get(k, {}))
    results["load"] = (d, st)
    R.plot(d, "traffic.flows.arrival.load", "fct_p99_us",
           os.path.join(img, "q1-load-fct-p99"), by="overlay.encap",
           title="FCT p99 against offered load (%s)" % fab["id"])
    R.plot(d, "traffic.flows.arrival.load", "leaf_up_max_over_mean",
           os.path.join(img, "q1-load-leaf-max-over-mean"), by="overlay.encap",
           title="busiest leaf up-link over the mean (%s)" % fab["id"])
    heavy = []
    for h in HEAVY:
        d = R.sweep("study-ecmp.xml", fab["ecmp_sets"] + HEAVY_SETS + h["sets"],
                    h["vary"], os.path.join(work, "q1", fab["id"], h["id"]),
                    "q1 %s %s (few heavy pairs)" % (fab["id"], h["id"]))
        qcsv = derive(d, "queues.csv", QUEUE_METRICS, max_queues)
        qst = R.summarize(qcsv, os.path.join(d, "queues-stats.csv"),
                          QUEUE_METRICS)
        st = R.summarize(d, os.path.join(d, "summary-stats.csv"), Q1_METRICS)
        for k in st:
            st[k].update(qst.get(k, {}))
        heavy.append((h, d, st))
        if h["id"] == "heavy":
            R.plot(d, "traffic.flows.arrival.load", "fct_p99_us",
                   os.path.join(img, "q1-heavy-fct-p99"), by="overlay.encap",
                   title="FCT p99, one partner per hypervisor (%s)" % fab["id"])
    results["heavy"] = heavy
    write_page(os.path.join(pages, "load-balancing.md"),
               page1(R, results))


def q1_rows(results, fab):
    """(key, what, stats, pair stats) per table row, in table order."""
    rows = []
    for cfg in CONFIGS:
        d, st, dcsv, pst = results[(fab["id"], cfg["id"])]
        dims = [v for _, v in cfg["vary"]]
        combos = [[]]
        for vals in dims:
            combos = [c + [x] for c in combos for x in vals]
        for c in combos:
            k = tuple(c)
            rows.append((cfg["key"](k), cfg["what"](k), st.get(k),
                         pst.get(k)))
    return rows


def page1(R, results):
    out = []
    out.append("# Question 1: load balancing by encapsulation\n")
    out.append(generated_note(R))
    out.append("""The seed says that MPLS over GRE or IP with the label as VNI "lacks
entropy that could be used for load balancing purposes", like NVGRE:
"existing switches would not be able to load balance traffic between two
hypervisor hosts unless each hypervisor hosts would use multiple IP
addresses", while with VXLAN and STT "equal-cost load balancing works
decently well". Two sweeps per fabric measure it:

- **One PE pair** (`scenarios/study-pair.xml`): two VMs on hypervisors
  under different leaves (different pods on the 5-stage fabric) exchange
  about 400 one-packet UDP flows per direction. The table counts the
  next hops that carried any of the pair's frames at the source leaf
  (of 4), and on the 5-stage fabric the super-spine up-links used by the
  source pod's spines (of 16): the paths one hypervisor pair gets.
- **The loaded fabric** (`scenarios/study-ecmp.xml`): one tenant of VMs
  on every hypervisor (8 per PE on the leaf-spine, 4 on the 5-stage),
  each hypervisor offering 60% of its 10 Gb/s in 32 KB UDP flows to
  random VMs, over 10 Gb/s fabric links (a leaf's up-links carry exactly
  what its hypervisors can send). BGP EVPN installs every MAC before the
  flows start, so every data frame is known unicast. Metrics from
  `summary.csv` (docs/outputs.md): `leaf_up_jain` and `spine_up_jain`
  (Jain's index of the bytes over all the tier's up-links, 1 = even),
  `*_max_over_mean` (busiest up-link over the mean), and the flow
  completion time p99 and p50.

Every switch hashes with Jenkins' lookup3 and its own seed. A cell is
`mean ± 95% confidence half-width (n = runs)` over independent
replications (docs/analysis.md); ± 0 means every run gave the same value.
""")
    for fab in FABRICS:
        rows = q1_rows(results, fab)
        five = bool(fab["src_spines"])
        out.append("## %s\n" % fab["title"])
        hdr = ["config", "what", "pair: leaf up-links used (of 4)"]
        if five:
            hdr.append("pair: super-spine up-links used (of 16)")
        hdr += ["leaf_up_jain", "leaf_up_max_over_mean"]
        if five:
            hdr += ["spine_up_jain", "spine_up_max_over_mean"]
        hdr += ["fct_p99_us", "fct_p50_us"]
        body = []
        for key, what, st, pst in rows:
            r = ["`%s`" % key, what, cell(pst, "leaf_uplinks_used")]
            if five:
                r.append(cell(pst, "spine_uplinks_used"))
            r += [cell(st, "leaf_up_jain"), cell(st, "leaf_up_max_over_mean")]
            if five:
                r += [cell(st, "spine_up_jain"),
                      cell(st, "spine_up_max_over_mean")]
            r += [cell(st, "fct_p99_us"), cell(st, "fct_p50_us")]
            body.append(r)
        out.append(table(hdr, body) + "\n")
        out.append(q1_check_note(rows))
        out.append("![leaf up-links one PE pair uses](img/q1-%s-pair-paths.png)\n"
                   % fab["id"])
        out.append("![leaf up-link balance under load](img/q1-%s-leaf-jain.png)\n"
                   % fab["id"])
        if five:
            out.append("![spine up-link balance under load]"
                       "(img/q1-%s-spine-jain.png)\n" % fab["id"])
        out.append("![FCT p99 under load](img/q1-%s-fct-p99.png)\n" % fab["id"])
        out.append("![leaf up-links by addresses per hypervisor]"
                   "(img/q1-%s-addresses.png)\n" % fab["id"])
        out.append(q1_reading(rows, five))
    out.append(load_section(results["load"]))
    out.append(heavy_section(results["heavy"]))
    out.append(regenerate_q1(R.runs))
    out.append("""## Scope and limitations

- One hash (Jenkins, a seed per switch). CRC-32 and Toeplitz are linear
  and spread a hypervisor's several addresses differently
  (docs/encapsulations.md, "ECMP of the overlay"); sweep
  `underlay.ecmp.function` to see it.
- Traffic is open-loop UDP (no congestion control, docs/underlay.md): an
  uneven hash shows as queueing delay and drop-tail losses, not as a
  sender slowing down. FCT percentiles cover completed flows only.
- The per-pair path count is read from the switches' per-next-hop frame
  counters (results.xml `<ecmp>`): on the 5-stage fabric, the super-spine
  up-links of the source pod's spines, summed, which is the number of
  distinct (spine, super-spine) choices the pair's frames took.
- The MPLS encapsulations carry the tenant's VNI as the label
  (`label="vni"`, the seed's "misuse"); `overlay.label=per-pe` does not
  change what a switch hashes.
- GRE-key hashing, entropy-label hashing and inner-header hashing are
  switch features the fabric is assumed to have (`underlay.ecmp.fields`);
  which real ASICs have them is outside the model.
- The 5-stage runs use 4 VMs per hypervisor (256 VMs): with 512 VMs, one
  run in two of the sweep showed a PE that had not installed every EVPN
  MAC route when the flows started (its unknown-unicast floods then
  dominated the links), a behaviour of the EVPN model left to its owners.
  `bum_frames` is checked below to be 0 in every loaded run used here.
""")
    return "\n".join(out)


def q1_check_note(rows):
    bad = [k for k, _, st, _ in rows
           if st is not None and (num(st, "bum_frames", "max") or 0) > 0]
    if bad:
        return ("**Warning**: some runs of %s flooded unknown unicast "
                "(`bum_frames` > 0): their balance includes flood copies.\n"
                % ", ".join("`%s`" % b for b in bad))
    n = sum(int(st["bum_frames_n"]) for _, _, st, _ in rows if st)
    return ("In all %d loaded runs above `bum_frames` is 0: every data frame "
            "was known unicast.\n" % n)


def q1_reading(rows, five):
    by = {k: (st, pst) for k, _, st, pst in rows}

    def pm(key, metric, which=1):
        st = by.get(key, (None, None))[which]
        return num(st, metric) if st else None

    def ci(key, metric, which=1):
        st = by.get(key, (None, None))[which]
        return (num(st, metric), num(st, metric, "ci95") or 0.0) if st else None

    lines = ["### Reading\n"]
    one = [e for e in ENCAPS if pm(e, "leaf_uplinks_used") is not None
           and pm(e, "leaf_uplinks_used") <= 1.0]
    all4 = [e for e in ENCAPS if pm(e, "leaf_uplinks_used") is not None
            and pm(e, "leaf_uplinks_used") >= 4.0]
    lines.append(
        "- **One pair.** With the defaults, %s put all of a hypervisor "
        "pair's flows on one leaf up-link; %s use all 4. The seed is right "
        "about entropy: NVGRE's FlowID is in the GRE key, which a 5-tuple "
        "hash does not see, and MPLS over GRE / IP has nothing per flow in "
        "the outer headers." % (
            ", ".join("`%s`" % e for e in one) or "no encapsulation",
            ", ".join("`%s`" % e for e in all4) or "none"))
    fixes = []
    for k in ["nvgre/gre-key", "mpls-gre/el", "mpls-ip/el",
              "nvgre/inner-128", "nvgre/inner-64", "mpls-gre/inner-128",
              "mpls-ip/inner-128", "mpls-gre/gre-key"]:
        v = pm(k, "leaf_uplinks_used")
        if v is not None:
            fixes.append("`%s` %s" % (k, g(v, 3)))
    lines.append(
        "- **Fixes, in leaf up-links per pair:** %s. A switch that hashes "
        "the GRE key or the entropy label recovers every path; one that "
        "hashes inner headers does so for NVGRE only if its parser reaches "
        "the inner ports (byte 80 of the frame: not with a 64-byte "
        "parser), and never for MPLS over GRE / IP, whose payload is an "
        "Ethernet pseudowire that starts with a MAC, not an IP version "
        "nibble (RFC 4928), so the switch does not guess an inner IP "
        "header. Hashing the GRE key does nothing for MPLS over GRE, "
        "which sends no key." % "; ".join(fixes))
    addr = []
    for e in ["nvgre", "mpls-gre", "mpls-ip"]:
        vals = [(n, pm("%s/addresses=%s" % (e, n), "leaf_uplinks_used"))
                for n in ["2", "4", "8"]]
        addr.append("`%s` %s" % (e, ", ".join(
            "%s: %s" % (n, g(v, 3)) for n, v in vals if v is not None)))
    lines.append(
        "- **Several addresses per hypervisor** (the seed's own fix): "
        "leaf up-links per pair with N = 2, 4, 8 addresses: %s. It helps, "
        "but slowly: the addresses, not the flows, are what the hash "
        "spreads, so a pair reaches all paths only when its address pairs "
        "happen to cover them (balls into bins, "
        "docs/encapsulations.md)." % "; ".join(addr))
    v = ci("vxlan", "leaf_up_jain", 0)
    n = ci("nvgre", "leaf_up_jain", 0)
    fv = ci("vxlan", "fct_p99_us", 0)
    fn_ = ci("nvgre", "fct_p99_us", 0)
    if v and n and v[0] is not None and n[0] is not None:
        overlap = abs(v[0] - n[0]) <= v[1] + n[1]
        s = ("- **Under load.** `leaf_up_jain` is %s for `vxlan` and %s for "
             "`nvgre` (max / mean %s and %s): %s." % (
                 cell(by["vxlan"][0], "leaf_up_jain"),
                 cell(by["nvgre"][0], "leaf_up_jain"),
                 g(pm("vxlan", "leaf_up_max_over_mean", 0), 3),
                 g(pm("nvgre", "leaf_up_max_over_mean", 0), 3),
                 "the difference is within the confidence intervals"
                 if overlap else "NVGRE's up-links are measurably less even"))
        s += (" A leaf's traffic comes from many hypervisor pairs, and the "
              "hash spreads the pairs even when it cannot spread one pair's "
              "flows, so the tier stays far from one busy up-link per leaf.")
        if fv and fn_ and fv[0] is not None and fn_[0] is not None:
            fo = abs(fv[0] - fn_[0]) <= fv[1] + fn_[1]
            s += (" The flow completion time p99 is %s µs against %s µs: %s." % (
                cell(by["vxlan"][0], "fct_p99_us"),
                cell(by["nvgre"][0], "fct_p99_us"),
                "no difference beyond the intervals, a milder picture than "
                "the seed's" if fo else
                "a difference beyond the intervals"))
        s += (" The seed's worry is about what one pair of hypervisors "
              "gets (the one-pair rows: a single path); it matters when a "
              "leaf carries few heavy pairs (the section \"Few heavy "
              "pairs\" below measures that case).")
        lines.append(s)
    if five:
        sv = ci("vxlan", "spine_up_jain", 0)
        sn = ci("nvgre", "spine_up_jain", 0)
        if sv and sn and sv[0] is not None and sn[0] is not None:
            lines.append(
                "- **The spine tier** of the 5-stage fabric: `spine_up_jain` "
                "%s for `vxlan` and %s for `nvgre`; one pair uses %s and %s "
                "of its pod's 16 super-spine up-links." % (
                    cell(by["vxlan"][0], "spine_up_jain"),
                    cell(by["nvgre"][0], "spine_up_jain"),
                    g(pm("vxlan", "spine_uplinks_used"), 3),
                    g(pm("nvgre", "spine_uplinks_used"), 3)))
    return "\n".join(lines) + "\n"


def load_section(res):
    d, st = res
    out = ["## Flow completion time against load (leaf-spine)\n",
           "The loaded leaf-spine of the first table at three offered loads "
           "(a fraction of each hypervisor's 10 Gb/s), for an encapsulation "
           "with per-flow entropy (`vxlan`) and two without (`nvgre`, "
           "`mpls-ip`):\n"]
    hdr = ["encap", "load", "leaf_up_jain", "leaf_up_max_over_mean",
           "fct_p50_us", "fct_p99_us", "drop_rate", "fabric_up_max_queue_us",
           "access_down_max_queue_us"]
    rows = []
    encs, loads = LOAD_VARY[0][1], LOAD_VARY[1][1]
    for e in encs:
        for l in loads:
            x = st.get((e, l))
            rows.append(["`%s`" % e, l] + [cell(x, m) for m in hdr[2:]])
    out.append(table(hdr, rows) + "\n")
    out.append("![FCT p99 against load](img/q1-load-fct-p99.png)\n")
    out.append("![busiest leaf up-link over the mean]"
               "(img/q1-load-leaf-max-over-mean.png)\n")
    # the reading: does the FCT p99 of nvgre differ from vxlan's beyond
    # the intervals, at each load?
    said = []
    for l in loads:
        v, n = st.get(("vxlan", l)), st.get(("nvgre", l))
        if not v or not n or num(v, "fct_p99_us") is None or \
                num(n, "fct_p99_us") is None:
            continue
        dv = num(n, "fct_p99_us") - num(v, "fct_p99_us")
        h = (num(v, "fct_p99_us", "ci95") or 0) + \
            (num(n, "fct_p99_us", "ci95") or 0)
        said.append("at load %s `nvgre`'s p99 is %s µs %s `vxlan`'s (%s)" % (
            l, g(abs(dv), 3), "above" if dv > 0 else "below",
            "within the intervals" if abs(dv) <= h else
            "beyond the intervals"))
    if said:
        text = "Reading: %s." % "; ".join(said)
        q = []
        for e in encs:
            x = st.get((e, loads[-1]))
            if x and num(x, "fabric_up_max_queue_us") is not None and \
                    num(x, "access_down_max_queue_us") is not None:
                q.append("`%s` %s µs on a leaf up-link, %s µs on a link down "
                         "to a hypervisor" % (
                             e, g(num(x, "fabric_up_max_queue_us"), 3),
                             g(num(x, "access_down_max_queue_us"), 3)))
        if q:
            text += (" The largest queueing delay at load %s (mean over the "
                     "runs of each run's maximum): %s." % (loads[-1],
                                                          "; ".join(q)))
            x = st.get(("vxlan", loads[-1]))
            y = st.get(("nvgre", loads[-1]))
            if x and y:
                acc = [num(st.get((e, loads[-1])) or {},
                           "access_down_max_queue_us") for e in encs]
                acc = [v for v in acc if v is not None]
                text += (" Without entropy the up-links' worst queue is %s "
                         "times VXLAN's; the links down to the hypervisors, "
                         "where random pairs of VMs collide whatever the "
                         "encapsulation, queue %s to %s µs in these rows, so "
                         "the tail of a flow's completion time is set at "
                         "either place, and the up-links' imbalance shows "
                         "little in the FCT." % (
                             g(num(y, "fabric_up_max_queue_us")
                               / num(x, "fabric_up_max_queue_us"), 2),
                             g(min(acc), 3), g(max(acc), 3)))
        out.append(text + "\n")
    return "\n".join(out)


def heavy_section(heavy):
    out = ["## Few heavy pairs (leaf-spine)\n",
           "The same loaded leaf-spine with one VM per hypervisor, each "
           "sending all its flows to one partner VM (a permutation: "
           "`traffic.flows.pattern=permutation`, "
           "`overlay.tenants.vms-per-tenant=16`): a leaf's up-links now "
           "carry about 4 hypervisor pairs, not dozens, each as heavy as "
           "its hypervisor's offered load.\n"]
    hdr = ["config", "load", "leaf_up_max_over_mean", "fct_p50_us",
           "fct_p99_us", "drop_rate", "fabric_up_max_queue_us"]
    rows = []
    by = {}
    for h, d, st in heavy:
        dims = [v for _, v in h["vary"]]
        combos = [[]]
        for vals in dims:
            combos = [c + [x] for c in combos for x in vals]
        fixed_load = [x.split("=")[1] for x in h["sets"]
                      if x.startswith("traffic.flows.arrival.load=")]
        for c in combos:
            k = tuple(c)
            x = st.get(k)
            if h["id"] == "heavy":
                key, load = h["key"](k), k[1]
            else:
                key, load = h["key"](k), fixed_load[0]
            by[(key, load)] = x
            rows.append(["`%s`" % key, load] + [cell(x, m) for m in hdr[2:]])
    out.append(table(hdr, rows) + "\n")
    out.append("![FCT p99, one partner per hypervisor](img/q1-heavy-fct-p99.png)\n")
    said = []
    beyond = False
    for l in HEAVY[0]["vary"][1][1]:
        v, n = by.get(("vxlan", l)), by.get(("nvgre", l))
        if v and n and num(v, "fct_p99_us") and num(n, "fct_p99_us"):
            hw = (num(v, "fct_p99_us", "ci95") or 0) + \
                (num(n, "fct_p99_us", "ci95") or 0)
            dv = num(n, "fct_p99_us") - num(v, "fct_p99_us")
            beyond = beyond or dv > hw
            said.append("at load %s `nvgre`'s FCT p99 is %s times `vxlan`'s "
                        "(%s), its drop rate %s against %s" % (
                            l, g(num(n, "fct_p99_us") / num(v, "fct_p99_us"), 2),
                            "beyond the intervals" if abs(dv) > hw else
                            "within the intervals",
                            g(num(n, "drop_rate") or 0, 2),
                            g(num(v, "drop_rate") or 0, 2)))
    if said:
        fx = []
        for k in ["nvgre/addresses=4", "nvgre/addresses=8", "nvgre/gre-key",
                  "mpls-ip/el"]:
            x = by.get((k, "0.6"))
            if x and num(x, "fct_p99_us") is not None:
                fx.append("`%s` %s µs" % (k, g(num(x, "fct_p99_us"), 3)))
        verdict = ("With few heavy pairs the seed is right: when two pairs "
                   "of one leaf hash onto one up-link, that up-link carries "
                   "twice its share, and without per-flow entropy nothing "
                   "moves them apart." if beyond else
                   "The tail is longer without entropy, but with these few "
                   "runs not beyond the confidence intervals (rerun with "
                   "more `--runs`).")
        out.append("Reading: %s. %s The fixes at load 0.6, FCT p99: %s.\n"
                   % ("; ".join(said), verdict, "; ".join(fx)))
    return "\n".join(out)


def regenerate_q1(runs):
    cmds = []
    for fab in FABRICS:
        for cfg in CONFIGS:
            for scen, sets in (("study-ecmp.xml", fab["ecmp_sets"]),
                               ("study-pair.xml", fab["pair_sets"])):
                a = ["nvosim sweep scenarios/%s" % scen]
                a += ["--set %s" % s for s in sets + cfg["sets"]]
                a += ["--vary %s=%s" % (p, ",".join(v)) for p, v in cfg["vary"]]
                a += ["--runs R --out DIR"]
                cmds.append(" \\\n    ".join(a))
    fab = FABRICS[0]
    a = ["nvosim sweep scenarios/study-ecmp.xml"]
    a += ["--set %s" % x for x in fab["ecmp_sets"]]
    a += ["--vary %s=%s" % (p, ",".join(v)) for p, v in LOAD_VARY]
    a += ["--runs R --out DIR"]
    cmds.append(" \\\n    ".join(a))
    for h in HEAVY:
        a = ["nvosim sweep scenarios/study-ecmp.xml"]
        a += ["--set %s" % x for x in fab["ecmp_sets"] + HEAVY_SETS + h["sets"]]
        a += ["--vary %s=%s" % (p, ",".join(v)) for p, v in h["vary"]]
        a += ["--runs R --out DIR"]
        cmds.append(" \\\n    ".join(a))
    return ("## Regenerating\n\n`scripts/study` runs every sweep below "
            "(R = %s here), `nvosim summarize` on each (and on the per-pair "
            "path counts it derives from each run's results.xml), and "
            "`nvosim plot`:\n\n```\n%s\n```\n" % (runs, "\n".join(cmds)))




run = question1
