/* test_vpls_bgp.c: BGP-signalled VPLS (ctrl/vpls_bgp, RFC 4761) on n PEs
 * around one leaf, every PE in each of V VSIs, against numbers worked
 * out by hand: NLRI advertised and received, pseudowires up, the labels
 * of the block arithmetic (label base + VE ID - offset), extra blocks
 * when VE IDs exceed a block, refusals (VE ID collision, MTU mismatch),
 * a BUM frame's copies and their labels read from the MPLS-over-GRE
 * frames, split horizon, withdrawal taking pseudowires down.  First with
 * an in-test route bus (every advertisement reaches every other PE 1 ms
 * later), then over real BGP speakers and a route reflector (the bus
 * bound to the speaker as run/sim_ctrl.c binds EVPN's): UPDATE sizes,
 * tshark's bgp.vplsbgp fields, and the state against LDP's. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "core/mem.h"
#include "ctrl/bgp_speaker.h"
#include "ctrl/tcp.h"
#include "ctrl/vpls_bgp.h"
#include "fabric/net.h"
#include "io/pcap_out.h"
#include "testfabric.h"
#include "testutil.h"
#include "wire/bgp_attr.h"
#include "wire/bgp_nlri.h"
#include "wire/ldp_mesh.h"
#include "wire/wire.h"

/* This suite's tshark lines (tests/testfabric). */
#define run_tshark(path, args, lines, max)                                  \
    nvo_test_tshark(path, args, lines[0], sizeof lines[0], max,            \
                    NVO_TEST_TSHARK_STRIP)

#define MAXN NVO_TEST_PES_MAX
#define MAXV 3
#define MAX_ENC 256
#define VNI0 NVO_TEST_PES_VNI0
#define BUS_DELAY NVO_MS

struct encrec {
    int from;
    uint32_t tenant, dst_node, label;
};

struct msgrec {                 /* a BGP message a speaker sent */
    int from, to;               /* bench index, -1 the reflector */
    uint8_t type;
    size_t len;
};

struct bench;

struct pectx {
    struct bench *b;
    int i;                      /* bench index, -1 the reflector */
};

struct bench {
    struct nvo_test_pes f;      /* first; V <= MAXV */
    int rr;                     /* -1: the in-test bus */
    struct nvo_vpls_bgp *vb[MAXN];
    struct pectx ctx[MAXN + 1];
    /* BGP */
    struct nvo_tcp_stack *tcp[MAXN + 1];
    struct nvo_bgp_speaker *spk[MAXN + 1];  /* [n]: the reflector */
    GArray *msgs;               /* struct msgrec */
    uint64_t routes_in[MAXN];   /* route_in calls from BGP */
    struct encrec enc[MAX_ENC];
    uint32_t n_enc;
};

/* ---- The in-test bus ------------------------------------------------------- */

struct msg {
    struct bench *b;
    int from, to;
    bool adv;
    struct nvo_vpls_nlri n;
    struct nvo_bgp_attrs a;
    uint8_t ec[4][NVO_BGP_EC_LEN];
};

static void
deliver_msg(void *arg)
{
    struct msg *m = arg;
    struct bench *b = m->b;
    if (m->adv) {
        m->a.ext_comm = &m->ec[0][0];
    }
    nvo_vpls_bgp_route_in(b->vb[m->to], &m->n, m->adv ? &m->a : NULL,
                          nvo_vpls_bgp_router_id(b->vb[m->from]));
    g_free(m);
}

static void
send_all(struct pectx *c, const struct nvo_vpls_nlri *n,
         const struct nvo_bgp_attrs *a)
{
    struct bench *b = c->b;
    for (uint32_t i = 0; i < b->f.n; i++) {
        if ((int) i == c->i || !b->vb[i]) {
            continue;
        }
        struct msg *m = g_new0(struct msg, 1);
        m->b = b;
        m->from = c->i;
        m->to = (int) i;
        m->adv = a != NULL;
        m->n = *n;
        if (a) {
            ck_assert_uint_le(a->n_ext_comm, 4);
            m->a = *a;
            memcpy(m->ec, a->ext_comm,
                   a->n_ext_comm * (size_t) NVO_BGP_EC_LEN);
            m->a.ext_comm = NULL;
        }
        nvo_engine_schedule(b->f.e, BUS_DELAY, deliver_msg, m);
    }
}

static int
tbus_adv(void *ctx, const struct nvo_vpls_nlri *n,
         const struct nvo_bgp_attrs *a)
{
    send_all(ctx, n, a);
    return 0;
}

static int
tbus_wd(void *ctx, const struct nvo_vpls_nlri *n)
{
    send_all(ctx, n, NULL);
    return 0;
}

static const struct nvo_vpls_bgp_bus_ops test_bus = {
    .advertise = tbus_adv,
    .withdraw = tbus_wd,
};

/* ---- The bus bound to a BGP speaker (as run/sim_ctrl.c binds EVPN's) ------- */

static int
bgp_adv(void *ctx, const struct nvo_vpls_nlri *n,
        const struct nvo_bgp_attrs *a)
{
    struct pectx *c = ctx;
    uint8_t nl[32];
    struct nvo_bgp_buf w = nvo_bgp_buf_init(nl, sizeof nl);
    size_t len = nvo_vpls_nlri_encode(&w, n);
    if (!len) {
        return EINVAL;
    }
    return nvo_bgp_speaker_originate(c->b->spk[c->i], NVO_BGP_AFI_L2VPN,
                                     NVO_BGP_SAFI_VPLS, nl, len, a);
}

static int
bgp_wd(void *ctx, const struct nvo_vpls_nlri *n)
{
    struct pectx *c = ctx;
    uint8_t nl[32];
    struct nvo_bgp_buf w = nvo_bgp_buf_init(nl, sizeof nl);
    size_t len = nvo_vpls_nlri_encode(&w, n);
    if (!len) {
        return EINVAL;
    }
    return nvo_bgp_speaker_withdraw(c->b->spk[c->i], NVO_BGP_AFI_L2VPN,
                                    NVO_BGP_SAFI_VPLS, nl, len);
}

static const struct nvo_vpls_bgp_bus_ops bgp_bus = {
    .advertise = bgp_adv,
    .withdraw = bgp_wd,
};

static void
best_cb(void *ctx, uint16_t afi, uint8_t safi, const uint8_t *nlri,
        size_t len, const struct nvo_bgp_attrs *best, uint32_t originator)
{
    struct pectx *c = ctx;
    if (c->i < 0 || afi != NVO_BGP_AFI_L2VPN || safi != NVO_BGP_SAFI_VPLS) {
        return;
    }
    struct nvo_rd r = nvo_rd_init(nlri, len);
    struct nvo_vpls_nlri v;
    struct nvo_bgp_error e;
    ck_assert_int_eq(nvo_vpls_nlri_decode(&r, nlri, &v, &e), 0);
    c->b->routes_in[c->i]++;
    nvo_vpls_bgp_route_in(c->b->vb[c->i], &v, best, originator);
}

