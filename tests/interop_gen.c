/* interop_gen.c: the simulation side of the interop test
 * (tests/interop_bgp.sh, docs/interop.md).  Runs a real nvosim
 * simulation: one leaf, a route reflector and 3 hypervisor PEs, each PE
 * with an EVPN instance (ctrl/evpn.h, VXLAN) bound to its BGP speaker
 * (ctrl/bgp_speaker.h) through the route bus: the bus encodes each
 * struct nvo_evpn_route as NLRI (wire/bgp_nlri.h) and originates or
 * withdraws it; the speaker's best-path callback decodes the NLRI and
 * hands it to nvo_evpn_route_in().  After convergence it writes
 *   OUTDIR/rr-to-pe1.mrt  every message the reflector sent to PE1
 *                         (RFC 8050 subtype 7) and received from it
 *                         (subtype 4), from the speaker observer;
 *   OUTDIR/expected.txt   PE1's Loc-RIB routes learned from the
 *                         reflector, one normalized line each, sorted
 *                         (the format of tests/interop_norm.jq);
 * and prints counts on stdout.
 *
 * Usage: interop_gen OUTDIR [VMS]  (VMs per PE and VNI, default 40).
 *
 * Hosting: PE1 VNIs 10100 10200; PE2 10100 10300; PE3 10100 10200 10300.
 * PE1 so receives from the reflector the routes of PE2 and PE3: VMS x
 * (2 + 3) type-2 routes and 2 + 3 type-3 routes.  At 5 s one VM moves
 * from PE2 to PE3 (MAC Mobility sequence 1, PE2 withdraws); the counts
 * printed are after the move (PE2 VMS x 2 - 1, PE3 VMS x 3 + 1). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "core/engine.h"
#include "ctrl/bgp_speaker.h"
#include "ctrl/evpn.h"
#include "ctrl/tcp.h"
#include "fabric/net.h"
#include "io/mrt.h"
#include "overlay/pe_node.h"
#include "wire/bgp_attr.h"
#include "wire/bgp_nlri.h"

#define N_PE 3
#define N_VNI 3
#define ASN 65000

static const uint32_t vnis[N_VNI] = { 10100, 10200, 10300 };
static const bool hosts[N_PE][N_VNI] = {
    { true, true, false },
    { true, false, true },
    { true, true, true },
};

struct pe_ctx {
    struct nvo_bgp_speaker *spk;
    struct nvo_evpn *ev;
    GHashTable *seen;           /* NLRI (GBytes) the best callback saw */
    uint64_t bus_errors;
};

static struct pe_ctx pes[N_PE];
static struct nvo_mrt_writer *mrt;
static struct nvo_mrt_peer mrt_peer;
static uint32_t pe1_node;

static void
die(const char *what, int rc)
{
    fprintf(stderr, "interop_gen: %s: %s\n", what, rc ? strerror(rc) : "");
    exit(1);
}

static size_t
encode(const struct nvo_evpn_route *r, uint8_t out[64])
{
    struct nvo_bgp_buf w = nvo_bgp_buf_init(out, 64);
    return nvo_evpn_route_encode(&w, r);
}

static int
bus_adv(void *ctx, const struct nvo_evpn_route *r,
        const struct nvo_bgp_attrs *a)
{
    struct pe_ctx *c = ctx;
    uint8_t n[64];
    size_t len = encode(r, n);
    if (!len) {
        return EINVAL;
    }
    return nvo_bgp_speaker_originate(c->spk, NVO_BGP_AFI_L2VPN,
                                     NVO_BGP_SAFI_EVPN, n, len, a);
}

static int
bus_wd(void *ctx, const struct nvo_evpn_route *r)
{
    struct pe_ctx *c = ctx;
    uint8_t n[64];
    size_t len = encode(r, n);
    if (!len) {
        return EINVAL;
    }
    return nvo_bgp_speaker_withdraw(c->spk, NVO_BGP_AFI_L2VPN,
                                    NVO_BGP_SAFI_EVPN, n, len);
}

static const struct nvo_evpn_bus_ops bus = { bus_adv, bus_wd };

