/* testfabric.c: the fabrics the Check suites build by hand.  See
 * testfabric.h. */
#include "testfabric.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "ctrl/bgp_speaker.h"
#include "ctrl/tcp.h"
#include "testutil.h"
#include "wire/wire.h"

/* ---- The net ------------------------------------------------------------ */

void
nvo_test_net_cfg(struct nvo_net_cfg *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->convergence_delay = 50 * NVO_US;
    cfg->ecmp.fn = NVO_HASH_CRC32;
    cfg->ecmp.fields = NVO_ECMP_5TUPLE;
    cfg->ecmp.parser_depth = 128;
    cfg->seed = cfg->run = 1;
}

struct nvo_net *
nvo_test_net(const struct nvo_net_cfg *cfg, struct nvo_engine **e)
{
    ck_assert_int_eq(nvo_engine_create(nvo_test_engine(),
                                       nvo_test_scheduler(), e), 0);
    struct nvo_net_cfg dflt;
    if (!cfg) {
        nvo_test_net_cfg(&dflt);
        cfg = &dflt;
    }
    return nvo_net_create(*e, cfg);
}

void
nvo_test_leaf_spine(struct nvo_net *net, int first, int n_spines,
                    int n_leaves, const struct nvo_link_cfg *l, int *spine,
                    int *leaf)
{
    char name[32];
    for (int i = 0; i < n_spines; i++) {
        snprintf(name, sizeof name, "spine%d", first + i);
        spine[i] = nvo_net_add_node(net, name, NVO_ROLE_SPINE);
    }
    for (int i = 0; i < n_leaves; i++) {
        snprintf(name, sizeof name, "leaf%d", first + i);
        leaf[i] = nvo_net_add_node(net, name, NVO_ROLE_LEAF);
        for (int s = 0; s < n_spines; s++) {
            ck_assert_int_eq(nvo_net_add_link(net, (uint32_t) leaf[i],
                                              (uint32_t) spine[s], l), 0);
        }
    }
}

/* ---- A star of BGP speakers --------------------------------------------- */

void
nvo_test_star_build(struct nvo_test_star *s, uint32_t n_rr, uint32_t n_pe,
                    nvo_test_star_cfg_fn *fn, void *ctx)
{
    memset(s, 0, sizeof *s);
    s->net = nvo_test_net(NULL, &s->e);
    s->leaf = nvo_net_add_node(s->net, "leaf1", NVO_ROLE_LEAF);
    s->n = n_rr + n_pe;
    s->n_rr = n_rr;
    ck_assert_uint_le(s->n, NVO_TEST_STAR_MAX);
    for (uint32_t i = 0; i < s->n; i++) {
        char name[16];
        if (i < n_rr) {
            snprintf(name, sizeof name, "rr%u", i + 1);
        } else {
            snprintf(name, sizeof name, "pe%u", i - n_rr + 1);
        }
        s->idx[i] = nvo_net_add_node(s->net, name, i < n_rr ? NVO_ROLE_RR
                                                 : NVO_ROLE_HYPERVISOR);
        struct nvo_link_cfg l;
        nvo_link_cfg_default(&l);
        l.rate_bps = NVO_TEST_STAR_RATE;
        l.delay = NVO_TEST_STAR_DELAY;
        ck_assert_int_eq(nvo_net_add_link(s->net, (uint32_t) s->idx[i],
                                          (uint32_t) s->leaf, &l), 0);
    }
    ck_assert_int_eq(nvo_net_finalize(s->net), 0);
    for (uint32_t i = 0; i < s->n; i++) {
        ck_assert_int_eq(nvo_tcp_stack_create(
                             nvo_net_node(s->net, (uint32_t) s->idx[i]), NULL,
                             &s->st[i]), 0);
        struct nvo_bgp_speaker_cfg c;
        nvo_bgp_speaker_cfg_default(&c);
        c.is_rr = i < n_rr;
        if (fn) {
            fn(ctx, i, &c);
        }
        char err[200];
        ck_assert_int_eq(nvo_bgp_speaker_create(s->st[i], &c, &s->spk[i], err,
                                                sizeof err), 0);
    }
}

uint32_t
nvo_test_star_loop4(const struct nvo_test_star *s, uint32_t i)
{
    return nvo_net_node(s->net, (uint32_t) s->idx[i])->addr4;
}

void
nvo_test_star_peer(struct nvo_test_star *s, uint32_t i, uint32_t j,
                   bool client)
{
    ck_assert_int_eq(nvo_bgp_speaker_add_peer(s->spk[i],
                                              (uint32_t) s->idx[j], client),
                     0);
}

void
nvo_test_star_peer_rr(struct nvo_test_star *s)
{
    for (uint32_t r = 0; r < s->n_rr; r++) {
        for (uint32_t r2 = 0; r2 < s->n_rr; r2++) {
            if (r2 != r) {
                nvo_test_star_peer(s, r, r2, false);
            }
        }
        for (uint32_t p = s->n_rr; p < s->n; p++) {
            nvo_test_star_peer(s, r, p, true);
            nvo_test_star_peer(s, p, r, false);
        }
    }
}

void
nvo_test_star_free(struct nvo_test_star *s)
{
    for (uint32_t i = 0; i < s->n; i++) {
        nvo_bgp_speaker_destroy(s->spk[i]);
        nvo_tcp_stack_destroy(s->st[i]);
    }
    nvo_net_destroy(s->net);
    nvo_engine_destroy(s->e);
}

/* ---- PEs with one VM per tenant ----------------------------------------- */

