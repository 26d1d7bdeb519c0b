/* test_pe.c: the hypervisor PE data plane (overlay/pe.h): two PEs on one
 * link, every encapsulation over IPv4 and IPv6, exact counters, bytes on
 * the wire and the decapsulated frames' bytes; STT's TSO of the largest
 * frame into the exact number of segments; wrong tenant and decap
 * errors. */
#include <errno.h>
#include <string.h>

#include "testutil.h"
#include "core/engine.h"
#include "fabric/link.h"
#include "overlay/pe.h"
#include "wire/wire.h"

struct rx_log {
    uint32_t n;
    uint32_t tenant[16], vm[16];
    uint32_t len[16];
    uint8_t bytes[16][64];
    uint32_t size[16];
};

static void
log_deliver(void *ctx, struct nvo_pe *pe, uint32_t tenant, uint32_t vm,
            struct nvo_pkt *p)
{
    struct rx_log *log = ctx;
    (void) pe;
    if (log->n < 16) {
        log->tenant[log->n] = tenant;
        log->vm[log->n] = vm;
        log->len[log->n] = nvo_pkt_len(p);
        log->size[log->n] = p->size;
        memcpy(log->bytes[log->n], p->data, p->size < 64 ? p->size : 64);
        log->n++;
    }
    nvo_pkt_free(p);
}

struct pair {
    struct nvo_engine *e;
    struct nvo_pkt_pool pool;
    struct nvo_pe *pe1, *pe2;
    struct nvo_link link;
    struct rx_log log;
};

static const uint8_t vm1[6] = { 0x00, 0x50, 0x56, 0, 0, 1 };
static const uint8_t vm2[6] = { 0x00, 0x50, 0x56, 0, 0, 2 };

/* Two PEs with tenants of ids 'id' and 'id' + 1 (pe2 only has the first
 * when 'one_tenant_at_pe2'), VM 0 of each on pe1, VM 0 on pe2. */
static void
pair_init(struct pair *s, const struct nvo_encap_ops *ops, bool ipv6,
          uint32_t mtu, uint32_t id, bool one_tenant_at_pe2)
{
    memset(s, 0, sizeof *s);
    ck_assert_int_eq(nvo_engine_create("native", NULL, &s->e), 0);
    nvo_pkt_pool_init(&s->pool);
    struct nvo_pe_cfg cfg[2];
    struct nvo_pe_peer peer[2];
    struct nvo_pe **pes[2] = { &s->pe1, &s->pe2 };
    for (int h = 0; h < 2; h++) {
        memset(&cfg[h], 0, sizeof cfg[h]);
        cfg[h].name = h ? "pe2" : "pe1";
        cfg[h].encap = ops;
        cfg[h].ipv6 = ipv6;
        cfg[h].ip4 = 0x0a000001 + (uint32_t) h;
        cfg[h].ip6[0] = 0xfd;
        cfg[h].ip6[15] = (uint8_t) (h + 1);
        cfg[h].mac[0] = 0x02;
        cfg[h].mac[5] = (uint8_t) (h + 1);
        cfg[h].mtu = mtu;
        cfg[h].deliver = log_deliver;
        cfg[h].ctx = &s->log;
        memset(&peer[h], 0, sizeof peer[h]);
        peer[h].ip4 = cfg[h].ip4;
        memcpy(peer[h].ip6, cfg[h].ip6, 16);
        memcpy(peer[h].mac, cfg[h].mac, 6);
        ck_assert_int_eq(nvo_pe_create(&cfg[h], s->e, pes[h]), 0);
    }
    for (uint32_t t = 0; t < 2; t++) {
        for (int h = 0; h < 2; h++) {
            if (h == 1 && t == 1 && one_tenant_at_pe2) {
                continue;
            }
            uint32_t ix, vm;
            ck_assert_int_eq(nvo_pe_add_tenant(*pes[h], id + t, &peer[1 - h],
                                               &ix), 0);
            ck_assert_uint_eq(ix, t);
            uint8_t mac[6];
            memcpy(mac, h ? vm2 : vm1, 6);
            mac[3] = (uint8_t) t;
            ck_assert_int_eq(nvo_pe_add_vm(*pes[h], ix, mac,
                                           0x0a000000 | (t << 8) | (uint32_t) (h + 1),
                                           &vm), 0);
            ck_assert_uint_eq(vm, 0);
        }
    }
    uint32_t ix;
    ck_assert_int_eq(nvo_pe_add_tenant(s->pe1, id, &peer[1], &ix), EEXIST);
    struct nvo_link_cfg lc;
    nvo_link_cfg_default(&lc);
    lc.mtu = mtu;
    ck_assert_int_eq(nvo_link_connect(&s->link, nvo_pe_port(s->pe1),
                                      nvo_pe_port(s->pe2), &lc), 0);
}

