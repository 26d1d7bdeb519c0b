/* test_pe.c: two hypervisor PE nodes (overlay/pe_node.h) on one link, the
 * network `nvosim tunnel` runs: every encapsulation over IPv4 and IPv6,
 * exact counters, the exact size of every underlay frame on the wire, the
 * outer addresses, and the decapsulated frames' bytes; static remote MAC
 * entries (no flooding); STT's TSO of the largest frame into the exact
 * number of segments; the wire cost; a VNI pe2 does not host, a MAC of no
 * VM there, a frame that is not encapsulated; bad input. */
#include <errno.h>
#include <string.h>

#include "testutil.h"
#include "core/engine.h"
#include "fabric/link.h"
#include "fabric/net.h"
#include "overlay/pe_node.h"
#include "wire/wire.h"

#define LOG_N 64

struct rx_log {
    uint32_t n;
    uint32_t tenant[LOG_N], vm[LOG_N];
    uint32_t len[LOG_N];
    uint8_t bytes[LOG_N][64];
    uint32_t size[LOG_N];
};

/* What left pe1's port: every underlay frame's length and first bytes. */
struct wire_log {
    uint32_t n;
    uint32_t len[LOG_N];
    uint8_t bytes[LOG_N][96];
};

struct pair {
    struct nvo_engine *e;
    struct nvo_pkt_pool pool;
    struct nvo_net *net;
    struct nvo_pe_node *pe1, *pe2;
    struct rx_log log;
    struct wire_log wire;
    uint32_t n_encap;                   /* on_encap calls */
    uint32_t encap_tenant[LOG_N];
};

static void
log_deliver(void *ctx, struct nvo_pe_node *pe, uint32_t tenant, uint32_t vm,
            const struct nvo_pkt *p)
{
    struct pair *s = ctx;
    struct rx_log *log = &s->log;
    (void) pe;
    if (log->n < LOG_N) {
        log->tenant[log->n] = tenant;
        log->vm[log->n] = vm;
        log->len[log->n] = nvo_pkt_len(p);
        log->size[log->n] = p->size;
        memcpy(log->bytes[log->n], p->data, p->size < 64 ? p->size : 64);
        log->n++;
    }
}

static void
log_encap(void *ctx, struct nvo_pe_node *pe, uint32_t tenant,
          const struct nvo_tunnel *t, const struct nvo_pkt *p)
{
    struct pair *s = ctx;
    (void) t;
    (void) p;
    ck_assert_ptr_eq(pe, s->pe1);
    if (s->n_encap < LOG_N) {
        s->encap_tenant[s->n_encap] = tenant;
    }
    s->n_encap++;
}

static void
log_wire(void *ctx, enum nvo_tap_event ev, nvo_time_t now,
         const struct nvo_port *port, const struct nvo_pkt *p,
         const char *reason)
{
    struct wire_log *w = ctx;
    (void) ev;
    (void) now;
    (void) port;
    (void) reason;
    if (w->n < LOG_N) {
        w->len[w->n] = nvo_pkt_len(p);
        memcpy(w->bytes[w->n], p->data, p->size < 96 ? p->size : 96);
        w->n++;
    }
}

static const uint8_t vm1[6] = { 0x00, 0x50, 0x56, 0, 0, 1 };
static const uint8_t vm2[6] = { 0x00, 0x50, 0x56, 0, 0, 2 };

static void
vm_mac(uint8_t mac[6], int host, uint32_t t)
{
    memcpy(mac, host ? vm2 : vm1, 6);
    mac[3] = (uint8_t) t;
}

/* As `nvosim tunnel` builds it: PE nodes pe1 (node 0) and pe2 (node 1)
 * on one link of MTU 'mtu', tenants 'id' and 'id' + 1 (pe2 only has the
 * first when 'one_tenant_at_pe2'), VM 0 of each on each PE, flood lists
 * of both PEs, and on each PE a static entry for the other's VM of each
 * tenant.  A tap logs the frames pe1's port starts sending. */