void
nvo_test_pes_begin(struct nvo_test_pes *f, uint32_t n, uint32_t V)
{
    memset(f, 0, sizeof *f);
    ck_assert_uint_le(n, NVO_TEST_PES_MAX);
    ck_assert_uint_le(V, NVO_TEST_PES_MAXV);
    f->n = n;
    f->V = V;
    f->net = nvo_test_net(NULL, &f->e);
    f->leaf = nvo_net_add_node(f->net, "leaf1", NVO_ROLE_LEAF);
}

void
nvo_test_pes_add(struct nvo_test_pes *f, const struct nvo_pe_node_cfg *pc,
                 const struct nvo_link_cfg *l, const uint32_t *up, bool vms)
{
    for (uint32_t i = 0; i < f->n; i++) {
        char name[32];
        snprintf(name, sizeof name, "pe%u", i);
        f->pe[i] = nvo_pe_node_create(f->net, name, pc);
        ck_assert_ptr_nonnull(f->pe[i]);
        f->node[i] = nvo_pe_node_index(f->pe[i]);
        ck_assert_int_eq(nvo_net_add_link(f->net, f->node[i],
                                          up ? up[i] : (uint32_t) f->leaf, l),
                         0);
        for (uint32_t v = 0; v < f->V; v++) {
            ck_assert_int_eq(nvo_pe_node_add_tenant(f->pe[i],
                                                    NVO_TEST_PES_VNI0 + v,
                                                    &f->tenant[i][v]), 0);
            if (vms) {
                uint8_t mac[6];
                uint32_t vm;
                nvo_test_pes_vm_mac((int) i, v, mac);
                ck_assert_int_eq(nvo_pe_node_add_vm(f->pe[i], f->tenant[i][v],
                                                    mac, 0, &vm), 0);
            }
        }
    }
    ck_assert_int_eq(nvo_net_finalize(f->net), 0);
}

void
nvo_test_pes_vm_mac(int pe, uint32_t v, uint8_t mac[6])
{
    uint8_t m[6] = { 0x02, 0, 0, 0, (uint8_t) v, (uint8_t) (pe + 1) };
    memcpy(mac, m, 6);
}

void
nvo_test_pes_vm_send(struct nvo_test_pes *f, int from, uint32_t v,
                     const uint8_t dst[6])
{
    struct nvo_pkt *p = nvo_pkt_alloc(&f->net->pool, NVO_PKT_HEADROOM, 64);
    struct nvo_frame_spec s;
    memset(&s, 0, sizeof s);
    nvo_test_pes_vm_mac(from, v, s.src_mac);
    memcpy(s.dst_mac, dst, 6);
    s.src_ip4 = 0xc0a80001u + (uint32_t) from;
    s.dst_ip4 = 0xc0a800ffu;
    s.proto = NVO_IPPROTO_UDP;
    s.sport = 1000;
    s.dport = 80;
    p->payload_size = 100 - 42;
    ck_assert_int_eq(nvo_wire_build_frame(p, &s), 0);
    ck_assert_int_eq(nvo_pe_node_vm_send(f->pe[from], f->tenant[from][v], 0,
                                         p), 0);
}

int
nvo_test_pes_ix(const struct nvo_test_pes *f, uint32_t node)
{
    for (uint32_t i = 0; i < f->n; i++) {
        if (f->node[i] == node) {
            return (int) i;
        }
    }
    return -1;
}

/* ---- tshark ------------------------------------------------------------- */

void
nvo_test_require_tshark(void)
{
    FILE *f = popen("tshark -v 2>/dev/null", "r");
    char buf[256] = "";
    bool ok = f && fgets(buf, sizeof buf, f) && strstr(buf, "TShark");
    if (f) {
        while (fgets(buf, sizeof buf, f)) {
        }
        ok = pclose(f) == 0 && ok;
    }
    ck_assert_msg(ok, "tshark is not installed or does not run: this test "
                  "needs it to decode the pcap independently (Debian/Ubuntu: "
                  "apt-get install tshark)");
}

size_t
nvo_test_tshark(const char *path, const char *args, char *lines, size_t size,
                size_t max, unsigned flags)
{
    char *cmd = g_strdup_printf("tshark -r '%s' %s 2>/dev/null", path, args);
    FILE *f = popen(cmd, "r");
    ck_assert_ptr_nonnull(f);
    char *dummy = g_malloc(size);
    size_t n = 0;
    while (fgets(n < max ? lines + n * size : dummy, (int) size, f)) {
        char *l = lines + n * size;
        if (n < max && (flags & NVO_TEST_TSHARK_STRIP)) {
            l[strcspn(l, "\n")] = 0;
            for (char *q = l; (flags & NVO_TEST_TSHARK_BARS) && *q; q++) {
                *q = *q == '\t' ? '|' : *q;
            }
        }
        n++;
    }
    g_free(dummy);
    int status = pclose(f);
    ck_assert_msg(status == 0, "tshark failed (status %d): %s", status, cmd);
    g_free(cmd);
    if ((flags & NVO_TEST_TSHARK_ECHO) && getenv("NVO_TEST_KEEP")) {
        for (size_t i = 0; i < n && i < max; i++) {
            fputs(lines + i * size, stderr);
        }
    }
    return n;
}

char *
nvo_test_cmd_out(const char *cmd)
{
    FILE *f = popen(cmd, "r");
    ck_assert_ptr_nonnull(f);
    GString *s = g_string_new(NULL);
    char line[65536];
    while (fgets(line, sizeof line, f)) {
        g_string_append(s, line);
    }
    ck_assert_int_eq(pclose(f), 0);
    return g_string_free(s, FALSE);
}

uint32_t
nvo_test_count_substr(const char *s, const char *needle)
{
    uint32_t n = 0;
    for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle)) {
        n++;
    }
    return n;
}