static void
pair_destroy(struct pair *s)
{
    nvo_pe_destroy(s->pe1);
    nvo_pe_destroy(s->pe2);
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
    memcpy(f.src_mac, vm1, 6);
    memcpy(f.dst_mac, vm2, 6);
    f.src_mac[3] = f.dst_mac[3] = (uint8_t) t;
    f.src_ip4 = 0x0a000000 | (t << 8) | 1;
    f.dst_ip4 = 0x0a000000 | (t << 8) | 2;
    f.proto = 17;
    f.sport = 10000;
    f.dport = 5001;
    p->payload_size = len - 42;
    ck_assert_int_eq(nvo_wire_build_frame(p, &f), 0);
    return p;
}

/* Outer headers over IPv4 (shared/protocols.md; GRE-in-UDP from RFC 8086:
 * 14 + 20 + UDP 8 + GRE 4 + key 4); IPv6 adds 20. */
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
    for (const struct nvo_encap_ops *const *ops = nvo_encaps; *ops; ops++) {
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
                ck_assert_int_eq(nvo_pe_send(s.pe1, i % 2, 0, p), 0);
            }
            struct nvo_pkt *p = tenant_frame(&s, 0, 100);
            ck_assert_int_eq(nvo_pe_send(s.pe1, 0, 1, p), EINVAL);
            ck_assert_int_eq(nvo_pe_send(s.pe1, 2, 0, p), EINVAL);
            nvo_pkt_free(p);
            nvo_engine_run(s.e, NVO_TIME_MAX);

            uint32_t oh = overhead4((*ops)->name) + (v6 ? 20 : 0);
            ck_assert_uint_eq(nvo_tunnel_overhead(nvo_pe_tunnel(s.pe1, 0)),
                              oh);
            const struct nvo_pe_counters *c1 = nvo_pe_counters(s.pe1);
            const struct nvo_pe_counters *c2 = nvo_pe_counters(s.pe2);
            ck_assert_uint_eq(c1->sent, 3);
            ck_assert_uint_eq(c1->sent_bytes, 64 + 1000 + 1500);
            ck_assert_uint_eq(c1->frames_out, 3);
            ck_assert_uint_eq(c1->bytes_out, 64 + 1000 + 1500 + 3 * oh);
            ck_assert_uint_eq(c2->rx_frames, 3);
            ck_assert_uint_eq(c2->delivered, 3);
            ck_assert_uint_eq(c2->delivered_bytes, 64 + 1000 + 1500);
            ck_assert_uint_eq(c2->decap_errors + c2->wrong_tenant
                              + c2->rx_segments, 0);
            ck_assert_uint_eq(nvo_pe_tenant_counters(s.pe1, 0)->sent, 2);
            ck_assert_uint_eq(nvo_pe_tenant_counters(s.pe1, 1)->sent, 1);
            ck_assert_uint_eq(nvo_pe_tenant_counters(s.pe2, 0)->delivered, 2);
            ck_assert_uint_eq(nvo_pe_tenant_counters(s.pe2, 1)
                              ->delivered_bytes, 1000);
            ck_assert_ptr_null(nvo_pe_tenant_counters(s.pe2, 2));
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
}
END_TEST