static void
pair_init(struct pair *s, const struct nvo_encap_ops *ops, bool ipv6,
          uint32_t mtu, uint32_t id, bool one_tenant_at_pe2)
{
    memset(s, 0, sizeof *s);
    ck_assert_int_eq(nvo_engine_create("native", NULL, &s->e), 0);
    nvo_pkt_pool_init(&s->pool);
    struct nvo_net_cfg nc;
    memset(&nc, 0, sizeof nc);
    nc.ipv6 = ipv6;
    s->net = nvo_net_create(s->e, &nc);
    struct nvo_pe_node_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.encap = ops;
    cfg.mtu = mtu;
    cfg.mac_aging = NVO_TIME_MAX;
    cfg.deliver = log_deliver;
    cfg.on_encap = log_encap;
    cfg.ctx = s;
    s->pe1 = nvo_pe_node_create(s->net, "pe1", &cfg);
    s->pe2 = nvo_pe_node_create(s->net, "pe2", &cfg);
    ck_assert_ptr_nonnull(s->pe1);
    ck_assert_ptr_nonnull(s->pe2);
    struct nvo_pe_node *pes[2] = { s->pe1, s->pe2 };
    uint32_t idx[2] = { 0, 1 };
    ck_assert_uint_eq(nvo_pe_node_index(s->pe1), 0);
    ck_assert_uint_eq(nvo_pe_node_index(s->pe2), 1);
    for (uint32_t t = 0; t < 2; t++) {
        for (int h = 0; h < 2; h++) {
            if (h == 1 && t == 1 && one_tenant_at_pe2) {
                continue;
            }
            uint32_t ix, vm;
            ck_assert_int_eq(nvo_pe_node_add_tenant(pes[h], id + t, &ix), 0);
            ck_assert_uint_eq(ix, t);
            uint8_t mac[6];
            vm_mac(mac, h, t);
            ck_assert_int_eq(nvo_pe_node_add_vm(pes[h], ix, mac,
                                                0x0a000000 | (t << 8)
                                                | (uint32_t) (h + 1),
                                                &vm), 0);
            ck_assert_uint_eq(vm, 0);
            ck_assert_int_eq(nvo_pe_node_set_flood(pes[h], ix, idx, 2), 0);
        }
    }
    uint32_t ix;
    ck_assert_int_eq(nvo_pe_node_add_tenant(s->pe1, id, &ix), EEXIST);
    struct nvo_link_cfg lc;
    nvo_link_cfg_default(&lc);
    lc.mtu = mtu;
    ck_assert_int_eq(nvo_net_add_link(s->net, 0, 1, &lc), 0);
    ck_assert_int_eq(nvo_net_finalize(s->net), 0);
    for (uint32_t t = 0; t < 2; t++) {
        for (int h = 0; h < 2; h++) {
            if (h == 1 && t == 1 && one_tenant_at_pe2) {
                continue;       /* pe1 still has the entry at pe2 */
            }
            uint8_t mac[6];
            vm_mac(mac, 1 - h, t);
            ck_assert_int_eq(nvo_pe_node_add_static_mac(pes[h], t, mac,
                                                        idx[1 - h]), 0);
        }
    }
    nvo_port_add_tap(&nvo_pe_node_base(s->pe1)->ports[0], log_wire,
                     &s->wire, NVO_TAP_MASK_SEND);
}

static void
pair_destroy(struct pair *s)
{
    nvo_net_destroy(s->net);
    ck_assert_uint_eq(s->pool.n_live, 0);
    nvo_pkt_pool_destroy(&s->pool);
    nvo_engine_destroy(s->e);
}

/* A tenant frame of 'len' bytes from tenant t's VM on pe1 to its VM on
 * pe2: Ethernet + IPv4 + UDP (42 real bytes), the rest virtual. */
