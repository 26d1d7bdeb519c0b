/* test_overlay_options.c: <overlay>'s encapsulation options from a
 * scenario (scenarios/overlay-ecmp.xml): every frame a PE puts on its
 * uplink carries what the options say (source-port range, fixed port with
 * entropy off, NVGRE FlowID 0, Geneve option bytes, MPLS entropy label
 * and control word: exact overheads), several underlay addresses per PE
 * (each frame from one of the sender's, every one used, delivered to any,
 * learned as the PE; IPv4 and IPv6), MPLS label modes (per-PE labels as
 * the egress PE assigned them, the label state per PE against its
 * formula), and the semantic checks with their messages. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/config.h"
#include "run/sim.h"
#include "run/sim_overlay.h"
#include "testutil.h"
#include "wire/wire.h"

struct run;
typedef void frame_fn(struct run *, uint32_t pe_node, const struct nvo_pkt *);

struct run {
    struct nvo_scenario_cfg *cfg;
    struct nvo_sim *sim;
    char *dir;
    frame_fn *fn;
    uint64_t frames;
    /* What the checkers gather. */
    uint32_t min_sport, max_sport;
    uint64_t gre_low_bytes;     /* frames whose GRE key's low byte != 0 */
    uint32_t addr_used[64][8];  /* [PE position][address] frames */
    uint64_t bad;               /* frames that break the rule checked */
};

static void
pe_tap(void *ctx, enum nvo_tap_event ev, nvo_time_t now,
       const struct nvo_port *port, const struct nvo_pkt *p,
       const char *reason)
{
    struct run *r = ctx;
    (void) ev;
    (void) now;
    (void) reason;
    r->frames++;
    r->fn(r, port->node->index, p);
}

/* Loads overlay-ecmp.xml with 'sets', taps every PE's uplink with 'fn',
 * runs it drained. */
static void
run_with(struct run *r, const char *const *sets, size_t n, frame_fn *fn)
{
    memset(r, 0, sizeof *r);
    r->min_sport = UINT32_MAX;
    nvo_test_scenario(nvo_test_src("scenarios/overlay-ecmp.xml"), sets, n,
                      "overlay-options", false, &r->cfg, &r->sim, &r->dir);
    r->fn = fn;
    const struct nvo_sim_overlay *o = r->sim->overlay;
    for (uint32_t i = 0; i < o->n_pes; i++) {
        struct nvo_node *pn = nvo_pe_node_base(o->pes[i]);
        nvo_port_add_tap(&pn->ports[0], pe_tap, r, NVO_TAP_MASK_SEND);
    }
    nvo_test_sim_finish(r->sim);
    /* Everything arrived and reached its VM. */
    ck_assert_uint_eq(r->sim->delivered, r->sim->generated);
    struct nvo_sim_overlay_totals t;
    nvo_sim_overlay_totals(o, &t);
    ck_assert_uint_gt(t.c.vm_frames, 5000);
    ck_assert_uint_eq(t.c.delivered, t.c.vm_frames);
    ck_assert_uint_eq(t.c.drops[NVO_PE_DROP_DECAP], 0);
    ck_assert_uint_eq(t.c.drops[NVO_PE_DROP_NO_TENANT], 0);
    ck_assert_uint_eq(r->frames, t.c.frames_out);
}

static void
run_done(struct run *r)
{
    nvo_test_scenario_free(r->cfg, r->sim, r->dir);
}

static struct nvo_sim_overlay_totals
totals(const struct run *r)
{
    struct nvo_sim_overlay_totals t;
    nvo_sim_overlay_totals(r->sim->overlay, &t);
    return t;
}

/* The outer source port (UDP or STT's TCP-like header). */
static void
sport_fn(struct run *r, uint32_t pe, const struct nvo_pkt *p)
{
    (void) pe;
    ck_assert(p->l4_ofs != NVO_PKT_OFS_NONE);
    uint32_t sp = nvo_rd16(nvo_pkt_at(p, p->l4_ofs));
    r->min_sport = NVO_MIN(r->min_sport, sp);
    r->max_sport = NVO_MAX(r->max_sport, sp);
}

START_TEST(source_ports)
{
    struct run r;
    /* Default range: 49152-65535 (some 9,600 flows reach both ends'
     * neighbourhoods). */
    run_with(&r, (const char *const[]) { "overlay.encap=gre-udp" }, 1,
             sport_fn);
    ck_assert_uint_ge(r.min_sport, 49152);
    ck_assert_uint_lt(r.min_sport, 49152 + 100);
    ck_assert_uint_gt(r.max_sport, 65535 - 100);
    run_done(&r);
    /* A range of 100 ports, every UDP encapsulation and STT. */
    static const char *const encaps[] = {
        "overlay.encap=vxlan", "overlay.encap=vxlan-gpe",
        "overlay.encap=geneve", "overlay.encap=gre-udp",
        "overlay.encap=mpls-udp", "overlay.encap=stt",
    };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(encaps); i++) {
        run_with(&r, (const char *const[]) { encaps[i],
                                             "overlay.sport-min=50000",
                                             "overlay.sport-max=50099" }, 3,
                 sport_fn);
        ck_assert_uint_eq(r.min_sport, 50000);
        ck_assert_uint_eq(r.max_sport, 50099);
        run_done(&r);
        /* Entropy off: the range's first port on every frame. */
        run_with(&r, (const char *const[]) { encaps[i],
                                             "overlay.entropy=false" }, 2,
                 sport_fn);
        ck_assert_uint_eq(r.min_sport, 49152);
        ck_assert_uint_eq(r.max_sport, 49152);
        run_done(&r);
    }
    /* One end given: the other is the default's. */
    run_with(&r, (const char *const[]) { "overlay.sport-min=60000" }, 1,
             sport_fn);
    ck_assert_uint_ge(r.min_sport, 60000);
    ck_assert_uint_gt(r.max_sport, 65535 - 100);
    run_done(&r);
    run_with(&r, (const char *const[]) { "overlay.sport-max=1024",
                                         "overlay.sport-min=1024",
                                         "overlay.entropy=false" }, 3,
             sport_fn);
    ck_assert_uint_eq(r.min_sport, 1024);
    ck_assert_uint_eq(r.max_sport, 1024);
    run_done(&r);
}
END_TEST

