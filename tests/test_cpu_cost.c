/* test_cpu_cost.c: the PE's CPU cost model (overlay/cpu_cost.h,
 * docs/cpu.md): the formulas by hand, the table of cited defaults, then
 * PEs on a leaf-spine (2 spines, 2 leaves, 2 PEs per leaf) whose counted
 * cycles equal the formulas for known frames: ingress replication's
 * replicas, unicast, checksum offload off, STT with and without TSO (the
 * per-frame cost once per tenant frame or once per segment, on both
 * ends), and Geneve with the costs a scenario's <cpu> leaves to the cited
 * defaults. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fabric/net.h"
#include "io/config.h"
#include "overlay/cpu_cost.h"
#include "overlay/pe_node.h"
#include "testfabric.h"
#include "testutil.h"
#include "wire/wire.h"

#define N_PES 4
#define VNI 5000

/* Costs in cycles: encap 1000 + 0.5 / byte, decap 800 + 0.25 / byte,
 * replica 300 + 0.125 / byte, software checksum 2 / byte. */
static struct nvo_cpu_cost_cfg
costs(bool tso, bool csum)
{
    struct nvo_cpu_cost_cfg c;
    memset(&c, 0, sizeof c);
    c.enabled = true;
    c.tso = tso;
    c.csum_offload = csum;
    c.encap_frame = 1000000;
    c.encap_byte = 500;
    c.decap_frame = 800000;
    c.decap_byte = 250;
    c.replica_frame = 300000;
    c.replica_byte = 125;
    c.csum_byte = 2000;
    return c;
}

START_TEST(formulas)
{
    struct nvo_cpu_cost_cfg c = costs(true, true);
    /* 1000 + 1000 * 0.5 = 1500 cycles, whatever the segments with TSO. */
    ck_assert_uint_eq(nvo_cpu_encap_mc(&c, 1000, 1), 1500000);
    ck_assert_uint_eq(nvo_cpu_encap_mc(&c, 1000, 3), 1500000);
    ck_assert_uint_eq(nvo_cpu_decap_mc(&c, 1000), 1050000);
    ck_assert_uint_eq(nvo_cpu_replica_mc(&c, 1000), 425000);
    ck_assert_uint_eq(nvo_cpu_rx_segment_mc(&c), 0);
    /* Without TSO: 3 segments, 3 * 1000 + 500. */
    c = costs(false, true);
    ck_assert_uint_eq(nvo_cpu_encap_mc(&c, 1000, 3), 3500000);
    ck_assert_uint_eq(nvo_cpu_rx_segment_mc(&c), 800000);
    /* Without checksum offload: + 2 cycles per byte on both ends; a
     * replica's own cost is the copy, not a checksum. */
    c = costs(true, false);
    ck_assert_uint_eq(nvo_cpu_encap_mc(&c, 1000, 1), 3500000);
    ck_assert_uint_eq(nvo_cpu_decap_mc(&c, 1000), 3050000);
    ck_assert_uint_eq(nvo_cpu_replica_mc(&c, 1000), 425000);
    /* Off: nothing. */
    c.enabled = false;
    ck_assert_uint_eq(nvo_cpu_encap_mc(&c, 1000, 3), 0);
    ck_assert_uint_eq(nvo_cpu_decap_mc(&c, 1000), 0);
    ck_assert_uint_eq(nvo_cpu_replica_mc(&c, 1000), 0);
    ck_assert_uint_eq(nvo_cpu_rx_segment_mc(&c), 0);

    uint64_t mc = 7;
    ck_assert_int_eq(nvo_cpu_cycles_to_mc(0.125, &mc), 0);
    ck_assert_uint_eq(mc, 125);
    ck_assert_int_eq(nvo_cpu_cycles_to_mc(1755, &mc), 0);
    ck_assert_uint_eq(mc, 1755000);
    ck_assert_int_eq(nvo_cpu_cycles_to_mc(0.1, &mc), 0);
    ck_assert_uint_eq(mc, 100);
    ck_assert_int_eq(nvo_cpu_cycles_to_mc(1e9, &mc), 0);
    ck_assert_uint_eq(mc, 1000000000000ull);
    mc = 7;
    ck_assert_int_eq(nvo_cpu_cycles_to_mc(0.0001, &mc), EINVAL);
    ck_assert_int_eq(nvo_cpu_cycles_to_mc(-1, &mc), EINVAL);
    ck_assert_int_eq(nvo_cpu_cycles_to_mc(1e9 + 1, &mc), EINVAL);
    ck_assert_int_eq(nvo_cpu_cycles_to_mc(NAN, &mc), EINVAL);
    ck_assert_uint_eq(mc, 7);
    char buf[32];
    nvo_cpu_format_mc(1500125, buf, sizeof buf);
    ck_assert_str_eq(buf, "1500.125");
    nvo_cpu_format_mc(7, buf, sizeof buf);
    ck_assert_str_eq(buf, "0.007");
}
END_TEST