static struct nvo_pkt *
tenant_frame(struct pair *s, uint32_t t, uint32_t len)
{
    struct nvo_pkt *p = nvo_pkt_alloc(&s->pool, NVO_PKT_HEADROOM, 128);
    struct nvo_frame_spec f;
    memset(&f, 0, sizeof f);
    vm_mac(f.src_mac, 0, t);
    vm_mac(f.dst_mac, 1, t);
    f.src_ip4 = 0x0a000000 | (t << 8) | 1;
    f.dst_ip4 = 0x0a000000 | (t << 8) | 2;
    f.proto = 17;
    f.sport = 10000;
    f.dport = 5001;
    p->payload_size = len - 42;
    ck_assert_int_eq(nvo_wire_build_frame(p, &f), 0);
    return p;
}

/* Outer headers over IPv4 (shared/protocols.md, docs/encapsulations.md;
 * GRE-in-UDP from RFC 8086: 14 + 20 + UDP 8 + GRE 4 + key 4); IPv6 adds
 * 20. */
static uint32_t
overhead4(const char *name)
{
    static const struct { const char *name; uint32_t bytes; } tab[] = {
        { "vxlan", 50 }, { "nvgre", 42 }, { "stt", 72 }, { "geneve", 50 },
        { "mpls-gre", 42 }, { "mpls-ip", 38 }, { "mpls-udp", 46 },
        { "gre-udp", 50 }, { "vxlan-gpe", 50 },
    };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(tab); i++) {
        if (!strcmp(tab[i].name, name)) {
            return tab[i].bytes;
        }
    }
    ck_abort_msg("no overhead for %s", name);
    return 0;
}