static void
best_cb(void *ctx, uint16_t afi, uint8_t safi, const uint8_t *nlri,
        size_t len, const struct nvo_bgp_attrs *best, uint32_t originator)
{
    struct pe_ctx *c = ctx;
    if (afi != NVO_BGP_AFI_L2VPN || safi != NVO_BGP_SAFI_EVPN) {
        return;
    }
    struct nvo_rd rd = nvo_rd_init(nlri, len);
    struct nvo_evpn_route r;
    struct nvo_bgp_error e;
    if (nvo_evpn_route_decode(&rd, nlri, &r, &e) || rd.left) {
        fprintf(stderr, "interop_gen: undecodable NLRI: %s\n", e.reason);
        exit(1);
    }
    if (c->ev) {
        nvo_evpn_route_in(c->ev, &r, best, originator);
    }
    g_hash_table_add(c->seen, g_bytes_new(nlri, len));
}

static void
observer(void *ctx, const struct nvo_bgp_speaker *s, uint32_t peer,
         bool sent, nvo_time_t now, const uint8_t *msg, size_t len)
{
    (void) ctx;
    (void) s;
    if (peer != pe1_node) {
        return;
    }
    int rc = sent ? nvo_mrt_add_sent(mrt, now, &mrt_peer, msg, len)
                  : nvo_mrt_add(mrt, now, &mrt_peer, msg, len);
    if (rc) {
        die("nvo_mrt_add", rc);
    }
}

static char *
ip4(uint32_t a, char buf[16])
{
    snprintf(buf, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255,
             (a >> 8) & 255, a & 255);
    return buf;
}

static gint
cmp_str(gconstpointer x, gconstpointer y)
{
    return strcmp(*(char *const *) x, *(char *const *) y);
}

/* One route as a normalized line: the fields both daemons show, in the
 * order tests/interop_norm.jq writes them. */
static char *
route_line(const struct nvo_evpn_route *r, const struct nvo_bgp_attrs *a,
           uint32_t originator)
{
    char rd[40], b1[16], b2[16];
    GString *s = g_string_new(NULL);
    nvo_bgp_rd_format(r->rd, rd);
    if (r->type == NVO_EVPN_MAC_IP) {
        g_string_append_printf(s, "type=2 rd=%s mac=%02x:%02x:%02x:%02x:%02x:"
                               "%02x ip=%s label=%u", rd, r->mac[0],
                               r->mac[1], r->mac[2], r->mac[3], r->mac[4],
                               r->mac[5],
                               r->ip_len == 32 ? ip4(nvo_rd32(r->ip), b1)
                                               : "none", r->label1);
    } else {
        g_string_append_printf(s, "type=3 rd=%s etag=%u orig=%s", rd,
                               r->etag, ip4(nvo_rd32(r->ip), b1));
    }
    GPtrArray *ecs = g_ptr_array_new_with_free_func(g_free);
    for (uint16_t i = 0; i < a->n_ext_comm; i++) {
        struct nvo_bgp_ec ec = nvo_bgp_ec_parse(a->ext_comm + 8 * i);
        switch (ec.kind) {
        case NVO_BGP_EC_RT:
            g_ptr_array_add(ecs, g_strdup_printf("rt:%u:%u", ec.a, ec.b));
            break;
        case NVO_BGP_EC_ENCAP:
            g_ptr_array_add(ecs, g_strdup_printf("encap:%u", ec.a));
            break;
        case NVO_BGP_EC_MAC_MOBILITY:
            g_ptr_array_add(ecs, g_strdup_printf("mm:%u", ec.b));
            break;
        default:
            g_ptr_array_add(ecs, g_strdup("other"));
        }
    }
    g_ptr_array_sort(ecs, cmp_str);
    g_string_append(s, " ec=");
    for (guint i = 0; i < ecs->len; i++) {
        g_string_append_printf(s, "%s%s", i ? "," : "",
                               (char *) ecs->pdata[i]);
    }
    g_ptr_array_free(ecs, TRUE);
    uint32_t nh = a->mp_nh_len == 4 ? nvo_rd32(a->mp_nh) : 0;
    g_string_append_printf(s, " nh=%s originator=%s", ip4(nh, b1),
                           ip4(originator, b2));
    if (r->type == NVO_EVPN_IMET) {
        if (!NVO_BGP_HAS(a, NVO_BGP_ATTR_PMSI)) {
            g_string_append(s, " pmsi=none");
        } else {
            g_string_append_printf(s, " pmsi=%u:%u:%s", a->pmsi.type,
                                   a->pmsi.label,
                                   a->pmsi.id_len == 4
                                   ? ip4(nvo_rd32(a->pmsi.id), b1) : "?");
        }
    }
    return g_string_free(s, FALSE);
}

