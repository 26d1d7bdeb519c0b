/* parse.c: "nvosim bench parse", the per-hop header parsing of a switch:
 * the parsers before issue 8 (net.c's outer_l3__, ecmp.c's own Ethernet /
 * IP walk, link.c's l2_len__: three parses per hop) against one
 * nvo_hdrs_parse() whose result ECMP and the link's MTU check share.
 *
 * The old code is kept here, as it was (a5bee45), as the reference: the
 * benchmark first checks that the new ECMP key is byte for byte the old
 * one on every frame it times, for several field sets and parser depths
 * and for every truncation of every frame, and fails (exit 1) otherwise;
 * --check-only stops there (ctest runs it so).  Then it times both paths
 * over the same frames (tenant IPv4/IPv6/VLAN frames and the seven
 * encapsulations), --repeat rounds of one old run then one new run, and
 * prints the best ns per frame of each and the median per-round ratio
 * old / new (above 1: the new path is faster). */
#include "bench.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/rng.h"
#include "fabric/ecmp.h"
#include "overlay/encap.h"
#include "wire/hdrs.h"
#include "wire/wire.h"

/* ---- The old parsers (reference) ---------------------------------------- */

struct keybuf {
    uint8_t *k;
    size_t n;
};

static inline void
put__(struct keybuf *kb, const uint8_t *p, size_t n)
{
    if (kb->n + n <= NVO_ECMP_KEY_MAX) {
        memcpy(kb->k + kb->n, p, n);
        kb->n += n;
    }
}

/* Parses an IP header at offset 'off' of 'f' (frame of 'len' readable
 * bytes) and adds the selected fields.  Sets *l4 to the L4 offset and
 * *proto, or returns false if not IP within 'len'. */
static bool
ip_fields__(const uint8_t *f, size_t len, size_t off, uint16_t ethertype,
            uint32_t want, struct keybuf *kb, size_t *l4, uint8_t *proto)
{
    if (ethertype == NVO_ETH_TYPE_IPV4) {
        if (off + 20 > len) {
            return false;
        }
        const uint8_t *ip = f + off;
        size_t ihl = (size_t) (ip[0] & 0x0f) * 4;
        if (want & NVO_ECMP_SRC_IP) {
            put__(kb, ip + 12, 4);
        }
        if (want & NVO_ECMP_DST_IP) {
            put__(kb, ip + 16, 4);
        }
        if (want & NVO_ECMP_PROTO) {
            put__(kb, ip + 9, 1);
        }
        *proto = ip[9];
        /* Non-first fragments carry no L4 header. */
        *l4 = (nvo_rd16(ip + 6) & 0x1fff) ? SIZE_MAX : off + ihl;
        return true;
    }
    if (ethertype == NVO_ETH_TYPE_IPV6) {
        if (off + 40 > len) {
            return false;
        }
        const uint8_t *ip = f + off;
        if (want & NVO_ECMP_SRC_IP) {
            put__(kb, ip + 8, 16);
        }
        if (want & NVO_ECMP_DST_IP) {
            put__(kb, ip + 24, 16);
        }
        if (want & NVO_ECMP_PROTO) {
            put__(kb, ip + 6, 1);
        }
        *proto = ip[6];
        *l4 = off + 40;
        return true;
    }
    return false;
}

static void
ports__(const uint8_t *f, size_t len, size_t l4, uint8_t proto, uint32_t want,
        struct keybuf *kb)
{
    if ((proto != NVO_IPPROTO_UDP && proto != NVO_IPPROTO_TCP)
        || l4 == SIZE_MAX || l4 + 4 > len) {
        return;
    }
    if (want & NVO_ECMP_SRC_PORT) {
        put__(kb, f + l4, 2);
    }
    if (want & NVO_ECMP_DST_PORT) {
        put__(kb, f + l4 + 2, 2);
    }
}

