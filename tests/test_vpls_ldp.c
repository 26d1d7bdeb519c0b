/* test_vpls_ldp.c: LDP-signalled VPLS (ctrl/ldp_speaker, ctrl/vpls) on n
 * PEs around one leaf, every PE in each of V VSIs, against the full-mesh
 * arithmetic of wire/ldp_mesh.h and numbers worked out by hand: sessions,
 * Label Mappings, messages and bytes by type; the data plane pushing
 * exactly the labels the egress PEs signalled, one copy per up
 * pseudowire, none before the peer's mapping; split horizon; learning per
 * pseudowire; session loss at the Hello hold time and recovery; MAC
 * Address Withdraw in both forms; VSI removal with Withdraw / Release;
 * tshark on a pcap of PE 0's uplink; determinism. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctrl/vpls.h"
#include "fabric/net.h"
#include "io/pcap_out.h"
#include "testfabric.h"
#include "testutil.h"
#include "wire/ldp_mesh.h"
#include "wire/wire.h"

/* This suite's tshark lines (tests/testfabric). */
#define run_tshark(path, args, lines, max)                                  \
    nvo_test_tshark(path, args, lines[0], sizeof lines[0], max,            \
                    NVO_TEST_TSHARK_STRIP)

#define MAXN NVO_TEST_PES_MAX
#define MAX_MAPS 1024
#define MAX_ENC 256
#define VNI0 NVO_TEST_PES_VNI0

struct pectx {
    struct bench *b;
    int i;
};

struct maprec {
    int from, to;               /* bench indices */
    uint32_t pw_id, label;
};

struct encrec {
    int from;
    uint32_t tenant, dst_node, label;
};

struct bench {
    struct nvo_test_pes f;      /* first */
    struct nvo_tcp_stack *tcp[MAXN];
    struct nvo_vpls *vp[MAXN];
    struct pectx ctx[MAXN];
    struct maprec maps[MAX_MAPS];
    uint32_t n_maps;
    nvo_time_t last_hello_rx[MAXN][MAXN];
    nvo_time_t last_sess_rx[MAXN][MAXN];    /* a session PDU */
    uint32_t last_notif_sent[MAXN];         /* its status data */
    struct encrec enc[MAX_ENC];
    uint32_t n_enc;
    uint64_t fp;                /* FNV-1a over every PDU event */
};

static void
fnv(uint64_t *h, const void *d, size_t n)
{
    const uint8_t *p = d;
    for (size_t i = 0; i < n; i++) {
        *h = (*h ^ p[i]) * 0x100000001b3ull;
    }
}

static void
observer(void *ctx, const struct nvo_ldp_speaker *sp, uint32_t peer,
         bool sent, const uint8_t *pdu, size_t len)
{
    struct pectx *c = ctx;
    struct bench *b = c->b;
    (void) sp;
    nvo_time_t now = nvo_engine_now(b->f.e);
    int pi = nvo_test_pes_ix(&b->f, peer);
    ck_assert_int_ge(pi, 0);
    fnv(&b->fp, &now, sizeof now);
    fnv(&b->fp, &c->i, sizeof c->i);
    fnv(&b->fp, &pi, sizeof pi);
    fnv(&b->fp, &sent, sizeof sent);
    fnv(&b->fp, pdu, len);
    struct nvo_ldp_pdu_rd rd;
    ck_assert_uint_eq(nvo_ldp_pdu_begin(&rd, pdu, len, 0), 0);
    struct nvo_ldp_msg m;
    struct nvo_ldp_error err;
    while (nvo_ldp_pdu_next(&rd, &m, &err)) {
        if (!sent && m.type == NVO_LDP_MSG_HELLO) {
            b->last_hello_rx[c->i][pi] = now;
        } else if (!sent) {
            b->last_sess_rx[c->i][pi] = now;
        }
        if (sent && m.type == NVO_LDP_MSG_NOTIFICATION) {
            b->last_notif_sent[c->i] = m.notif.status;
        }
        if (sent && m.type == NVO_LDP_MSG_LABEL_MAPPING) {
            ck_assert_uint_lt(b->n_maps, MAX_MAPS);
            b->maps[b->n_maps++] = (struct maprec) {
                c->i, pi, m.label.fec.pw_id, m.label.label };
        }
    }
    ck_assert_uint_eq(err.status, 0);
}

/* The label of the MPLS-over-GRE frame at p->data (outer Ethernet). */
static uint32_t
frame_label(const struct nvo_pkt *p, uint32_t *dst_ip)
{
    const uint8_t *ip = p->data + NVO_ETH_LEN;
    ck_assert_uint_eq(ip[9], NVO_IPPROTO_GRE);
    *dst_ip = nvo_rd32(ip + 16);
    const uint8_t *gre = ip + 4u * (ip[0] & 15);
    ck_assert_uint_eq(nvo_rd16(gre + 2), 0x8847);
    return nvo_rd32(gre + 4) >> 12;
}

static void
on_encap(void *ctx, struct nvo_pe_node *pe, uint32_t tenant,
         const struct nvo_tunnel *t, const struct nvo_pkt *p)
{
    struct bench *b = ctx;
    (void) t;
    uint32_t dst_ip;
    uint32_t label = frame_label(p, &dst_ip);
    ck_assert_uint_lt(b->n_enc, MAX_ENC);
    int d = nvo_net_addr4_node(b->f.net, dst_ip);
    ck_assert_int_ge(d, 0);
    b->enc[b->n_enc++] = (struct encrec) {
        nvo_test_pes_ix(&b->f, nvo_pe_node_index(pe)), tenant, (uint32_t) d,
        label };
}

/* Test LDP timers: Hellos every 1 s with a 3 s hold, KeepAlive time 9 s
 * (a KeepAlive every 3 s), so that times are easy to follow. */
static void
test_ldp_cfg(struct nvo_ldp_speaker_cfg *c, bool pack)
{
    nvo_ldp_speaker_cfg_default(c);
    c->hello_interval = NVO_SEC;
    c->hello_hold = 3;
    c->keepalive_time = 9;
    c->pack = pack;
}

/* Overrides of the test LDP configuration for the next bench_build()
 * (0: keep). */
static uint16_t bench_hello_hold, bench_keepalive;
/* H-VPLS for the next bench_build() (n = 6): PEs 0 and 1 are hubs in a
 * mesh, 2 and 3 spokes of hub 0, 4 and 5 spokes of hub 1. */
static bool bench_hvpls;
/* A leaf-spine for the next bench_build(): leaves "leaf1" (b->f.leaf) and
 * "leaf2", spines "spine1" and "spine2", PE i on leaf 1 + i % 2. */
static bool bench_spines;

static int
hub_of(uint32_t i)
{
    return i < 2 ? -1 : i < 4 ? 0 : 1;
}

/* n PEs on one leaf, V tenants (VNI 100 + v, one VM each) on each; a VSI
 * per tenant with every PE, except tenant 'skip_v' on PE 'skip_pe'
 * (-1: none). */
static void
bench_build(struct bench *b, uint32_t n, uint32_t V, bool pack,
            int skip_pe, int skip_v)
{
    memset(b, 0, sizeof *b);
    b->fp = 0xcbf29ce484222325ull;
    nvo_test_pes_begin(&b->f, n, V);
    struct nvo_link_cfg l;
    nvo_link_cfg_default(&l);
    uint32_t up[MAXN];
    for (uint32_t i = 0; i < n; i++) {
        up[i] = (uint32_t) b->f.leaf;
    }
    if (bench_spines) {
        int leaf2 = nvo_net_add_node(b->f.net, "leaf2", NVO_ROLE_LEAF);
        int s1 = nvo_net_add_node(b->f.net, "spine1", NVO_ROLE_SPINE);
        int s2 = nvo_net_add_node(b->f.net, "spine2", NVO_ROLE_SPINE);
        int lf[2] = { b->f.leaf, leaf2 }, sp[2] = { s1, s2 };
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                ck_assert_int_eq(nvo_net_add_link(b->f.net, (uint32_t) lf[i],
                                                  (uint32_t) sp[j], &l), 0);
            }
        }
        for (uint32_t i = 1; i < n; i += 2) {
            up[i] = (uint32_t) leaf2;
        }
    }
    struct nvo_pe_node_cfg pc;
    memset(&pc, 0, sizeof pc);
    pc.encap = &nvo_encap_mpls_gre_ops;
    pc.label_per_pe = true;
    pc.on_encap = on_encap;
    pc.ctx = b;
    nvo_test_pes_add(&b->f, &pc, &l, up, true);
    struct nvo_ldp_speaker_cfg lc;
    test_ldp_cfg(&lc, pack);
    if (bench_hello_hold) {
        lc.hello_hold = bench_hello_hold;
    }
    if (bench_keepalive) {
        lc.keepalive_time = bench_keepalive;
    }
    for (uint32_t i = 0; i < n; i++) {
        ck_assert_int_eq(nvo_tcp_stack_create(nvo_pe_node_base(b->f.pe[i]),
                                              NULL, &b->tcp[i]), 0);
        /* Label spaces apart from each other and from the PE's
         * configured labels (label_base 16 + tenant), so that a wrong
         * label cannot match by chance. */
        struct nvo_vpls_cfg vc;
        nvo_vpls_cfg_default(&vc);
        vc.label_base = 1000 * (i + 1);
        ck_assert_int_eq(nvo_vpls_create(b->f.pe[i], b->tcp[i], &lc, &vc,
                                         &b->vp[i]), 0);
        b->ctx[i] = (struct pectx) { b, (int) i };
        nvo_ldp_speaker_set_observer(nvo_vpls_speaker(b->vp[i]), observer,
                                     &b->ctx[i]);
        for (uint32_t v = 0; v < V; v++) {
            if ((int) i == skip_pe && (int) v == skip_v) {
                continue;
            }
            if (!bench_hvpls) {
                ck_assert_int_eq(nvo_vpls_add_vsi(b->vp[i], b->f.tenant[i][v],
                                                  0, b->f.node, n), 0);
                continue;
            }
            uint32_t mem[MAXN], k = 0;
            for (uint32_t j = 0; j < n; j++) {
                bool hub_pair = hub_of(i) < 0 && hub_of(j) < 0;
                bool spoke_of = hub_of(j) == (int) i || hub_of(i) == (int) j;
                if (j == i || hub_pair || spoke_of) {
                    mem[k++] = b->f.node[j];
                }
            }
            ck_assert_int_eq(nvo_vpls_add_vsi(b->vp[i], b->f.tenant[i][v], 0,
                                              mem, k), 0);
            for (uint32_t j = 0; j < n; j++) {
                if (hub_of(j) == (int) i || hub_of(i) == (int) j) {
                    ck_assert_int_eq(nvo_vpls_set_spoke(b->vp[i],
                                                        b->f.tenant[i][v],
                                                        b->f.node[j], true),
                                     0);
                }
            }
        }
    }
    for (uint32_t i = 0; i < n; i++) {
        nvo_vpls_start(b->vp[i]);
    }
}