/* The largest STT frame (65517 bytes inside, 65535 with the STT header)
 * at MTU 1500 over IPv4: 1460 bytes per segment, ceil(65535 / 1460) = 45
 * segments, each with 54 bytes of Ethernet + IPv4 + TCP. */
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
    ck_assert_uint_eq(nvo_pe_wire_cost(s.pe1, 0, 65517, 20, &s.pool, &n),
                      45 * 54 + 65535 + 45 * 20);
    ck_assert_uint_eq(n, 45);
    ck_assert_int_eq(nvo_pe_send(s.pe1, 0, 0, tenant_frame(&s, 0, 65517)), 0);
    nvo_engine_run(s.e, NVO_TIME_MAX);
    const struct nvo_pe_counters *c1 = nvo_pe_counters(s.pe1);
    const struct nvo_pe_counters *c2 = nvo_pe_counters(s.pe2);
    ck_assert_uint_eq(c1->sent, 1);
    ck_assert_uint_eq(c1->frames_out, 45);
    ck_assert_uint_eq(c1->bytes_out, 45 * 54 + 65535);
    ck_assert_uint_eq(c2->rx_frames, 45);
    ck_assert_uint_eq(c2->rx_segments, 44);
    ck_assert_uint_eq(c2->delivered, 1);
    ck_assert_uint_eq(c2->delivered_bytes, 65517);
    ck_assert_uint_eq(s.log.n, 1);
    ck_assert_uint_eq(s.log.len[0], 65517);
    pair_destroy(&s);
}
END_TEST

/* A frame for a tenant pe2 does not host, one whose inner destination is
 * not that tenant's VM, and a frame that is not encapsulated. */
START_TEST(test_rejects)
{
    struct pair s;
    pair_init(&s, &nvo_encap_vxlan_ops, false, 9000, 5001, true);
    ck_assert_int_eq(nvo_pe_send(s.pe1, 1, 0, tenant_frame(&s, 1, 500)), 0);
    struct nvo_pkt *p = tenant_frame(&s, 1, 500);  /* tenant 1's VM MAC */
    ck_assert_int_eq(nvo_pe_send(s.pe1, 0, 0, p), 0);   /* in tenant 0 */
    nvo_engine_run(s.e, NVO_TIME_MAX);
    nvo_pe_rx(s.pe2, tenant_frame(&s, 0, 200));
    const struct nvo_pe_counters *c2 = nvo_pe_counters(s.pe2);
    ck_assert_uint_eq(c2->rx_frames, 3);
    ck_assert_uint_eq(c2->wrong_tenant, 2);
    ck_assert_uint_eq(c2->decap_errors, 1);
    ck_assert_uint_eq(c2->delivered, 0);
    ck_assert_uint_eq(nvo_pe_tenant_counters(s.pe2, 0)->wrong_tenant, 1);
    ck_assert_uint_eq(s.log.n, 0);
    pair_destroy(&s);
}
END_TEST

START_TEST(test_bad_config)
{
    struct nvo_engine *e;
    ck_assert_int_eq(nvo_engine_create("native", NULL, &e), 0);
    struct nvo_pe_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.name = "pe";
    struct nvo_pe *pe = NULL;
    ck_assert_int_eq(nvo_pe_create(&cfg, e, &pe), EINVAL);
    cfg.encap = &nvo_encap_stt_ops;
    ck_assert_int_eq(nvo_pe_create(&cfg, e, &pe), EINVAL);  /* MTU 0 */
    cfg.encap = &nvo_encap_nvgre_ops;
    ck_assert_int_eq(nvo_pe_create(&cfg, e, &pe), 0);
    struct nvo_pe_peer peer;
    memset(&peer, 0, sizeof peer);
    uint32_t ix;
    ck_assert_int_eq(nvo_pe_add_tenant(pe, 5, &peer, &ix), EINVAL);
    ck_assert_uint_eq(nvo_pe_n_tenants(pe), 0);
    uint8_t mac[6] = { 0 };
    ck_assert_int_eq(nvo_pe_add_vm(pe, 0, mac, 0, &ix), EINVAL);
    nvo_pe_destroy(pe);
    nvo_pe_destroy(NULL);
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
