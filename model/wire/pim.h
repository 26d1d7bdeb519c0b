/* pim.h: PIMv2 messages (RFC 7761 section 4.9): Hello (4.9.2) and
 * Join/Prune (4.9.5), IPv4 address family, sent to ALL-PIM-ROUTERS
 * 224.0.0.13 with TTL 1 and TOS 0xc0 (Internetwork Control).
 *
 *  PIM header (4.9):
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |PIM Ver| Type  |   Reserved    |           Checksum            |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The checksum is the internet checksum over the whole PIM message.
 * Hello: option TLVs (type 16 bits, length 16 bits, value); written:
 * Holdtime (1) = 105 s (3.5 x the 30 s Hello period), DR Priority (19) = 1,
 * Generation ID (20).  Join/Prune: Encoded-Unicast upstream neighbour
 * (4.9.1: family 1, encoding 0, 4 bytes), reserved, number of groups,
 * holdtime (210 s = 3.5 x the 60 s t_periodic); per group an
 * Encoded-Group address (family, encoding, flags B..Z, mask length 32,
 * group), the numbers of joined and pruned sources, and an
 * Encoded-Source address each (flags S W R, mask length 32, address).
 * A (*,G) join is a joined source with S, W and R set whose address is
 * the RP's (4.9.5.1); an (S,G) join has S set and W, R clear.
 *
 * Register (4.9.3): unicast from a source's DR to the RP; after the PIM
 * header a 32-bit word with the Border (B) and Null-Register (N) bits,
 * then the multicast data packet from its IPv4 header on (a Null-Register:
 * only a dummy IPv4 header of the source and group, no data).  Its
 * checksum covers the PIM header and that word only (8 bytes), not the
 * data.  Register-Stop (4.9.4): unicast from the RP to the DR, an
 * Encoded-Group address and an Encoded-Unicast source address.
 * Scope: no Assert, Bootstrap, Candidate-RP, DF election (RFC 5015)
 * messages. */
#ifndef NVO_WIRE_PIM_H
#define NVO_WIRE_PIM_H

#include <stddef.h>

#include "core/nvo.h"
#include "wire/pkt.h"

#define NVO_PIM_ALL_ROUTERS     0xe000000du     /* 224.0.0.13 */
#define NVO_PIM_VERSION         2
#define NVO_PIM_HELLO           0
#define NVO_PIM_REGISTER        1
#define NVO_PIM_REGISTER_STOP   2
#define NVO_PIM_JOIN_PRUNE      3
#define NVO_PIM_HDR_LEN         4
#define NVO_PIM_HELLO_LEN       (4 + 6 + 8 + 8)
#define NVO_PIM_JP_HDR_LEN      (4 + 6 + 4)     /* up to the first group */
#define NVO_PIM_JP_GROUP_LEN    (8 + 4)         /* group + the counts */
#define NVO_PIM_JP_SOURCE_LEN   8
#define NVO_PIM_HELLO_HOLDTIME  105     /* s */
#define NVO_PIM_JP_HOLDTIME     210     /* s */
#define NVO_PIM_JP_MAX_GROUPS   255     /* the 8-bit count */
#define NVO_PIM_REGISTER_LEN    8       /* header + B/N word, before data */
#define NVO_PIM_REGISTER_STOP_LEN (4 + 8 + 6)
#define NVO_PIM_REG_B 0x80000000u       /* Border bit */
#define NVO_PIM_REG_N 0x40000000u       /* Null-Register bit */
#define NVO_PIM_UNICAST_TTL     64      /* Register / Register-Stop */

/* Encoded-Source flags (4.9.1). */
#define NVO_PIM_SRC_S 0x04              /* sparse */
#define NVO_PIM_SRC_W 0x02              /* wildcard: (*,G) */
#define NVO_PIM_SRC_R 0x01              /* RPT: toward the RP */
/* Encoded-Group flags. */
#define NVO_PIM_GRP_B 0x80              /* bidirectional (RFC 5015) */

/* One joined or pruned source of a group in a Join/Prune. */
struct nvo_pim_jp_entry {
    uint32_t group;             /* host order */
    uint8_t group_flags;        /* NVO_PIM_GRP_* */
    uint32_t source;            /* (*,G): the RP */
    uint8_t flags;              /* NVO_PIM_SRC_* */
    bool join;                  /* else pruned */
};

