/* mrt.c: BGP4MP_ET MESSAGE_AS4 records (RFC 6396) collected in memory and
 * written as one file atomically. */
#include "io/mrt.h"

#include <errno.h>

#include <glib.h>

#include "core/fileio.h"

struct nvo_mrt_writer {
    GByteArray *buf;
    uint64_t n;
    uint32_t epoch_s;
};

struct nvo_mrt_writer *
nvo_mrt_writer_new(uint32_t epoch_s)
{
    struct nvo_mrt_writer *w = g_new0(struct nvo_mrt_writer, 1);
    w->buf = g_byte_array_new();
    w->epoch_s = epoch_s;
    return w;
}

void
nvo_mrt_writer_free(struct nvo_mrt_writer *w)
{
    if (w) {
        g_byte_array_free(w->buf, TRUE);
        g_free(w);
    }
}

static int
mrt_add(struct nvo_mrt_writer *w, nvo_time_t t,
        const struct nvo_mrt_peer *peer, const uint8_t *msg, size_t len,
        uint16_t subtype)
{
    if (t < 0 || len < 19 || len > 65535) {
        return EINVAL;
    }
    uint64_t s = (uint64_t) (t / NVO_SEC) + w->epoch_s;
    uint32_t us = (uint32_t) ((t % NVO_SEC) / NVO_US);
    if (s > UINT32_MAX) {
        return EINVAL;
    }
    size_t alen = peer->ipv6 ? 16 : 4;
    size_t body = 4 /* us */ + 4 + 4 + 2 + 2 + 2 * alen + len;
    uint8_t h[NVO_MRT_HDR_LEN + 20 + 32];
    uint8_t *q = h;
    nvo_wr32(q, (uint32_t) s);                      /* RFC 6396 2 */
    nvo_wr16(q + 4, NVO_MRT_BGP4MP_ET);
    nvo_wr16(q + 6, subtype);
    nvo_wr32(q + 8, (uint32_t) body);
    nvo_wr32(q + 12, us);                           /* RFC 6396 3 */
    nvo_wr32(q + 16, peer->peer_as);                /* RFC 6396 4.4.3 */
    nvo_wr32(q + 20, peer->local_as);
    nvo_wr16(q + 24, peer->ifindex);
    nvo_wr16(q + 26, peer->ipv6 ? 2 : 1);
    memcpy(q + 28, peer->peer_ip, alen);
    memcpy(q + 28 + alen, peer->local_ip, alen);
    g_byte_array_append(w->buf, h, (guint) (28 + 2 * alen));
    g_byte_array_append(w->buf, msg, (guint) len);
    w->n++;
    return 0;
}

int
nvo_mrt_add(struct nvo_mrt_writer *w, nvo_time_t t,
            const struct nvo_mrt_peer *peer, const uint8_t *msg, size_t len)
{
    return mrt_add(w, t, peer, msg, len, NVO_MRT_MESSAGE_AS4);
}

int
nvo_mrt_add_sent(struct nvo_mrt_writer *w, nvo_time_t t,
                 const struct nvo_mrt_peer *peer, const uint8_t *msg,
                 size_t len)
{
    return mrt_add(w, t, peer, msg, len, NVO_MRT_MESSAGE_AS4_LOCAL);
}

uint64_t
nvo_mrt_count(const struct nvo_mrt_writer *w)
{
    return w->n;
}

const uint8_t *
nvo_mrt_data(const struct nvo_mrt_writer *w, size_t *len)
{
    *len = w->buf->len;
    return w->buf->data;
}

int
nvo_mrt_write_file(const struct nvo_mrt_writer *w, const char *path)
{
    return nvo_file_write_atomic(path, w->buf->data, w->buf->len);
}