static void
gre_key_fn(struct run *r, uint32_t pe, const struct nvo_pkt *p)
{
    (void) pe;
    const uint8_t *gre = nvo_pkt_at(p, p->l4_ofs);
    ck_assert_uint_eq(nvo_rd16(gre), 0x2000);           /* K only */
    ck_assert_uint_eq(nvo_rd16(gre + 2), 0x6558);
    uint32_t key = nvo_rd32(gre + 4);
    ck_assert_uint_eq(key >> 8, 5000);                  /* the VSID */
    r->gre_low_bytes += (key & 0xff) != 0;
}

START_TEST(nvgre_flowid)
{
    struct run r;
    run_with(&r, (const char *const[]) { "overlay.encap=nvgre" }, 1,
             gre_key_fn);
    /* FlowID from the hash: 0 on about 1 frame in 256. */
    ck_assert_uint_gt(r.gre_low_bytes, r.frames * 9 / 10);
    run_done(&r);
    run_with(&r, (const char *const[]) { "overlay.encap=nvgre",
                                         "overlay.flowid=false" }, 2,
             gre_key_fn);
    ck_assert_uint_eq(r.gre_low_bytes, 0);
    ck_assert_uint_gt(r.frames, 5000);
    run_done(&r);
}
END_TEST

static void
none_fn(struct run *r, uint32_t pe, const struct nvo_pkt *p)
{
    (void) r;
    (void) pe;
    (void) p;
}

/* The inner frames are 14 + 128 bytes: the overhead per underlay frame is
 * bytes_out - encap_bytes over frames_out. */
static void
check_overhead(const char *const *sets, size_t n, uint64_t overhead)
{
    struct run r;
    run_with(&r, sets, n, none_fn);
    struct nvo_sim_overlay_totals t = totals(&r);
    ck_assert_uint_eq(t.c.frames_out, t.c.encap_frames);
    ck_assert_msg(t.c.bytes_out - t.c.encap_bytes == t.c.frames_out * overhead,
                  "%s: %.3f bytes of overhead per frame, not %u", sets[n - 1],
                  (double) (t.c.bytes_out - t.c.encap_bytes)
                  / (double) t.c.frames_out, (unsigned) overhead);
    ck_assert_uint_eq(t.c.encap_bytes, t.c.encap_frames * 142);
    run_done(&r);
}

START_TEST(option_overheads)
{
    /* Geneve: 50 + the option bytes (protocols.md: 50+o). */
    check_overhead((const char *const[]) { "overlay.encap=geneve" }, 1, 50);
    check_overhead((const char *const[]) { "overlay.encap=geneve",
                                           "overlay.geneve-options=4" }, 2,
                   54);
    check_overhead((const char *const[]) { "overlay.encap=geneve",
                                           "overlay.geneve-options=252" }, 2,
                   302);
    /* MPLS: 38 + 4 per label over GRE, 34 + 4 in IP, 42 + 4 in UDP; + 8
     * for ELI + EL, + 4 for the control word. */
    check_overhead((const char *const[]) { "overlay.encap=mpls-gre" }, 1, 42);
    check_overhead((const char *const[]) { "overlay.encap=mpls-gre",
                                           "overlay.entropy-label=true" }, 2,
                   50);
    check_overhead((const char *const[]) { "overlay.encap=mpls-ip",
                                           "overlay.entropy-label=true",
                                           "overlay.control-word=true" }, 3,
                   50);
    check_overhead((const char *const[]) { "overlay.encap=mpls-udp",
                                           "overlay.control-word=true" }, 2,
                   50);
    /* The options of other encapsulations change nothing. */
    check_overhead((const char *const[]) { "overlay.encap=vxlan",
                                           "overlay.geneve-options=64",
                                           "overlay.entropy-label=true",
                                           "overlay.control-word=true" }, 4,
                   50);
    /* IPv6: + 20. */
    check_overhead((const char *const[]) { "overlay.encap=geneve",
                                           "overlay.geneve-options=64",
                                           "underlay.ip=ipv6" }, 3, 134);
}
END_TEST

/* The outer source address must be one of the sending PE's; counts which
 * (IPv4 or IPv6). */