static void
observer(void *ctx, const struct nvo_bgp_speaker *s, uint32_t peer, bool sent,
         nvo_time_t now, const uint8_t *msg, size_t len)
{
    struct bench *b = ctx;
    (void) now;
    if (!sent) {
        return;
    }
    struct msgrec r = { nvo_test_pes_ix(&b->f, nvo_bgp_speaker_node(s)->index),
                        nvo_test_pes_ix(&b->f, peer), msg[18], len };
    g_array_append_val(b->msgs, r);
}

/* ---- The bench ------------------------------------------------------------- */

static void
on_encap(void *ctx, struct nvo_pe_node *pe, uint32_t tenant,
         const struct nvo_tunnel *t, const struct nvo_pkt *p)
{
    struct bench *b = ctx;
    (void) t;
    const uint8_t *ip = p->data + NVO_ETH_LEN;
    ck_assert_uint_eq(ip[9], NVO_IPPROTO_GRE);
    const uint8_t *gre = ip + 4u * (ip[0] & 15);
    ck_assert_uint_eq(nvo_rd16(gre + 2), 0x8847);
    int d = nvo_net_addr4_node(b->f.net, nvo_rd32(ip + 16));
    ck_assert_int_ge(d, 0);
    ck_assert_uint_lt(b->n_enc, MAX_ENC);
    b->enc[b->n_enc++] = (struct encrec) {
        nvo_test_pes_ix(&b->f, nvo_pe_node_index(pe)), tenant, (uint32_t) d,
        nvo_rd32(gre + 4) >> 12 };
}

/* Per-PE configuration overrides for the next bench_build(). */
static uint16_t bench_block_size;       /* 0: the default 8 */
static int bench_ve_pe = -1;            /* PE given VE ID bench_ve */
static uint16_t bench_ve;
static int bench_mtu_pe = -1;           /* PE with MTU 9000 */
static int bench_late_pe = -1;          /* PE not started by bench_build */

/* n PEs on one leaf (1 Gb/s links, 10 us), V tenants (VNI 100 + v, one
 * VM each) on each, PE i's label space from 1000 (i + 1).  With bgp, a
 * reflector "rr" on the leaf and a speaker (MP 25/65 too) on every PE,
 * each PE a client of the reflector; else the in-test bus.  Started. */
static void
bench_build(struct bench *b, uint32_t n, uint32_t V, bool bgp)
{
    memset(b, 0, sizeof *b);
    b->rr = -1;
    ck_assert_uint_le(V, MAXV);
    nvo_test_pes_begin(&b->f, n, V);
    struct nvo_link_cfg l;
    nvo_link_cfg_default(&l);
    l.rate_bps = 1000000000ull;
    l.delay = 10 * NVO_US;
    if (bgp) {
        b->rr = nvo_net_add_node(b->f.net, "rr", NVO_ROLE_RR);
        ck_assert_int_eq(nvo_net_add_link(b->f.net, (uint32_t) b->rr,
                                          (uint32_t) b->f.leaf, &l), 0);
    }
    struct nvo_pe_node_cfg pc;
    memset(&pc, 0, sizeof pc);
    pc.encap = &nvo_encap_mpls_gre_ops;
    pc.label_per_pe = true;
    pc.on_encap = on_encap;
    pc.ctx = b;
    nvo_test_pes_add(&b->f, &pc, &l, NULL, true);
    b->msgs = g_array_new(FALSE, FALSE, sizeof(struct msgrec));
    struct nvo_bgp_speaker_cfg sc;
    nvo_bgp_speaker_cfg_default(&sc);
    sc.vpls = true;
    char err[256];
    if (bgp) {
        ck_assert_int_eq(nvo_tcp_stack_create(nvo_net_node(b->f.net,
                                                           (uint32_t) b->rr),
                                              NULL, &b->tcp[n]), 0);
        sc.is_rr = true;
        ck_assert_int_eq(nvo_bgp_speaker_create(b->tcp[n], &sc, &b->spk[n],
                                                err, sizeof err), 0);
        sc.is_rr = false;
        b->ctx[n] = (struct pectx) { b, -1 };
        nvo_bgp_speaker_set_best_cb(b->spk[n], best_cb, &b->ctx[n]);
        nvo_bgp_speaker_set_observer(b->spk[n], observer, b);
    }
    for (uint32_t i = 0; i < n; i++) {
        b->ctx[i] = (struct pectx) { b, (int) i };
        struct nvo_vpls_bgp_cfg vc;
        nvo_vpls_bgp_cfg_default(&vc);
        vc.label_base = 1000 * (i + 1);
        if (bench_block_size) {
            vc.block_size = bench_block_size;
        }
        if ((int) i == bench_mtu_pe) {
            vc.mtu = 9000;
        }
        if (bgp) {
            ck_assert_int_eq(nvo_tcp_stack_create(nvo_pe_node_base(b->f.pe[i]),
                                                  NULL, &b->tcp[i]), 0);
            ck_assert_int_eq(nvo_bgp_speaker_create(b->tcp[i], &sc,
                                                    &b->spk[i], err,
                                                    sizeof err), 0);
            nvo_bgp_speaker_set_best_cb(b->spk[i], best_cb, &b->ctx[i]);
            nvo_bgp_speaker_set_observer(b->spk[i], observer, b);
            ck_assert_int_eq(nvo_bgp_speaker_add_peer(b->spk[i],
                                                      (uint32_t) b->rr,
                                                      false), 0);
            ck_assert_int_eq(nvo_bgp_speaker_add_peer(b->spk[n], b->f.node[i],
                                                      true), 0);
        }
        b->vb[i] = nvo_vpls_bgp_create(b->f.pe[i], &vc,
                                       bgp ? &bgp_bus : &test_bus,
                                       &b->ctx[i]);
        ck_assert_ptr_nonnull(b->vb[i]);
        if ((int) i == bench_ve_pe) {
            for (uint32_t v = 0; v < V; v++) {
                ck_assert_int_eq(nvo_vpls_bgp_set_ve_id(b->vb[i],
                                                        b->f.tenant[i][v],
                                                        bench_ve), 0);
            }
        }
    }
    for (uint32_t i = 0; i < n; i++) {
        if ((int) i != bench_late_pe) {
            ck_assert_int_eq(nvo_vpls_bgp_start(b->vb[i]), 0);
        }
    }
}