int
main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: interop_gen OUTDIR [VMS]\n");
        return 2;
    }
    const char *out = argv[1];
    uint32_t n_vms = argc > 2 ? (uint32_t) strtoul(argv[2], NULL, 10) : 40;
    if (n_vms < 1 || n_vms > 250) {
        fprintf(stderr, "interop_gen: VMS must be 1..250\n");
        return 2;
    }
    struct nvo_engine *e;
    int rc = nvo_engine_create("native", NULL, &e);
    if (rc) {
        die("nvo_engine_create", rc);
    }
    struct nvo_net_cfg nc;
    memset(&nc, 0, sizeof nc);
    nc.convergence_delay = 50 * NVO_US;
    nc.ecmp.fn = NVO_HASH_CRC32;
    nc.ecmp.fields = NVO_ECMP_5TUPLE;
    nc.ecmp.parser_depth = 128;
    nc.seed = nc.run = 1;
    struct nvo_net *net = nvo_net_create(e, &nc);
    int leaf = nvo_net_add_node(net, "leaf1", NVO_ROLE_LEAF);
    int rr = nvo_net_add_node(net, "rr1", NVO_ROLE_RR);
    struct nvo_link_cfg l;
    nvo_link_cfg_default(&l);
    l.rate_bps = 10000000000ull;
    l.delay = 5 * NVO_US;
    if ((rc = nvo_net_add_link(net, (uint32_t) rr, (uint32_t) leaf, &l))) {
        die("link", rc);
    }
    struct nvo_pe_node_cfg pc;
    memset(&pc, 0, sizeof pc);
    pc.encap = nvo_encap_lookup("vxlan");
    struct nvo_pe_node *pe[N_PE];
    for (int i = 0; i < N_PE; i++) {
        char name[16];
        snprintf(name, sizeof name, "pe%d", i + 1);
        pe[i] = nvo_pe_node_create(net, name, &pc);
        if (!pe[i]) {
            die("nvo_pe_node_create", errno);
        }
        if ((rc = nvo_net_add_link(net, nvo_pe_node_index(pe[i]),
                                   (uint32_t) leaf, &l))) {
            die("link", rc);
        }
    }
    if ((rc = nvo_net_finalize(net))) {
        die("nvo_net_finalize", rc);
    }
    uint32_t n_type2[N_PE] = { 0 }, n_type3[N_PE] = { 0 };
    uint32_t tenant_of[N_PE][N_VNI];
    for (int i = 0; i < N_PE; i++) {
        for (int v = 0; v < N_VNI; v++) {
            if (!hosts[i][v]) {
                continue;
            }
            uint32_t t;
            if ((rc = nvo_pe_node_add_tenant(pe[i], vnis[v], &t))) {
                die("add_tenant", rc);
            }
            tenant_of[i][v] = t;
            n_type3[i]++;
            for (uint32_t k = 0; k < n_vms; k++) {
                /* MAC 02:00:VV:PP:00:KK, IP 172.16.(v*16+pe).k+1 */
                uint8_t mac[6] = { 0x02, 0x00, (uint8_t) (v + 1),
                                   (uint8_t) (i + 1), 0x00, (uint8_t) k };
                uint32_t ip = (172u << 24) | (16u << 16)
                              | ((uint32_t) (v * 16 + i + 1) << 8) | (k + 1);
                uint32_t vm;
                if ((rc = nvo_pe_node_add_vm(pe[i], t, mac, ip, &vm))) {
                    die("add_vm", rc);
                }
                n_type2[i]++;
            }
        }
    }

    /* TCP stacks and speakers: slot 0 the reflector, 1..3 the PEs. */
    struct nvo_tcp_stack *st[N_PE + 1];
    struct nvo_bgp_speaker *spk[N_PE + 1];
    uint32_t node[N_PE + 1];
    node[0] = (uint32_t) rr;
    for (int i = 0; i < N_PE; i++) {
        node[i + 1] = nvo_pe_node_index(pe[i]);
    }
    pe1_node = node[1];
    for (int i = 0; i <= N_PE; i++) {
        if ((rc = nvo_tcp_stack_create(nvo_net_node(net, node[i]), NULL,
                                       &st[i]))) {
            die("nvo_tcp_stack_create", rc);
        }
        struct nvo_bgp_speaker_cfg c;
        nvo_bgp_speaker_cfg_default(&c);
        c.asn = ASN;
        c.is_rr = i == 0;
        char err[200];
        if ((rc = nvo_bgp_speaker_create(st[i], &c, &spk[i], err,
                                         sizeof err))) {
            fprintf(stderr, "interop_gen: speaker: %s\n", err);
            return 1;
        }
    }
    uint32_t rr_addr = nvo_net_node(net, node[0])->addr4;
    uint32_t pe1_addr = nvo_net_node(net, node[1])->addr4;
    memset(&mrt_peer, 0, sizeof mrt_peer);
    mrt_peer.peer_as = ASN;
    mrt_peer.local_as = ASN;
    nvo_wr32(mrt_peer.peer_ip, pe1_addr);
    nvo_wr32(mrt_peer.local_ip, rr_addr);
    mrt = nvo_mrt_writer_new(1700000000u);
    nvo_bgp_speaker_set_observer(spk[0], observer, NULL);
    for (int i = 0; i < N_PE; i++) {
        if ((rc = nvo_bgp_speaker_add_peer(spk[0], node[i + 1], true))
            || (rc = nvo_bgp_speaker_add_peer(spk[i + 1], node[0], false))) {
            die("add_peer", rc);
        }
    }
    struct nvo_evpn_cfg ec;
    nvo_evpn_cfg_default(&ec);
    ec.asn = ASN;
    for (int i = 0; i < N_PE; i++) {
        pes[i].spk = spk[i + 1];
        pes[i].seen = g_hash_table_new_full(g_bytes_hash, g_bytes_equal,
                                            (GDestroyNotify) g_bytes_unref,
                                            NULL);
        pes[i].ev = nvo_evpn_create(pe[i], &ec, &bus, &pes[i]);
        if (!pes[i].ev) {
            die("nvo_evpn_create", errno);
        }
        nvo_bgp_speaker_set_best_cb(spk[i + 1], best_cb, &pes[i]);
    }
    for (int i = 0; i < N_PE; i++) {
        if ((rc = nvo_evpn_start(pes[i].ev))) {
            die("nvo_evpn_start", rc);
        }
    }
    nvo_engine_run(e, 5 * NVO_SEC);
    /* A VM move at 5 s: PE2's first VM of VNI 10100 (MAC
     * 02:00:01:02:00:00) appears on PE3, which advertises it with MAC
     * Mobility sequence 1 (RFC 7432 15); PE2 sees the higher sequence
     * and withdraws its route.  The reflector sends PE1 the new route
     * and the withdrawal: PE1 still has 200 type-2 routes from it. */
    const uint8_t moved[6] = { 0x02, 0x00, 0x01, 0x02, 0x00, 0x00 };
    uint32_t moved_vm;
    if ((rc = nvo_pe_node_add_vm(pe[2], tenant_of[2][0], moved,
                                 (172u << 24) | (16u << 16) | (2u << 8) | 1u,
                                 &moved_vm))) {
        die("move: add_vm", rc);
    }
    nvo_engine_run(e, 10 * NVO_SEC);
    if (nvo_evpn_local_seq(pes[2].ev, vnis[0], 0x020001020000ull) != 1
        || nvo_evpn_local_seq(pes[1].ev, vnis[0], 0x020001020000ull) != -1) {
        fprintf(stderr, "interop_gen: the move did not give sequence 1 at "
                "PE3 and a withdrawal at PE2\n");
        return 1;
    }
    n_type2[1]--;
    n_type2[2]++;

    /* Convergence: every PE's own originations plus every other PE's
     * routes; no bus error. */
    uint32_t total = 0;
    for (int i = 0; i < N_PE; i++) {
        total += n_type2[i] + n_type3[i];
    }
    for (int i = 0; i < N_PE; i++) {
        uint32_t loc = nvo_bgp_speaker_loc_rib_size(spk[i + 1]);
        const struct nvo_evpn_counters *c = nvo_evpn_counters(pes[i].ev);
        if (loc != total || c->bus_errors) {
            fprintf(stderr, "interop_gen: PE%d not converged: Loc-RIB %u "
                    "of %u, %" PRIu64 " bus errors\n", i + 1, loc, total,
                    c->bus_errors);
            return 1;
        }
    }

    /* PE1's Loc-RIB routes learned from the reflector. */
    GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
    GList *keys = g_hash_table_get_keys(pes[0].seen);
    uint32_t rid1 = nvo_bgp_speaker_router_id(spk[1]);
    uint32_t got2 = 0, got3 = 0;
    for (GList *k = keys; k; k = k->next) {
        gsize len;
        const uint8_t *nlri = g_bytes_get_data(k->data, &len);
        struct nvo_bgp_attrs a;
        uint32_t orig;
        if (!nvo_bgp_speaker_best(spk[1], NVO_BGP_AFI_L2VPN,
                                  NVO_BGP_SAFI_EVPN, nlri, len, &a, &orig)
            || orig == rid1) {
            continue;
        }
        struct nvo_rd rd = nvo_rd_init(nlri, len);
        struct nvo_evpn_route r;
        struct nvo_bgp_error be;
        if (nvo_evpn_route_decode(&rd, nlri, &r, &be)) {
            die("decode", EBADMSG);
        }
        *(r.type == NVO_EVPN_MAC_IP ? &got2 : &got3) += 1;
        g_ptr_array_add(lines, route_line(&r, &a, orig));
    }
    g_list_free(keys);
    g_ptr_array_sort(lines, cmp_str);
    GString *txt = g_string_new(NULL);
    for (guint i = 0; i < lines->len; i++) {
        g_string_append_printf(txt, "%s\n", (char *) lines->pdata[i]);
    }
    char *path = g_strdup_printf("%s/expected.txt", out);
    GError *gerr = NULL;
    if (!g_file_set_contents(path, txt->str, (gssize) txt->len, &gerr)) {
        fprintf(stderr, "interop_gen: %s\n", gerr->message);
        return 1;
    }
    g_free(path);
    path = g_strdup_printf("%s/rr-to-pe1.mrt", out);
    if ((rc = nvo_mrt_write_file(mrt, path))) {
        die(path, rc);
    }
    g_free(path);

    const struct nvo_bgp_counters *c1 =
        nvo_bgp_speaker_peer_counters(spk[0], node[1]);
    char b1[16], b2[16];
    printf("interop_gen: rr %s, pe1 %s; routes per PE: type 2 %u/%u/%u, "
           "type 3 %u/%u/%u\n", ip4(rr_addr, b1), ip4(pe1_addr, b2),
           n_type2[0], n_type2[1], n_type2[2], n_type3[0], n_type3[1],
           n_type3[2]);
    printf("interop_gen: PE1 Loc-RIB %u, from the reflector: %u type 2, "
           "%u type 3\n", nvo_bgp_speaker_loc_rib_size(spk[1]), got2, got3);
    printf("interop_gen: reflector to PE1: %" PRIu64 " UPDATEs (%" PRIu64
           " End-of-RIB), %" PRIu64 " routes; %" PRIu64 " MRT records\n",
           c1->msgs_out[NVO_BGP_UPDATE], c1->eor_out,
           c1->routes_announced_out, nvo_mrt_count(mrt));

    g_ptr_array_free(lines, TRUE);
    g_string_free(txt, TRUE);
    for (int i = 0; i < N_PE; i++) {
        nvo_evpn_destroy(pes[i].ev);
        g_hash_table_destroy(pes[i].seen);
    }
    for (int i = 0; i <= N_PE; i++) {
        nvo_bgp_speaker_destroy(spk[i]);
        nvo_tcp_stack_destroy(st[i]);
    }
    nvo_mrt_writer_free(mrt);
    nvo_net_destroy(net);
    nvo_engine_destroy(e);
    return 0;
}