static void
addr_fn(struct run *r, uint32_t pe, const struct nvo_pkt *p)
{
    const struct nvo_net *net = r->sim->net;
    const struct nvo_sim_overlay *o = r->sim->overlay;
    uint32_t pos = 0;
    while (nvo_pe_node_index(o->pes[pos]) != pe) {
        pos++;
    }
    const uint8_t *ip = nvo_pkt_at(p, p->l3_ofs);
    bool v6 = ip[0] >> 4 == 6;
    uint32_t n = nvo_net_node_n_addrs(net, pe);
    int which = -1;
    for (uint32_t k = 0; k < n; k++) {
        uint8_t a6[16];
        nvo_net_node_addr6(net, pe, k, a6);
        if (v6 ? !memcmp(ip + 8, a6, 16)
               : nvo_rd32(ip + 12) == nvo_net_node_addr4(net, pe, k)) {
            which = (int) k;
        }
    }
    if (which < 0) {
        r->bad++;
        return;
    }
    if (p->tclass == NVO_TC_DATA) {
        r->addr_used[pos][which]++;     /* a one-packet flow's frame */
    }
    /* The destination is one of a PE's (its loopback). */
    int dst = v6 ? nvo_net_addr6_node(net, ip + 24)
                 : nvo_net_addr4_node(net, nvo_rd32(ip + 16));
    ck_assert_int_ge(dst, 0);
    ck_assert_ptr_nonnull(nvo_pe_node_of(nvo_net_node(net, (uint32_t) dst)));
}

static void
check_addresses(bool v6, const char *encap)
{
    struct run r;
    const char *const sets[] = {
        encap, "overlay.addresses=4", v6 ? "underlay.ip=ipv6"
                                         : "underlay.ip=ipv4",
    };
    run_with(&r, sets, 3, addr_fn);
    const struct nvo_net *net = r.sim->net;
    const struct nvo_sim_overlay *o = r.sim->overlay;
    ck_assert_uint_eq(r.bad, 0);
    /* Every PE sent from each of its 4 addresses, about a quarter of its
     * unicast frames each (one per flow, some 500 per PE; flood copies
     * are left out: the copies of one frame share its address): within 4
     * sd of Binomial(n, 1/4). */
    for (uint32_t i = 0; i < o->n_pes; i++) {
        uint32_t pe = nvo_pe_node_index(o->pes[i]);
        ck_assert_uint_eq(nvo_net_node_n_addrs(net, pe), 4);
        uint64_t sum = 0;
        for (int k = 0; k < 4; k++) {
            sum += r.addr_used[i][k];
        }
        for (int k = 0; k < 4; k++) {
            double e = sum / 4.0, sd = sqrt(sum * 3.0 / 16);
            ck_assert_msg(fabs(r.addr_used[i][k] - e) <= 4 * sd, "PE %u "
                          "address %d: %u of %" PRIu64 " frames", i, k,
                          r.addr_used[i][k], sum);
        }
    }
    /* The extra addresses come after the 24 nodes' loopbacks, the PEs'
     * (nodes 8..23) in node order: node 8's are 10.0.0.25..27. */
    ck_assert_uint_eq(nvo_net_node_addr4(net, 8, 0), 0x0a000009u);
    ck_assert_uint_eq(nvo_net_node_addr4(net, 8, 1), 0x0a000019u);
    ck_assert_uint_eq(nvo_net_node_addr4(net, 8, 3), 0x0a00001bu);
    ck_assert_uint_eq(nvo_net_node_addr4(net, 23, 3), 0x0a000048u);
    ck_assert_int_eq(nvo_net_addr4_node(net, 0x0a000048u), 23);
    ck_assert_int_eq(nvo_net_addr4_node(net, 0x0a000049u), -1);
    uint8_t a6[16];
    nvo_net_node_addr6(net, 23, 3, a6);
    ck_assert_int_eq(nvo_net_addr6_node(net, a6), 23);
    a6[11] = 4;                         /* address 4 of 4: none */
    ck_assert_int_eq(nvo_net_addr6_node(net, a6), -1);
    /* Decapsulation learned every remote MAC at its PE node, whichever
     * address it came from: no moves, and each entry's location is the
     * VM's node. */
    struct nvo_sim_overlay_totals t = totals(&r);
    ck_assert_uint_eq(t.c.moves, 0);
    uint64_t remote = 0;
    nvo_time_t now = nvo_engine_now(r.sim->engine);
    for (uint32_t i = 0; i < o->n_pes; i++) {
        struct nvo_mac_table *mt = nvo_pe_node_mac_table(o->pes[i]);
        for (uint32_t v = 0; v < o->n_vms; v++) {
            const struct nvo_mac_entry *e = nvo_mac_table_lookup(
                mt, 5000, nvo_mac_from_bytes(o->vms[v].mac), now);
            if (e && (e->flags & NVO_MAC_REMOTE)) {
                ck_assert_uint_eq(e->loc, o->vms[v].node);
                remote++;
            }
        }
    }
    ck_assert_uint_eq(remote, t.c.learned_remote);
    ck_assert_uint_gt(remote, 16 * 100);
    run_done(&r);
}

START_TEST(several_addresses)
{
    check_addresses(false, "overlay.encap=nvgre");
    check_addresses(true, "overlay.encap=nvgre");
    check_addresses(false, "overlay.encap=vxlan");
    check_addresses(true, "overlay.encap=mpls-ip");
}
END_TEST

/* Per-PE labels: the bottom label of each frame is the egress PE's label
 * for the frame's tenant (found from the inner source MAC's VM). */