/* Skips an Ethernet header and its VLAN tags at 'off'; returns the offset
 * of what follows and its ethertype, or false. */
static bool
eth__(const uint8_t *f, size_t len, size_t *off, uint16_t *type)
{
    size_t o = *off + 12;
    for (;;) {
        if (o + 2 > len) {
            return false;
        }
        uint16_t t = nvo_rd16(f + o);
        if (t == NVO_ETH_TYPE_VLAN || t == NVO_ETH_TYPE_QINQ) {
            o += 4;
            continue;
        }
        *type = t;
        *off = o + 2;
        return true;
    }
}

/* Walks an MPLS label stack at 'off': adds the entropy label if wanted,
 * and returns the offset after the bottom of stack (or SIZE_MAX). */
static size_t
mpls__(const uint8_t *f, size_t len, size_t off, uint32_t want,
       struct keybuf *kb)
{
    bool after_eli = false;
    for (int i = 0; i < 16 && off + 4 <= len; i++) {
        uint32_t lse = nvo_rd32(f + off);
        uint32_t label = lse >> 12;
        if (after_eli && (want & NVO_ECMP_MPLS_EL)) {
            put__(kb, f + off, 3);      /* the 20-bit label (and TC) */
        }
        after_eli = label == 7;
        off += 4;
        if (lse & 0x100) {
            return off;
        }
    }
    return SIZE_MAX;
}

/* Adds the inner IP fields of the tenant frame, if one starts at 'off'
 * ('ethernet' says whether it starts with an Ethernet header or directly
 * with IP). */
static void
inner__(const uint8_t *f, size_t len, size_t off, bool ethernet,
        struct keybuf *kb)
{
    uint16_t type;
    if (ethernet) {
        if (!eth__(f, len, &off, &type)) {
            return;
        }
    } else {
        if (off >= len) {
            return;
        }
        uint8_t v = f[off] >> 4;
        type = v == 4 ? NVO_ETH_TYPE_IPV4 : v == 6 ? NVO_ETH_TYPE_IPV6 : 0;
    }
    size_t l4;
    uint8_t proto;
    if (ip_fields__(f, len, off, type, NVO_ECMP_5TUPLE, kb, &l4, &proto)) {
        ports__(f, len, l4, proto, NVO_ECMP_5TUPLE, kb);
    }
}