static void
bench_free(struct bench *b)
{
    for (uint32_t i = 0; i < b->f.n; i++) {
        nvo_vpls_bgp_destroy(b->vb[i]);
    }
    for (uint32_t i = 0; i <= b->f.n; i++) {
        nvo_bgp_speaker_destroy(b->spk[i]);
        nvo_tcp_stack_destroy(b->tcp[i]);
    }
    nvo_net_destroy(b->f.net);
    nvo_engine_destroy(b->f.e);
    g_array_free(b->msgs, TRUE);
    bench_block_size = 0;
    bench_ve_pe = -1;
    bench_mtu_pe = -1;
    bench_late_pe = -1;
}

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static uint32_t updates(const struct bench *b, int from, int to, size_t *len,
                        uint32_t max);

/* The objects and bytes of memory type 'name' in PE i's account. */
static struct nvo_mem_count
mem_of(const struct bench *b, uint32_t i, const char *name)
{
    return nvo_mem_acct_get(&nvo_pe_node_base(b->f.pe[i])->mem,
                            nvo_mem_type_register(name));
}

/* ---- The mesh: NLRI, pseudowires, labels ----------------------------------- */

/* With the default block size 8 and n <= 8, PE i has VE ID i + 1 and one
 * block per VSI, offset 1: VSI v's block on PE j has base 1000 (j + 1) +
 * 8v (labels allocated in VSI order).  So the label PE i pushes toward PE
 * j in VSI v (RFC 4761 3.2.3: base_j + VE_i - offset_j) is
 *   1000 (j + 1) + 8 v + i,
 * and the one it expects from j is 1000 (i + 1) + 8 v + j. */
static uint32_t
want_label(uint32_t i, uint32_t j, uint32_t v)
{
    return 1000 * (j + 1) + 8 * v + i;
}

/* n PEs, V VSIs, one block each: n V NLRIs advertised (one per PE and
 * VSI), each PE receives (n - 1) V, pushes (n - 1) V labels (its
 * pseudowire directions), n(n - 1)/2 pseudowires per VSI; a block of 8
 * labels per VSI, 8 V labels per PE. */
static void
check_mesh(struct bench *b, uint64_t rcvd_each)
{
    uint32_t n = b->f.n, V = b->f.V;
    uint64_t adv = 0, up = 0;
    for (uint32_t i = 0; i < n; i++) {
        const struct nvo_vpls_bgp_counters *c = nvo_vpls_bgp_counters(b->vb[i]);
        adv += c->nlri_advertised;
        up += c->pws_up;
        ck_assert_uint_eq(c->nlri_advertised, V);
        ck_assert_uint_eq(c->nlri_received, rcvd_each);
        ck_assert_uint_eq(c->not_imported, 0);
        ck_assert_uint_eq(c->refused, 0);
        ck_assert_uint_eq(c->pws_up, (n - 1) * V);
        ck_assert_uint_eq(c->label_blocks, V);
        ck_assert_uint_eq(c->labels_allocated, 8 * V);
        /* Memory: one array of received NLRI per remote PE and VSI, each
         * of one NLRI; one array of own blocks and one of remotes per
         * VSI; the struct; the VSIs' array. */
        struct nvo_mem_count m = mem_of(b, i, "vpls-bgp-nlri");
        ck_assert_uint_eq(m.objects, (n - 1) * V);
        ck_assert_uint_eq(m.bytes,
                          (n - 1) * V * sizeof(struct nvo_vpls_nlri));
        ck_assert_uint_eq(mem_of(b, i, "vpls-bgp-block").objects, V);
        ck_assert_uint_eq(mem_of(b, i, "vpls-bgp-remote").objects, V);
        ck_assert_uint_eq(mem_of(b, i, "vpls-bgp-vsi").objects, 1);
        ck_assert_uint_eq(mem_of(b, i, "vpls-bgp").objects, 1);
        for (uint32_t v = 0; v < V; v++) {
            uint32_t t = b->f.tenant[i][v];
            ck_assert_uint_eq(nvo_vpls_bgp_ve_id(b->vb[i], t), i + 1);
            ck_assert_uint_eq(nvo_vpls_bgp_n_blocks(b->vb[i], t), 1);
            ck_assert_uint_eq(nvo_vpls_bgp_n_remotes(b->vb[i], t), n - 1);
            struct nvo_vpls_nlri k;
            ck_assert(nvo_vpls_bgp_block(b->vb[i], t, 0, &k));
            ck_assert_uint_eq(k.block_offset, 1);
            ck_assert_uint_eq(k.block_size, 8);
            ck_assert_uint_eq(k.label_base, 1000 * (i + 1) + 8 * v);
            uint32_t nf;
            const uint32_t *fl = nvo_pe_node_flood(b->f.pe[i], t, &nf);
            ck_assert_uint_eq(nf, n - 1);
            for (uint32_t j = 0, q = 0; j < n; j++) {
                if (j == i) {
                    continue;
                }
                ck_assert_uint_eq(fl[q++], b->f.node[j]);
                ck_assert_uint_eq(nvo_vpls_bgp_tx_label(b->vb[i], t,
                                                        b->f.node[j]),
                                  want_label(i, j, v));
                ck_assert_uint_eq(nvo_pe_node_pw_label(b->f.pe[i], t,
                                                       b->f.node[j]),
                                  want_label(i, j, v));
                ck_assert_uint_eq(nvo_vpls_bgp_rx_label(b->vb[i], t,
                                                        b->f.node[j]),
                                  want_label(j, i, v));
            }
        }
    }
    ck_assert_uint_eq(adv, (uint64_t) n * V);
    ck_assert_uint_eq(up / 2, (uint64_t) n * (n - 1) / 2 * V);
}

/* n = 4, V = 2: 8 NLRIs, 6 received per PE, 6 pseudowires per VSI (12
 * directions each), e.g. PE 0 pushes 3008 toward PE 2 in VSI 1 (3000 +
 * 8 + 0) and PE 3 pushes 2003 toward PE 1 in VSI 0. */
START_TEST(mesh_4x2_bus)
{
    static struct bench b;
    bench_build(&b, 4, 2, false);
    nvo_engine_run(b.f.e, 10 * NVO_MS);
    check_mesh(&b, 6);
    ck_assert_uint_eq(nvo_vpls_bgp_tx_label(b.vb[0], b.f.tenant[0][1],
                                            b.f.node[2]), 3008);
    ck_assert_uint_eq(nvo_vpls_bgp_tx_label(b.vb[3], b.f.tenant[3][0],
                                            b.f.node[1]), 2003);
    ck_assert_uint_eq(nvo_vpls_bgp_rx_label(b.vb[1], b.f.tenant[1][0],
                                            b.f.node[3]), 2003);
    bench_free(&b);
}
END_TEST