static void
label_fn(struct run *r, uint32_t pe, const struct nvo_pkt *p)
{
    (void) pe;
    const struct nvo_net *net = r->sim->net;
    const struct nvo_sim_overlay *o = r->sim->overlay;
    const uint8_t *ip = nvo_pkt_at(p, p->l3_ofs);
    int dst = nvo_net_addr4_node(net, nvo_rd32(ip + 16));
    ck_assert_int_ge(dst, 0);
    const uint8_t *lse = nvo_pkt_at(p, p->l4_ofs) + 4;  /* after GRE */
    uint32_t label = nvo_rd32(lse) >> 12;
    ck_assert(nvo_rd32(lse) & 0x100);                   /* S: one label */
    const uint8_t *smac = nvo_pkt_at(p, p->inner_l2_ofs) + 6;
    uint32_t vm = (uint32_t) smac[3] << 16 | (uint32_t) smac[4] << 8
                  | smac[5];                            /* nvo_vm_mac() */
    ck_assert_uint_lt(vm, o->n_vms);
    uint32_t vni = o->cfg->first_vni + o->vms[vm].group;
    struct nvo_pe_node *dpe = nvo_pe_node_of(nvo_net_node(net,
                                                          (uint32_t) dst));
    uint32_t t;
    ck_assert_int_eq(nvo_pe_node_find_tenant(dpe, vni, &t), 0);
    uint32_t want = o->cfg->label_per_pe ? o->cfg->label_base + t : vni;
    r->bad += label != want;
    ck_assert_uint_eq(nvo_pe_node_label(dpe, t), want);
}

/* Label state per PE from the placement alone: per-PE labels, the other
 * PEs hosting each tenant it hosts; VNI labels, its tenants. */
static void
check_label_state(const struct run *r)
{
    const struct nvo_sim_overlay *o = r->sim->overlay;
    uint32_t T = o->cfg->n_tenants;
    uint64_t total = 0;
    for (uint32_t i = 0; i < o->n_pes; i++) {
        uint32_t node = nvo_pe_node_index(o->pes[i]);
        uint64_t want = 0;
        for (uint32_t t = 0; t < T; t++) {
            bool here = false;
            uint32_t pes = 0;
            for (uint32_t j = 0; j < o->n_pes; j++) {
                uint32_t nj = nvo_pe_node_index(o->pes[j]);
                bool has = false;
                for (uint32_t v = 0; v < o->n_vms && !has; v++) {
                    has = o->vms[v].group == t && o->vms[v].node == nj;
                }
                pes += has;
                here |= has && nj == node;
            }
            if (here) {
                want += o->cfg->label_per_pe ? pes - 1 : 1;
            }
        }
        ck_assert_uint_eq(nvo_pe_node_label_state(o->pes[i]), want);
        total += want;
    }
    /* results.xml says the same. */
    char *path = g_build_filename(r->dir, "results.xml", NULL);
    char *xml;
    ck_assert(g_file_get_contents(path, &xml, NULL, NULL));
    char want_attr[96];
    snprintf(want_attr, sizeof want_attr, "label=\"%s\" label-state=\"%"
             PRIu64 "\"", o->cfg->label_per_pe ? "per-pe" : "vni", total);
    ck_assert_msg(strstr(xml, want_attr), "%s not in results.xml", want_attr);
    g_free(xml);
    g_free(path);
}

START_TEST(label_modes)
{
    /* 20 tenants of 6 VMs placed at random: a PE hosts a few, in an
     * order of its own, so its labels differ from the other PEs'. */
    static const char *const per_pe[] = {
        "overlay.encap=mpls-gre", "overlay.label=per-pe",
        "overlay.label-base=1000", "overlay.tenants.count=20",
        "overlay.tenants.vms-per-tenant=6",
        "overlay.tenants.placement=random",
    };
    struct run r;
    run_with(&r, per_pe, NVO_ARRAY_SIZE(per_pe), label_fn);
    ck_assert_uint_eq(r.bad, 0);
    ck_assert(r.sim->overlay->cfg->label_per_pe);
    check_label_state(&r);
    /* Labels 1000.. are not VNIs 5000..: the egress mapped them back. */
    uint32_t t;
    ck_assert_int_eq(nvo_pe_node_find_tenant(r.sim->overlay->pes[0],
                                             nvo_pe_node_label(
                                                 r.sim->overlay->pes[0], 0),
                                             &t), ENOENT);
    run_done(&r);
    /* VNI labels: the VNI on the wire, one label per tenant. */
    static const char *const vni[] = {
        "overlay.encap=mpls-gre", "overlay.label=vni",
        "overlay.tenants.count=20", "overlay.tenants.vms-per-tenant=6",
        "overlay.tenants.placement=random",
    };
    run_with(&r, vni, NVO_ARRAY_SIZE(vni), label_fn);
    ck_assert_uint_eq(r.bad, 0);
    check_label_state(&r);
    run_done(&r);
    /* Round-robin, 1 tenant on all 16 PEs: 15 labels each, 240 in all. */
    run_with(&r, (const char *const[]) { "overlay.encap=mpls-ip",
                                         "overlay.label=per-pe" }, 2,
             none_fn);
    for (uint32_t i = 0; i < 16; i++) {
        ck_assert_uint_eq(nvo_pe_node_label_state(r.sim->overlay->pes[i]),
                          15);
    }
    check_label_state(&r);
    run_done(&r);
}
END_TEST

