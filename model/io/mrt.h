/* mrt.h: writing BGP messages as MRT files (RFC 6396), the format route
 * collectors and GoBGP dump to and bgpdump reads: one BGP4MP_ET record
 * (type 17, RFC 6396 4.4.3, with a microsecond timestamp) of subtype
 * BGP4MP_MESSAGE_AS4 (4, RFC 6396 4.4.3 / 4.4.2) per message.
 *
 * Record:  timestamp s 4 | type 2 (17) | subtype 2 (4) | length 4 |
 *          microseconds 4 | peer AS 4 | local AS 4 | interface 2 |
 *          AFI 2 (1 IPv4, 2 IPv6) | peer IP 4/16 | local IP 4/16 |
 *          the BGP message (with its 19-byte header)
 * 'length' counts everything after the 12-byte common header, the
 * microsecond field included (RFC 6396 3).
 *
 * Records collect in memory; nvo_mrt_write_file() writes the whole file
 * atomically (core/fileio.h: PATH.tmp, then rename).  Timestamps are
 * simulated time plus an epoch (seconds since 1970) the caller sets;
 * with epoch 0 a run starts at 1970-01-01 00:00:00 UTC. */
#ifndef NVO_IO_MRT_H
#define NVO_IO_MRT_H

#include "core/nvo.h"
#include "core/units.h"

#define NVO_MRT_BGP4MP_ET 17
#define NVO_MRT_MESSAGE_AS4 4
/* RFC 8050 4: a message the local side generated (sent), not received. */
#define NVO_MRT_MESSAGE_AS4_LOCAL 7
#define NVO_MRT_HDR_LEN 12

/* One side of a BGP session as MRT names it. */
struct nvo_mrt_peer {
    uint32_t peer_as, local_as;
    uint16_t ifindex;
    bool ipv6;
    uint8_t peer_ip[16], local_ip[16];  /* IPv4 in the first 4 bytes */
};

struct nvo_mrt_writer;

/* A writer whose timestamps are 'epoch_s' + simulated time. */
struct nvo_mrt_writer *nvo_mrt_writer_new(uint32_t epoch_s);
void nvo_mrt_writer_free(struct nvo_mrt_writer *);   /* accepts NULL */

/* Appends a record of the 'len'-byte BGP message 'msg' sent or received
 * at simulated time 't' (>= 0) on the session 'peer'.  Returns 0, or
 * EINVAL for a negative time, a time past 2106 (32-bit seconds) or a
 * message shorter than the BGP header or longer than 65535 bytes. */
int nvo_mrt_add(struct nvo_mrt_writer *, nvo_time_t t,
                const struct nvo_mrt_peer *, const uint8_t *msg, size_t len);

/* The same for a message the local side of 'peer' SENT to the peer: a
 * record of subtype BGP4MP_MESSAGE_AS4_LOCAL (7, RFC 8050 4), so a
 * reader (io/mrt_read.h, nvosim bgp-replay) tells the two directions
 * apart.  nvo_mrt_add() records are messages received from the peer. */
int nvo_mrt_add_sent(struct nvo_mrt_writer *, nvo_time_t t,
                     const struct nvo_mrt_peer *, const uint8_t *msg,
                     size_t len);

uint64_t nvo_mrt_count(const struct nvo_mrt_writer *);     /* records */
/* The records so far (valid until the next nvo_mrt_add). */
const uint8_t *nvo_mrt_data(const struct nvo_mrt_writer *, size_t *len);

/* Writes every record to 'path' whole or not at all.  Returns 0 or an
 * errno (nvo_file_write_atomic). */
int nvo_mrt_write_file(const struct nvo_mrt_writer *, const char *path);

#endif /* NVO_IO_MRT_H */