/* The cited defaults (docs/cpu.md, "Defaults and sources"), for each
 * encapsulation and parameter: VPP's Geneve encap 48.5 and decap 33.2,
 * VXLAN-GPE encap 37.6, VXLAN encap 54.3 and decap 30.4 clocks per
 * packet; Linux csum_partial 0.044 per byte for every encapsulation;
 * nothing else. */
START_TEST(cited_defaults)
{
    size_t n_found = 0;
    for (size_t i = 0; nvo_encaps[i]; i++) {
        const char *encap = nvo_encaps[i]->name;
        for (int p = 0; p < NVO_CPU_N_PARAMS; p++) {
            uint64_t want = 0;          /* 0: no default */
            if (p == NVO_CPU_CSUM_BYTE) {
                want = 44;
            } else if (p == NVO_CPU_ENCAP_FRAME && !strcmp(encap, "geneve")) {
                want = 48500;
            } else if (p == NVO_CPU_ENCAP_FRAME
                       && !strcmp(encap, "vxlan-gpe")) {
                want = 37600;
            } else if (p == NVO_CPU_DECAP_FRAME && !strcmp(encap, "geneve")) {
                want = 33200;
            } else if (p == NVO_CPU_ENCAP_FRAME && !strcmp(encap, "vxlan")) {
                want = 54300;
            } else if (p == NVO_CPU_DECAP_FRAME && !strcmp(encap, "vxlan")) {
                want = 30400;
            }
            const struct nvo_cpu_default *d =
                nvo_cpu_default_find((enum nvo_cpu_param) p, encap);
            if (!want) {
                ck_assert_msg(!d, "%s %s has a default", encap,
                              nvo_cpu_param_name((enum nvo_cpu_param) p));
                continue;
            }
            ck_assert_ptr_nonnull(d);
            ck_assert_uint_eq(d->mc, want);
            ck_assert_ptr_nonnull(d->source);
            n_found++;
        }
    }
    /* csum for the 9 encapsulations, and the five VPP figures. */
    ck_assert_uint_eq(n_found, 9 + 5);
    /* Every entry names a known encapsulation (or any). */
    size_t n;
    const struct nvo_cpu_default *all = nvo_cpu_defaults(&n);
    ck_assert_uint_eq(n, 6);
    for (size_t i = 0; i < n; i++) {
        ck_assert(!all[i].encap || nvo_encap_lookup(all[i].encap));
    }
    ck_assert_str_eq(all[0].source, "vpp-a80d9cfcac02");
    ck_assert_str_eq(all[1].source, "vpp-359776abfb80");
    ck_assert_str_eq(all[2].source, "vpp-gerrit-15098");
    ck_assert_str_eq(all[3].source, "vpp-d3ebc83af33b");
    ck_assert_str_eq(all[4].source, "vpp-gerrit-15098");
    ck_assert_str_eq(all[5].source, "linux-688eb8191b47");
    /* The names and fields of the parameters. */
    struct nvo_cpu_cost_cfg c;
    ck_assert_int_eq(nvo_cpu_param_lookup("decap-byte-cycles"),
                     NVO_CPU_DECAP_BYTE);
    ck_assert_int_eq(nvo_cpu_param_lookup("ghz"), NVO_CPU_N_PARAMS);
    ck_assert_str_eq(nvo_cpu_param_name(NVO_CPU_REPLICA_FRAME),
                     "replica-frame-cycles");
    ck_assert_ptr_eq(nvo_cpu_param_mc(&c, NVO_CPU_CSUM_BYTE), &c.csum_byte);
    ck_assert_ptr_eq(nvo_cpu_param_mc(&c, NVO_CPU_ENCAP_FRAME),
                     &c.encap_frame);
}
END_TEST