static void
bench_free(struct bench *b)
{
    for (uint32_t i = 0; i < b->f.n; i++) {
        nvo_vpls_destroy(b->vp[i]);
        nvo_tcp_stack_destroy(b->tcp[i]);
    }
    nvo_net_destroy(b->f.net);
    nvo_engine_destroy(b->f.e);
}

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static uint64_t
sum_out(const struct bench *b, enum nvo_ldp_kind k, bool bytes)
{
    uint64_t s = 0;
    for (uint32_t i = 0; i < b->f.n; i++) {
        const struct nvo_ldp_counters *c =
            nvo_ldp_speaker_counters(nvo_vpls_speaker(b->vp[i]));
        s += bytes ? c->msg_bytes_out[k] : c->msgs_out[k];
    }
    return s;
}

static uint64_t
sum_in(const struct bench *b, enum nvo_ldp_kind k, bool bytes)
{
    uint64_t s = 0;
    for (uint32_t i = 0; i < b->f.n; i++) {
        const struct nvo_ldp_counters *c =
            nvo_ldp_speaker_counters(nvo_vpls_speaker(b->vp[i]));
        s += bytes ? c->msg_bytes_in[k] : c->msgs_in[k];
    }
    return s;
}

/* ---- The full mesh: sessions, mappings, messages and bytes ------------------ */

/* After 500 ms (the first Hellos at 0 s, the next at 1 s; the first
 * periodic KeepAlive 3 s after set-up), for n PEs and V VSIs:
 *   sessions n(n-1)/2, each counted up at both ends;
 *   Hellos n(n-1) (one per PE and peer), 34 bytes each as a PDU (Hello
 *   with the transport address: 24-byte message + 10);
 *   set-up: Initialization and KeepAlive each way, 108 bytes a session;
 *   Label Mappings n(n-1)V of 36 bytes (FEC 128 with the MTU sub-TLV,
 *   Generic Label); as PDUs: 46 each alone, or per session direction V
 *   mappings in ceil(V/113) PDUs: 36V + 10 ceil(V/113).
 * n = 4, V = 2, packed: 12*34 + 6*108 + 12*(72 + 10) = 408 + 648 + 984
 *   = 2040 PDU bytes; one per PDU: 408 + 648 + 24*46 = 2160.
 * n = 6, V = 3, packed: 30*34 + 15*108 + 30*(108 + 10) = 1020 + 1620 +
 *   3540 = 6180.
 * PDUs: packed 4n(n-1) (Hello, Init, KeepAlive, one mapping PDU per
 * direction) = 48 for n = 4; alone n(n-1)(3 + V) = 60. */
static void
check_mesh(uint32_t n, uint32_t V, bool pack, uint64_t want_pdu_bytes,
           uint64_t want_pdus)
{
    static struct bench b;
    bench_build(&b, n, V, pack, -1, -1);
    nvo_engine_run(b.f.e, 500 * NVO_MS);
    struct nvo_ldp_mesh mesh;
    ck_assert_int_eq(nvo_ldp_mesh_cost(n, V, true, 0, &mesh), 0);
    uint64_t nn1 = (uint64_t) n * (n - 1);
    ck_assert_uint_eq(mesh.sessions, nn1 / 2);
    ck_assert_uint_eq(mesh.label_mappings, nn1 * V);
    uint64_t ends = 0, ups = 0, pdu_bytes = 0, pdus = 0, pdu_bytes_in = 0;
    uint64_t sent = 0, rcvd = 0, pws = 0;
    for (uint32_t i = 0; i < n; i++) {
        struct nvo_ldp_speaker *sp = nvo_vpls_speaker(b.vp[i]);
        const struct nvo_ldp_counters *c = nvo_ldp_speaker_counters(sp);
        ck_assert_uint_eq(nvo_ldp_speaker_n_sessions(sp), n - 1);
        ends += nvo_ldp_speaker_n_sessions(sp);
        ups += c->sessions_up;
        ck_assert_uint_eq(c->sessions_down, 0);
        ck_assert_uint_eq(c->notifs_sent_err, 0);
        ck_assert_uint_eq(c->bad_hellos, 0);
        pdu_bytes += c->pdu_bytes_out;
        pdu_bytes_in += c->pdu_bytes_in;
        pdus += c->pdus_out;
        const struct nvo_vpls_counters *vc = nvo_vpls_counters(b.vp[i]);
        sent += vc->mappings_sent;
        rcvd += vc->mappings_rcvd;
        pws += vc->pws_up;
        ck_assert_uint_eq(vc->mappings_refused, 0);
        ck_assert_uint_eq(vc->labels_assigned, (n - 1) * V);
        for (uint32_t j = 0; j < n; j++) {
            if (j != i) {
                ck_assert_uint_eq(nvo_ldp_speaker_keepalive(sp, b.f.node[j]),
                                  9);
            }
        }
    }
    ck_assert_uint_eq(ends / 2, mesh.sessions);
    ck_assert_uint_eq(ups / 2, mesh.sessions);
    ck_assert_uint_eq(sent, mesh.label_mappings);
    ck_assert_uint_eq(rcvd, mesh.label_mappings);
    ck_assert_uint_eq(pws, mesh.label_mappings);
    ck_assert_uint_eq(sum_out(&b, NVO_LDP_K_MAPPING, false),
                      mesh.label_mappings);
    ck_assert_uint_eq(sum_in(&b, NVO_LDP_K_MAPPING, false),
                      mesh.label_mappings);
    ck_assert_uint_eq(mesh.mapping_bytes, 36);
    ck_assert_uint_eq(sum_out(&b, NVO_LDP_K_MAPPING, true),
                      mesh.label_mappings * 36);
    ck_assert_uint_eq(sum_out(&b, NVO_LDP_K_HELLO, false), nn1);
    ck_assert_uint_eq(sum_out(&b, NVO_LDP_K_HELLO, true), nn1 * 24);
    ck_assert_uint_eq(sum_out(&b, NVO_LDP_K_INIT, false), nn1);
    ck_assert_uint_eq(sum_out(&b, NVO_LDP_K_INIT, true), nn1 * 26);
    ck_assert_uint_eq(sum_out(&b, NVO_LDP_K_KEEPALIVE, false), nn1);
    ck_assert_uint_eq(sum_in(&b, NVO_LDP_K_KEEPALIVE, false), nn1);
    ck_assert_uint_eq(sum_out(&b, NVO_LDP_K_NOTIFICATION, false), 0);
    uint64_t map_bytes = pack ? mesh.bytes_packed : mesh.bytes_one_per_pdu;
    ck_assert_uint_eq(pdu_bytes, nn1 * 34 + mesh.setup_bytes + map_bytes);
    ck_assert_uint_eq(pdu_bytes, want_pdu_bytes);
    ck_assert_uint_eq(pdu_bytes_in, pdu_bytes);
    ck_assert_uint_eq(pdus, want_pdus);

    /* Every mapping once per (sender, receiver, PW ID), its label the one
     * the sender assigned and the receiver pushes; PE i's labels are
     * distinct, 1000(i+1) .. 1000(i+1) + (n-1)V - 1. */
    ck_assert_uint_eq(b.n_maps, mesh.label_mappings);
    for (uint32_t k = 0; k < b.n_maps; k++) {
        const struct maprec *r = &b.maps[k];
        uint32_t v = r->pw_id - VNI0;
        ck_assert_uint_lt(v, V);
        ck_assert_uint_eq(r->label,
                          nvo_vpls_local_label(b.vp[r->from],
                                               b.f.tenant[r->from][v],
                                               b.f.node[r->to]));
        ck_assert_uint_eq(r->label,
                          nvo_vpls_remote_label(b.vp[r->to],
                                                b.f.tenant[r->to][v],
                                                b.f.node[r->from]));
        ck_assert_uint_eq(r->label,
                          nvo_pe_node_pw_label(b.f.pe[r->to],
                                               b.f.tenant[r->to][v],
                                               b.f.node[r->from]));
        ck_assert_uint_ge(r->label, 1000u * (r->from + 1));
        ck_assert_uint_lt(r->label, 1000u * (r->from + 1) + (n - 1) * V);
        for (uint32_t q = 0; q < k; q++) {
            const struct maprec *o = &b.maps[q];
            ck_assert(!(o->from == r->from && o->to == r->to
                        && o->pw_id == r->pw_id));
            ck_assert(!(o->from == r->from && o->label == r->label));
        }
    }
    /* Flood lists: the n - 1 other PEs, ascending. */
    for (uint32_t i = 0; i < n; i++) {
        for (uint32_t v = 0; v < V; v++) {
            uint32_t nf;
            const uint32_t *fl = nvo_pe_node_flood(b.f.pe[i], b.f.tenant[i][v],
                                                   &nf);
            ck_assert_uint_eq(nf, n - 1);
            for (uint32_t k = 1; k < nf; k++) {
                ck_assert_uint_lt(fl[k - 1], fl[k]);
            }
        }
    }
    bench_free(&b);
}