START_TEST(test_exchange)
{
    int n_encaps = 0;
    for (const struct nvo_encap_ops *const *ops = nvo_encaps; *ops; ops++) {
        n_encaps++;
        for (int v6 = 0; v6 < 2; v6++) {
            struct pair s;
            bool mpls = !strncmp((*ops)->name, "mpls", 4);
            uint32_t id = mpls ? 1001 : 5001;
            pair_init(&s, *ops, v6, 9000, id, false);
            uint8_t sent[3][64];
            uint32_t len[3] = { 64, 1000, 1500 };
            for (uint32_t i = 0; i < 3; i++) {
                struct nvo_pkt *p = tenant_frame(&s, i % 2, len[i]);
                ck_assert_uint_eq(p->size, 42);
                memcpy(sent[i], p->data, 42);
                ck_assert_int_eq(nvo_pe_node_vm_send(s.pe1, i % 2, 0, p), 0);
            }
            struct nvo_pkt *p = tenant_frame(&s, 0, 100);
            ck_assert_int_eq(nvo_pe_node_vm_send(s.pe1, 0, 1, p), EINVAL);
            ck_assert_int_eq(nvo_pe_node_vm_send(s.pe1, 2, 0, p), EINVAL);
            nvo_pkt_free(p);
            nvo_engine_run(s.e, NVO_TIME_MAX);

            uint32_t oh = overhead4((*ops)->name) + (v6 ? 20 : 0);
            const struct nvo_tunnel *t = nvo_pe_node_tunnel(s.pe1, 0, 1);
            ck_assert_ptr_nonnull(t);
            ck_assert_uint_eq(nvo_tunnel_overhead(t), oh);
            uint32_t n;
            ck_assert_uint_eq(nvo_pe_node_wire_cost(s.pe1, 1, 1, 1000, 20,
                                                    &s.pool, &n),
                              1000 + oh + 20);
            ck_assert_uint_eq(n, 1);

            /* Every frame is known unicast: no flooding at all. */
            const struct nvo_pe_node_counters *c1 =
                nvo_pe_node_counters(s.pe1);
            const struct nvo_pe_node_counters *c2 =
                nvo_pe_node_counters(s.pe2);
            ck_assert_uint_eq(c1->vm_frames, 3);
            ck_assert_uint_eq(c1->vm_bytes, 64 + 1000 + 1500);
            ck_assert_uint_eq(c1->remote_unicast, 3);
            ck_assert_uint_eq(c1->local_unicast, 0);
            for (int k = 0; k < NVO_BUM_N; k++) {
                ck_assert_uint_eq(c1->bum[k], 0);
            }
            ck_assert_uint_eq(c1->bum_copies + c1->bum_local_copies, 0);
            ck_assert_uint_eq(c1->encap_frames, 3);
            ck_assert_uint_eq(c1->encap_bytes, 64 + 1000 + 1500);
            ck_assert_uint_eq(c1->frames_out, 3);
            ck_assert_uint_eq(c1->bytes_out, 64 + 1000 + 1500 + 3 * oh);
            ck_assert_uint_eq(c1->learned_local, 2);  /* the two VMs */
            ck_assert_uint_eq(c2->rx_frames, 3);
            ck_assert_uint_eq(c2->rx_decap, 3);
            ck_assert_uint_eq(c2->rx_accepted, 3);
            ck_assert_uint_eq(c2->delivered, 3);
            ck_assert_uint_eq(c2->delivered_bytes, 64 + 1000 + 1500);
            ck_assert_uint_eq(c2->rx_segments + c2->unwanted, 0);
            for (int k = 0; k < NVO_PE_DROP_N; k++) {
                ck_assert_uint_eq(c1->drops[k] + c2->drops[k], 0);
            }
            /* pe2 had the senders as static entries: refreshed, not
             * learned. */
            ck_assert_uint_eq(c2->learned_remote + c2->moves, 0);
            ck_assert_uint_eq(nvo_pe_node_tenant_counters(s.pe1, 0)
                              ->vm_frames, 2);
            ck_assert_uint_eq(nvo_pe_node_tenant_counters(s.pe1, 1)
                              ->vm_frames, 1);
            ck_assert_uint_eq(nvo_pe_node_tenant_counters(s.pe2, 0)
                              ->delivered, 2);
            ck_assert_uint_eq(nvo_pe_node_tenant_counters(s.pe2, 1)
                              ->delivered_bytes, 1000);
            ck_assert_ptr_null(nvo_pe_node_tenant_counters(s.pe2, 2));

            /* The wire: exactly tenant + overhead bytes per frame, from
             * pe1's loopback to pe2's, the fabric's MACs (02:fe:<node +
             * 1>). */
            ck_assert_uint_eq(s.wire.n, 3);
            ck_assert_uint_eq(s.n_encap, 3);
            static const uint8_t mac1[6] = { 2, 0xfe, 0, 0, 0, 1 };
            static const uint8_t mac2[6] = { 2, 0xfe, 0, 0, 0, 2 };
            for (uint32_t i = 0; i < 3; i++) {
                ck_assert_uint_eq(s.wire.len[i], len[i] + oh);
                ck_assert_uint_eq(s.encap_tenant[i], i % 2);
                const uint8_t *w = s.wire.bytes[i];
                ck_assert_mem_eq(w, mac2, 6);
                ck_assert_mem_eq(w + 6, mac1, 6);
                if (v6) {
                    ck_assert_uint_eq(nvo_rd16(w + 12), NVO_ETH_TYPE_IPV6);
                    ck_assert_uint_eq(w[22], 0xfd);
                    ck_assert_uint_eq(nvo_rd32(w + 34), 1);
                    ck_assert_uint_eq(w[38], 0xfd);
                    ck_assert_uint_eq(nvo_rd32(w + 50), 2);
                } else {
                    ck_assert_uint_eq(nvo_rd16(w + 12), NVO_ETH_TYPE_IPV4);
                    ck_assert_uint_eq(nvo_rd16(w + 16), len[i] + oh - 14);
                    ck_assert_uint_eq(nvo_rd32(w + 26), 0x0a000001);
                    ck_assert_uint_eq(nvo_rd32(w + 30), 0x0a000002);
                }
            }
            ck_assert_uint_eq(s.log.n, 3);
            for (uint32_t i = 0; i < 3; i++) {
                ck_assert_uint_eq(s.log.tenant[i], i % 2);
                ck_assert_uint_eq(s.log.vm[i], 0);
                ck_assert_uint_eq(s.log.len[i], len[i]);
                ck_assert_uint_eq(s.log.size[i], 42);
                ck_assert_mem_eq(s.log.bytes[i], sent[i], 42);
            }
            pair_destroy(&s);
        }
    }
    ck_assert_int_eq(n_encaps, 9);
}
END_TEST