struct fab {
    struct nvo_engine *e;
    struct nvo_net *net;
    struct nvo_pe_node *pe[N_PES];      /* pe0, pe1 on leaf1; pe2, pe3 */
};

static void
fab_build(struct fab *f, const struct nvo_encap_ops *ops,
          const struct nvo_cpu_cost_cfg *cpu)
{
    memset(f, 0, sizeof *f);
    struct nvo_net_cfg cfg;
    nvo_test_net_cfg(&cfg);
    cfg.seed_mode = NVO_SEED_PER_SWITCH;
    f->net = nvo_test_net(&cfg, &f->e);
    int spine[2], leaf[2];
    struct nvo_link_cfg l;
    nvo_link_cfg_default(&l);
    nvo_test_leaf_spine(f->net, 1, 2, 2, &l, spine, leaf);
    char name[32];
    struct nvo_pe_node_cfg pc;
    memset(&pc, 0, sizeof pc);
    pc.encap = ops;
    pc.cpu = *cpu;
    uint32_t list[N_PES];
    for (int i = 0; i < N_PES; i++) {
        snprintf(name, sizeof name, "pe%d", i);
        f->pe[i] = nvo_pe_node_create(f->net, name, &pc);
        ck_assert_ptr_nonnull(f->pe[i]);
        ck_assert_int_eq(nvo_net_add_link(f->net, nvo_pe_node_index(f->pe[i]),
                                          (uint32_t) leaf[i / 2], &l), 0);
        list[i] = nvo_pe_node_index(f->pe[i]);
    }
    ck_assert_int_eq(nvo_net_finalize(f->net), 0);
    /* One VM of the VNI on every PE, all four in the flood list. */
    for (int i = 0; i < N_PES; i++) {
        uint8_t mac[6] = { 0x00, 0x50, 0x56, 0, 0, (uint8_t) (i + 1) };
        uint32_t t, vm;
        ck_assert_int_eq(nvo_pe_node_add_tenant(f->pe[i], VNI, &t), 0);
        ck_assert_int_eq(nvo_pe_node_add_vm(f->pe[i], t, mac, 0, &vm), 0);
        ck_assert_int_eq(nvo_pe_node_set_flood(f->pe[i], t, list, N_PES), 0);
    }
}

/* A tenant UDP frame of 'len' bytes from the VM on PE 'from' to the VM
 * on PE 'to' (-1: broadcast); then 1 ms for it to arrive. */
static void
send(struct fab *f, int from, int to, uint32_t len)
{
    struct nvo_pkt *p = nvo_pkt_alloc(&f->net->pool, NVO_PKT_HEADROOM, 64);
    struct nvo_frame_spec s;
    memset(&s, 0, sizeof s);
    uint8_t src[6] = { 0x00, 0x50, 0x56, 0, 0, (uint8_t) (from + 1) };
    uint8_t dst[6] = { 0x00, 0x50, 0x56, 0, 0, (uint8_t) (to + 1) };
    memcpy(s.src_mac, src, 6);
    if (to < 0) {
        memset(s.dst_mac, 0xff, 6);
    } else {
        memcpy(s.dst_mac, dst, 6);
    }
    s.src_ip4 = 0x0a000001u + (uint32_t) from;
    s.dst_ip4 = to < 0 ? 0x0affffffu : 0x0a000001u + (uint32_t) to;
    s.proto = NVO_IPPROTO_UDP;
    s.sport = 1000;
    s.dport = 80;
    p->payload_size = len - 42;
    ck_assert_int_eq(nvo_wire_build_frame(p, &s), 0);
    ck_assert_uint_eq(nvo_pkt_len(p), len);
    ck_assert_int_eq(nvo_pe_node_vm_send(f->pe[from], 0, 0, p), 0);
    nvo_engine_run(f->e, nvo_engine_now(f->e) + NVO_MS);
}