START_TEST(mesh_4x2_packed)
{
    check_mesh(4, 2, true, 2040, 48);
}
END_TEST

START_TEST(mesh_4x2_one_per_pdu)
{
    check_mesh(4, 2, false, 2160, 60);
}
END_TEST

START_TEST(mesh_6x3_packed)
{
    check_mesh(6, 3, true, 6180, 4 * 30);
}
END_TEST

/* ---- The data plane: signalled labels, copies, split horizon ---------------- */

/* The copies PE 'from' encapsulated since record 'first': each to a
 * distinct PE with the label that PE signalled for tenant v.  Returns
 * how many. */
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
        ck_assert_uint_eq(e->label,
                          nvo_vpls_local_label(b->vp[to], b->f.tenant[to][v],
                                               b->f.node[from]));
        ck_assert_uint_ne(e->label, 0);
        for (uint32_t q = first; q < r; q++) {
            ck_assert_uint_ne(b->enc[q].dst_node, e->dst_node);
        }
        k++;
    }
    return k;
}

/* n = 4, V = 2.  A broadcast from the VM of tenant 0 on PE 0 makes 3
 * copies, each with the egress PE's label, delivered once at each other
 * PE (its one VM of the tenant), never re-flooded (no other PE sends a
 * frame); each receiver learns the MAC at PE 0 from the label.  Then a
 * unicast from PE 1's VM to it is known: one frame, PE 0's label for
 * PE 1. */
START_TEST(bum_with_signalled_labels)
{
    static struct bench b;
    bench_build(&b, 4, 2, true, -1, -1);
    nvo_engine_run(b.f.e, 500 * NVO_MS);
    ck_assert_uint_eq(b.n_enc, 0);
    nvo_test_pes_vm_send(&b.f, 0, 0, bcast);
    nvo_engine_run(b.f.e, 510 * NVO_MS);
    ck_assert_uint_eq(check_copies(&b, 0, 0, 0), 3);
    const struct nvo_pe_node_counters *c0 =
        nvo_pe_node_tenant_counters(b.f.pe[0], b.f.tenant[0][0]);
    ck_assert_uint_eq(c0->bum_copies, 3);
    ck_assert_uint_eq(c0->bum_local_copies, 0);
    uint8_t mac0[6];
    nvo_test_pes_vm_mac(0, 0, mac0);
    for (uint32_t i = 1; i < 4; i++) {
        const struct nvo_pe_node_counters *c =
            nvo_pe_node_tenant_counters(b.f.pe[i], b.f.tenant[i][0]);
        ck_assert_uint_eq(c->rx_decap, 1);
        ck_assert_uint_eq(c->delivered, 1);
        ck_assert_uint_eq(c->frames_out, 0);        /* split horizon */
        ck_assert_uint_eq(c->bum_copies, 0);
        ck_assert_uint_eq(nvo_pe_node_tenant_counters(b.f.pe[i],
                                                      b.f.tenant[i][1])
                          ->delivered, 0);
        const struct nvo_mac_entry *e =
            nvo_mac_table_lookup(nvo_pe_node_mac_table(b.f.pe[i]), VNI0,
                                 nvo_mac_from_bytes(mac0),
                                 nvo_engine_now(b.f.e));
        ck_assert_ptr_nonnull(e);
        ck_assert(e->flags & NVO_MAC_REMOTE);
        ck_assert_uint_eq(e->loc, b.f.node[0]);
        ck_assert_uint_eq(nvo_pe_node_pw_counters(b.f.pe[i])->rx_bad_label, 0);
    }
    uint32_t first = b.n_enc;
    nvo_test_pes_vm_send(&b.f, 1, 0, mac0);
    nvo_engine_run(b.f.e, 520 * NVO_MS);
    ck_assert_uint_eq(b.n_enc - first, 1);
    ck_assert_uint_eq(b.enc[first].dst_node, b.f.node[0]);
    ck_assert_uint_eq(b.enc[first].label,
                      nvo_vpls_local_label(b.vp[0], b.f.tenant[0][0],
                                           b.f.node[1]));
    ck_assert_uint_eq(nvo_pe_node_tenant_counters(b.f.pe[1], b.f.tenant[1][0])
                      ->remote_unicast, 1);
    ck_assert_uint_eq(nvo_pe_node_tenant_counters(b.f.pe[0], b.f.tenant[0][0])
                      ->delivered, 1);
    bench_free(&b);
}
END_TEST

/* n = 4, V = 2, PE 3 without the VSI of tenant 1 at first: its peers'
 * mappings for PW ID 101 are retained (3), it signals none, so PE 0's
 * tenant 1 floods to PEs 1 and 2 only (2 copies, none to PE 3), and PE 0
 * has no label toward PE 3.  Once PE 3 adds the VSI it uses the retained
 * mappings at once (3 pseudowires up toward its peers) and sends its own
 * 3; 10 ms later PE 0's broadcast makes 3 copies. */
START_TEST(no_copy_before_mapping)
{
    static struct bench b;
    bench_build(&b, 4, 2, true, 3, 1);
    nvo_engine_run(b.f.e, 500 * NVO_MS);
    ck_assert_uint_eq(nvo_vpls_counters(b.vp[3])->mappings_retained, 3);
    ck_assert_uint_eq(nvo_vpls_counters(b.vp[3])->pws_up, 3);
    ck_assert_uint_eq(nvo_pe_node_pw_label(b.f.pe[0], b.f.tenant[0][1],
                                           b.f.node[3]), 0);
    uint32_t nf;
    (void) nvo_pe_node_flood(b.f.pe[0], b.f.tenant[0][1], &nf);
    ck_assert_uint_eq(nf, 2);
    nvo_test_pes_vm_send(&b.f, 0, 1, bcast);
    nvo_engine_run(b.f.e, 510 * NVO_MS);
    ck_assert_uint_eq(check_copies(&b, 0, 0, 1), 2);
    for (uint32_t r = 0; r < b.n_enc; r++) {
        ck_assert_uint_ne(b.enc[r].dst_node, b.f.node[3]);
    }
    ck_assert_uint_eq(nvo_pe_node_tenant_counters(b.f.pe[3], b.f.tenant[3][1])
                      ->rx_decap, 0);
    /* 4*3*2 - 3 = 21 mappings sent so far. */
    ck_assert_uint_eq(sum_out(&b, NVO_LDP_K_MAPPING, false), 21);

    ck_assert_int_eq(
        nvo_vpls_add_vsi(b.vp[3], b.f.tenant[3][1], 0, b.f.node, 4), 0);
    ck_assert_uint_eq(nvo_vpls_counters(b.vp[3])->pws_up, 6);
    for (uint32_t j = 0; j < 3; j++) {
        ck_assert_uint_eq(nvo_vpls_remote_label(b.vp[3], b.f.tenant[3][1],
                                                b.f.node[j]),
                          nvo_vpls_local_label(b.vp[j], b.f.tenant[j][1],
                                               b.f.node[3]));
    }
    nvo_engine_run(b.f.e, 520 * NVO_MS);
    ck_assert_uint_eq(sum_out(&b, NVO_LDP_K_MAPPING, false), 24);
    (void) nvo_pe_node_flood(b.f.pe[0], b.f.tenant[0][1], &nf);
    ck_assert_uint_eq(nf, 3);
    uint32_t first = b.n_enc;
    nvo_test_pes_vm_send(&b.f, 0, 1, bcast);
    nvo_engine_run(b.f.e, 530 * NVO_MS);
    ck_assert_uint_eq(check_copies(&b, first, 0, 1), 3);
    ck_assert_uint_eq(nvo_pe_node_tenant_counters(b.f.pe[3], b.f.tenant[3][1])
                      ->delivered, 1);
    bench_free(&b);
}
END_TEST

