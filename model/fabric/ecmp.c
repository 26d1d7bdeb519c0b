/* ecmp.c: ECMP next-hop selection: the fields a switch hashes (outer
 * 5-tuple, GRE key, MPLS entropy label of RFC 6790, inner headers behind
 * VXLAN / VXLAN-GPE / Geneve / NVGRE / STT / MPLS within the parser depth)
 * and the hash functions (CRC-32, CRC-16-CCITT, Toeplitz as in Microsoft
 * RSS, XOR-fold, Jenkins lookup3).  See ecmp.h. */
#include "fabric/ecmp.h"

#include <stddef.h>
#include <stdio.h>

#include "wire/hdrs.h"
#include "wire/wire.h"

static const char *const fn_names[NVO_HASH_N] = {
    [NVO_HASH_CRC32] = "crc32",
    [NVO_HASH_CRC16] = "crc16",
    [NVO_HASH_TOEPLITZ] = "toeplitz",
    [NVO_HASH_XOR_FOLD] = "xor-fold",
    [NVO_HASH_JENKINS] = "jenkins",
    [NVO_HASH_RANDOM] = "random",
};

const char *
nvo_hash_fn_name(enum nvo_hash_fn fn)
{
    return fn < NVO_HASH_N ? fn_names[fn] : "?";
}

bool
nvo_hash_fn_from_name(const char *name, enum nvo_hash_fn *fn)
{
    for (int i = 0; i < NVO_HASH_N; i++) {
        if (!strcmp(name, fn_names[i])) {
            *fn = (enum nvo_hash_fn) i;
            return true;
        }
    }
    return false;
}

static const struct {
    const char *name;
    uint32_t bits;
} field_names[] = {
    { "src-ip", NVO_ECMP_SRC_IP }, { "dst-ip", NVO_ECMP_DST_IP },
    { "proto", NVO_ECMP_PROTO }, { "src-port", NVO_ECMP_SRC_PORT },
    { "dst-port", NVO_ECMP_DST_PORT }, { "gre-key", NVO_ECMP_GRE_KEY },
    { "mpls-el", NVO_ECMP_MPLS_EL }, { "inner", NVO_ECMP_INNER },
    { "5-tuple", NVO_ECMP_5TUPLE },
    { "3-tuple", NVO_ECMP_SRC_IP | NVO_ECMP_DST_IP | NVO_ECMP_PROTO },
};

bool
nvo_ecmp_fields_parse(const char *s, uint32_t *fields)
{
    uint32_t f = 0;
    char word[32];
    while (*s) {
        while (*s == ',' || *s == ' ' || *s == '\t' || *s == '\n') {
            s++;
        }
        if (!*s) {
            break;
        }
        size_t n = 0;
        while (*s && *s != ',' && *s != ' ' && *s != '\t' && *s != '\n') {
            if (n + 1 >= sizeof word) {
                return false;
            }
            word[n++] = *s++;
        }
        word[n] = '\0';
        size_t i;
        for (i = 0; i < NVO_ARRAY_SIZE(field_names); i++) {
            if (!strcmp(word, field_names[i].name)) {
                f |= field_names[i].bits;
                break;
            }
        }
        if (i == NVO_ARRAY_SIZE(field_names)) {
            return false;
        }
    }
    if (!f) {
        return false;
    }
    *fields = f;
    return true;
}

char *
nvo_ecmp_fields_format(uint32_t fields, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < 8; i++) {
        if (fields & field_names[i].bits) {
            int n = snprintf(buf + len, size - len, "%s%s", len ? "," : "",
                             field_names[i].name);
            if (n < 0 || (size_t) n >= size - len) {
                break;
            }
            len += (size_t) n;
        }
    }
    return buf;
}

/* ---- Hash functions ----------------------------------------------------- */

/* crc32_table[0] is the byte-wise table; [1..3] advance it by 1 to 3
 * more zero bytes, for four bytes per step ("slicing-by-4"). */
static uint32_t crc32_table[4][256];
static uint16_t crc16_table[256];
static bool tables_ready;

static void
tables_init__(void)
{
    if (tables_ready) {
        return;
    }
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) {
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        }
        crc32_table[0][i] = c;
        uint16_t d = (uint16_t) (i << 8);
        for (int k = 0; k < 8; k++) {
            d = d & 0x8000 ? (uint16_t) ((d << 1) ^ 0x1021) : (uint16_t) (d << 1);
        }
        crc16_table[i] = d;
    }
    for (uint32_t i = 0; i < 256; i++) {
        for (int k = 1; k < 4; k++) {
            uint32_t c = crc32_table[k - 1][i];
            crc32_table[k][i] = (c >> 8) ^ crc32_table[0][c & 0xff];
        }
    }
    tables_ready = true;
}