/* n = 6, V = 3: 18 NLRIs, 15 received per PE, 15 pseudowires per VSI. */
START_TEST(mesh_6x3_bus)
{
    static struct bench b;
    bench_build(&b, 6, 3, false);
    nvo_engine_run(b.f.e, 10 * NVO_MS);
    check_mesh(&b, 15);
    bench_free(&b);
}
END_TEST

/* The copies PE 'from' encapsulated since record 'first': each to a
 * distinct other PE with want_label(from, to, v).  Returns how many. */
static uint32_t
check_copies(const struct bench *b, uint32_t first, int from, uint32_t v)
{
    uint32_t k = 0;
    for (uint32_t r = first; r < b->n_enc; r++) {
        const struct encrec *e = &b->enc[r];
        ck_assert_int_eq(e->from, from);
        ck_assert_uint_eq(e->tenant, b->f.tenant[from][v]);
        int to = nvo_test_pes_ix(&b->f, e->dst_node);
        ck_assert_int_ge(to, 0);
        ck_assert_int_ne(to, from);
        ck_assert_uint_eq(e->label, want_label((uint32_t) from,
                                               (uint32_t) to, v));
        for (uint32_t q = first; q < r; q++) {
            ck_assert_uint_ne(b->enc[q].dst_node, e->dst_node);
        }
        k++;
    }
    return k;
}

/* n = 4, V = 2.  A broadcast from PE 0's VM of VSI 0 makes 3 copies with
 * labels 2000, 3000, 4000 (base_j + 1 - 1), delivered once at each other
 * PE, never re-flooded (split horizon: no other PE sends a frame); each
 * receiver learns the MAC at PE 0 from the label.  A broadcast from PE
 * 2's VM of VSI 1: 1010, 2010, 4010 (base_j + 8 + 3 - 1). */
static void
check_bum(struct bench *b)
{
    uint32_t first = b->n_enc;
    nvo_test_pes_vm_send(&b->f, 0, 0, bcast);
    nvo_engine_run(b->f.e, nvo_engine_now(b->f.e) + 10 * NVO_MS);
    ck_assert_uint_eq(check_copies(b, first, 0, 0), 3);
    ck_assert_uint_eq(b->enc[first].label, 2000);
    ck_assert_uint_eq(b->enc[first + 1].label, 3000);
    ck_assert_uint_eq(b->enc[first + 2].label, 4000);
    uint8_t mac0[6];
    nvo_test_pes_vm_mac(0, 0, mac0);
    for (uint32_t i = 1; i < 4; i++) {
        const struct nvo_pe_node_counters *c =
            nvo_pe_node_tenant_counters(b->f.pe[i], b->f.tenant[i][0]);
        ck_assert_uint_eq(c->rx_decap, 1);
        ck_assert_uint_eq(c->delivered, 1);
        ck_assert_uint_eq(c->frames_out, 0);
        ck_assert_uint_eq(nvo_pe_node_tenant_counters(b->f.pe[i],
                                                      b->f.tenant[i][1])
                          ->delivered, 0);
        ck_assert_uint_eq(nvo_pe_node_pw_counters(b->f.pe[i])->rx_bad_label,
                          0);
        const struct nvo_mac_entry *e =
            nvo_mac_table_lookup(nvo_pe_node_mac_table(b->f.pe[i]), VNI0,
                                 nvo_mac_from_bytes(mac0),
                                 nvo_engine_now(b->f.e));
        ck_assert_ptr_nonnull(e);
        ck_assert_uint_eq(e->loc, b->f.node[0]);
    }
    first = b->n_enc;
    nvo_test_pes_vm_send(&b->f, 2, 1, bcast);
    nvo_engine_run(b->f.e, nvo_engine_now(b->f.e) + 10 * NVO_MS);
    ck_assert_uint_eq(check_copies(b, first, 2, 1), 3);
    ck_assert_uint_eq(b->enc[first].label, 1010);
    ck_assert_uint_eq(b->enc[first + 1].label, 2010);
    ck_assert_uint_eq(b->enc[first + 2].label, 4010);
    for (uint32_t i = 0; i < 4; i++) {
        ck_assert_uint_eq(nvo_pe_node_tenant_counters(b->f.pe[i],
                                                      b->f.tenant[i][1])
                          ->delivered, i == 2 ? 0 : 1);
    }
}

START_TEST(bum_bus)
{
    static struct bench b;
    bench_build(&b, 4, 2, false);
    nvo_engine_run(b.f.e, 10 * NVO_MS);
    check_bum(&b);
    bench_free(&b);
}
END_TEST

/* n = 4, V = 1, blocks of 2 VE IDs: VE IDs 1..4 need blocks at offsets 1
 * and 3.  Each PE starts with the block of its own VE ID (PEs 0, 1:
 * offset 1; PEs 2, 3: offset 3) and allocates the other when the first
 * NLRI of a VE ID outside it arrives: 2 blocks, 4 labels and 2 NLRIs per
 * PE, 8 in all; each PE receives 6 (3 initial + 3 second blocks).  PE j's
 * first block has base 1000 (j + 1), its second 1000 (j + 1) + 2.  So
 * PE 0 (VE 1) pushes toward PE 2 from PE 2's offset-1 block (its second):
 * 3002 + 1 - 1 = 3002; PE 3 (VE 4) toward PE 2 from its first: 3000 +
 * 4 - 3 = 3001; PE 2 (VE 3) toward PE 0 from PE 0's second: 1002 + 0;
 * PE 1 (VE 2) toward PE 0 from its first: 1000 + 1 = 1001. */