size_t
legacy_ecmp_key(const struct nvo_ecmp *e, const struct nvo_pkt *p,
             uint8_t key[NVO_ECMP_KEY_MAX])
{
    struct keybuf kb = { key, 0 };
    uint32_t want = e->cfg.fields;
    const uint8_t *f = p->data;
    /* The parser sees the real bytes up to its depth. */
    size_t len = NVO_MIN((size_t) p->size, (size_t) e->cfg.parser_depth);
    size_t off = 0;
    uint16_t type;
    if (!eth__(f, len, &off, &type)) {
        return 0;
    }
    if (type == NVO_ETH_TYPE_MPLS) {
        size_t after = mpls__(f, len, off, want, &kb);
        if ((want & NVO_ECMP_INNER) && after != SIZE_MAX) {
            inner__(f, len, after, false, &kb);
        }
        return kb.n;
    }
    size_t l4;
    uint8_t proto;
    if (!ip_fields__(f, len, off, type, want, &kb, &l4, &proto)) {
        return kb.n;
    }
    ports__(f, len, l4, proto, want, &kb);
    if (l4 == SIZE_MAX) {
        return kb.n;
    }

    if (proto == NVO_IPPROTO_GRE && l4 + 4 <= len) {
        uint16_t flags = nvo_rd16(f + l4);
        uint16_t gproto = nvo_rd16(f + l4 + 2);
        size_t o = l4 + 4 + ((flags & 0x8000) ? 4 : 0);
        if ((flags & 0x2000) && o + 4 <= len && (want & NVO_ECMP_GRE_KEY)) {
            put__(&kb, f + o, 4);
        }
        o += ((flags & 0x2000) ? 4 : 0) + ((flags & 0x1000) ? 4 : 0);
        if (gproto == NVO_ETH_TYPE_MPLS) {
            size_t after = mpls__(f, len, o, want, &kb);
            if ((want & NVO_ECMP_INNER) && after != SIZE_MAX) {
                inner__(f, len, after, false, &kb);
            }
        } else if (gproto == NVO_ETH_TYPE_TEB && (want & NVO_ECMP_INNER)) {
            inner__(f, len, o, true, &kb);          /* NVGRE */
        }
        return kb.n;
    }
    if (proto == NVO_IPPROTO_MPLS) {
        size_t after = mpls__(f, len, l4, want, &kb);
        if ((want & NVO_ECMP_INNER) && after != SIZE_MAX) {
            inner__(f, len, after, false, &kb);
        }
        return kb.n;
    }
    if (proto == NVO_IPPROTO_UDP && l4 + 8 <= len) {
        uint16_t dport = nvo_rd16(f + l4 + 2);
        size_t o = l4 + 8;
        if (dport == NVO_PORT_MPLS_UDP) {
            size_t after = mpls__(f, len, o, want, &kb);
            if ((want & NVO_ECMP_INNER) && after != SIZE_MAX) {
                inner__(f, len, after, false, &kb);
            }
        } else if (!(want & NVO_ECMP_INNER)) {
            /* nothing more */
        } else if (dport == NVO_PORT_VXLAN) {
            inner__(f, len, o + 8, true, &kb);
        } else if (dport == NVO_PORT_VXLAN_GPE && o + 8 <= len
                   && f[o + 3] == 3) {              /* next protocol: Ethernet */
            inner__(f, len, o + 8, true, &kb);
        } else if (dport == NVO_PORT_GENEVE && o + 8 <= len
                   && nvo_rd16(f + o + 2) == NVO_ETH_TYPE_TEB) {
            inner__(f, len, o + 8 + (size_t) (f[o] & 0x3f) * 4, true, &kb);
        }
        return kb.n;
    }
    if (proto == NVO_IPPROTO_TCP && (want & NVO_ECMP_INNER) && l4 + 20 <= len
        && nvo_rd16(f + l4 + 2) == NVO_PORT_STT) {
        /* STT: TCP-like header, then the 18-byte STT header (first
         * segment only: its offset field in the sequence number is 0). */
        size_t doff = (size_t) (f[l4 + 12] >> 4) * 4;
        if ((nvo_rd32(f + l4 + 4) & 0xffff) == 0) {
            inner__(f, len, l4 + doff + 18, true, &kb);
        }
    }
    return kb.n;
}

/* net.c's outer_l3__ (a5bee45). */
static inline uint32_t
legacy_outer_l3(const struct nvo_pkt *p, int *version)
{
    uint32_t off = 12;
    for (;;) {
        if (p->size < off + 2) {
            return 0;
        }
        uint16_t type = nvo_rd16(p->data + off);
        if (type == NVO_ETH_TYPE_VLAN || type == NVO_ETH_TYPE_QINQ) {
            off += 4;
            continue;
        }
        off += 2;
        if (type == NVO_ETH_TYPE_IPV4 && p->size >= off + 20) {
            *version = 4;
            return off;
        }
        if (type == NVO_ETH_TYPE_IPV6 && p->size >= off + 40) {
            *version = 6;
            return off;
        }
        return 0;
    }
}

/* link.c's l2_len__ (a5bee45). */
static uint32_t
legacy_l2_len(const struct nvo_pkt *p)
{
    uint32_t len = 14;
    while (p->size >= len + 4) {
        uint16_t type = nvo_rd16(p->data + len - 2);
        if (type != 0x8100 && type != 0x88a8) {
            break;
        }
        len += 4;
    }
    return len;
}

/* ---- Frames ------------------------------------------------------------- */

#define N_FRAMES 1024