/* CRC-32 (IEEE 802.3, reflected 0xEDB88320); seed 0 is the standard
 * CRC-32 (initial value and final XOR 0xFFFFFFFF). */
static uint32_t
hash_crc32__(const uint8_t *p, size_t n, uint32_t seed)
{
    uint32_t c = ~seed;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        /* The next four bytes, first byte lowest (the CRC is reflected). */
        c ^= (uint32_t) p[i] | (uint32_t) p[i + 1] << 8
             | (uint32_t) p[i + 2] << 16 | (uint32_t) p[i + 3] << 24;
        c = crc32_table[3][c & 0xff] ^ crc32_table[2][(c >> 8) & 0xff]
            ^ crc32_table[1][(c >> 16) & 0xff] ^ crc32_table[0][c >> 24];
    }
    for (; i < n; i++) {
        c = crc32_table[0][(c ^ p[i]) & 0xff] ^ (c >> 8);
    }
    return ~c;
}

/* CRC-16-CCITT (polynomial 0x1021, not reflected); seed 0 gives
 * CRC-16/CCITT-FALSE (initial value 0xFFFF). */
static uint32_t
hash_crc16__(const uint8_t *p, size_t n, uint32_t seed)
{
    uint16_t c = (uint16_t) (0xffff ^ seed);
    for (size_t i = 0; i < n; i++) {
        c = (uint16_t) ((c << 8) ^ crc16_table[((c >> 8) ^ p[i]) & 0xff]);
    }
    return c;
}

/* Toeplitz (Microsoft RSS): for every set bit of the input, XOR in the 32
 * key bits that start at that bit position. */
static uint32_t
hash_toeplitz__(const uint8_t *p, size_t n, const uint8_t *key)
{
    uint32_t result = 0;
    uint32_t window = nvo_rd32(key);
    for (size_t i = 0; i < n; i++) {
        uint8_t next = key[i + 4];
        for (int b = 7; b >= 0; b--) {
            if (p[i] & (1u << b)) {
                result ^= window;
            }
            window = (window << 1) | ((next >> b) & 1);
        }
    }
    return result;
}

/* XOR of the input's 32-bit words and the seed, folded to 16 bits. */
static uint32_t
hash_xor_fold__(const uint8_t *p, size_t n, uint32_t seed)
{
    uint32_t x = seed;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        x ^= nvo_rd32(p + i);
    }
    uint8_t tail[4] = { 0 };
    memcpy(tail, p + i, n - i);
    x ^= nvo_rd32(tail);
    return (x >> 16) ^ (x & 0xffff);
}

#define ROT(x, k) (((x) << (k)) | ((x) >> (32 - (k))))

/* Bob Jenkins' lookup3 hashlittle() (public domain, 2006), byte-wise. */
static uint32_t
hash_jenkins__(const uint8_t *k, size_t length, uint32_t initval)
{
    uint32_t a, b, c;
    a = b = c = 0xdeadbeef + (uint32_t) length + initval;
    while (length > 12) {
        a += k[0] + ((uint32_t) k[1] << 8) + ((uint32_t) k[2] << 16)
             + ((uint32_t) k[3] << 24);
        b += k[4] + ((uint32_t) k[5] << 8) + ((uint32_t) k[6] << 16)
             + ((uint32_t) k[7] << 24);
        c += k[8] + ((uint32_t) k[9] << 8) + ((uint32_t) k[10] << 16)
             + ((uint32_t) k[11] << 24);
        a -= c; a ^= ROT(c, 4); c += b;
        b -= a; b ^= ROT(a, 6); a += c;
        c -= b; c ^= ROT(b, 8); b += a;
        a -= c; a ^= ROT(c, 16); c += b;
        b -= a; b ^= ROT(a, 19); a += c;
        c -= b; c ^= ROT(b, 4); b += a;
        length -= 12;
        k += 12;
    }
    switch (length) {
    case 12: c += (uint32_t) k[11] << 24; /* fall through */
    case 11: c += (uint32_t) k[10] << 16; /* fall through */
    case 10: c += (uint32_t) k[9] << 8;   /* fall through */
    case 9: c += k[8];                    /* fall through */
    case 8: b += (uint32_t) k[7] << 24;   /* fall through */
    case 7: b += (uint32_t) k[6] << 16;   /* fall through */
    case 6: b += (uint32_t) k[5] << 8;    /* fall through */
    case 5: b += k[4];                    /* fall through */
    case 4: a += (uint32_t) k[3] << 24;   /* fall through */
    case 3: a += (uint32_t) k[2] << 16;   /* fall through */
    case 2: a += (uint32_t) k[1] << 8;    /* fall through */
    case 1: a += k[0]; break;
    case 0: return c;
    }
    c ^= b; c -= ROT(b, 14);
    a ^= c; a -= ROT(c, 11);
    b ^= a; b -= ROT(a, 25);
    c ^= b; c -= ROT(b, 16);
    a ^= c; a -= ROT(c, 4);
    b ^= a; b -= ROT(a, 14);
    c ^= b; c -= ROT(b, 24);
    return c;
}