/* The largest STT frame (65517 bytes inside, 65535 with the STT header)
 * at MTU 1500 over IPv4: 1460 bytes per segment, ceil(65535 / 1460) = 45
 * segments, each with 54 bytes of Ethernet + IPv4 + TCP: 44 of 1514
 * bytes and a last one of 54 + 65535 - 44 x 1460 = 1349. */
START_TEST(test_stt_tso)
{
    struct pair s;
    pair_init(&s, &nvo_encap_stt_ops, false, 1500, 5001, false);
    uint32_t need = 0;
    ck_assert_uint_eq(nvo_encap_stt_ops.n_segments(false, 65517, 1500, &need),
                      45);
    ck_assert_uint_eq(nvo_encap_stt_ops.n_segments(true, 65517, 1500, &need),
                      46);              /* 1440 per segment */
    ck_assert_uint_eq(nvo_encap_stt_ops.n_segments(false, 100, 58, &need), 0);
    ck_assert_uint_eq(need, 58);
    ck_assert_ptr_null(nvo_encap_vxlan_ops.segment);
    ck_assert_ptr_null(nvo_encap_vxlan_ops.n_segments);

    uint32_t n;
    ck_assert_uint_eq(nvo_pe_node_wire_cost(s.pe1, 0, 1, 65517, 20, &s.pool,
                                            &n),
                      45 * 54 + 65535 + 45 * 20);
    ck_assert_uint_eq(n, 45);
    ck_assert_int_eq(nvo_pe_node_vm_send(s.pe1, 0, 0,
                                         tenant_frame(&s, 0, 65517)), 0);
    nvo_engine_run(s.e, NVO_TIME_MAX);
    const struct nvo_pe_node_counters *c1 = nvo_pe_node_counters(s.pe1);
    const struct nvo_pe_node_counters *c2 = nvo_pe_node_counters(s.pe2);
    ck_assert_uint_eq(c1->vm_frames, 1);
    ck_assert_uint_eq(c1->encap_frames, 1);
    ck_assert_uint_eq(c1->frames_out, 45);
    ck_assert_uint_eq(c1->bytes_out, 45 * 54 + 65535);
    ck_assert_uint_eq(s.n_encap, 1);    /* before the NIC cuts it */
    ck_assert_uint_eq(s.wire.n, 45);
    for (uint32_t i = 0; i < 44; i++) {
        ck_assert_uint_eq(s.wire.len[i], 1514);
    }
    ck_assert_uint_eq(s.wire.len[44], 54 + 65535 - 44 * 1460);
    ck_assert_uint_eq(c2->rx_frames, 45);
    ck_assert_uint_eq(c2->rx_segments, 44);
    ck_assert_uint_eq(c2->rx_decap, 1);
    ck_assert_uint_eq(c2->delivered, 1);
    ck_assert_uint_eq(c2->delivered_bytes, 65517);
    ck_assert_uint_eq(s.log.n, 1);
    ck_assert_uint_eq(s.log.len[0], 65517);
    /* More than NVO_PE_NODE_MAX_SEGMENTS (64) segments at MTU 1000
     * (ceil(65535 / 960) = 69): no cost, and dropped as too big. */
    pair_destroy(&s);
    pair_init(&s, &nvo_encap_stt_ops, false, 1000, 5001, false);
    ck_assert_uint_eq(nvo_encap_stt_ops.n_segments(false, 65517, 1000, &need),
                      69);
    ck_assert_uint_eq(nvo_pe_node_wire_cost(s.pe1, 0, 1, 65517, 20, &s.pool,
                                            &n), 0);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(nvo_pe_node_vm_send(s.pe1, 0, 0,
                                         tenant_frame(&s, 0, 65517)), 0);
    nvo_engine_run(s.e, NVO_TIME_MAX);
    c1 = nvo_pe_node_counters(s.pe1);
    ck_assert_uint_eq(c1->drops[NVO_PE_DROP_TOO_BIG], 1);
    ck_assert_uint_eq(c1->frames_out, 0);
    ck_assert_uint_eq(s.wire.n, 0);
    pair_destroy(&s);
}
END_TEST