static const struct nvo_encap_ops *const encaps[] = {
    NULL, &nvo_encap_vxlan_ops, &nvo_encap_geneve_ops, &nvo_encap_stt_ops,
    &nvo_encap_nvgre_ops, &nvo_encap_mpls_gre_ops, &nvo_encap_mpls_ip_ops,
    &nvo_encap_mpls_udp_ops,
};

/* Frame i: a tenant flow (IPv4 or IPv6, every third with a VLAN tag),
 * in encapsulation i % 8 (0 = none). */
static struct nvo_pkt *
make_frame(struct nvo_pkt_pool *pool, struct nvo_rng *rng, size_t i)
{
    struct nvo_pkt *p = nvo_pkt_alloc(pool, NVO_PKT_HEADROOM, 256);
    struct nvo_frame_spec s;
    memset(&s, 0, sizeof s);
    s.src_mac[0] = s.dst_mac[0] = 2;
    s.src_mac[5] = 1;
    s.dst_mac[5] = 2;
    s.ipv6 = i % 5 == 4;
    s.vlan = i % 3 == 0 ? (uint16_t) (1 + i % 4000) : 0;
    s.src_ip4 = 0xc0a80000 + (uint32_t) nvo_rng_below(rng, 65000);
    s.dst_ip4 = 0xc0a90000 + (uint32_t) nvo_rng_below(rng, 65000);
    s.src_ip6[0] = s.dst_ip6[0] = 0xfd;
    nvo_wr32(s.src_ip6 + 12, s.src_ip4);
    nvo_wr32(s.dst_ip6 + 12, s.dst_ip4);
    s.proto = i % 2 ? NVO_IPPROTO_TCP : NVO_IPPROTO_UDP;
    s.sport = (uint16_t) (1024 + nvo_rng_below(rng, 60000));
    s.dport = 80;
    p->payload_size = 1000;
    if (nvo_wire_build_frame(p, &s)) {
        abort();
    }
    const struct nvo_encap_ops *ops = encaps[i % NVO_ARRAY_SIZE(encaps)];
    if (ops) {
        struct nvo_tunnel t;
        struct nvo_tunnel_cfg cfg;
        memset(&cfg, 0, sizeof cfg);
        cfg.src_ip4 = 0x0a000001 + (uint32_t) (i % 7);
        cfg.dst_ip4 = 0x0a000101;
        cfg.vni = 5001;
        cfg.labels[0] = 1001;
        cfg.n_labels = 1;
        cfg.entropy_label = i % 2 == 0;
        if (nvo_tunnel_build(&t, ops, &cfg)) {
            abort();
        }
        t.ops->push(&t, p);
    }
    return p;
}

/* ---- Check -------------------------------------------------------------- */

static const uint32_t field_sets[] = {
    NVO_ECMP_5TUPLE,
    NVO_ECMP_SRC_IP | NVO_ECMP_DST_IP | NVO_ECMP_PROTO,
    NVO_ECMP_5TUPLE | NVO_ECMP_GRE_KEY | NVO_ECMP_MPLS_EL | NVO_ECMP_INNER,
    NVO_ECMP_DST_PORT | NVO_ECMP_INNER,
};
static const uint32_t depths[] = { 256, 128, 86, 64, 40, 20 };

/* Compares old and new keys for every field set, depth and truncation of
 * every frame.  Returns the number of mismatches; *n_cmp the keys
 * compared. */
