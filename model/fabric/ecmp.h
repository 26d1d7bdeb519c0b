/* ecmp.h: equal-cost multipath selection as switches compute it.
 *
 * A switch hashes configured fields of the frame it forwards (outer
 * source/destination address, IP protocol, L4 ports; optionally the GRE
 * key, the MPLS entropy label, or the inner headers behind a known
 * encapsulation as far as its parser reaches) with a configured function
 * and seed, and takes the hash modulo the number of equal-cost next hops.
 * One seed for the whole fabric makes every tier compute the same hash,
 * which polarizes traffic across tiers; a seed per switch removes that.
 * "random" sprays each packet to a random next hop (ns-3's
 * RandomEcmpRouting), the baseline that ignores flows. */
#ifndef NVO_ECMP_H
#define NVO_ECMP_H

#include "core/nvo.h"
#include "wire/hdrs.h"
#include "wire/pkt.h"
#include "core/rng.h"

enum nvo_hash_fn {
    NVO_HASH_CRC32,         /* CRC-32 (IEEE 802.3 polynomial), seed = init */
    NVO_HASH_CRC16,         /* CRC-16-CCITT, seed = init */
    NVO_HASH_TOEPLITZ,      /* Microsoft RSS Toeplitz, key from the seed */
    NVO_HASH_XOR_FOLD,      /* XOR of the key's 32-bit words and the seed,
                             * folded to 16 bits (cheap ASIC hash) */
    NVO_HASH_JENKINS,       /* Bob Jenkins' lookup3 hashlittle, seed = initval */
    NVO_HASH_RANDOM,        /* per-packet random spraying (no hash) */
    NVO_HASH_N
};

const char *nvo_hash_fn_name(enum nvo_hash_fn);
/* Returns true and sets *fn if 'name' names a function. */
bool nvo_hash_fn_from_name(const char *name, enum nvo_hash_fn *fn);

/* Fields a switch may hash (a bit set). */
enum nvo_ecmp_field {
    NVO_ECMP_SRC_IP   = 1 << 0,
    NVO_ECMP_DST_IP   = 1 << 1,
    NVO_ECMP_PROTO    = 1 << 2,
    NVO_ECMP_SRC_PORT = 1 << 3,
    NVO_ECMP_DST_PORT = 1 << 4,
    NVO_ECMP_GRE_KEY  = 1 << 5,     /* the 32-bit GRE key, if present */
    NVO_ECMP_MPLS_EL  = 1 << 6,     /* the entropy label below an ELI */
    NVO_ECMP_INNER    = 1 << 7,     /* inner IP addresses, protocol and
                                     * ports behind VXLAN, VXLAN-GPE,
                                     * Geneve, NVGRE, STT, MPLS, within the
                                     * parser depth */
};
#define NVO_ECMP_5TUPLE (NVO_ECMP_SRC_IP | NVO_ECMP_DST_IP | NVO_ECMP_PROTO \
                         | NVO_ECMP_SRC_PORT | NVO_ECMP_DST_PORT)

/* Parses "src-ip,dst-ip,proto,src-port,dst-port,gre-key,mpls-el,inner"
 * (any subset, comma or space separated; "5-tuple" and "3-tuple" are
 * shorthands).  Returns true and sets *fields, or false. */
bool nvo_ecmp_fields_parse(const char *s, uint32_t *fields);
/* Formats a field set as a comma-separated list into buf. */
char *nvo_ecmp_fields_format(uint32_t fields, char *buf, size_t size);

struct nvo_ecmp_cfg {
    enum nvo_hash_fn fn;
    uint32_t fields;            /* NVO_ECMP_* bits */
    uint32_t parser_depth;      /* bytes from the frame start the parser
                                 * reads; fields beyond it are not hashed */
};

#define NVO_ECMP_KEY_MAX 96

/* One switch's hasher: the configuration and its seed. */
struct nvo_ecmp {
    struct nvo_ecmp_cfg cfg;
    uint32_t seed;
    uint8_t toeplitz_key[NVO_ECMP_KEY_MAX + 4]; /* seed 0: Microsoft's
                                 * 40-byte RSS key, then bytes derived from
                                 * the seed to cover any hash input */
};

/* Sets up a hasher with 'cfg' and 'seed'. */
void nvo_ecmp_init(struct nvo_ecmp *, const struct nvo_ecmp_cfg *,
                   uint32_t seed);

/* Writes the configured fields of the frame at p->data (starting with its
 * Ethernet header) into key[] and returns the key's length. */
size_t nvo_ecmp_key(const struct nvo_ecmp *, const struct nvo_pkt *,
                    uint8_t key[NVO_ECMP_KEY_MAX]);

/* nvo_ecmp_key() with the outer headers already parsed by
 * nvo_hdrs_parse(p, h): the switch parses once where the frame enters and
 * passes the result here (and to forwarding).  Same key, same bytes. */
size_t nvo_ecmp_key_hdrs(const struct nvo_ecmp *, const struct nvo_pkt *,
                         const struct nvo_hdrs *,
                         uint8_t key[NVO_ECMP_KEY_MAX]);

/* The hash of a key. */
uint32_t nvo_ecmp_hash(const struct nvo_ecmp *, const uint8_t *key,
                       size_t len);

/* Chooses one of 'n' (>= 1) next hops for 'p': hash % n, or for RANDOM a
 * draw from 'rng'. */
uint32_t nvo_ecmp_select(const struct nvo_ecmp *, const struct nvo_pkt *,
                         uint32_t n, struct nvo_rng *rng);
/* The same with the parse the caller already did (nvo_hdrs_parse(p, h));
 * nvo_ecmp_select() is this after its own parse. */
uint32_t nvo_ecmp_select_hdrs(const struct nvo_ecmp *, const struct nvo_pkt *,
                              const struct nvo_hdrs *, uint32_t n,
                              struct nvo_rng *rng);

#endif /* NVO_ECMP_H */