static void
fab_destroy(struct fab *f)
{
    nvo_net_destroy(f->net);
    nvo_engine_destroy(f->e);
}

/* VXLAN, offloads on: pe0's VM broadcasts 1000 bytes (3 replicas), then
 * pe1's VM sends n = 5 frames of 1000 bytes to pe0's VM (learned from the
 * broadcast: unicast).  By hand, in cycles:
 *   pe0: encap 3 * (1000 + 1000 * 0.5) = 4500, replicas 3 * (300 + 125)
 *        = 1275, decap 5 * (800 + 1000 * 0.25) = 5250;
 *   pe1: encap 5 * 1500 = 7500, decap 1050 (the broadcast);
 *   pe2, pe3: decap 1050 each. */
START_TEST(replicas_and_unicast)
{
    bool csum = _i == 0;
    struct nvo_cpu_cost_cfg cpu = costs(true, csum);
    struct fab f;
    fab_build(&f, &nvo_encap_vxlan_ops, &cpu);
    send(&f, 0, -1, 1000);
    for (int k = 0; k < 5; k++) {
        send(&f, 1, 0, 1000);
    }
    /* Without checksum offload, every encap and decap adds 2 per byte. */
    uint64_t x = csum ? 0 : 2000;
    const struct nvo_pe_node_counters *c[N_PES];
    for (int i = 0; i < N_PES; i++) {
        c[i] = nvo_pe_node_counters(f.pe[i]);
    }
    ck_assert_uint_eq(c[0]->bum_copies, 3);
    ck_assert_uint_eq(c[1]->remote_unicast, 5);
    ck_assert_uint_eq(c[0]->cpu_encap_mc, 3 * (1500000 + 1000 * x));
    ck_assert_uint_eq(c[0]->cpu_replica_mc, 3 * 425000);
    ck_assert_uint_eq(c[0]->cpu_decap_mc, 5 * (1050000 + 1000 * x));
    ck_assert_uint_eq(c[1]->cpu_encap_mc, 5 * (1500000 + 1000 * x));
    ck_assert_uint_eq(c[1]->cpu_replica_mc, 0);
    ck_assert_uint_eq(c[1]->cpu_decap_mc, 1050000 + 1000 * x);
    for (int i = 2; i < N_PES; i++) {
        ck_assert_uint_eq(c[i]->cpu_encap_mc, 0);
        ck_assert_uint_eq(c[i]->cpu_decap_mc, 1050000 + 1000 * x);
    }
    /* The tenant's counters hold the same (one tenant per PE). */
    const struct nvo_pe_node_counters *t0 =
        nvo_pe_node_tenant_counters(f.pe[0], 0);
    ck_assert_uint_eq(t0->cpu_encap_mc, c[0]->cpu_encap_mc);
    ck_assert_uint_eq(t0->cpu_replica_mc, c[0]->cpu_replica_mc);
    ck_assert_uint_eq(t0->cpu_decap_mc, c[0]->cpu_decap_mc);
    fab_destroy(&f);
}
END_TEST

/* STT, a 4000-byte tenant frame from pe0 to pe1 (after a broadcast from
 * pe1 taught pe0 where it is): 3 segments at MTU 1500 (test_pe_fabric).
 * With TSO the per-frame cost is paid once on each end: encap 1000 + 4000
 * * 0.5 = 3000, decap 800 + 4000 * 0.25 = 1800; without it once per
 * segment: encap 3 * 1000 + 2000 = 5000, decap 1800 + 2 * 800 = 3400. */