static uint64_t
check__(struct nvo_pkt **frames, size_t n, uint64_t *n_cmp)
{
    uint64_t bad = 0;
    *n_cmp = 0;
    for (size_t f = 0; f < NVO_ARRAY_SIZE(field_sets); f++) {
        for (size_t d = 0; d < NVO_ARRAY_SIZE(depths); d++) {
            struct nvo_ecmp e;
            struct nvo_ecmp_cfg cfg = { NVO_HASH_CRC32, field_sets[f],
                                        depths[d] };
            nvo_ecmp_init(&e, &cfg, 0);
            for (size_t i = 0; i < n; i++) {
                struct nvo_pkt *p = frames[i];
                uint32_t size = p->size;
                for (uint32_t m = 0; m <= size; m++) {
                    p->size = m;
                    uint8_t k_old[NVO_ECMP_KEY_MAX], k_new[NVO_ECMP_KEY_MAX];
                    size_t n_old = legacy_ecmp_key(&e, p, k_old);
                    struct nvo_hdrs h;
                    nvo_hdrs_parse(p, &h);
                    size_t n_new = nvo_ecmp_key_hdrs(&e, p, &h, k_new);
                    int v;
                    bool same = n_old == n_new && !memcmp(k_old, k_new, n_old)
                                && legacy_l2_len(p)
                                   == nvo_hdrs_l2_len(p->data, p->size)
                                && (legacy_outer_l3(p, &v) != 0)
                                   == (h.ip_version != 0);
                    if (!same && bad++ < 5) {
                        fprintf(stderr, "nvosim bench parse: frame %zu "
                                "(%u of %u bytes), fields 0x%x, depth %u: "
                                "old key %zu bytes, new %zu\n", i, m, size,
                                field_sets[f], depths[d], n_old, n_new);
                    }
                    (*n_cmp)++;
                }
                p->size = size;
            }
        }
    }
    return bad;
}

/* ---- Timing ------------------------------------------------------------- */

static double
now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static volatile uint64_t sink;

/* One hop, old: net.c's L3 lookup parse, ECMP's own parse, link.c's. */
static uint64_t
hop_old(const struct nvo_ecmp *e, struct nvo_pkt *const *frames, size_t n)
{
    uint64_t acc = 0;
    for (size_t i = 0; i < n; i++) {
        const struct nvo_pkt *p = frames[i];
        int v = 0;
        uint32_t l3 = legacy_outer_l3(p, &v);
        uint8_t key[NVO_ECMP_KEY_MAX];
        size_t len = legacy_ecmp_key(e, p, key);
        acc += l3 + (uint32_t) v + nvo_ecmp_hash(e, key, len) % 8
               + legacy_l2_len(p);
    }
    return acc;
}

/* One hop, new: one parse, shared by the lookup and ECMP; the link's MTU
 * check still takes its own L2 length (link.c's API is unchanged). */
static uint64_t
hop_new(const struct nvo_ecmp *e, struct nvo_pkt *const *frames, size_t n)
{
    uint64_t acc = 0;
    for (size_t i = 0; i < n; i++) {
        const struct nvo_pkt *p = frames[i];
        struct nvo_hdrs h;
        nvo_hdrs_parse(p, &h);
        uint32_t l3 = h.ip_version ? h.l3 : 0;
        uint8_t key[NVO_ECMP_KEY_MAX];
        size_t len = nvo_ecmp_key_hdrs(e, p, &h, key);
        acc += l3 + h.ip_version + nvo_ecmp_hash(e, key, len) % 8
               + nvo_hdrs_l2_len(p->data, p->size);     /* link.c's */
    }
    return acc;
}

typedef uint64_t hop_fn(const struct nvo_ecmp *, struct nvo_pkt *const *,
                        size_t);

static double
time_ns(hop_fn *fn, const struct nvo_ecmp *e, struct nvo_pkt *const *frames,
        size_t n, uint64_t rounds)
{
    double t0 = now_ns();
    uint64_t acc = 0;
    for (uint64_t r = 0; r < rounds; r++) {
        acc += fn(e, frames, n);
    }
    sink += acc;
    return (now_ns() - t0) / ((double) rounds * n);
}