static void
check_blocks(bool bgp)
{
    static struct bench b;
    bench_block_size = 2;
    bench_build(&b, 4, 1, bgp);
    nvo_engine_run(b.f.e, bgp ? NVO_SEC : 10 * NVO_MS);
    static const uint32_t first_off[4] = { 1, 1, 3, 3 };
    uint64_t adv = 0;
    for (uint32_t i = 0; i < 4; i++) {
        const struct nvo_vpls_bgp_counters *c = nvo_vpls_bgp_counters(b.vb[i]);
        ck_assert_uint_eq(c->label_blocks, 2);
        ck_assert_uint_eq(c->labels_allocated, 4);
        ck_assert_uint_eq(c->nlri_advertised, 2);
        ck_assert_uint_eq(c->nlri_received, 6);
        ck_assert_uint_eq(c->refused, 0);
        ck_assert_uint_eq(c->pws_up, 3);
        adv += c->nlri_advertised;
        uint32_t t = b.f.tenant[i][0];
        struct nvo_vpls_nlri k0, k1;
        ck_assert(nvo_vpls_bgp_block(b.vb[i], t, 0, &k0));
        ck_assert(nvo_vpls_bgp_block(b.vb[i], t, 1, &k1));
        ck_assert_uint_eq(k0.block_offset, first_off[i]);
        ck_assert_uint_eq(k1.block_offset, 4 - first_off[i]);
        ck_assert_uint_eq(k0.label_base, 1000 * (i + 1));
        ck_assert_uint_eq(k1.label_base, 1000 * (i + 1) + 2);
        ck_assert_uint_eq(k0.ve_id, i + 1);
        ck_assert_uint_eq(k1.ve_id, i + 1);
        /* 3 remote PEs with 2 NLRI each. */
        ck_assert_uint_eq(mem_of(&b, i, "vpls-bgp-nlri").objects, 3);
        ck_assert_uint_eq(mem_of(&b, i, "vpls-bgp-nlri").bytes,
                          6 * sizeof(struct nvo_vpls_nlri));
    }
    ck_assert_uint_eq(adv, 8);
    /* Every direction: base of j's block covering VE i+1, + i+1 - its
     * offset. */
    for (uint32_t i = 0; i < 4; i++) {
        for (uint32_t j = 0; j < 4; j++) {
            if (i == j) {
                continue;
            }
            uint32_t off = i < 2 ? 1 : 3;
            uint32_t base = 1000 * (j + 1) + (off == first_off[j] ? 0 : 2);
            ck_assert_uint_eq(nvo_vpls_bgp_tx_label(b.vb[i], b.f.tenant[i][0],
                                                    b.f.node[j]),
                              base + (i + 1) - off);
            ck_assert_uint_eq(nvo_vpls_bgp_rx_label(b.vb[j], b.f.tenant[j][0],
                                                    b.f.node[i]),
                              base + (i + 1) - off);
        }
    }
    ck_assert_uint_eq(nvo_vpls_bgp_tx_label(b.vb[0], 0, b.f.node[2]), 3002);
    ck_assert_uint_eq(nvo_vpls_bgp_tx_label(b.vb[3], 0, b.f.node[2]), 3001);
    ck_assert_uint_eq(nvo_vpls_bgp_tx_label(b.vb[2], 0, b.f.node[0]), 1002);
    ck_assert_uint_eq(nvo_vpls_bgp_tx_label(b.vb[1], 0, b.f.node[0]), 1001);
    if (bgp) {
        /* The second block shares the first's attributes but is made
         * later (when the other VE IDs arrive): 2 UPDATEs of 87 bytes
         * from each PE, 6 reflected of 101 to each. */
        for (int i = 0; i < 4; i++) {
            size_t len[8];
            ck_assert_uint_eq(updates(&b, i, -1, len, 8), 2);
            ck_assert_uint_eq(len[0], 87);
            ck_assert_uint_eq(len[1], 87);
            ck_assert_uint_eq(updates(&b, -1, i, len, 8), 6);
            ck_assert_uint_eq(b.routes_in[i], 6);
        }
    }
    bench_free(&b);
}

START_TEST(blocks_beyond_size)
{
    check_blocks(false);
}
END_TEST

START_TEST(blocks_beyond_size_bgp)
{
    check_blocks(true);
}
END_TEST

/* Refusals.  PE 3 with VE ID 1, PE 0's: PE 0 and PE 3 refuse each other
 * (a VE ID equal to their own); PEs 1 and 2 get PE 0's NLRI first (PE 0
 * advertised first, the bus keeps the order) and refuse PE 3's (the VE ID
 * of another PE): 4 refusals; PE 0, 1, 2 push to the two others of them
 * (2 each), PE 3 to PEs 1 and 2 (their blocks cover VE 1), 8 directions.
 * Then PE 3 with MTU 9000: everyone refuses everything between PE 3 and
 * the rest (3 + 3 = 6), 6 directions among PEs 0..2. */
START_TEST(refusals)
{
    static struct bench b;
    bench_ve_pe = 3;
    bench_ve = 1;
    bench_build(&b, 4, 1, false);
    nvo_engine_run(b.f.e, 10 * NVO_MS);
    static const uint64_t want_refused[4] = { 1, 1, 1, 1 };
    static const uint64_t want_up[4] = { 2, 2, 2, 2 };
    uint64_t refused = 0;
    for (uint32_t i = 0; i < 4; i++) {
        const struct nvo_vpls_bgp_counters *c = nvo_vpls_bgp_counters(b.vb[i]);
        ck_assert_uint_eq(c->refused, want_refused[i]);
        ck_assert_uint_eq(c->pws_up, want_up[i]);
        refused += c->refused;
    }
    ck_assert_uint_eq(refused, 4);
    ck_assert_uint_eq(nvo_vpls_bgp_tx_label(b.vb[0], 0, b.f.node[3]), 0);
    ck_assert_uint_eq(nvo_vpls_bgp_tx_label(b.vb[3], 0, b.f.node[1]), 2000);
    bench_free(&b);

    bench_mtu_pe = 3;
    bench_build(&b, 4, 1, false);
    nvo_engine_run(b.f.e, 10 * NVO_MS);
    refused = 0;
    for (uint32_t i = 0; i < 4; i++) {
        const struct nvo_vpls_bgp_counters *c = nvo_vpls_bgp_counters(b.vb[i]);
        ck_assert_uint_eq(c->refused, i == 3 ? 3 : 1);
        ck_assert_uint_eq(c->pws_up, i == 3 ? 0 : 2);
        refused += c->refused;
    }
    ck_assert_uint_eq(refused, 6);
    bench_free(&b);
}
END_TEST

/* n = 4, V = 1.  PE 3's broadcast makes PEs 0..2 learn its MAC.  PE 3
 * removes its VSI: one withdrawal; 1 ms later PEs 0..2 have flushed that
 * MAC (1 each) and have 2 pseudowires up (their flood lists 2), labels toward PE 3 0
 * and its receive label gone; PE 3 none.  A broadcast from PE 0 makes 2
 * copies.  Restored: the same block again, 3 up everywhere, 3 copies. */