START_TEST(stt_tso)
{
    bool tso = _i == 0;
    struct nvo_cpu_cost_cfg cpu = costs(tso, true);
    struct fab f;
    fab_build(&f, &nvo_encap_stt_ops, &cpu);
    send(&f, 1, -1, 100);
    const struct nvo_pe_node_counters *a = nvo_pe_node_counters(f.pe[0]);
    const struct nvo_pe_node_counters *b = nvo_pe_node_counters(f.pe[1]);
    uint64_t a_decap = a->cpu_decap_mc, b_encap = b->cpu_encap_mc;
    /* The 100-byte broadcast: one segment each, 1000 + 50 and 800 + 25. */
    ck_assert_uint_eq(b_encap, 3 * 1050000);
    ck_assert_uint_eq(a_decap, 825000);
    send(&f, 0, 1, 4000);
    ck_assert_uint_eq(a->frames_out, 3);
    ck_assert_uint_eq(b->rx_segments, 2);
    ck_assert_uint_eq(a->cpu_encap_mc, (tso ? 3000000 : 5000000));
    ck_assert_uint_eq(b->cpu_decap_mc, (tso ? 1800000 : 3400000));
    ck_assert_uint_eq(b->cpu_encap_mc, b_encap);
    fab_destroy(&f);
}
END_TEST

/* A scenario file with <overlay encap='encap'> and <cpu 'attrs'/>,
 * loaded; NULL and *error if refused.  *path is the file (g_free()). */
static struct nvo_scenario_cfg *
load_cpu(const char *dir, const char *encap, const char *attrs, char **path,
         GError **error)
{
    *path = g_build_filename(dir, "cpu.xml", NULL);
    char *text = g_strdup_printf(
        "<scenario name=\"cpu\">\n"
        "  <topology file=\"%s\"/>\n"
        "  <overlay encap=\"%s\">\n"
        "    <tenants count=\"1\" vms-per-tenant=\"4\"/>\n"
        "    <cpu %s/>\n"
        "  </overlay>\n"
        "</scenario>\n", nvo_test_src("topologies/leaf-spine-small.xml"),
        encap, attrs);
    ck_assert(g_file_set_contents(*path, text, -1, NULL));
    g_free(text);
    return nvo_scenario_load(*path, NULL, 0, error);
}

#define BYTE_AND_REPLICA_COSTS                                              \
    "encap-byte-cycles=\"0.5\" decap-byte-cycles=\"0.25\" "             \
    "replica-frame-cycles=\"300\" replica-byte-cycles=\"0.125\""

/* Geneve, <cpu> with only the byte and replica costs (encap 0.5, decap
 * 0.25 per byte, replica 300 + 0.125 per byte): the per-frame costs are
 * the cited 48.5 (encap) and 33.2 (decap); with csum-offload="off" and no
 * csum-byte-cycles, the cited 0.044 per byte.  The exchange of
 * replicas_and_unicast (a 1000-byte broadcast from pe0, then 5 frames of
 * 1000 bytes from pe1 to pe0), by hand in cycles, x = 1000 * 0.044 = 44
 * without checksum offload, 0 with it:
 *   an encap 48.5 + 1000 * 0.5 + x = 548.5 + x, a decap 33.2 + 1000 *
 *   0.25 + x = 283.2 + x, a replica 300 + 1000 * 0.125 = 425;
 *   pe0: encap 3 * (548.5 + x), replicas 3 * 425 = 1275, decap 5 * (283.2
 *        + x);
 *   pe1: encap 5 * (548.5 + x), decap 283.2 + x; pe2, pe3: decap 283.2 +
 *        x. */