/* A frame of a tenant pe2 does not host (dropped as no-tenant, counted
 * as unwanted); a frame in tenant 0 to tenant 1's VM MAC: unknown in
 * tenant 0, so flooded (one copy to pe2), which has no VM with that MAC
 * in tenant 0 (no-vm); and an empty UDP datagram to pe2's VXLAN port,
 * which has no VXLAN header (decap). */
START_TEST(test_rejects)
{
    struct pair s;
    pair_init(&s, &nvo_encap_vxlan_ops, false, 9000, 5001, true);
    ck_assert_int_eq(nvo_pe_node_vm_send(s.pe1, 1, 0,
                                         tenant_frame(&s, 1, 500)), 0);
    struct nvo_pkt *p = tenant_frame(&s, 1, 500);  /* tenant 1's VM MAC */
    ck_assert_int_eq(nvo_pe_node_vm_send(s.pe1, 0, 0, p), 0);   /* in 0 */

    /* Not VXLAN: an empty UDP datagram to port 4789. */
    p = nvo_pkt_alloc(&s.pool, NVO_PKT_HEADROOM, 128);
    struct nvo_frame_spec f;
    memset(&f, 0, sizeof f);
    f.src_mac[0] = f.dst_mac[0] = 2;
    f.src_ip4 = 0x0a000001;
    f.dst_ip4 = 0x0a000002;
    f.proto = 17;
    f.sport = 40000;
    f.dport = 4789;
    p->payload_size = 0;
    ck_assert_int_eq(nvo_wire_build_frame(p, &f), 0);
    nvo_node_send(nvo_pe_node_base(s.pe1), p);
    nvo_engine_run(s.e, NVO_TIME_MAX);

    const struct nvo_pe_node_counters *c1 = nvo_pe_node_counters(s.pe1);
    const struct nvo_pe_node_counters *c2 = nvo_pe_node_counters(s.pe2);
    ck_assert_uint_eq(c1->remote_unicast, 1);
    ck_assert_uint_eq(c1->bum[NVO_BUM_UNKNOWN], 1);
    ck_assert_uint_eq(c1->bum_copies, 1);
    ck_assert_uint_eq(c1->frames_out, 2);
    ck_assert_uint_eq(c2->rx_frames, 3);
    ck_assert_uint_eq(c2->drops[NVO_PE_DROP_NO_TENANT], 1);
    ck_assert_uint_eq(c2->unwanted, 1);
    ck_assert_uint_eq(c2->drops[NVO_PE_DROP_NO_VM], 1);
    ck_assert_uint_eq(c2->drops[NVO_PE_DROP_DECAP], 1);
    ck_assert_uint_eq(c2->rx_decap, 2);
    ck_assert_uint_eq(c2->delivered, 0);
    ck_assert_uint_eq(nvo_pe_node_tenant_counters(s.pe2, 0)
                      ->drops[NVO_PE_DROP_NO_VM], 1);
    ck_assert_uint_eq(s.log.n, 0);
    pair_destroy(&s);
}
END_TEST