/* The Microsoft RSS verification key. */
static const uint8_t ms_rss_key[40] = {
    0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67,
    0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb,
    0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30,
    0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

void
nvo_ecmp_init(struct nvo_ecmp *e, const struct nvo_ecmp_cfg *cfg,
              uint32_t seed)
{
    tables_init__();
    e->cfg = *cfg;
    e->seed = seed;
    /* Toeplitz key: seed 0 starts with Microsoft's key; another seed
     * makes every byte from SplitMix64 of the seed. */
    uint64_t x = seed;
    for (size_t i = 0; i < sizeof e->toeplitz_key; i++) {
        if (seed == 0 && i < sizeof ms_rss_key) {
            e->toeplitz_key[i] = ms_rss_key[i];
            continue;
        }
        uint64_t z = (x += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        e->toeplitz_key[i] = (uint8_t) (z ^ (z >> 31));
    }
}

uint32_t
nvo_ecmp_hash(const struct nvo_ecmp *e, const uint8_t *key, size_t len)
{
    switch (e->cfg.fn) {
    case NVO_HASH_CRC32: return hash_crc32__(key, len, e->seed);
    case NVO_HASH_CRC16: return hash_crc16__(key, len, e->seed);
    case NVO_HASH_TOEPLITZ: return hash_toeplitz__(key, len, e->toeplitz_key);
    case NVO_HASH_XOR_FOLD: return hash_xor_fold__(key, len, e->seed);
    case NVO_HASH_JENKINS: return hash_jenkins__(key, len, e->seed);
    case NVO_HASH_RANDOM:
    case NVO_HASH_N:
        break;
    }
    return 0;
}

/* ---- Fields ------------------------------------------------------------- */

struct keybuf {
    uint8_t *k;
    size_t n;
};

static inline __attribute__((always_inline)) void
put__(struct keybuf *kb, const uint8_t *p, size_t n)
{
    if (kb->n + n <= NVO_ECMP_KEY_MAX) {
        memcpy(kb->k + kb->n, p, n);
        kb->n += n;
    }
}

/* Adds the selected IP fields of the frame parsed into 'h' (offsets from
 * 'f'; 'len' bytes readable).  Returns false if there is no IP header
 * within 'len'.  The protocol hashed is the IP header's own field (for
 * IPv6 the Next Header, before extension headers). */
static inline __attribute__((always_inline)) bool
ip_fields__(const uint8_t *f, size_t len, const struct nvo_hdrs *h,
            uint32_t want, struct keybuf *kb)
{
    if (h->ip_version == 4) {
        if ((size_t) h->l3 + NVO_IPV4_LEN > len) {
            return false;
        }
        if (want & NVO_ECMP_SRC_IP) {
            put__(kb, f + h->src, 4);
        }
        if (want & NVO_ECMP_DST_IP) {
            put__(kb, f + h->dst, 4);
        }
    } else if (h->ip_version == 6) {
        if ((size_t) h->l3 + NVO_IPV6_LEN > len) {
            return false;
        }
        if (want & NVO_ECMP_SRC_IP) {
            put__(kb, f + h->src, 16);
        }
        if (want & NVO_ECMP_DST_IP) {
            put__(kb, f + h->dst, 16);
        }
    } else {
        return false;
    }
    if (want & NVO_ECMP_PROTO) {
        put__(kb, &h->ip_next, 1);
    }
    return true;
}

/* The offset of the header after the IP header proper, as the hash uses
 * it: SIZE_MAX for a later fragment, a bad header, or IPv6 extension
 * headers (which the hash does not walk: only their type is hashed). */
static inline size_t
l4_of__(const struct nvo_hdrs *h)
{
    return h->l4 == NVO_HDRS_NONE || h->ip_next != h->proto ? SIZE_MAX
                                                             : h->l4;
}

static inline __attribute__((always_inline)) void
ports__(size_t len, const struct nvo_hdrs *h, uint32_t want,
        struct keybuf *kb)
{
    size_t l4 = l4_of__(h);
    if ((h->ip_next != NVO_IPPROTO_UDP && h->ip_next != NVO_IPPROTO_TCP)
        || l4 == SIZE_MAX || l4 + 4 > len || !h->ports) {
        return;
    }
    uint8_t b[2];
    if (want & NVO_ECMP_SRC_PORT) {
        nvo_wr16(b, h->sport);
        put__(kb, b, 2);
    }
    if (want & NVO_ECMP_DST_PORT) {
        nvo_wr16(b, h->dport);
        put__(kb, b, 2);
    }
}

/* Walks an MPLS label stack at 'off': adds the entropy label if wanted,
 * and returns the offset after the bottom of stack (or SIZE_MAX). */
static size_t
mpls__(const uint8_t *f, size_t len, size_t off, uint32_t want,
       struct keybuf *kb)
{
    bool after_eli = false;
    for (int i = 0; i < 16 && off + NVO_MPLS_LSE_LEN <= len; i++) {
        uint32_t lse = nvo_rd32(f + off);
        if (after_eli && (want & NVO_ECMP_MPLS_EL)) {
            put__(kb, f + off, 3);      /* the 20-bit label (and TC) */
        }
        after_eli = NVO_MPLS_LSE_LABEL(lse) == NVO_MPLS_LABEL_ELI;
        off += NVO_MPLS_LSE_LEN;
        if (lse & NVO_MPLS_LSE_S) {
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
    if (off >= len) {
        return;
    }
    struct nvo_hdrs h;
    if (ethernet) {
        if (nvo_hdrs_parse_eth(f + off, len - off, &h) == NVO_HDRS_BAD_L2) {
            return;
        }
    } else {
        nvo_hdrs_parse_ip(f + off, len - off, &h);
    }
    if (ip_fields__(f + off, len - off, &h, NVO_ECMP_5TUPLE, kb)) {
        ports__(len - off, &h, NVO_ECMP_5TUPLE, kb);
    }
}

/* The MPLS stack at 'off' and, if wanted, the IP packet below it. */
static void
mpls_inner__(const uint8_t *f, size_t len, size_t off, uint32_t want,
             struct keybuf *kb)
{
    size_t after = mpls__(f, len, off, want, kb);
    if ((want & NVO_ECMP_INNER) && after != SIZE_MAX) {
        inner__(f, len, after, false, kb);
    }
}

size_t
nvo_ecmp_key_hdrs(const struct nvo_ecmp *e, const struct nvo_pkt *p,
                  const struct nvo_hdrs *h, uint8_t key[NVO_ECMP_KEY_MAX])
{
    struct keybuf kb = { key, 0 };
    uint32_t want = e->cfg.fields;
    const uint8_t *f = p->data;
    /* The parser sees the real bytes up to its depth. */
    size_t len = NVO_MIN((size_t) p->size, (size_t) e->cfg.parser_depth);
    if (h->l3 == NVO_HDRS_NONE || h->l3 > len) {
        return 0;
    }
    if (h->eth_type == NVO_ETH_TYPE_MPLS) {
        mpls_inner__(f, len, h->l3, want, &kb);
        return kb.n;
    }
    if (!ip_fields__(f, len, h, want, &kb)) {
        return kb.n;
    }
    ports__(len, h, want, &kb);
    size_t l4 = l4_of__(h);
    if (l4 == SIZE_MAX) {
        return kb.n;
    }

    if (h->ip_next == NVO_IPPROTO_GRE && l4 + NVO_GRE_LEN <= len) {
        uint16_t flags = nvo_rd16(f + l4 + offsetof(struct nvo_gre_header,
                                                    flags));
        uint16_t gproto = nvo_rd16(f + l4 + offsetof(struct nvo_gre_header,
                                                     proto));
        /* Optional fields in order: checksum+reserved, key, sequence. */
        size_t o = l4 + NVO_GRE_LEN + ((flags & NVO_GRE_C) ? 4 : 0);
        if ((flags & NVO_GRE_K) && o + 4 <= len && (want & NVO_ECMP_GRE_KEY)) {
            put__(&kb, f + o, 4);
        }
        o += ((flags & NVO_GRE_K) ? 4 : 0) + ((flags & NVO_GRE_S) ? 4 : 0);
        if (gproto == NVO_ETH_TYPE_MPLS) {
            mpls_inner__(f, len, o, want, &kb);
        } else if (gproto == NVO_ETH_TYPE_TEB && (want & NVO_ECMP_INNER)) {
            inner__(f, len, o, true, &kb);          /* NVGRE */
        }
        return kb.n;
    }
    if (h->ip_next == NVO_IPPROTO_MPLS) {
        mpls_inner__(f, len, l4, want, &kb);
        return kb.n;
    }
    if (h->ip_next == NVO_IPPROTO_UDP && l4 + NVO_UDP_LEN <= len) {
        size_t o = l4 + NVO_UDP_LEN;
        const uint8_t *x = f + o;       /* the encapsulation header */
        bool x_ok = o + NVO_VXLAN_LEN <= len;   /* = NVO_GENEVE_LEN */
        if (h->dport == NVO_PORT_MPLS_UDP) {
            mpls_inner__(f, len, o, want, &kb);
        } else if (!(want & NVO_ECMP_INNER)) {
            /* nothing more */
        } else if (h->dport == NVO_PORT_VXLAN) {
            inner__(f, len, o + NVO_VXLAN_LEN, true, &kb);
        } else if (h->dport == NVO_PORT_VXLAN_GPE && x_ok
                   && (nvo_rd32(x + offsetof(struct nvo_vxlan_header, flags))
                       & 0xff) == NVO_VXLAN_GPE_NP_ETH) {
            inner__(f, len, o + NVO_VXLAN_LEN, true, &kb);
        } else if (h->dport == NVO_PORT_GENEVE && x_ok
                   && nvo_rd16(x + offsetof(struct nvo_geneve_header, proto))
                      == NVO_ETH_TYPE_TEB) {
            size_t opts = (size_t) (x[offsetof(struct nvo_geneve_header,
                                               ver_opt_len)] & 0x3f) * 4;
            inner__(f, len, o + NVO_GENEVE_LEN + opts, true, &kb);
        }
        return kb.n;
    }
    if (h->ip_next == NVO_IPPROTO_TCP && (want & NVO_ECMP_INNER)
        && l4 + NVO_TCP_LEN <= len && h->dport == NVO_PORT_STT) {
        /* STT: TCP-like header, then the 18-byte STT header (first
         * segment only: its offset field in the sequence number is 0). */
        const uint8_t *t = f + l4;
        size_t doff = (size_t) (nvo_rd16(t + offsetof(struct nvo_tcp_header,
                                                      off_flags)) >> 12) * 4;
        if ((nvo_rd32(t + offsetof(struct nvo_tcp_header, seq)) & 0xffff)
            == 0) {
            inner__(f, len, l4 + doff + NVO_STT_LEN, true, &kb);
        }
    }
    return kb.n;
}

size_t
nvo_ecmp_key(const struct nvo_ecmp *e, const struct nvo_pkt *p,
             uint8_t key[NVO_ECMP_KEY_MAX])
{
    struct nvo_hdrs h;
    nvo_hdrs_parse(p, &h);
    return nvo_ecmp_key_hdrs(e, p, &h, key);
}

uint32_t
nvo_ecmp_select_hdrs(const struct nvo_ecmp *e, const struct nvo_pkt *p,
                     const struct nvo_hdrs *h, uint32_t n,
                     struct nvo_rng *rng)
{
    if (n <= 1) {
        return 0;
    }
    if (e->cfg.fn == NVO_HASH_RANDOM) {
        return (uint32_t) nvo_rng_below(rng, n);
    }
    uint8_t key[NVO_ECMP_KEY_MAX];
    size_t len = nvo_ecmp_key_hdrs(e, p, h, key);
    return nvo_ecmp_hash(e, key, len) % n;
}

uint32_t
nvo_ecmp_select(const struct nvo_ecmp *e, const struct nvo_pkt *p,
                uint32_t n, struct nvo_rng *rng)
{
    if (n <= 1) {
        return 0;               /* no parse needed */
    }
    struct nvo_hdrs h;
    nvo_hdrs_parse(p, &h);
    return nvo_ecmp_select_hdrs(e, p, &h, n, rng);
}