/* ---- Session loss and recovery ----------------------------------------------- */

/* n = 4, V = 2.  PE 3's VM broadcasts (every PE learns its MAC at PE 3);
 * at 2.5 s PE 3's link fails.  The last Hello from PE 3 reached PE 0 at
 * t_h (about 2 s); PE 0's adjacency, and with it the session, ends
 * exactly at t_h + 3 s (the hold time): up 1 ns before, down 1 ns after.
 * Then PE 0 has 2 sessions, (4-2)*2 = 4 pseudowires up, a flood list of
 * 2, flushed the 1 MAC learned from PE 3, and its broadcast makes 2
 * copies.  At 6.5 s the link is back; the 7 s Hellos bring the sessions
 * back and by 7.5 s PE 0 floods to 3 PEs again, with the same labels. */
START_TEST(session_loss)
{
    static struct bench b;
    bench_build(&b, 4, 2, true, -1, -1);
    nvo_engine_run(b.f.e, 500 * NVO_MS);
    nvo_test_pes_vm_send(&b.f, 3, 0, bcast);
    nvo_engine_run(b.f.e, 2500 * NVO_MS);
    uint32_t lab03 = nvo_vpls_remote_label(b.vp[0], b.f.tenant[0][0],
                                           b.f.node[3]);
    ck_assert_uint_ne(lab03, 0);
    int link = nvo_net_find_link(b.f.net, b.f.node[3], (uint32_t) b.f.leaf);
    ck_assert_int_ge(link, 0);
    nvo_net_set_link_up(b.f.net, (uint32_t) link, false);
    nvo_time_t t_h = b.last_hello_rx[0][3];
    ck_assert_int_gt(t_h, 2 * NVO_SEC);
    ck_assert_int_lt(t_h, 2 * NVO_SEC + NVO_MS);
    struct nvo_ldp_speaker *sp0 = nvo_vpls_speaker(b.vp[0]);
    nvo_engine_run(b.f.e, t_h + 3 * NVO_SEC - NVO_NS);
    ck_assert_int_eq(nvo_ldp_speaker_state(sp0, b.f.node[3]),
                     NVO_LDP_OPERATIONAL);
    ck_assert_uint_eq(b.last_hello_rx[0][3], t_h);
    nvo_engine_run(b.f.e, t_h + 3 * NVO_SEC + NVO_NS);
    ck_assert_int_eq(nvo_ldp_speaker_state(sp0, b.f.node[3]),
                     NVO_LDP_NONEXISTENT);
    ck_assert(!nvo_ldp_speaker_adjacent(sp0, b.f.node[3]));
    nvo_engine_run(b.f.e, 5500 * NVO_MS);
    ck_assert_uint_eq(nvo_ldp_speaker_n_sessions(sp0), 2);
    ck_assert_uint_eq(nvo_ldp_speaker_counters(sp0)->sessions_down, 1);
    ck_assert_uint_eq(nvo_ldp_speaker_n_sessions(nvo_vpls_speaker(b.vp[3])),
                      0);
    ck_assert_uint_eq(nvo_ldp_speaker_counters(nvo_vpls_speaker(b.vp[3]))
                      ->sessions_down, 3);
    ck_assert_uint_eq(nvo_vpls_counters(b.vp[0])->pws_up, 4);
    ck_assert_uint_eq(nvo_vpls_counters(b.vp[0])->macs_flushed, 1);
    uint32_t nf;
    (void) nvo_pe_node_flood(b.f.pe[0], b.f.tenant[0][0], &nf);
    ck_assert_uint_eq(nf, 2);
    ck_assert_uint_eq(nvo_pe_node_pw_label(b.f.pe[0], b.f.tenant[0][0],
                                           b.f.node[3]), 0);
    uint32_t first = b.n_enc;
    nvo_test_pes_vm_send(&b.f, 0, 0, bcast);
    nvo_engine_run(b.f.e, 5510 * NVO_MS);
    ck_assert_uint_eq(check_copies(&b, first, 0, 0), 2);

    nvo_net_set_link_up(b.f.net, (uint32_t) link, true);
    nvo_engine_run(b.f.e, 7500 * NVO_MS);
    ck_assert_uint_eq(nvo_ldp_speaker_n_sessions(sp0), 3);
    ck_assert_uint_eq(nvo_vpls_counters(b.vp[0])->pws_up, 6);
    ck_assert_uint_eq(nvo_vpls_remote_label(b.vp[0], b.f.tenant[0][0],
                                            b.f.node[3]), lab03);
    first = b.n_enc;
    nvo_test_pes_vm_send(&b.f, 0, 0, bcast);
    nvo_engine_run(b.f.e, 7510 * NVO_MS);
    ck_assert_uint_eq(check_copies(&b, first, 0, 0), 3);
    bench_free(&b);
}
END_TEST

/* KeepAlive time 3 s (a KeepAlive every 1 s), Hello hold 60 s.  PE 3's
 * link fails at 2.5 s; the last session PDU from PE 3 reached PE 0 at
 * t_k (a KeepAlive, within the second before the cut): PE 0's session
 * ends exactly at t_k + 3 s with a "KeepAlive Timer Expired" (0x14, E)
 * Notification, while the Hello adjacency (60 s) is still up. */
START_TEST(keepalive_expiry)
{
    static struct bench b;
    bench_hello_hold = 60;
    bench_keepalive = 3;
    bench_build(&b, 4, 1, true, -1, -1);
    bench_hello_hold = bench_keepalive = 0;
    nvo_engine_run(b.f.e, 2500 * NVO_MS);
    struct nvo_ldp_speaker *sp0 = nvo_vpls_speaker(b.vp[0]);
    ck_assert_uint_eq(nvo_ldp_speaker_keepalive(sp0, b.f.node[3]), 3);
    /* KeepAlives: 4 * 3 at set-up, then one per second and direction
     * from about 1 s: at 1, 2 s: 12 + 2 * 12 = 36. */
    ck_assert_uint_eq(sum_out(&b, NVO_LDP_K_KEEPALIVE, false), 36);
    int link = nvo_net_find_link(b.f.net, b.f.node[3], (uint32_t) b.f.leaf);
    nvo_net_set_link_up(b.f.net, (uint32_t) link, false);
    nvo_time_t t_k = b.last_sess_rx[0][3];
    ck_assert_int_gt(t_k, 1500 * NVO_MS);
    ck_assert_int_lt(t_k, 2500 * NVO_MS);
    nvo_engine_run(b.f.e, t_k + 3 * NVO_SEC - NVO_NS);
    ck_assert_int_eq(nvo_ldp_speaker_state(sp0, b.f.node[3]),
                     NVO_LDP_OPERATIONAL);
    ck_assert_uint_eq(b.last_notif_sent[0], 0);
    nvo_engine_run(b.f.e, t_k + 3 * NVO_SEC + NVO_NS);
    ck_assert_int_eq(nvo_ldp_speaker_state(sp0, b.f.node[3]),
                     NVO_LDP_NONEXISTENT);
    ck_assert(nvo_ldp_speaker_adjacent(sp0, b.f.node[3]));
    ck_assert_uint_eq(b.last_notif_sent[0],
                      NVO_LDP_STATUS_E | NVO_LDP_ST_KEEPALIVE_EXPIRED);
    ck_assert_uint_eq(nvo_ldp_speaker_counters(sp0)->sessions_down, 1);
    ck_assert_uint_eq(nvo_vpls_counters(b.vp[0])->pws_up, 2);
    bench_free(&b);
}
END_TEST

/* ---- Errors: a hand-driven peer ---------------------------------------------- */

/* Node "a" runs a speaker; node "b" (the higher address: the active end)
 * is a bare TCP application sending hand-made PDUs. */
struct raw {
    struct nvo_engine *e;
    struct nvo_net *net;
    uint32_t a, b;
    struct nvo_tcp_stack *ta, *tb;
    struct nvo_ldp_speaker *sp;
    struct nvo_tcp_conn *conn;
    GByteArray *rx;
    int closed;                 /* reason, or -1 */
    uint32_t ups, downs, msgs, down_status;
};

static void
raw_recv(void *ctx, struct nvo_tcp_conn *c, const uint8_t *d, size_t n)
{
    struct raw *r = ctx;
    (void) c;
    g_byte_array_append(r->rx, d, (guint) n);
}

static void
raw_closed(void *ctx, struct nvo_tcp_conn *c, int reason)
{
    struct raw *r = ctx;
    (void) c;
    r->closed = reason;
    r->conn = NULL;
}

static const struct nvo_tcp_ops raw_ops = {
    .recv = raw_recv, .closed = raw_closed,
};