static void
usage(void)
{
    printf("usage: nvosim bench parse [OPTIONS]\n\n"
           "Per-hop header parsing: three parsers (before) against one\n"
           "shared nvo_hdrs_parse(), on %d frames (tenant and 7\n"
           "encapsulations).  Checks first that the ECMP keys agree.\n\n"
           "  --rounds N      passes over the frames per run (default 1000)\n"
           "  --repeat N      rounds of old then new (default 9, at most 64)\n"
           "  --check-only    only the key comparison\n"
           "  -h, --help      this text\n", N_FRAMES);
}

int
nvo_bench_parse_main(int argc, char **argv)
{
    uint64_t rounds = 1000, repeat = 9;
    bool check_only = false;
    static const char *const with_value[] = { "--rounds", "--repeat" };
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        if (!strcmp(opt, "-h") || !strcmp(opt, "--help")) {
            usage();
            return 0;
        }
        if (!strcmp(opt, "--check-only")) {
            check_only = true;
            continue;
        }
        const char *val;
        int k = nvo_bench_opt_value(argc, argv, &i, with_value,
                                    NVO_ARRAY_SIZE(with_value), &val);
        uint64_t *dst = k == 0 ? &rounds : k == 1 ? &repeat : NULL;
        if (k < 0 || !dst || !nvo_bench_parse_count(val, 1, 1000000000, dst)) {
            fprintf(stderr, "nvosim bench parse: bad option \"%s\" "
                    "(see --help)\n", opt);
            return 2;
        }
    }

    struct nvo_pkt_pool pool;
    nvo_pkt_pool_init(&pool);
    struct nvo_rng rng;
    nvo_rng_init(&rng, 1, 1, "bench-parse");
    static struct nvo_pkt *frames[N_FRAMES];
    for (size_t i = 0; i < N_FRAMES; i++) {
        frames[i] = make_frame(&pool, &rng, i);
    }
    uint64_t n_cmp;
    uint64_t bad = check__(frames, N_FRAMES, &n_cmp);
    printf("keys compared: %" PRIu64 " (4 field sets x 6 depths x every "
           "truncation of %d frames), mismatches: %" PRIu64 "\n", n_cmp,
           N_FRAMES, bad);
    int rc = bad ? 1 : 0;
    if (!bad && !check_only) {
        struct nvo_ecmp e;
        struct nvo_ecmp_cfg cfg = { NVO_HASH_CRC32, NVO_ECMP_5TUPLE, 128 };
        nvo_ecmp_init(&e, &cfg, 7);
        if (hop_old(&e, frames, N_FRAMES) == 0) {
            abort();
        }
        double best_old = 1e18, best_new = 1e18, ratios[64];
        repeat = NVO_MIN(repeat, (uint64_t) NVO_ARRAY_SIZE(ratios));
        for (uint64_t r = 0; r < repeat; r++) {
            double t_old = time_ns(hop_old, &e, frames, N_FRAMES, rounds);
            double t_new = time_ns(hop_new, &e, frames, N_FRAMES, rounds);
            best_old = NVO_MIN(best_old, t_old);
            best_new = NVO_MIN(best_new, t_new);
            /* Insertion sort of the per-round ratios (a round is one old
             * run and the new run right after it). */
            double q = t_old / t_new;
            uint64_t j = r;
            for (; j > 0 && ratios[j - 1] > q; j--) {
                ratios[j] = ratios[j - 1];
            }
            ratios[j] = q;
        }
        printf("per hop (parse + 5-tuple CRC-32 ECMP + MTU L2 length), "
               "ns/frame, best of %" PRIu64 " rounds:\n"
               "  old (3 parsers)       %6.1f\n"
               "  new (nvo_hdrs_parse)  %6.1f\n"
               "  ratio old/new: median %.2f, range %.2f-%.2f\n", repeat,
               best_old, best_new, ratios[repeat / 2], ratios[0],
               ratios[repeat - 1]);
    }
    for (size_t i = 0; i < N_FRAMES; i++) {
        nvo_pkt_free(frames[i]);
    }
    nvo_pkt_pool_destroy(&pool);
    return rc;
}