START_TEST(geneve_cited_defaults)
{
    bool csum = _i == 0;
    char *dir = nvo_test_tmpdir("cpu-dflt");
    char *path;
    GError *error = NULL;
    struct nvo_scenario_cfg *cfg = load_cpu(
        dir, "geneve", csum ? BYTE_AND_REPLICA_COSTS
                            : BYTE_AND_REPLICA_COSTS " csum-offload=\"off\"",
        &path, &error);
    ck_assert_msg(cfg, "%s", error ? error->message : "?");
    const struct nvo_cpu_cost_cfg *cpu = &cfg->overlay.cpu;
    ck_assert(cpu->enabled);
    ck_assert(cpu->csum_offload == csum);
    ck_assert_uint_eq(cpu->encap_frame, 48500);
    ck_assert_uint_eq(cpu->decap_frame, 33200);
    ck_assert_uint_eq(cpu->csum_byte, 44);
    ck_assert_uint_eq(cpu->encap_byte, 500);
    ck_assert_uint_eq(cpu->replica_frame, 300000);
    struct fab f;
    fab_build(&f, &nvo_encap_geneve_ops, cpu);
    send(&f, 0, -1, 1000);
    for (int k = 0; k < 5; k++) {
        send(&f, 1, 0, 1000);
    }
    uint64_t x = csum ? 0 : 44000;
    const struct nvo_pe_node_counters *c[N_PES];
    for (int i = 0; i < N_PES; i++) {
        c[i] = nvo_pe_node_counters(f.pe[i]);
    }
    ck_assert_uint_eq(c[0]->bum_copies, 3);
    ck_assert_uint_eq(c[1]->remote_unicast, 5);
    ck_assert_uint_eq(c[0]->cpu_encap_mc, 3 * (548500 + x));
    ck_assert_uint_eq(c[0]->cpu_replica_mc, 1275000);
    ck_assert_uint_eq(c[0]->cpu_decap_mc, 5 * (283200 + x));
    ck_assert_uint_eq(c[1]->cpu_encap_mc, 5 * (548500 + x));
    ck_assert_uint_eq(c[1]->cpu_decap_mc, 283200 + x);
    for (int i = 2; i < N_PES; i++) {
        ck_assert_uint_eq(c[i]->cpu_encap_mc, 0);
        ck_assert_uint_eq(c[i]->cpu_decap_mc, 283200 + x);
    }
    fab_destroy(&f);
    nvo_scenario_cfg_destroy(cfg);
    remove(path);
    g_free(path);
    nvo_test_rmdir(dir);
}
END_TEST

/* 'encap' with <cpu 'attrs'/> is refused with exactly "PATH:5: 'what'"
 * (line 5: <cpu>), and nothing else. */
static void
refused(const char *encap, const char *attrs, const char *what)
{
    char *dir = nvo_test_tmpdir("cpu-req");
    char *path;
    GError *error = NULL;
    ck_assert_ptr_null(load_cpu(dir, encap, attrs, &path, &error));
    char *want = g_strdup_printf("%s:5: %s", path, what);
    ck_assert_str_eq(error->message, want);
    g_free(want);
    g_error_free(error);
    remove(path);
    g_free(path);
    nvo_test_rmdir(dir);
}

/* Which costs are required: VXLAN-GPE has the cited encap cost (37.6)
 * but no decap cost; VXLAN both (54.3, 30.4); STT, NVGRE and the others
 * neither; no encapsulation has byte or replica costs.  An explicit value
 * overrides a cited default. */