static void
raw_up(void *ctx, struct nvo_ldp_speaker *sp, uint32_t peer)
{
    (void) sp;
    (void) peer;
    ((struct raw *) ctx)->ups++;
}

static void
raw_down(void *ctx, struct nvo_ldp_speaker *sp, uint32_t peer,
         uint32_t status)
{
    (void) sp;
    (void) peer;
    ((struct raw *) ctx)->downs++;
    ((struct raw *) ctx)->down_status = status;
}

static void
raw_msg(void *ctx, struct nvo_ldp_speaker *sp, uint32_t peer,
        const struct nvo_ldp_msg *m)
{
    (void) sp;
    (void) peer;
    (void) m;
    ((struct raw *) ctx)->msgs++;
}

static const struct nvo_ldp_speaker_ops raw_sp_ops = {
    .session_up = raw_up, .session_down = raw_down, .message = raw_msg,
};

/* Sends one PDU from b with LDP id 'lsr' holding message 'm'. */
static void
raw_send(struct raw *r, uint32_t lsr, const struct nvo_ldp_msg *m)
{
    uint8_t buf[256];
    struct nvo_ldp_pdu_wr w;
    struct nvo_ldp_id id = { .lsr_id = lsr };
    ck_assert_int_eq(nvo_ldp_pdu_start(&w, buf, sizeof buf, &id, 0), 0);
    ck_assert_int_eq(nvo_ldp_pdu_add(&w, m), 0);
    size_t n = nvo_ldp_pdu_finish(&w);
    ck_assert_int_eq(nvo_tcp_send(r->conn, buf, n), 0);
}

static void
raw_init_msg(struct raw *r, uint16_t ka, struct nvo_ldp_msg *m)
{
    memset(m, 0, sizeof *m);
    m->type = NVO_LDP_MSG_INIT;
    m->id = 1;
    m->init.proto_version = 1;
    m->init.keepalive_time = ka;
    m->init.max_pdu_len = 4096;
    m->init.receiver.lsr_id = nvo_net_node(r->net, r->a)->addr4;
}

/* The PDUs 'a' sent, decoded: their message types into types[] and the
 * last Notification's status, message id and type. */
static size_t
raw_parse(const struct raw *r, uint16_t *types, size_t max,
          struct nvo_ldp_notif *notif)
{
    size_t off = 0, k = 0;
    while (off < r->rx->len) {
        size_t n = nvo_ldp_pdu_peek_len(r->rx->data + off,
                                        r->rx->len - off);
        ck_assert_uint_gt(n, 0);
        struct nvo_ldp_pdu_rd rd;
        ck_assert_uint_eq(nvo_ldp_pdu_begin(&rd, r->rx->data + off, n, 0), 0);
        ck_assert_uint_eq(rd.hdr.id.lsr_id,
                          nvo_net_node(r->net, r->a)->addr4);
        struct nvo_ldp_msg m;
        struct nvo_ldp_error err;
        while (nvo_ldp_pdu_next(&rd, &m, &err)) {
            ck_assert_uint_lt(k, max);
            types[k++] = m.type;
            if (m.type == NVO_LDP_MSG_NOTIFICATION) {
                *notif = m.notif;
            }
        }
        ck_assert_uint_eq(err.status, 0);
        off += n;
    }
    return k;
}

static void
raw_connect(struct raw *r)
{
    g_byte_array_set_size(r->rx, 0);
    r->closed = -1;
    ck_assert_int_eq(nvo_tcp_connect(r->tb, r->a, NVO_LDP_PORT, &raw_ops, r,
                                     &r->conn), 0);
    nvo_engine_run(r->e, nvo_engine_now(r->e) + NVO_MS);
    ck_assert_int_eq(nvo_tcp_conn_state(r->conn), NVO_TCP_ESTABLISHED);
    ck_assert_int_eq(nvo_ldp_speaker_state(r->sp, r->b),
                     NVO_LDP_INITIALIZED);
}

/* 1. Init, KeepAlive: 'a' answers Init + KeepAlive (OPENREC), then is
 *    OPERATIONAL; an unknown message type 0x0555 with U = 0 (id 77) gets
 *    a Notification "Unknown Message Type" (0x04, E = 0) naming it, and
 *    the session stays; a PDU with another LDP id gets "Bad LDP
 *    Identifier" (0x01, E) and a reset: 'a' calls session_down with it.
 * 2. A new connection, Initialization with KeepAlive time 0: "Session
 *    Rejected/Bad KeepAlive Time" (0x18, E) naming the Init (id 1), a
 *    reset, no session_up.
 * 3. A new connection, Init, then a Label Mapping before the KeepAlive:
 *    a Shutdown (0x0a, E) Notification and a reset. */
START_TEST(errors_and_notifications)
{
    static struct raw r;
    memset(&r, 0, sizeof r);
    r.net = nvo_test_net(NULL, &r.e);
    r.a = (uint32_t) nvo_net_add_node(r.net, "a", NVO_ROLE_HYPERVISOR);
    r.b = (uint32_t) nvo_net_add_node(r.net, "b", NVO_ROLE_HYPERVISOR);
    struct nvo_link_cfg l;
    nvo_link_cfg_default(&l);
    ck_assert_int_eq(nvo_net_add_link(r.net, r.a, r.b, &l), 0);
    ck_assert_int_eq(nvo_net_finalize(r.net), 0);
    ck_assert_uint_gt(nvo_net_node(r.net, r.b)->addr4,
                      nvo_net_node(r.net, r.a)->addr4);
    ck_assert_int_eq(nvo_tcp_stack_create(nvo_net_node(r.net, r.a), NULL,
                                          &r.ta), 0);
    ck_assert_int_eq(nvo_tcp_stack_create(nvo_net_node(r.net, r.b), NULL,
                                          &r.tb), 0);
    struct nvo_ldp_speaker_cfg lc;
    test_ldp_cfg(&lc, true);
    ck_assert_int_eq(nvo_ldp_speaker_create(r.ta, &lc, &raw_sp_ops, &r,
                                            &r.sp), 0);
    ck_assert_int_eq(nvo_ldp_speaker_add_peer(r.sp, r.b), 0);
    ck_assert_int_eq(nvo_ldp_speaker_add_peer(r.sp, r.b), EEXIST);
    ck_assert_int_eq(nvo_ldp_speaker_add_peer(r.sp, r.a), EINVAL);
    nvo_ldp_speaker_start(r.sp);
    r.rx = g_byte_array_new();
    uint32_t lsr_b = nvo_net_node(r.net, r.b)->addr4;
    uint16_t types[16];
    struct nvo_ldp_notif nt;

    /* 1. */
    raw_connect(&r);
    struct nvo_ldp_msg m;
    raw_init_msg(&r, 9, &m);
    raw_send(&r, lsr_b, &m);
    nvo_engine_run(r.e, nvo_engine_now(r.e) + NVO_MS);
    ck_assert_int_eq(nvo_ldp_speaker_state(r.sp, r.b), NVO_LDP_OPENREC);
    ck_assert_uint_eq(raw_parse(&r, types, 16, &nt), 2);
    ck_assert_uint_eq(types[0], NVO_LDP_MSG_INIT);
    ck_assert_uint_eq(types[1], NVO_LDP_MSG_KEEPALIVE);
    memset(&m, 0, sizeof m);
    m.type = NVO_LDP_MSG_KEEPALIVE;
    m.id = 2;
    raw_send(&r, lsr_b, &m);
    nvo_engine_run(r.e, nvo_engine_now(r.e) + NVO_MS);
    ck_assert_int_eq(nvo_ldp_speaker_state(r.sp, r.b), NVO_LDP_OPERATIONAL);
    ck_assert_uint_eq(r.ups, 1);
    uint8_t unk[18] = { 0, 1, 0, 14, 0, 0, 0, 0, 0, 0,
                        0x05, 0x55, 0, 4, 0, 0, 0, 77 };
    nvo_wr32(unk + 4, lsr_b);
    ck_assert_int_eq(nvo_tcp_send(r.conn, unk, sizeof unk), 0);
    nvo_engine_run(r.e, nvo_engine_now(r.e) + NVO_MS);
    ck_assert_uint_eq(raw_parse(&r, types, 16, &nt), 3);
    ck_assert_uint_eq(types[2], NVO_LDP_MSG_NOTIFICATION);
    ck_assert_uint_eq(nt.status, NVO_LDP_ST_UNKNOWN_MSG_TYPE);
    ck_assert_uint_eq(nt.msg_id, 77);
    ck_assert_uint_eq(nt.msg_type, 0x0555);
    ck_assert_int_eq(nvo_ldp_speaker_state(r.sp, r.b), NVO_LDP_OPERATIONAL);
    memset(&m, 0, sizeof m);
    m.type = NVO_LDP_MSG_KEEPALIVE;
    m.id = 3;
    raw_send(&r, lsr_b + 1, &m);
    nvo_engine_run(r.e, nvo_engine_now(r.e) + NVO_MS);
    ck_assert_uint_eq(raw_parse(&r, types, 16, &nt), 4);
    ck_assert_uint_eq(nt.status, NVO_LDP_STATUS_E | NVO_LDP_ST_BAD_LDP_ID);
    ck_assert_int_eq(r.closed, ECONNRESET);
    ck_assert_uint_eq(r.downs, 1);
    ck_assert_uint_eq(r.down_status, NVO_LDP_ST_BAD_LDP_ID);
    ck_assert_int_eq(nvo_ldp_speaker_state(r.sp, r.b), NVO_LDP_NONEXISTENT);
    ck_assert_uint_eq(r.msgs, 0);

    /* 2. */
    raw_connect(&r);
    raw_init_msg(&r, 0, &m);
    raw_send(&r, lsr_b, &m);
    nvo_engine_run(r.e, nvo_engine_now(r.e) + NVO_MS);
    ck_assert_uint_eq(raw_parse(&r, types, 16, &nt), 1);
    ck_assert_uint_eq(nt.status,
                      NVO_LDP_STATUS_E | NVO_LDP_ST_REJ_BAD_KEEPALIVE);
    ck_assert_uint_eq(nt.msg_id, 1);
    ck_assert_uint_eq(nt.msg_type, NVO_LDP_MSG_INIT);
    ck_assert_int_eq(r.closed, ECONNRESET);
    ck_assert_uint_eq(r.ups, 1);

    /* 3. */
    raw_connect(&r);
    raw_init_msg(&r, 9, &m);
    raw_send(&r, lsr_b, &m);
    memset(&m, 0, sizeof m);
    m.type = NVO_LDP_MSG_LABEL_MAPPING;
    m.id = 5;
    m.label.fec = (struct nvo_ldp_fec) { .kind = NVO_LDP_FEC_PWID,
                                         .pw_type = NVO_LDP_PW_ETH,
                                         .has_pw_id = true, .pw_id = 7 };
    m.label.has_label = true;
    m.label.label = 99;
    raw_send(&r, lsr_b, &m);
    nvo_engine_run(r.e, nvo_engine_now(r.e) + NVO_MS);
    ck_assert_uint_eq(raw_parse(&r, types, 16, &nt), 3);
    ck_assert_uint_eq(types[2], NVO_LDP_MSG_NOTIFICATION);
    ck_assert_uint_eq(nt.status, NVO_LDP_STATUS_E | NVO_LDP_ST_SHUTDOWN);
    ck_assert_int_eq(r.closed, ECONNRESET);
    ck_assert_uint_eq(r.ups, 1);
    ck_assert_uint_eq(r.msgs, 0);
    ck_assert_uint_eq(nvo_ldp_speaker_counters(r.sp)->notifs_sent_err, 3);

    g_byte_array_free(r.rx, TRUE);
    nvo_ldp_speaker_destroy(r.sp);
    nvo_tcp_stack_destroy(r.ta);
    nvo_tcp_stack_destroy(r.tb);
    nvo_net_destroy(r.net);
    nvo_engine_destroy(r.e);
}
END_TEST