START_TEST(withdraw_bus)
{
    static struct bench b;
    bench_build(&b, 4, 1, false);
    nvo_engine_run(b.f.e, 10 * NVO_MS);
    nvo_test_pes_vm_send(&b.f, 3, 0, bcast);   /* PEs 0..2 learn PE 3's MAC */
    nvo_engine_run(b.f.e, 15 * NVO_MS);
    ck_assert_uint_eq(b.n_enc, 3);
    ck_assert_int_eq(nvo_vpls_bgp_remove_vsi(b.vb[3], 0), 0);
    ck_assert_int_eq(nvo_vpls_bgp_remove_vsi(b.vb[3], 0), EALREADY);
    nvo_engine_run(b.f.e, 20 * NVO_MS);
    ck_assert_uint_eq(nvo_vpls_bgp_counters(b.vb[3])->nlri_withdrawn, 1);
    ck_assert_uint_eq(nvo_vpls_bgp_counters(b.vb[3])->pws_up, 0);
    for (uint32_t i = 0; i < 3; i++) {
        const struct nvo_vpls_bgp_counters *c = nvo_vpls_bgp_counters(b.vb[i]);
        ck_assert_uint_eq(c->nlri_unreach, 1);
        ck_assert_uint_eq(c->pws_up, 2);
        ck_assert_uint_eq(c->pw_down_events, 1);
        uint32_t nf;
        (void) nvo_pe_node_flood(b.f.pe[i], 0, &nf);
        ck_assert_uint_eq(nf, 2);
        ck_assert_uint_eq(nvo_vpls_bgp_tx_label(b.vb[i], 0, b.f.node[3]), 0);
        ck_assert_uint_eq(nvo_vpls_bgp_rx_label(b.vb[i], 0, b.f.node[3]), 0);
        ck_assert_uint_eq(nvo_vpls_bgp_n_remotes(b.vb[i], 0), 2);
        ck_assert_uint_eq(c->macs_flushed, 1);
        ck_assert_uint_eq(mem_of(&b, i, "vpls-bgp-nlri").objects, 2);
        uint8_t mac3[6];
        nvo_test_pes_vm_mac(3, 0, mac3);
        ck_assert_ptr_null(nvo_mac_table_lookup(
            nvo_pe_node_mac_table(b.f.pe[i]), VNI0, nvo_mac_from_bytes(mac3),
            nvo_engine_now(b.f.e)));
    }
    uint32_t first = b.n_enc;
    nvo_test_pes_vm_send(&b.f, 0, 0, bcast);
    nvo_engine_run(b.f.e, 30 * NVO_MS);
    ck_assert_uint_eq(check_copies(&b, first, 0, 0), 2);
    ck_assert_int_eq(nvo_vpls_bgp_restore_vsi(b.vb[3], 0), 0);
    nvo_engine_run(b.f.e, 40 * NVO_MS);
    for (uint32_t i = 0; i < 4; i++) {
        ck_assert_uint_eq(nvo_vpls_bgp_counters(b.vb[i])->pws_up, 3);
        ck_assert_uint_eq(nvo_vpls_bgp_counters(b.vb[i])->label_blocks, 1);
    }
    ck_assert_uint_eq(nvo_vpls_bgp_tx_label(b.vb[0], 0, b.f.node[3]), 4000);
    first = b.n_enc;
    nvo_test_pes_vm_send(&b.f, 0, 0, bcast);
    nvo_engine_run(b.f.e, 50 * NVO_MS);
    ck_assert_uint_eq(check_copies(&b, first, 0, 0), 3);
    bench_free(&b);
}
END_TEST

/* ---- Over BGP with a route reflector --------------------------------------- */

/* UPDATE messages of one sender to one receiver (-1: the reflector),
 * End-of-RIB (29 bytes) excluded; their sizes into len[]. */
static uint32_t
updates(const struct bench *b, int from, int to, size_t *len, uint32_t max)
{
    uint32_t k = 0;
    for (guint i = 0; i < b->msgs->len; i++) {
        const struct msgrec *r = &g_array_index(b->msgs, struct msgrec, i);
        if (r->from != from || r->to != to || r->type != NVO_BGP_UPDATE
            || r->len == 29) {
            continue;
        }
        if (k < max) {
            len[k] = r->len;
        }
        k++;
    }
    return k;
}

static char tlines[256][4096];

/* n = 4, V = 2 over BGP: each PE a client of the reflector (MP 25/65).
 * Each PE originates V = 2 NLRIs (one per VSI); their route targets
 * differ, so each goes in its own UPDATE of 87 bytes: 23 (header,
 * withdrawn and attribute lengths) + ORIGIN 4 + empty AS_PATH 3 +
 * LOCAL_PREF 7 + EXTENDED_COMMUNITIES 3 + 2 x 8 (RT 65000:VNI, Layer2
 * Info VPLS / flags 0 / MTU 1500) + MP_REACH_NLRI 3 + AFI 2 + SAFI 1 +
 * next-hop length 1 + next hop 4 + reserved 1 + NLRI 19 (its 2-byte
 * length 17, RD 8, VE ID 2, offset 2, size 2, label base 3).  The
 * reflector reflects each to the 3 other clients with ORIGINATOR_ID (7)
 * and CLUSTER_LIST (7): 101 bytes, 6 to each PE; each PE's VPLS gets
 * (n - 1) V = 6 routes and brings up 6 pseudowire directions with the
 * labels of want_label().  Against LDP (wire/ldp_mesh.h): per PE V = 2
 * NLRIs instead of (n - 1) V = 6 Label Mappings, n V = 8 in all against
 * n (n - 1) V = 24, and no session between PEs (4 BGP sessions to the
 * reflector against n (n - 1)/2 = 6 LDP sessions).
 * Then the data plane over it (3 copies, labels 2000, 3000, 4000), and
 * PE 3 withdrawing VSI 0: one UPDATE of 23 + MP_UNREACH 3 + AFI 2 + SAFI
 * 1 + 19 = 48 bytes, reflected as 48 bytes (a withdrawal carries no
 * other attribute) to the 3 others, whose pseudowire toward PE 3 in VSI
 * 0 goes down (5 up each); PE 3 keeps VSI 1's 3.
 * tshark on the reflector's link: 8 UPDATEs in, 24 out, each NLRI's
 * bgp.vplsbgp.ce_id (VE ID), labelblock.offset 1, .size 8 and .base
 * 1000 (i + 1) + 8 v, as "1000 (bottom)"; the withdrawal in MP_UNREACH
 * (SAFI 65), 48 bytes, once in and 3 times out, VE ID 4, base 4000; 8
 * End-of-RIB markers for 25/65 of 29 bytes; no malformed packet. */