START_TEST(required_and_overrides)
{
    char *dir = nvo_test_tmpdir("cpu-gpe");
    char *path;
    GError *error = NULL;
    struct nvo_scenario_cfg *cfg = load_cpu(
        dir, "vxlan-gpe", BYTE_AND_REPLICA_COSTS " decap-frame-cycles=\"800\"",
        &path, &error);
    ck_assert_msg(cfg, "%s", error ? error->message : "?");
    ck_assert_uint_eq(cfg->overlay.cpu.encap_frame, 37600);
    ck_assert_uint_eq(cfg->overlay.cpu.decap_frame, 800000);
    nvo_scenario_cfg_destroy(cfg);
    remove(path);
    g_free(path);
    /* VXLAN with only the byte and replica costs: both per-frame costs
     * cited. */
    cfg = load_cpu(dir, "vxlan", BYTE_AND_REPLICA_COSTS, &path, &error);
    ck_assert_msg(cfg, "%s", error ? error->message : "?");
    ck_assert_uint_eq(cfg->overlay.cpu.encap_frame, 54300);
    ck_assert_uint_eq(cfg->overlay.cpu.decap_frame, 30400);
    nvo_scenario_cfg_destroy(cfg);
    remove(path);
    g_free(path);
    /* Geneve with every cost given: the given ones, not the cited. */
    cfg = load_cpu(dir, "geneve", BYTE_AND_REPLICA_COSTS
                   " encap-frame-cycles=\"1000\" decap-frame-cycles=\"0\""
                   " csum-byte-cycles=\"2.5\"", &path, &error);
    ck_assert_msg(cfg, "%s", error ? error->message : "?");
    ck_assert_uint_eq(cfg->overlay.cpu.encap_frame, 1000000);
    ck_assert_uint_eq(cfg->overlay.cpu.decap_frame, 0);
    ck_assert_uint_eq(cfg->overlay.cpu.csum_byte, 2500);
    nvo_scenario_cfg_destroy(cfg);
    remove(path);
    g_free(path);
    nvo_test_rmdir(dir);

    refused("vxlan-gpe", BYTE_AND_REPLICA_COSTS,
            "<cpu>: decap-frame-cycles is required with encap=\"vxlan-gpe\": "
            "no published measurement gives it a default for vxlan-gpe "
            "(docs/cpu.md, \"Defaults and sources\")");
    refused("nvgre", BYTE_AND_REPLICA_COSTS " decap-frame-cycles=\"800\"",
            "<cpu>: encap-frame-cycles is required with encap=\"nvgre\": "
            "no published measurement gives it a default for nvgre "
            "(docs/cpu.md, \"Defaults and sources\")");
    refused("vxlan", "decap-byte-cycles=\"0.25\" replica-frame-cycles=\"300\" "
            "replica-byte-cycles=\"0.125\"",
            "<cpu>: encap-byte-cycles is required with encap=\"vxlan\": "
            "no published measurement gives it a default for vxlan "
            "(docs/cpu.md, \"Defaults and sources\")");
    refused("stt", BYTE_AND_REPLICA_COSTS " encap-frame-cycles=\"1000\"",
            "<cpu>: decap-frame-cycles is required with encap=\"stt\": "
            "no published measurement gives it a default for stt "
            "(docs/cpu.md, \"Defaults and sources\")");
    refused("geneve", "encap-byte-cycles=\"0.5\" decap-byte-cycles=\"0.25\" "
            "replica-frame-cycles=\"300\"",
            "<cpu>: replica-byte-cycles is required with encap=\"geneve\": "
            "no published measurement gives it a default for geneve "
            "(docs/cpu.md, \"Defaults and sources\")");
}
END_TEST

/* Without <cpu> nothing is counted. */
START_TEST(off_counts_nothing)
{
    struct nvo_cpu_cost_cfg cpu;
    memset(&cpu, 0, sizeof cpu);
    struct fab f;
    fab_build(&f, &nvo_encap_vxlan_ops, &cpu);
    send(&f, 0, -1, 1000);
    send(&f, 1, 0, 1000);
    for (int i = 0; i < N_PES; i++) {
        const struct nvo_pe_node_counters *c = nvo_pe_node_counters(f.pe[i]);
        ck_assert_uint_eq(c->cpu_encap_mc + c->cpu_replica_mc
                          + c->cpu_decap_mc, 0);
    }
    ck_assert_uint_eq(nvo_pe_node_counters(f.pe[0])->rx_decap, 1);
    fab_destroy(&f);
}
END_TEST

static Suite *
suite(void)
{
    Suite *s = suite_create("cpu_cost");
    TCase *tc = tcase_create("unit");
    tcase_add_test(tc, formulas);
    tcase_add_test(tc, cited_defaults);
    tcase_add_loop_test(tc, geneve_cited_defaults, 0, 2);
    tcase_add_test(tc, required_and_overrides);
    tcase_add_loop_test(tc, replicas_and_unicast, 0, 2);
    tcase_add_loop_test(tc, stt_tso, 0, 2);
    tcase_add_test(tc, off_counts_nothing);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return nvo_test_run(suite());
}