static void
expect_error(const char *const *sets, size_t n, const char *want)
{
    GError *error = NULL;
    struct nvo_scenario_cfg *cfg = nvo_scenario_load(
        nvo_test_src("scenarios/overlay-ecmp.xml"), sets, n, &error);
    ck_assert_msg(!cfg && error, "%s: accepted", sets[n - 1]);
    ck_assert_msg(strstr(error->message, want), "\"%s\" not in: %s", want,
                  error->message);
    g_error_free(error);
}

START_TEST(bad_options)
{
    expect_error((const char *const[]) { "overlay.sport-min=60000",
                                         "overlay.sport-max=50000" }, 2,
                 "--set overlay.sport-max=50000: <overlay sport-max=\"50000\">"
                 ": the source port range 60000-50000 is empty");
    expect_error((const char *const[]) { "overlay.sport-max=100" }, 1,
                 "range 49152-100 is empty");
    expect_error((const char *const[]) { "overlay.sport-min=65536" }, 1,
                 "<overlay sport-min=\"65536\">: must be at most 65535");
    expect_error((const char *const[]) { "overlay.sport-min=0" }, 1,
                 "sport-min");
    expect_error((const char *const[]) { "overlay.geneve-options=6" }, 1,
                 "<overlay geneve-options=\"6\">: must be a multiple of 4");
    expect_error((const char *const[]) { "overlay.geneve-options=256" }, 1,
                 "<overlay geneve-options=\"256\">: must be at most 252");
    expect_error((const char *const[]) { "overlay.addresses=257" }, 1,
                 "<overlay addresses=\"257\">: must be at most 256");
    expect_error((const char *const[]) { "overlay.addresses=0" }, 1,
                 "addresses");
    expect_error((const char *const[]) { "overlay.entropy=maybe" }, 1,
                 "entropy");
    expect_error((const char *const[]) { "overlay.label=per-tenant" }, 1,
                 "label");
    expect_error((const char *const[]) { "overlay.label-base=15" }, 1,
                 "<overlay label-base=\"15\">: must be at least 16");
    expect_error((const char *const[]) { "overlay.encap=mpls-udp",
                                         "overlay.label=per-pe",
                                         "overlay.label-base=1048575",
                                         "overlay.tenants.count=2" }, 4,
                 "1048575 + 2 tenants - 1 is over the largest label, "
                 "1048575");
    expect_error((const char *const[]) { "overlay.encap=mpls-gre",
                                         "overlay.label=per-pe",
                                         "overlay.flood-list=all-pes" }, 3,
                 "per-pe labels need flood-list=\"vni-pes\"");
    /* Not MPLS: the label mode is ignored (and so is its limit). */
    nvo_scenario_cfg_destroy(nvo_test_load(
        nvo_test_src("scenarios/overlay-ecmp.xml"),
        (const char *const[]) { "overlay.label=per-pe",
                                "overlay.flood-list=all-pes",
                                "overlay.label-base=1048575",
                                "overlay.tenants.count=2" }, 4));
}
END_TEST

/* tshark's decoding of hv1-1's uplink (the run of 'sets' with a pcap
 * there): the distinct lines of 'fields' (tshark -T fields, the first
 * occurrence of each, the outer headers, unless 'fields' says otherwise)
 * and how often each came. */
static GHashTable *
tshark_lines(const char *const *sets, size_t n, const char *fields,
             uint64_t *frames)
{
    FILE *v = popen("tshark -v 2>/dev/null", "r");
    char buf[4096];
    bool ok = v && fgets(buf, sizeof buf, v) && strstr(buf, "TShark");
    ck_assert_msg(v && pclose(v) == 0 && ok, "tshark is not installed or "
                  "does not run: this test needs it (apt-get install "
                  "tshark)");
    const char *all[16];
    memcpy(all, sets, n * sizeof *all);
    all[n] = "output.pcap[1].node=hv1-1";
    all[n + 1] = "output.pcap[1].peer=leaf1";
    struct run r;
    run_with(&r, all, n + 2, none_fn);
    /* Frames sent on hv1-1's uplink, and those it received. */
    *frames = nvo_pe_node_counters(r.sim->overlay->pes[0])->frames_out
              + nvo_pe_node_counters(r.sim->overlay->pes[0])->rx_frames;
    char *cmd = g_strdup_printf("tshark -r '%s/hv1-1-1.pcap' -T fields %s "
                                "%s 2>/dev/null", r.dir,
                                strstr(fields, "occurrence") ? ""
                                : "-E occurrence=f", fields);
    FILE *f = popen(cmd, "r");
    ck_assert_ptr_nonnull(f);
    GHashTable *lines = g_hash_table_new_full(g_str_hash, g_str_equal,
                                              g_free, NULL);
    while (fgets(buf, sizeof buf, f)) {
        buf[strcspn(buf, "\n")] = '\0';
        gpointer old = g_hash_table_lookup(lines, buf);
        g_hash_table_insert(lines, g_strdup(buf),
                            GUINT_TO_POINTER(GPOINTER_TO_UINT(old) + 1));
    }
    ck_assert_int_eq(pclose(f), 0);
    g_free(cmd);
    run_done(&r);
    return lines;
}

static uint64_t
count_lines(GHashTable *lines)
{
    uint64_t n = 0;
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, lines);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        n += GPOINTER_TO_UINT(v);
    }
    return n;
}