START_TEST(over_bgp_rr)
{
    static struct bench b;
    bench_build(&b, 4, 2, true);
    char *dir = nvo_test_tmpdir("vpls_bgp");
    char path[512];
    snprintf(path, sizeof path, "%s/rr.pcap", dir);
    struct nvo_pcap_out *po;
    char err[256];
    ck_assert_int_eq(nvo_pcap_out_open(path, 0, &po, err, sizeof err), 0);
    struct nvo_port *rr_port =
        &nvo_net_node(b.f.net, (uint32_t) b.rr)->ports[0];
    nvo_pcap_out_attach(po, rr_port);
    nvo_engine_run(b.f.e, NVO_SEC);
    for (uint32_t i = 0; i < 4; i++) {
        ck_assert_uint_eq(nvo_bgp_speaker_n_established(b.spk[i]), 1);
        ck_assert_uint_eq(b.routes_in[i], 6);
    }
    ck_assert_uint_eq(nvo_bgp_speaker_n_established(b.spk[4]), 4);
    check_mesh(&b, 6);
    struct nvo_ldp_mesh mesh;
    ck_assert_int_eq(nvo_ldp_mesh_cost(4, 2, true, 0, &mesh), 0);
    ck_assert_uint_eq(mesh.label_mappings, 24);
    ck_assert_uint_eq(mesh.sessions, 6);
    uint64_t nlri = 0;
    for (uint32_t i = 0; i < 4; i++) {
        nlri += nvo_vpls_bgp_counters(b.vb[i])->nlri_advertised;
    }
    ck_assert_uint_eq(nlri, 8);
    ck_assert_uint_eq(nlri * 3, mesh.label_mappings);
    size_t len[16];
    for (int i = 0; i < 4; i++) {
        ck_assert_uint_eq(updates(&b, i, -1, len, 16), 2);
        ck_assert_uint_eq(len[0], 87);
        ck_assert_uint_eq(len[1], 87);
        ck_assert_uint_eq(updates(&b, -1, i, len, 16), 6);
        for (int k = 0; k < 6; k++) {
            ck_assert_uint_eq(len[k], 101);
        }
    }
    check_bum(&b);

    ck_assert_int_eq(nvo_vpls_bgp_remove_vsi(b.vb[3], b.f.tenant[3][0]), 0);
    nvo_engine_run(b.f.e, 2 * NVO_SEC);
    ck_assert_uint_eq(updates(&b, 3, -1, len, 16), 3);
    ck_assert_uint_eq(len[2], 48);
    for (int i = 0; i < 3; i++) {
        ck_assert_uint_eq(updates(&b, -1, i, len, 16), 7);
        ck_assert_uint_eq(len[6], 48);
        ck_assert_uint_eq(b.routes_in[i], 7);
        const struct nvo_vpls_bgp_counters *c = nvo_vpls_bgp_counters(b.vb[i]);
        ck_assert_uint_eq(c->nlri_unreach, 1);
        ck_assert_uint_eq(c->pws_up, 5);
        ck_assert_uint_eq(nvo_vpls_bgp_tx_label(b.vb[i], b.f.tenant[i][0],
                                                b.f.node[3]), 0);
        ck_assert_uint_eq(nvo_vpls_bgp_tx_label(b.vb[i], b.f.tenant[i][1],
                                                b.f.node[3]),
                          want_label((uint32_t) i, 3, 1));
    }
    ck_assert_uint_eq(nvo_vpls_bgp_counters(b.vb[3])->pws_up, 3);
    uint32_t first = b.n_enc;
    nvo_test_pes_vm_send(&b.f, 0, 0, bcast);
    nvo_engine_run(b.f.e, 2 * NVO_SEC + 10 * NVO_MS);
    ck_assert_uint_eq(check_copies(&b, first, 0, 0), 2);
    nvo_pcap_out_detach(po, rr_port);
    ck_assert_int_eq(nvo_pcap_out_close(po, err, sizeof err), 0);

    nvo_test_require_tshark();
    size_t n = run_tshark(path, "-Y 'bgp.vplsbgp.ce_id && "
                          "!bgp.update.path_attribute.mp_unreach_nlri' "
                          "-T fields "
                          "-E occurrence=a -E aggregator=, "
                          "-e bgp.vplsbgp.ce_id "
                          "-e bgp.vplsbgp.labelblock.offset "
                          "-e bgp.vplsbgp.labelblock.size "
                          "-e bgp.vplsbgp.labelblock.base",
                          tlines, 256);
    /* Count each (VE ID, offset, size, base) seen. */
    uint32_t seen[4][2] = { { 0 } }, total = 0;
    for (size_t l = 0; l < n; l++) {
        char *cols[4] = { 0 };
        char *save = NULL;
        char *tok = strtok_r(tlines[l], "\t", &save);
        for (int c = 0; c < 4 && tok; c++) {
            cols[c] = tok;
            tok = strtok_r(NULL, "\t", &save);
        }
        ck_assert_ptr_nonnull(cols[3]);
        char *p[4] = { cols[0], cols[1], cols[2], cols[3] };
        /* The fields of one frame: parallel comma-separated lists. */
        char *it[4];
        for (int c = 0; c < 4; c++) {
            it[c] = p[c];
        }
        while (it[0] && *it[0]) {
            char *v[4];
            for (int c = 0; c < 4; c++) {
                ck_assert_ptr_nonnull(it[c]);
                v[c] = it[c];
                char *comma = strchr(it[c], ',');
                if (comma) {
                    *comma = '\0';
                    it[c] = comma + 1;
                } else {
                    it[c] = it[c] + strlen(it[c]);
                }
            }
            unsigned ve = (unsigned) strtoul(v[0], NULL, 10);
            ck_assert_uint_ge(ve, 1);
            ck_assert_uint_le(ve, 4);
            ck_assert_str_eq(v[1], "1");
            ck_assert_str_eq(v[2], "8");
            unsigned base = (unsigned) strtoul(v[3], NULL, 10);
            ck_assert_ptr_nonnull(strstr(v[3], "(bottom)"));
            unsigned vs = base - 1000 * ve;
            ck_assert_msg(vs == 0 || vs == 8, "base %u for VE %u", base, ve);
            seen[ve - 1][vs / 8]++;
            total++;
        }
    }
    /* Each NLRI once into the reflector and 3 times out of it. */
    ck_assert_uint_eq(total, 32);
    for (int i = 0; i < 4; i++) {
        ck_assert_uint_eq(seen[i][0], 4);
        ck_assert_uint_eq(seen[i][1], 4);
    }
    /* PE 3's withdrawal of VSI 0's NLRI, in once and out 3 times. */
    n = run_tshark(path, "-Y 'bgp.update.path_attribute.mp_unreach_nlri.safi "
                   "== 65 && bgp.vplsbgp.ce_id' -T fields -e bgp.vplsbgp.ce_id "
                   "-e bgp.vplsbgp.labelblock.offset "
                   "-e bgp.vplsbgp.labelblock.size "
                   "-e bgp.vplsbgp.labelblock.base -e bgp.length",
                   tlines, 256);
    ck_assert_uint_eq(n, 4);
    for (size_t l = 0; l < n; l++) {
        ck_assert_str_eq(tlines[l], "4\t1\t8\t4000 (bottom)\t48");
    }
    /* End-of-RIB for 25/65: an empty MP_UNREACH, 29 bytes, both ways on
     * each of the 4 sessions. */
    n = run_tshark(path, "-Y 'bgp.update.path_attribute.mp_unreach_nlri.safi "
                   "== 65 && !bgp.vplsbgp.ce_id' -T fields -e bgp.length",
                   tlines, 256);
    ck_assert_uint_eq(n, 8);
    for (size_t l = 0; l < n; l++) {
        ck_assert_str_eq(tlines[l], "29");
    }
    n = run_tshark(path, "-Y '_ws.malformed || _ws.expert.severity >= "
                   "error' -T fields -e frame.number", tlines, 256);
    ck_assert_uint_eq(n, 0);
    n = run_tshark(path, "-Y 'bgp.type == 2' -T fields -e frame.number",
                   tlines, 256);
    ck_assert_uint_ge(n, 8);
    nvo_test_rmdir(dir);
    bench_free(&b);
}
END_TEST