/* Writes a Hello (NVO_PIM_HELLO_LEN bytes) with generation id 'gen_id'. */
void nvo_pim_hello_encode(void *buf, uint32_t gen_id);

/* Bytes of a Join/Prune whose 'n_groups' groups have one joined source
 * each. */
static inline size_t
nvo_pim_jp_len(size_t n_groups)
{
    return NVO_PIM_JP_HDR_LEN
           + n_groups * (NVO_PIM_JP_GROUP_LEN + NVO_PIM_JP_SOURCE_LEN);
}

/* Writes a Join/Prune to upstream neighbour 'upstream' that joins, for
 * each of the 'n' groups (n <= NVO_PIM_JP_MAX_GROUPS), its one source
 * (entries[i].join must be true), with holdtime NVO_PIM_JP_HOLDTIME. */
void nvo_pim_jp_encode(void *buf, uint32_t upstream,
                       const struct nvo_pim_jp_entry *entries, size_t n);

/* The type of the PIM message of 'len' bytes at 'buf': 0 and *type, or
 * EBADMSG (shorter than the header, not version 2, a bad checksum). */
int nvo_pim_decode_header(const void *buf, size_t len, uint8_t *type);

/* Decodes a Join/Prune: 0, *upstream, *holdtime and *n_entries (every
 * joined and pruned source of every group), the first min(n, max) of them
 * into 'entries'; or EBADMSG (not a v2 Join/Prune, a bad checksum, an
 * address family other than IPv4, truncated). */
int nvo_pim_jp_decode(const void *buf, size_t len, uint32_t *upstream,
                      uint16_t *holdtime, struct nvo_pim_jp_entry *entries,
                      size_t max, size_t *n_entries);

/* Builds a whole PIM frame into 'p' (empty, with room): Ethernet from
 * 'src_mac' to 01:00:5e:00:00:0d, a 20-byte IPv4 header (TTL 1, TOS 0xc0,
 * protocol 103) from 'src_ip' to 224.0.0.13, then 'len' bytes of a PIM message written
 * by the caller at the returned pointer (NULL: no room).  Sets the
 * packet's l2 / l3 / l4 offsets. */
uint8_t *nvo_pim_frame(struct nvo_pkt *p, const uint8_t src_mac[6],
                       uint32_t src_ip, size_t len);

/* Builds a unicast PIM frame into 'p' (empty, with room): Ethernet from
 * 'src_mac' (destination MAC zero: the sender's forwarding writes it),
 * a 20-byte IPv4 header (TTL NVO_PIM_UNICAST_TTL, TOS 'tos', protocol
 * 103) from 'src_ip' to 'dst_ip' whose total length counts 'len' real
 * bytes and 'virtual_len' bytes of virtual payload after them.  Returns
 * where the caller writes the 'len' bytes (NULL: no room) and sets the
 * packet's offsets and payload_size. */
uint8_t *nvo_pim_unicast_frame(struct nvo_pkt *p, const uint8_t src_mac[6],
                               uint32_t src_ip, uint32_t dst_ip, uint8_t tos,
                               size_t len, uint32_t virtual_len);

/* Writes a Register's first NVO_PIM_REGISTER_LEN bytes (the data follows
 * them, written by the caller), flags NVO_PIM_REG_N for a Null-Register;
 * the checksum covers these 8 bytes. */
void nvo_pim_register_encode(void *buf, uint32_t flags);

/* Decodes the Register of 'len' real bytes at 'buf': 0, *flags and
 * *inner (the data's IPv4 header, at least 20 bytes of it), or EBADMSG
 * (not a v2 Register, a bad checksum over its 8 bytes, no IPv4 header
 * after them). */
int nvo_pim_register_decode(const void *buf, size_t len, uint32_t *flags,
                            const uint8_t **inner);

/* Writes a Register-Stop (NVO_PIM_REGISTER_STOP_LEN bytes) for 'group'
 * and 'source'. */
void nvo_pim_register_stop_encode(void *buf, uint32_t group,
                                  uint32_t source);

/* Decodes a Register-Stop: 0, *group and *source, or EBADMSG (not a v2
 * Register-Stop, a bad checksum, not IPv4, truncated). */
int nvo_pim_register_stop_decode(const void *buf, size_t len,
                                 uint32_t *group, uint32_t *source);

#endif /* NVO_WIRE_PIM_H */