START_TEST(test_bad_config)
{
    struct nvo_engine *e;
    ck_assert_int_eq(nvo_engine_create("native", NULL, &e), 0);
    struct nvo_net_cfg nc;
    memset(&nc, 0, sizeof nc);
    struct nvo_net *net = nvo_net_create(e, &nc);
    struct nvo_pe_node_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    errno = 0;
    ck_assert_ptr_null(nvo_pe_node_create(net, "pe", &cfg));
    ck_assert_int_eq(errno, EINVAL);
    cfg.encap = &nvo_encap_nvgre_ops;
    struct nvo_pe_node *pe = nvo_pe_node_create(net, "pe", &cfg);
    struct nvo_pe_node *pe2 = nvo_pe_node_create(net, "pe2", &cfg);
    ck_assert_ptr_nonnull(pe);
    ck_assert_ptr_nonnull(pe2);
    int sw = nvo_net_add_node(net, "leaf", NVO_ROLE_LEAF);
    ck_assert_int_eq(sw, 2);
    uint32_t ix;
    ck_assert_int_eq(nvo_pe_node_add_tenant(pe, 5, &ix), EINVAL);  /* VSID */
    ck_assert_uint_eq(nvo_pe_node_n_tenants(pe), 0);
    uint8_t mac[6] = { 0 };
    ck_assert_int_eq(nvo_pe_node_add_vm(pe, 0, mac, 0, &ix), EINVAL);
    ck_assert_int_eq(nvo_pe_node_add_tenant(pe, 5001, &ix), 0);
    /* Before finalize there are no addresses, so no tunnel. */
    ck_assert_ptr_null(nvo_pe_node_tunnel(pe, 0, 1));
    struct nvo_link_cfg lc;
    nvo_link_cfg_default(&lc);
    ck_assert_int_eq(nvo_net_add_link(net, 0, 1, &lc), 0);
    ck_assert_int_eq(nvo_net_finalize(net), 0);
    mac[5] = 9;
    ck_assert_int_eq(nvo_pe_node_add_static_mac(pe, 0, mac, 1), 0);
    ck_assert_int_eq(nvo_pe_node_add_static_mac(pe, 1, mac, 1), EINVAL);
    ck_assert_int_eq(nvo_pe_node_add_static_mac(pe, 0, mac, 0), EINVAL);
    ck_assert_int_eq(nvo_pe_node_add_static_mac(pe, 0, mac, 2), EINVAL);
    ck_assert_int_eq(nvo_pe_node_add_static_mac(pe, 0, mac, 3), EINVAL);
    mac[0] = 1;                         /* a group MAC */
    ck_assert_int_eq(nvo_pe_node_add_static_mac(pe, 0, mac, 1), EINVAL);
    /* The one static entry: never ages, not counted toward the limit. */
    const struct nvo_mac_counters *mc =
        nvo_mac_table_counters(nvo_pe_node_mac_table(pe));
    ck_assert_uint_eq(mc->entries, 1);
    ck_assert_uint_eq(mc->entries_counted, 0);
    ck_assert_uint_eq(nvo_mac_table_next_expiry(nvo_pe_node_mac_table(pe)),
                      NVO_TIME_MAX);
    ck_assert_ptr_null(nvo_pe_node_tunnel(pe, 1, 1));
    ck_assert_ptr_null(nvo_pe_node_tunnel(pe, 0, 0));
    ck_assert_ptr_null(nvo_pe_node_tunnel(pe, 0, 2));
    ck_assert_ptr_nonnull(nvo_pe_node_tunnel(pe, 0, 1));
    uint32_t n = 7;
    ck_assert_uint_eq(nvo_pe_node_wire_cost(pe, 0, 1, 41, 0, &net->pool, &n),
                      0);
    ck_assert_uint_eq(n, 0);
    ck_assert_uint_eq(nvo_pe_node_wire_cost(pe, 1, 1, 100, 0, &net->pool,
                                            &n), 0);
    ck_assert_uint_eq(nvo_pe_node_wire_cost(pe, 0, 1, 42, 0, &net->pool, &n),
                      42 + 42);         /* NVGRE over IPv4: 42 bytes */
    ck_assert_uint_eq(n, 1);
    nvo_net_destroy(net);
    nvo_engine_destroy(e);
}
END_TEST

static Suite *
pe_suite(void)
{
    Suite *s = suite_create("pe");
    TCase *tc = tcase_create("pe");
    tcase_add_test(tc, test_exchange);
    tcase_add_test(tc, test_stt_tso);
    tcase_add_test(tc, test_rejects);
    tcase_add_test(tc, test_bad_config);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return nvo_test_run(pe_suite());
}