START_TEST(tshark_decodes_options)
{
    uint64_t frames;
    /* Geneve with 64 option bytes: one experimental (0xffff), non-critical
     * option of type 1 and 64 bytes on every frame, VNI 5000. */
    GHashTable *l = tshark_lines(
        (const char *const[]) { "overlay.encap=geneve",
                                "overlay.geneve-options=64" }, 2,
        "-e geneve.vni -e geneve.option.class -e geneve.option.type "
        "-e geneve.option.length -e geneve.flags.critical", &frames);
    ck_assert_uint_eq(g_hash_table_size(l), 1);
    ck_assert_uint_eq(GPOINTER_TO_UINT(g_hash_table_lookup(
                          l, "0x001388\t0xffff\t0x01\t64\t0")), frames);
    g_hash_table_destroy(l);
    /* 252 bytes: two options, 128 and 124 bytes (tshark lists the
     * options' total length first). */
    l = tshark_lines((const char *const[]) { "overlay.encap=geneve",
                                             "overlay.geneve-options=252" },
                     2, "-E occurrence=a -e geneve.option.length", &frames);
    ck_assert_uint_eq(GPOINTER_TO_UINT(g_hash_table_lookup(l, "252,128,124")),
                      frames);
    g_hash_table_destroy(l);
    /* NVGRE without FlowID: every key is VSID 5000 << 8. */
    l = tshark_lines((const char *const[]) { "overlay.encap=nvgre",
                                             "overlay.flowid=false" }, 2,
                     "-e gre.key", &frames);
    ck_assert_uint_eq(GPOINTER_TO_UINT(g_hash_table_lookup(l, "0x00138800")),
                      frames);
    g_hash_table_destroy(l);
    /* VXLAN with entropy off: source port 49152 on what hv1-1 sends. */
    l = tshark_lines((const char *const[]) { "overlay.entropy=false",
                                             "overlay.addresses=2" }, 2,
                     "-e ip.src -e udp.srcport -e vxlan.vni", &frames);
    uint64_t sent = GPOINTER_TO_UINT(g_hash_table_lookup(
                        l, "10.0.0.9\t49152\t5000"))
                    + GPOINTER_TO_UINT(g_hash_table_lookup(
                        l, "10.0.0.25\t49152\t5000"));
    ck_assert_uint_gt(GPOINTER_TO_UINT(g_hash_table_lookup(
                          l, "10.0.0.25\t49152\t5000")), 100);
    ck_assert_uint_eq(count_lines(l), frames);
    /* Every other line is a frame hv1-1 received (to 10.0.0.9 or
     * 10.0.0.25 from another PE). */
    ck_assert_uint_gt(sent, frames / 3);
    g_hash_table_destroy(l);
    /* MPLS in GRE with the entropy label and the control word, per-PE
     * labels from 1000: ELI (7), an EL, then the bottom label 1000 (the
     * one tenant is each PE's first). */
    l = tshark_lines((const char *const[]) { "overlay.encap=mpls-gre",
                                             "overlay.entropy-label=true",
                                             "overlay.control-word=true",
                                             "overlay.label=per-pe",
                                             "overlay.label-base=1000" }, 5,
                     "-E occurrence=a -e mpls.label -e mpls.bottom", &frames);
    GHashTableIter it;
    gpointer k, v;
    uint64_t n = 0;
    g_hash_table_iter_init(&it, l);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        unsigned eli, el, bottom, s1, s2, s3;
        ck_assert_msg(sscanf(k, "%u,%u,%u\t%u,%u,%u", &eli, &el, &bottom,
                             &s1, &s2, &s3) == 6, "%s", (char *) k);
        ck_assert_uint_eq(eli, 7);
        ck_assert_uint_ge(el, 16);
        ck_assert_uint_eq(bottom, 1000);
        ck_assert(!s1 && !s2 && s3);
        n += GPOINTER_TO_UINT(v);
    }
    ck_assert_uint_eq(n, frames);
    ck_assert_uint_gt(g_hash_table_size(l), 100);  /* entropy labels */
    g_hash_table_destroy(l);
}
END_TEST