/* ---- H-VPLS -------------------------------------------------------------------- */

/* Hubs 0 and 1 in a mesh, spokes 2, 3 on hub 0 and 4, 5 on hub 1, V = 1:
 * 5 sessions (hub-hub, 4 spokes) and 10 Label Mappings, where a full mesh
 * of 6 PEs has 15 and 30.  A broadcast from spoke 2's VM: 1 copy to hub
 * 0; hub 0 delivers it and sends it on to spoke 3 and hub 1 (from a
 * spoke: every other pseudowire): 2; hub 1 delivers it and sends it to
 * its spokes 4 and 5 only (from the mesh: spokes only): 2.  5 copies in
 * all, each with the label its egress signalled, one delivery per PE.
 * Then a unicast from spoke 5's VM to spoke 2's: 5 -> hub 1 (where 5
 * learned the MAC) -> hub 0 (where hub 1 learned it) -> spoke 2: 3
 * frames, delivered once. */
START_TEST(hvpls)
{
    static struct bench b;
    bench_hvpls = true;
    bench_build(&b, 6, 1, true, -1, -1);
    bench_hvpls = false;
    nvo_engine_run(b.f.e, 500 * NVO_MS);
    uint64_t ends = 0;
    for (uint32_t i = 0; i < 6; i++) {
        ends += nvo_ldp_speaker_n_sessions(nvo_vpls_speaker(b.vp[i]));
    }
    ck_assert_uint_eq(ends / 2, 5);
    ck_assert_uint_eq(sum_out(&b, NVO_LDP_K_MAPPING, false), 10);
    ck_assert_uint_eq(b.n_maps, 10);
    nvo_test_pes_vm_send(&b.f, 2, 0, bcast);
    nvo_engine_run(b.f.e, 510 * NVO_MS);
    ck_assert_uint_eq(b.n_enc, 5);
    static const int hop_from[5] = { 2, 0, 0, 1, 1 };
    static const int hop_to[5] = { 0, 3, 1, 4, 5 };
    for (uint32_t r = 0; r < 5; r++) {
        const struct encrec *e = &b.enc[r];
        int to = nvo_test_pes_ix(&b.f, e->dst_node);
        bool found = false;
        for (int h = 0; h < 5; h++) {
            found |= hop_from[h] == e->from && hop_to[h] == to;
        }
        ck_assert_msg(found, "copy %d -> %d", e->from, to);
        ck_assert_uint_eq(e->label,
                          nvo_vpls_local_label(b.vp[to], b.f.tenant[to][0],
                                               b.f.node[e->from]));
    }
    for (uint32_t i = 0; i < 6; i++) {
        const struct nvo_pe_node_counters *c =
            nvo_pe_node_tenant_counters(b.f.pe[i], b.f.tenant[i][0]);
        ck_assert_uint_eq(c->delivered, i == 2 ? 0 : 1);
        ck_assert_uint_eq(nvo_pe_node_pw_counters(b.f.pe[i])->transit,
                          i < 2 ? 2 : 0);
    }
    uint8_t mac2[6];
    nvo_test_pes_vm_mac(2, 0, mac2);
    uint32_t first = b.n_enc;
    nvo_test_pes_vm_send(&b.f, 5, 0, mac2);
    nvo_engine_run(b.f.e, 520 * NVO_MS);
    ck_assert_uint_eq(b.n_enc - first, 3);
    ck_assert_int_eq(b.enc[first].from, 5);
    ck_assert_uint_eq(b.enc[first].dst_node, b.f.node[1]);
    ck_assert_int_eq(b.enc[first + 1].from, 1);
    ck_assert_uint_eq(b.enc[first + 1].dst_node, b.f.node[0]);
    ck_assert_int_eq(b.enc[first + 2].from, 0);
    ck_assert_uint_eq(b.enc[first + 2].dst_node, b.f.node[2]);
    ck_assert_uint_eq(nvo_pe_node_tenant_counters(b.f.pe[2], b.f.tenant[2][0])
                      ->delivered, 1);
    ck_assert_uint_eq(nvo_pe_node_pw_counters(b.f.pe[1])->transit, 3);
    ck_assert_uint_eq(nvo_pe_node_pw_counters(b.f.pe[0])->transit, 3);
    bench_free(&b);
}
END_TEST

/* A leaf-spine (PEs 0, 2 on leaf 1; 1, 3 on leaf 2), n = 4, V = 1.  At
 * 1 s leaf 1's link to spine 1 fails: routes converge over spine 2
 * (50 us), TCP retransmits what was lost, and a path remains, so by 20 s
 * (past every hold: Hello 3 s, KeepAlive 9 s) no session went down, the
 * labels are the ones signalled at first, and PE 0's broadcast makes 3
 * copies with them. */
START_TEST(link_failure_with_a_path)
{
    static struct bench b;
    bench_spines = true;
    bench_build(&b, 4, 1, true, -1, -1);
    bench_spines = false;
    nvo_engine_run(b.f.e, 1000 * NVO_MS);
    uint32_t lab[4];
    for (uint32_t j = 1; j < 4; j++) {
        lab[j] = nvo_vpls_remote_label(b.vp[0], b.f.tenant[0][0], b.f.node[j]);
        ck_assert_uint_ne(lab[j], 0);
    }
    int s1 = nvo_net_find(b.f.net, "spine1");
    int link = nvo_net_find_link(b.f.net, (uint32_t) b.f.leaf, (uint32_t) s1);
    ck_assert_int_ge(link, 0);
    nvo_net_set_link_up(b.f.net, (uint32_t) link, false);
    nvo_engine_run(b.f.e, 20 * NVO_SEC);
    for (uint32_t i = 0; i < 4; i++) {
        struct nvo_ldp_speaker *sp = nvo_vpls_speaker(b.vp[i]);
        ck_assert_uint_eq(nvo_ldp_speaker_n_sessions(sp), 3);
        ck_assert_uint_eq(nvo_ldp_speaker_counters(sp)->sessions_down, 0);
        ck_assert_uint_eq(nvo_ldp_speaker_counters(sp)->sessions_up, 3);
    }
    for (uint32_t j = 1; j < 4; j++) {
        ck_assert_uint_eq(nvo_vpls_remote_label(b.vp[0], b.f.tenant[0][0],
                                                b.f.node[j]), lab[j]);
    }
    nvo_test_pes_vm_send(&b.f, 0, 0, bcast);
    nvo_engine_run(b.f.e, 20 * NVO_SEC + 10 * NVO_MS);
    ck_assert_uint_eq(check_copies(&b, 0, 0, 0), 3);
    bench_free(&b);
}
END_TEST

