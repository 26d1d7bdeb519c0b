/* pcap_out.c: pcap writing through libpcap.  See pcap_out.h.
 *
 * libpcap writes through a FILE that this module opens itself
 * (pcap_dump_fopen), so write errors can be seen with ferror() and the
 * data synced before the rename.  pcap_dump() itself reports nothing. */
#include "io/pcap_out.h"

#include <errno.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <glib.h>

#include "core/fileio.h"

#define PCAP_IOBUF_SIZE (1u << 20)  /* large writes */

struct nvo_pcap_out {
    pcap_t *pcap;               /* the "dead" handle: link type, snaplen */
    pcap_dumper_t *dumper;
    struct nvo_atomic_file out; /* PATH.tmp until closed */
    FILE *file;                 /* out.f; owned by 'dumper' once it exists */
    char *iobuf;                /* the FILE's buffer, PCAP_IOBUF_SIZE */
    uint32_t snaplen;           /* of the file header */
    bool headers_only;          /* capture p->size bytes */
    uint8_t *buf;               /* snaplen bytes; zero past 'dirty' */
    uint32_t dirty;
    uint64_t n_packets;
    int error;                  /* sticky */
    char msg[256];
};

static void NVO_PRINTF(3, 4)
set_msg__(char *buf, size_t size, const char *fmt, ...)
{
    if (!buf || !size) {
        return;
    }
    va_list args;
    va_start(args, fmt);
    vsnprintf(buf, size, fmt, args);
    va_end(args);
}

static void
pcap_out_free__(struct nvo_pcap_out *po)
{
    if (po->dumper) {
        pcap_dump_close(po->dumper);    /* closes po->file */
        po->out.f = NULL;
    }
    nvo_atomic_abort(&po->out);         /* closes it otherwise; removes
                                         * PATH.tmp unless committed */
    if (po->pcap) {
        pcap_close(po->pcap);
    }
    free(po->buf);
    free(po->iobuf);
    free(po);
}

int
nvo_pcap_out_open(const char *path, uint32_t snaplen,
                  struct nvo_pcap_out **out, char *err, size_t err_size)
{
    *out = NULL;
    bool headers_only = snaplen == NVO_PCAP_SNAPLEN_HEADERS;
    if (snaplen == 0 || headers_only) {
        snaplen = NVO_PCAP_SNAPLEN_MAX;
    }
    if (snaplen > NVO_PCAP_SNAPLEN_MAX) {
        set_msg__(err, err_size, "%s: snap length %" PRIu32 " is over the "
                  "maximum %u", path, snaplen, NVO_PCAP_SNAPLEN_MAX);
        return EINVAL;
    }

    struct nvo_pcap_out *po = calloc(1, sizeof *po);
    if (po) {
        po->snaplen = snaplen;
        po->headers_only = headers_only;
        po->buf = headers_only ? malloc(1) : calloc(1, snaplen);
        po->iobuf = malloc(PCAP_IOBUF_SIZE);
    }
    if (!po || !po->buf || !po->iobuf) {
        if (po) {
            pcap_out_free__(po);
        }
        set_msg__(err, err_size, "%s: out of memory", path);
        return ENOMEM;
    }

    po->pcap = pcap_open_dead_with_tstamp_precision(
        DLT_EN10MB, (int) snaplen, PCAP_TSTAMP_PRECISION_NANO);
    if (!po->pcap) {
        pcap_out_free__(po);
        set_msg__(err, err_size, "%s: libpcap cannot open a handle", path);
        return ENOMEM;
    }
    int error = nvo_atomic_open(&po->out, path);
    if (error) {
        char *tmp = nvo_file_tmp_path(path);
        set_msg__(err, err_size, "%s: cannot create: %s", tmp,
                  strerror(error));
        g_free(tmp);
        pcap_out_free__(po);
        return error;
    }
    po->file = po->out.f;
    setvbuf(po->file, po->iobuf, _IOFBF, PCAP_IOBUF_SIZE);
    po->dumper = pcap_dump_fopen(po->pcap, po->file);
    if (!po->dumper) {
        set_msg__(err, err_size, "%s: %s", po->out.tmp_path,
                  pcap_geterr(po->pcap));
        pcap_out_free__(po);
        return EIO;
    }
    *out = po;
    return 0;
}

