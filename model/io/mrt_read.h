/* mrt_read.h: reading the MRT files io/mrt.h writes (RFC 6396): records
 * of type BGP4MP_ET (17) or BGP4MP (16) with subtype BGP4MP_MESSAGE_AS4
 * (4, a message received from the peer) or BGP4MP_MESSAGE_AS4_LOCAL (7,
 * RFC 8050 4: a message the local side sent), each holding one whole BGP
 * message.  Every length is checked against the file: a record header
 * past the end, a length field past the end or too short for its fields,
 * an address family other than 1 or 2, or a BGP message whose own
 * length field disagrees with the record is refused with the offset of
 * the fault in the file.  Records of other types or subtypes are skipped
 * (and counted), as RFC 6396 lets a reader do.
 *
 *   struct nvo_mrt_reader r = nvo_mrt_reader_init(buf, len);
 *   struct nvo_mrt_record rec;
 *   while ((rc = nvo_mrt_next(&r, &rec, err, sizeof err)) == 0) { ... }
 *   rc: ENOENT at the end of the file, EBADMSG with 'err'. */
#ifndef NVO_IO_MRT_READ_H
#define NVO_IO_MRT_READ_H

#include "core/nvo.h"
#include "io/mrt.h"

#define NVO_MRT_BGP4MP 16

struct nvo_mrt_record {
    size_t ofs;                 /* of the record in the file */
    uint32_t ts_s, ts_us;       /* us: 0 for BGP4MP (no microseconds) */
    uint16_t type, subtype;
    bool sent;                  /* subtype 7: the local side sent it */
    struct nvo_mrt_peer peer;
    size_t msg_ofs;             /* of the BGP message in the file */
    const uint8_t *msg;         /* the BGP message, header included */
    size_t msg_len;
    uint8_t msg_type;           /* its type byte (1 OPEN, 2 UPDATE, ...) */
};

struct nvo_mrt_reader {
    const uint8_t *buf;
    size_t len, ofs;
    uint64_t n_records, n_skipped;
};

static inline struct nvo_mrt_reader
nvo_mrt_reader_init(const uint8_t *buf, size_t len)
{
    return (struct nvo_mrt_reader) { .buf = buf, .len = len };
}

/* The next BGP message record.  Returns 0 with 'rec' (pointing into the
 * buffer), ENOENT at the end, or EBADMSG with "offset N: what is wrong"
 * in 'err' (the reader then stays at the bad record). */
int nvo_mrt_next(struct nvo_mrt_reader *, struct nvo_mrt_record *rec,
                 char *err, size_t err_size);

#endif /* NVO_IO_MRT_READ_H */