/* ---- MAC Address Withdraw, VSI removal -------------------------------------- */

static uint64_t
flushed_all(const struct bench *b)
{
    uint64_t n = 0;
    for (uint32_t i = 0; i < b->f.n; i++) {
        n += nvo_vpls_counters(b->vp[i])->macs_flushed;
    }
    return n;
}

/* n = 4, V = 1.  Broadcasts from PE 0's and PE 1's VMs: PE 0 learns VM1
 * (at PE 1), PE 1 learns VM0, PEs 2 and 3 learn both.  PE 2 sends the
 * empty list (flush all but the sender's): PE 0 flushes 1, PE 1 1, PE 3
 * 2: 4.  After learning again, PE 1 sends a list with VM0's MAC: PE 0
 * holds it as local (kept), PEs 2 and 3 flush it: 2.  Messages: 3 + 3
 * Address Withdraws, 28 bytes each with the empty list and 34 with one
 * MAC (FEC 128 without MTU): 3*28 + 3*34 = 186 bytes.  Last, PE 0's own
 * list with VM0's MAC: an entry learned from the sender is kept. */
START_TEST(mac_withdraw)
{
    static struct bench b;
    bench_build(&b, 4, 1, true, -1, -1);
    nvo_engine_run(b.f.e, 500 * NVO_MS);
    nvo_test_pes_vm_send(&b.f, 0, 0, bcast);
    nvo_test_pes_vm_send(&b.f, 1, 0, bcast);
    nvo_engine_run(b.f.e, 510 * NVO_MS);
    ck_assert_int_eq(nvo_vpls_mac_withdraw(b.vp[2], b.f.tenant[2][0], NULL, 0),
                     3);
    nvo_engine_run(b.f.e, 520 * NVO_MS);
    ck_assert_uint_eq(nvo_vpls_counters(b.vp[0])->macs_flushed, 1);
    ck_assert_uint_eq(nvo_vpls_counters(b.vp[1])->macs_flushed, 1);
    ck_assert_uint_eq(nvo_vpls_counters(b.vp[3])->macs_flushed, 2);
    ck_assert_uint_eq(flushed_all(&b), 4);
    nvo_test_pes_vm_send(&b.f, 0, 0, bcast);
    nvo_test_pes_vm_send(&b.f, 1, 0, bcast);
    nvo_engine_run(b.f.e, 530 * NVO_MS);
    uint8_t mac0[6];
    nvo_test_pes_vm_mac(0, 0, mac0);
    ck_assert_int_eq(nvo_vpls_mac_withdraw(b.vp[1], b.f.tenant[1][0], mac0, 1),
                     3);
    nvo_engine_run(b.f.e, 540 * NVO_MS);
    ck_assert_uint_eq(flushed_all(&b), 6);
    ck_assert_uint_eq(nvo_vpls_counters(b.vp[0])->macs_flushed, 1);
    ck_assert_uint_eq(sum_out(&b, NVO_LDP_K_ADDRESS_WITHDRAW, false), 6);
    ck_assert_uint_eq(sum_out(&b, NVO_LDP_K_ADDRESS_WITHDRAW, true), 186);
    ck_assert_uint_eq(sum_in(&b, NVO_LDP_K_ADDRESS_WITHDRAW, false), 6);
    uint64_t rcvd = 0;
    for (uint32_t i = 0; i < 4; i++) {
        rcvd += nvo_vpls_counters(b.vp[i])->mac_withdraws_rcvd;
    }
    ck_assert_uint_eq(rcvd, 6);
    /* Then PE 0 itself sends the list with VM0's MAC: PEs 2 and 3 hold
     * nothing for it (flushed above); PE 1 holds it at PE 0, the sender,
     * and keeps it (the MAC is where the withdraw comes from; flushing
     * every listed MAC would make 7): 3 more messages, no flush. */
    ck_assert_int_eq(nvo_vpls_mac_withdraw(b.vp[0], b.f.tenant[0][0], mac0, 1),
                     3);
    nvo_engine_run(b.f.e, 550 * NVO_MS);
    ck_assert_uint_eq(flushed_all(&b), 6);
    ck_assert_uint_eq(sum_in(&b, NVO_LDP_K_ADDRESS_WITHDRAW, false), 9);
    bench_free(&b);
}
END_TEST

/* n = 4, V = 2.  PE 0 removes the VSI of tenant 0: 3 Label Withdraws;
 * each peer takes its pseudowire toward PE 0 down (flood list 2) and
 * answers with a Label Release (3); PE 0's flood list is empty and its 3
 * labels leave its receive map.  Withdraw and Release carry the FEC with
 * MTU and the label: 36 bytes each, as a Mapping.  Tenant 1 keeps 3. */
START_TEST(remove_vsi)
{
    static struct bench b;
    bench_build(&b, 4, 2, true, -1, -1);
    nvo_engine_run(b.f.e, 500 * NVO_MS);
    ck_assert_int_eq(nvo_vpls_remove_vsi(b.vp[0], b.f.tenant[0][0]), 0);
    ck_assert_int_eq(nvo_vpls_remove_vsi(b.vp[0], b.f.tenant[0][0]), ENOENT);
    nvo_engine_run(b.f.e, 510 * NVO_MS);
    ck_assert_uint_eq(nvo_vpls_counters(b.vp[0])->withdraws_sent, 3);
    ck_assert_uint_eq(nvo_vpls_counters(b.vp[0])->releases_rcvd, 3);
    ck_assert_uint_eq(sum_out(&b, NVO_LDP_K_WITHDRAW, false), 3);
    ck_assert_uint_eq(sum_out(&b, NVO_LDP_K_WITHDRAW, true), 3 * 36);
    ck_assert_uint_eq(sum_out(&b, NVO_LDP_K_RELEASE, false), 3);
    ck_assert_uint_eq(sum_out(&b, NVO_LDP_K_RELEASE, true), 3 * 36);
    uint32_t nf;
    (void) nvo_pe_node_flood(b.f.pe[0], b.f.tenant[0][0], &nf);
    ck_assert_uint_eq(nf, 0);
    (void) nvo_pe_node_flood(b.f.pe[0], b.f.tenant[0][1], &nf);
    ck_assert_uint_eq(nf, 3);
    for (uint32_t i = 1; i < 4; i++) {
        ck_assert_uint_eq(nvo_vpls_counters(b.vp[i])->withdraws_rcvd, 1);
        ck_assert_uint_eq(nvo_vpls_counters(b.vp[i])->releases_sent, 1);
        (void) nvo_pe_node_flood(b.f.pe[i], b.f.tenant[i][0], &nf);
        ck_assert_uint_eq(nf, 2);
    }
    /* PE 1's broadcast no longer reaches PE 0. */
    nvo_test_pes_vm_send(&b.f, 1, 0, bcast);
    nvo_engine_run(b.f.e, 520 * NVO_MS);
    ck_assert_uint_eq(nvo_pe_node_pw_counters(b.f.pe[0])->rx_bad_label, 0);
    ck_assert_uint_eq(nvo_pe_node_tenant_counters(b.f.pe[0], b.f.tenant[0][0])
                      ->rx_decap, 0);
    bench_free(&b);
}
END_TEST

/* ---- Processing delay -------------------------------------------------------- */

/* With a 1 ms processing delay per received session message, the set-up
 * takes 3 more processing steps on the critical path (the passive end's
 * Initialization, the active end's KeepAlive reply, the passive end's
 * KeepAlive): two PEs' session comes up later than without by at least
 * 3 ms, and the counts are the same. */
START_TEST(processing_delay)
{
    nvo_time_t up[2];
    for (int d = 0; d < 2; d++) {
        static struct bench b;
        memset(&b, 0, sizeof b);
        b.fp = 0;
        nvo_test_pes_begin(&b.f, 2, 1);
        struct nvo_link_cfg l;
        nvo_link_cfg_default(&l);
        struct nvo_pe_node_cfg pc;
        memset(&pc, 0, sizeof pc);
        pc.encap = &nvo_encap_mpls_gre_ops;
        pc.label_per_pe = true;
        nvo_test_pes_add(&b.f, &pc, &l, NULL, false);
        struct nvo_ldp_speaker_cfg lc;
        test_ldp_cfg(&lc, true);
        lc.proc_delay = d ? NVO_MS : 0;
        for (uint32_t i = 0; i < 2; i++) {
            ck_assert_int_eq(nvo_tcp_stack_create(nvo_pe_node_base(b.f.pe[i]),
                                                  NULL, &b.tcp[i]), 0);
            ck_assert_int_eq(nvo_vpls_create(b.f.pe[i], b.tcp[i], &lc, NULL,
                                             &b.vp[i]), 0);
            ck_assert_int_eq(nvo_vpls_add_vsi(b.vp[i], b.f.tenant[i][0], 0,
                                              b.f.node, 2), 0);
        }
        nvo_vpls_start(b.vp[0]);
        nvo_vpls_start(b.vp[1]);
        up[d] = -1;
        for (nvo_time_t t = 0; t < 100 * NVO_MS && up[d] < 0;
             t += 10 * NVO_US) {
            nvo_engine_run(b.f.e, t);
            if (nvo_ldp_speaker_n_sessions(nvo_vpls_speaker(b.vp[0]))
                && nvo_ldp_speaker_n_sessions(nvo_vpls_speaker(b.vp[1]))) {
                up[d] = t;
            }
        }
        ck_assert_int_ge(up[d], 0);
        nvo_engine_run(b.f.e, 200 * NVO_MS);
        ck_assert_uint_eq(nvo_vpls_counters(b.vp[0])->pws_up, 1);
        ck_assert_uint_eq(nvo_vpls_counters(b.vp[1])->pws_up, 1);
        ck_assert_uint_eq(sum_out(&b, NVO_LDP_K_MAPPING, false), 2);
        bench_free(&b);
    }
    ck_assert_int_ge(up[1] - up[0], 3 * NVO_MS);
}
END_TEST