START_TEST(api_addresses_and_labels)
{
    struct nvo_engine *e;
    ck_assert_int_eq(nvo_engine_create(nvo_test_engine(), nvo_test_scheduler(),
                                       &e), 0);
    struct nvo_net_cfg nc;
    memset(&nc, 0, sizeof nc);
    nc.ecmp.fn = NVO_HASH_CRC32;
    nc.ecmp.fields = NVO_ECMP_5TUPLE;
    nc.ecmp.parser_depth = 128;
    struct nvo_net *net = nvo_net_create(e, &nc);
    int leaf = nvo_net_add_node(net, "leaf1", NVO_ROLE_LEAF);
    struct nvo_pe_node_cfg pc;
    memset(&pc, 0, sizeof pc);
    pc.encap = &nvo_encap_mpls_gre_ops;
    pc.label_per_pe = true;
    pc.label_base = 100;
    pc.n_addrs = 3;
    struct nvo_pe_node *a = nvo_pe_node_create(net, "a", &pc);
    pc.n_addrs = 0;
    struct nvo_pe_node *b = nvo_pe_node_create(net, "b", &pc);
    pc.n_addrs = 257;
    ck_assert_ptr_null(nvo_pe_node_create(net, "c", &pc));
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    struct nvo_link_cfg l;
    nvo_link_cfg_default(&l);
    ck_assert_int_eq(nvo_net_add_link(net, nvo_pe_node_index(a),
                                      (uint32_t) leaf, &l), 0);
    ck_assert_int_eq(nvo_net_add_link(net, nvo_pe_node_index(b),
                                      (uint32_t) leaf, &l), 0);
    /* Refused: no addresses, too many, no such node. */
    ck_assert_int_eq(nvo_net_set_node_addrs(net, 0, 0), EINVAL);
    ck_assert_int_eq(nvo_net_set_node_addrs(net, 0, 257), EINVAL);
    ck_assert_int_eq(nvo_net_set_node_addrs(net, 99, 2), EINVAL);
    ck_assert_int_eq(nvo_net_set_node_addrs(net, 0, 1), 0);
    ck_assert_int_eq(nvo_net_finalize(net), 0);
    ck_assert_int_eq(nvo_net_set_node_addrs(net, 1, 2), EINVAL);
    /* Nodes leaf1, a, b, c (c's create failed, the node stays): 4
     * loopbacks 10.0.0.1-4, then a's 2 extra addresses. */
    uint32_t ai = nvo_pe_node_index(a);
    ck_assert_uint_eq(nvo_net_n_nodes(net), 4);
    ck_assert_uint_eq(nvo_net_node_n_addrs(net, ai), 3);
    ck_assert_uint_eq(nvo_net_node_n_addrs(net, nvo_pe_node_index(b)), 1);
    ck_assert_uint_eq(nvo_net_node_addr4(net, ai, 1), 0x0a000005u);
    ck_assert_uint_eq(nvo_net_node_addr4(net, ai, 2), 0x0a000006u);
    ck_assert_int_eq(nvo_net_addr4_node(net, 0x0a000005u), (int) ai);
    ck_assert_int_eq(nvo_net_addr4_node(net, 0x0a000006u), (int) ai);
    ck_assert_int_eq(nvo_net_addr4_node(net, 0x0a000007u), -1);
    ck_assert_int_eq(nvo_net_addr4_node(net, 0x0a000000u), -1);
    uint8_t a6[16];
    nvo_net_node_addr6(net, ai, 2, a6);
    static const uint8_t want6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0,
                                       0, 0, 0, 2, 0, 0, 0, 2 };
    ck_assert_mem_eq(a6, want6, 16);
    ck_assert_int_eq(nvo_net_addr6_node(net, a6), (int) ai);
    a6[11] = 3;
    ck_assert_int_eq(nvo_net_addr6_node(net, a6), -1);
    /* Per-PE labels: base + tenant on each PE. */
    uint32_t ta, tb, t2;
    ck_assert_int_eq(nvo_pe_node_add_tenant(a, 7000, &t2), 0);
    ck_assert_int_eq(nvo_pe_node_add_tenant(a, 5000, &ta), 0);
    ck_assert_uint_eq(nvo_pe_node_label(a, ta), 101);
    ck_assert_uint_eq(nvo_pe_node_label(a, 9), 0);
    uint32_t bi = nvo_pe_node_index(b);
    /* b does not host 5000 yet: it has no label for a to push. */
    ck_assert_int_eq(nvo_pe_node_set_flood(a, ta, &bi, 1), EINVAL);
    ck_assert_int_eq(nvo_pe_node_add_tenant(b, 5000, &tb), 0);
    ck_assert_uint_eq(nvo_pe_node_label(b, tb), 100);
    ck_assert_int_eq(nvo_pe_node_set_flood(a, ta, &bi, 1), 0);
    ck_assert_uint_eq(nvo_pe_node_label_state(a), 1);
    ck_assert_uint_eq(nvo_pe_node_label_state(b), 0);   /* no flood list */
    nvo_net_destroy(net);
    nvo_engine_destroy(e);
}
END_TEST

/* The fabric routes to every address of a PE and the PE takes frames to
 * any of them: a VXLAN frame from PE a's address 2 to PE b's address 3,
 * across leaf1 - spine - leaf2, is delivered to b's VM, and b learns the
 * VM's MAC at a's node. */