int
nvo_pcap_out_write(struct nvo_pcap_out *po, nvo_time_t t,
                   const struct nvo_pkt *p)
{
    if (po->error) {
        return po->error;
    }
    if (t < 0) {
        snprintf(po->msg, sizeof po->msg, "%s: negative time %" PRId64 " ps",
                 po->out.path, t);
        return EINVAL;
    }

    uint32_t len = nvo_pkt_len(p);
    uint32_t caplen;
    const uint8_t *bytes;
    if (po->headers_only) {
        /* The real bytes straight from the packet, no copy. */
        caplen = NVO_MIN(p->size, po->snaplen);
        bytes = p->data;
    } else {
        caplen = NVO_MIN(len, po->snaplen);
        uint32_t n_real = NVO_MIN(p->size, caplen);
        memcpy(po->buf, p->data, n_real);
        if (po->dirty > n_real) {
            memset(po->buf + n_real, 0, po->dirty - n_real);
        }
        po->dirty = n_real;
        bytes = po->buf;
    }

    struct pcap_pkthdr h;
    memset(&h, 0, sizeof h);
    h.ts.tv_sec = (time_t) (t / NVO_SEC);
    /* With nanosecond precision the "usec" field holds nanoseconds. */
    h.ts.tv_usec = (suseconds_t) ((t % NVO_SEC) / NVO_NS);
    h.caplen = caplen;
    h.len = len;
    pcap_dump((u_char *) po->dumper, &h, bytes);
    if (ferror(po->file)) {
        po->error = EIO;
        snprintf(po->msg, sizeof po->msg, "%s: write error",
                 po->out.tmp_path);
        return po->error;
    }
    po->n_packets++;
    return 0;
}

const char *
nvo_pcap_out_error(const struct nvo_pcap_out *po)
{
    return po->msg;
}

uint64_t
nvo_pcap_out_count(const struct nvo_pcap_out *po)
{
    return po->n_packets;
}

int
nvo_pcap_out_close(struct nvo_pcap_out *po, char *err, size_t err_size)
{
    if (!po) {
        return 0;
    }
    int error = po->error;
    errno = 0;
    if (error) {
        set_msg__(err, err_size, "%s", po->msg);
    } else if (pcap_dump_flush(po->dumper) || ferror(po->file)
               || fsync(fileno(po->file))) {
        error = errno ? errno : EIO;
        set_msg__(err, err_size, "%s: write error: %s", po->out.tmp_path,
                  strerror(error));
    }
    pcap_dump_close(po->dumper);        /* closes po->file */
    po->dumper = NULL;
    po->file = po->out.f = NULL;
    if (!error) {
        char *tmp = g_strdup(po->out.tmp_path), *dst = g_strdup(po->out.path);
        error = nvo_atomic_commit(&po->out);  /* the rename alone */
        if (error) {
            set_msg__(err, err_size, "%s: cannot rename to %s: %s", tmp, dst,
                      strerror(error));
        }
        g_free(tmp);
        g_free(dst);
    }
    pcap_out_free__(po);
    return error;
}

void
nvo_pcap_out_discard(struct nvo_pcap_out *po)
{
    if (!po) {
        return;
    }
    pcap_dump_close(po->dumper);        /* closes po->file */
    po->dumper = NULL;
    po->file = po->out.f = NULL;
    pcap_out_free__(po);                /* removes PATH.tmp */
}

static void
tap__(void *po, enum nvo_tap_event ev, nvo_time_t now,
      const struct nvo_port *port, const struct nvo_pkt *p,
      const char *reason)
{
    (void) ev;
    (void) port;
    (void) reason;
    nvo_pcap_out_write(po, now, p);
}

void
nvo_pcap_out_attach(struct nvo_pcap_out *po, struct nvo_port *port)
{
    nvo_port_add_tap(port, tap__, po,
                     NVO_TAP_MASK_SEND | NVO_TAP_MASK_RECEIVE);
}

void
nvo_pcap_out_detach(struct nvo_pcap_out *po, struct nvo_port *port)
{
    nvo_port_remove_tap(port, tap__, po);
}