/* ---- tshark ------------------------------------------------------------------ */

static int
cmp_pair(const void *a, const void *b)
{
    const uint64_t *x = a, *y = b;
    return *x < *y ? -1 : *x > *y;
}

static char tlines[512][4096];

/* n = 4, V = 2, a pcap of PE 0's uplink (both directions) to 500 ms.
 * tshark must show: Hello 0x0100 6 (3 sent, 3 received at 0 s),
 * Initialization 0x0200 6, KeepAlive 0x0201 6, Label Mapping 0x0400 12
 * ((n-1)V each way), no other LDP message; the (PW ID, label) pairs of
 * the mappings exactly those PE 0 sent and received; no malformed frame,
 * no expert error, and no warning but the GTSM one on each Hello. */
START_TEST(tshark_pcap)
{
    nvo_test_require_tshark();
    static struct bench b;
    bench_build(&b, 4, 2, true, -1, -1);
    char *dir = nvo_test_tmpdir("vpls");
    char path[4096];
    snprintf(path, sizeof path, "%s/pe0.pcap", dir);
    struct nvo_pcap_out *po;
    char err[256];
    ck_assert_int_eq(nvo_pcap_out_open(path, 0, &po, err, sizeof err), 0);
    nvo_pcap_out_attach(po, &nvo_pe_node_base(b.f.pe[0])->ports[0]);
    nvo_engine_run(b.f.e, 500 * NVO_MS);
    nvo_pcap_out_detach(po, &nvo_pe_node_base(b.f.pe[0])->ports[0]);
    ck_assert_int_eq(nvo_pcap_out_close(po, err, sizeof err), 0);

    size_t n = run_tshark(path, "-Y ldp -T fields -E occurrence=a "
                          "-E aggregator=, -E separator=/t -e ldp.msg.type "
                          "-e ldp.msg.tlv.fec.pw.pwid "
                          "-e ldp.msg.tlv.generic.label", tlines, 512);
    unsigned hello = 0, init = 0, ka = 0, map = 0, other = 0;
    uint64_t got[64], want[64];
    size_t n_got = 0, n_want = 0;
    for (size_t i = 0; i < n; i++) {
        char *types = tlines[i];
        char *pw = strchr(types, '\t');
        ck_assert_ptr_nonnull(pw);
        *pw++ = '\0';
        char *lab = strchr(pw, '\t');
        ck_assert_ptr_nonnull(lab);
        *lab++ = '\0';
        for (char *t = strtok(types, ","); t; t = strtok(NULL, ",")) {
            unsigned long ty = strtoul(t, NULL, 16);
            hello += ty == 0x0100;
            init += ty == 0x0200;
            ka += ty == 0x0201;
            map += ty == 0x0400;
            other += ty != 0x0100 && ty != 0x0200 && ty != 0x0201
                     && ty != 0x0400;
        }
        char *sp1, *sp2;
        char *a = strtok_r(pw, ",", &sp1), *c = strtok_r(lab, ",", &sp2);
        while (a && c) {
            ck_assert_uint_lt(n_got, 64);
            got[n_got++] = (uint64_t) strtoul(a, NULL, 10) << 32
                           | strtoul(c, NULL, 10);
            a = strtok_r(NULL, ",", &sp1);
            c = strtok_r(NULL, ",", &sp2);
        }
        ck_assert(!a && !c);
    }
    ck_assert_uint_eq(hello, 6);
    ck_assert_uint_eq(init, 6);
    ck_assert_uint_eq(ka, 6);
    ck_assert_uint_eq(map, 12);
    ck_assert_uint_eq(other, 0);
    for (uint32_t k = 0; k < b.n_maps; k++) {
        if (b.maps[k].from == 0 || b.maps[k].to == 0) {
            want[n_want++] = (uint64_t) b.maps[k].pw_id << 32
                             | b.maps[k].label;
        }
    }
    ck_assert_uint_eq(n_want, 12);
    ck_assert_uint_eq(n_got, 12);
    qsort(got, n_got, sizeof *got, cmp_pair);
    qsort(want, n_want, sizeof *want, cmp_pair);
    for (size_t k = 0; k < 12; k++) {
        ck_assert_uint_eq(got[k], want[k]);
    }
    n = run_tshark(path, "-Y '_ws.malformed || _ws.expert.severity >= "
                   "error' -T fields -e frame.number", tlines, 512);
    ck_assert_uint_eq(n, 0);
    /* Warnings: only Wireshark 4.0's on every targeted Hello, whose G
     * flag stays 0 (docs/ldp-wire.md): the 6 Hellos, nothing else. */
    n = run_tshark(path, "-Y '_ws.expert.severity >= warning' -T fields "
                   "-E occurrence=a -E aggregator='|' -e ldp.msg.type "
                   "-e _ws.expert.message", tlines, 512);
    ck_assert_uint_eq(n, 6);
    for (size_t i = 0; i < n; i++) {
        ck_assert_str_eq(tlines[i], "0x0100\tGTSM is not supported by the "
                         "source, since basic discovery is not enabled");
    }
    bench_free(&b);
    nvo_test_rmdir(dir);
}
END_TEST

/* ---- Determinism ------------------------------------------------------------- */

/* The same bench twice: the same PDUs at the same times, byte for byte
 * (a fingerprint over every PDU event), and the same labels. */
START_TEST(determinism)
{
    uint64_t fp[2];
    uint32_t labels[2][64];
    for (int r = 0; r < 2; r++) {
        static struct bench b;
        bench_build(&b, 4, 2, true, -1, -1);
        nvo_engine_run(b.f.e, 500 * NVO_MS);
        nvo_test_pes_vm_send(&b.f, 2, 1, bcast);
        /* At 3.5 s: Hellos at 0, 1, 2, 3 s: 4 * 12 = 48; KeepAlives 12
         * at set-up and one per direction 3 s after it: 24. */
        nvo_engine_run(b.f.e, 3500 * NVO_MS);
        ck_assert_uint_eq(sum_out(&b, NVO_LDP_K_HELLO, false), 48);
        ck_assert_uint_eq(sum_out(&b, NVO_LDP_K_KEEPALIVE, false), 24);
        ck_assert_uint_eq(sum_in(&b, NVO_LDP_K_KEEPALIVE, false), 24);
        nvo_engine_run(b.f.e, 4 * NVO_SEC);
        fp[r] = b.fp;
        ck_assert_uint_eq(b.n_maps, 24);
        for (uint32_t k = 0; k < 24; k++) {
            labels[r][k] = b.maps[k].label;
        }
        bench_free(&b);
    }
    ck_assert_uint_eq(fp[0], fp[1]);
    ck_assert_mem_eq(labels[0], labels[1], 24 * sizeof labels[0][0]);
}
END_TEST

static Suite *
vpls_suite(void)
{
    Suite *s = suite_create("vpls_ldp");
    TCase *tc = tcase_create("mesh");
    tcase_add_test(tc, mesh_4x2_packed);
    tcase_add_test(tc, mesh_4x2_one_per_pdu);
    tcase_add_test(tc, mesh_6x3_packed);
    tcase_add_test(tc, bum_with_signalled_labels);
    tcase_add_test(tc, no_copy_before_mapping);
    tcase_add_test(tc, session_loss);
    tcase_add_test(tc, keepalive_expiry);
    tcase_add_test(tc, link_failure_with_a_path);
    tcase_add_test(tc, hvpls);
    tcase_add_test(tc, errors_and_notifications);
    tcase_add_test(tc, mac_withdraw);
    tcase_add_test(tc, remove_vsi);
    tcase_add_test(tc, processing_delay);
    tcase_add_test(tc, determinism);
    suite_add_tcase(s, tc);
    TCase *tt = tcase_create("tshark");
    tcase_add_test(tt, tshark_pcap);
    tcase_set_timeout(tt, 120);
    suite_add_tcase(s, tt);
    return s;
}

int
main(void)
{
    return nvo_test_run(vpls_suite());
}