static void
route_to_extra(bool ipv6)
{
    struct nvo_engine *e;
    ck_assert_int_eq(nvo_engine_create(nvo_test_engine(), nvo_test_scheduler(),
                                       &e), 0);
    struct nvo_net_cfg nc;
    memset(&nc, 0, sizeof nc);
    nc.ipv6 = ipv6;
    nc.ecmp.fn = NVO_HASH_CRC32;
    nc.ecmp.fields = NVO_ECMP_5TUPLE;
    nc.ecmp.parser_depth = 128;
    struct nvo_net *net = nvo_net_create(e, &nc);
    int l1 = nvo_net_add_node(net, "leaf1", NVO_ROLE_LEAF);
    int l2 = nvo_net_add_node(net, "leaf2", NVO_ROLE_LEAF);
    int sp = nvo_net_add_node(net, "spine1", NVO_ROLE_SPINE);
    struct nvo_pe_node_cfg pc;
    memset(&pc, 0, sizeof pc);
    pc.encap = &nvo_encap_vxlan_ops;
    pc.n_addrs = 3;
    struct nvo_pe_node *a = nvo_pe_node_create(net, "a", &pc);
    pc.n_addrs = 4;
    struct nvo_pe_node *b = nvo_pe_node_create(net, "b", &pc);
    struct nvo_link_cfg l;
    nvo_link_cfg_default(&l);
    uint32_t ai = nvo_pe_node_index(a), bi = nvo_pe_node_index(b);
    ck_assert_int_eq(nvo_net_add_link(net, ai, (uint32_t) l1, &l), 0);
    ck_assert_int_eq(nvo_net_add_link(net, bi, (uint32_t) l2, &l), 0);
    ck_assert_int_eq(nvo_net_add_link(net, (uint32_t) l1, (uint32_t) sp, &l),
                     0);
    ck_assert_int_eq(nvo_net_add_link(net, (uint32_t) l2, (uint32_t) sp, &l),
                     0);
    ck_assert_int_eq(nvo_net_finalize(net), 0);
    static const uint8_t vm_b[6] = { 0x00, 0x50, 0x56, 0, 0, 2 };
    static const uint8_t vm_a[6] = { 0x00, 0x50, 0x56, 0, 0, 1 };
    uint32_t tb, vb;
    ck_assert_int_eq(nvo_pe_node_add_tenant(b, 5000, &tb), 0);
    ck_assert_int_eq(nvo_pe_node_add_vm(b, tb, vm_b, 0x0a000002u, &vb), 0);
    struct nvo_tunnel_cfg tc;
    memset(&tc, 0, sizeof tc);
    tc.ipv6 = ipv6;
    tc.vni = 5000;
    tc.src_ip4 = nvo_net_node_addr4(net, ai, 2);
    tc.dst_ip4 = nvo_net_node_addr4(net, bi, 3);
    nvo_net_node_addr6(net, ai, 2, tc.src_ip6);
    nvo_net_node_addr6(net, bi, 3, tc.dst_ip6);
    memcpy(tc.src_mac, nvo_pe_node_base(a)->mac, 6);
    struct nvo_tunnel t;
    ck_assert_int_eq(nvo_tunnel_build(&t, &nvo_encap_vxlan_ops, &tc), 0);
    struct nvo_pkt *p = nvo_pkt_alloc(&net->pool, NVO_PKT_HEADROOM, 64);
    struct nvo_frame_spec fs;
    memset(&fs, 0, sizeof fs);
    memcpy(fs.src_mac, vm_a, 6);
    memcpy(fs.dst_mac, vm_b, 6);
    fs.src_ip4 = 0x0a000001u;
    fs.dst_ip4 = 0x0a000002u;
    fs.proto = NVO_IPPROTO_UDP;
    fs.sport = 1000;
    fs.dport = 80;
    p->payload_size = 100;
    ck_assert_int_eq(nvo_wire_build_frame(p, &fs), 0);
    t.ops->push(&t, p);
    nvo_node_send(nvo_pe_node_base(a), p);
    nvo_engine_run(e, NVO_MS);
    const struct nvo_pe_node_counters *c = nvo_pe_node_counters(b);
    ck_assert_uint_eq(c->rx_frames, 1);
    ck_assert_uint_eq(c->rx_decap, 1);
    ck_assert_uint_eq(c->delivered, 1);
    /* Through both leaves and the spine. */
    ck_assert_uint_eq(nvo_net_node(net, (uint32_t) sp)->n_forwarded, 1);
    const struct nvo_mac_entry *me = nvo_mac_table_lookup(
        nvo_pe_node_mac_table(b), 5000, nvo_mac_from_bytes(vm_a),
        nvo_engine_now(e));
    ck_assert_ptr_nonnull(me);
    ck_assert(me->flags & NVO_MAC_REMOTE);
    ck_assert_uint_eq(me->loc, ai);
    /* An address past b's last is nobody's: no route. */
    uint64_t drops[NVO_NODE_DROP_N];
    nvo_net_drops(net, NULL, drops);
    ck_assert_uint_eq(drops[NVO_NODE_DROP_NO_ROUTE], 0);
    tc.dst_ip4 = nvo_net_node_addr4(net, bi, 3) + 1;
    tc.dst_ip6[11] = 4;
    ck_assert_int_eq(nvo_tunnel_build(&t, &nvo_encap_vxlan_ops, &tc), 0);
    p = nvo_pkt_alloc(&net->pool, NVO_PKT_HEADROOM, 64);
    p->payload_size = 100;
    ck_assert_int_eq(nvo_wire_build_frame(p, &fs), 0);
    t.ops->push(&t, p);
    nvo_node_send(nvo_pe_node_base(a), p);
    nvo_engine_run(e, 2 * NVO_MS);
    nvo_net_drops(net, NULL, drops);
    ck_assert_uint_eq(drops[NVO_NODE_DROP_NO_ROUTE], 1);
    ck_assert_uint_eq(c->rx_frames, 1);
    ck_assert_uint_eq(net->n_generated, 2);
    nvo_net_destroy(net);
    nvo_engine_destroy(e);
}

START_TEST(routes_to_every_address)
{
    route_to_extra(false);
    route_to_extra(true);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("overlay_options");
    TCase *tc = tcase_create("overlay_options");
    tcase_add_test(tc, source_ports);
    tcase_add_test(tc, nvgre_flowid);
    tcase_add_test(tc, option_overheads);
    tcase_add_test(tc, several_addresses);
    tcase_add_test(tc, label_modes);
    tcase_add_test(tc, bad_options);
    tcase_add_test(tc, tshark_decodes_options);
    tcase_add_test(tc, api_addresses_and_labels);
    tcase_add_test(tc, routes_to_every_address);
    tcase_set_timeout(tc, 300);
    suite_add_tcase(s, tc);
    return nvo_test_run(s);
}