/* Two runs of the reflector bench give the same BGP messages (type and
 * size, sender and receiver, in order) and the same labels. */
START_TEST(determinism)
{
    static struct bench b;
    uint64_t fp[2];
    for (int k = 0; k < 2; k++) {
        bench_build(&b, 4, 2, true);
        nvo_engine_run(b.f.e, NVO_SEC);
        uint64_t h = 0xcbf29ce484222325ull;
        for (guint i = 0; i < b.msgs->len; i++) {
            const struct msgrec *r = &g_array_index(b.msgs, struct msgrec, i);
            uint64_t x[4] = { (uint64_t) r->from, (uint64_t) r->to, r->type,
                              r->len };
            for (int q = 0; q < 4; q++) {
                h = (h ^ x[q]) * 0x100000001b3ull;
            }
        }
        for (uint32_t i = 0; i < 4; i++) {
            for (uint32_t j = 0; j < 4; j++) {
                h = (h ^ nvo_vpls_bgp_tx_label(b.vb[i], 1, b.f.node[j]))
                    * 0x100000001b3ull;
            }
        }
        ck_assert_uint_gt(b.msgs->len, 40);
        fp[k] = h;
        bench_free(&b);
    }
    ck_assert_uint_eq(fp[0], fp[1]);
}
END_TEST

/* n = 4, V = 1, PE 3 started at 5 ms.  Its peers' 3 NLRI arrive at
 * 1 ms and are kept (nothing installed: pws_up 0, no NLRI advertised);
 * at its start it advertises its block and pushes toward the 3 at once
 * (their blocks cover VE 4: 1003, 2003, 3003); the others push toward it
 * from 6 ms (4000, 4001, 4002). */
START_TEST(routes_before_start)
{
    static struct bench b;
    bench_late_pe = 3;
    bench_build(&b, 4, 1, false);
    nvo_engine_run(b.f.e, 5 * NVO_MS);
    const struct nvo_vpls_bgp_counters *c3 = nvo_vpls_bgp_counters(b.vb[3]);
    ck_assert_uint_eq(c3->nlri_received, 3);
    ck_assert_uint_eq(c3->nlri_advertised, 0);
    ck_assert_uint_eq(c3->pws_up, 0);
    ck_assert_uint_eq(nvo_vpls_bgp_counters(b.vb[0])->pws_up, 2);
    ck_assert_int_eq(nvo_vpls_bgp_start(b.vb[3]), 0);
    ck_assert_uint_eq(c3->nlri_advertised, 1);
    ck_assert_uint_eq(c3->pws_up, 3);
    for (uint32_t j = 0; j < 3; j++) {
        ck_assert_uint_eq(nvo_vpls_bgp_tx_label(b.vb[3], 0, b.f.node[j]),
                          1000 * (j + 1) + 3);
    }
    nvo_engine_run(b.f.e, 6 * NVO_MS);
    for (uint32_t j = 0; j < 3; j++) {
        ck_assert_uint_eq(nvo_vpls_bgp_counters(b.vb[j])->pws_up, 3);
        ck_assert_uint_eq(nvo_vpls_bgp_tx_label(b.vb[j], 0, b.f.node[3]),
                          4000 + j);
    }
    bench_free(&b);
}
END_TEST

/* Bad configurations: no bus, a PE not in per-PE label mode. */
START_TEST(create_errors)
{
    static struct bench b;
    bench_build(&b, 2, 1, false);
    errno = 0;
    ck_assert_ptr_null(nvo_vpls_bgp_create(b.f.pe[0], NULL, NULL, NULL));
    ck_assert_int_eq(errno, EINVAL);
    struct nvo_vpls_bgp_cfg c;
    nvo_vpls_bgp_cfg_default(&c);
    c.label_base = 15;
    ck_assert_ptr_null(nvo_vpls_bgp_create(b.f.pe[0], &c, &test_bus, NULL));
    ck_assert_int_eq(nvo_vpls_bgp_start(b.vb[0]), EALREADY);
    ck_assert_int_eq(nvo_vpls_bgp_set_ve_id(b.vb[0], 0, 5), EBUSY);
    ck_assert_int_eq(nvo_vpls_bgp_set_ve_id(b.vb[0], 7, 5), EINVAL);
    nvo_engine_run(b.f.e, 10 * NVO_MS);     /* the bus messages in flight */
    bench_free(&b);
}
END_TEST

static Suite *
vpls_bgp_suite(void)
{
    Suite *s = suite_create("vpls_bgp");
    TCase *tc = tcase_create("bus");
    tcase_add_test(tc, mesh_4x2_bus);
    tcase_add_test(tc, mesh_6x3_bus);
    tcase_add_test(tc, bum_bus);
    tcase_add_test(tc, blocks_beyond_size);
    tcase_add_test(tc, refusals);
    tcase_add_test(tc, withdraw_bus);
    tcase_add_test(tc, routes_before_start);
    tcase_add_test(tc, create_errors);
    suite_add_tcase(s, tc);
    TCase *tb = tcase_create("bgp");
    tcase_add_test(tb, over_bgp_rr);
    tcase_add_test(tb, blocks_beyond_size_bgp);
    tcase_add_test(tb, determinism);
    tcase_set_timeout(tb, 120);
    suite_add_tcase(s, tb);
    return s;
}

int
main(void)
{
    return nvo_test_run(vpls_bgp_suite());
}
