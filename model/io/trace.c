/* trace.c: ASCII packet traces.  See trace.h.
 *
 * Tracing must not dominate a run, so:
 *  - lines are formatted by hand (no printf per field) into large
 *    buffers of TRACE_BUF_SIZE bytes;
 *  - a packet's summary is formatted once and reused for its next events
 *    ('+', '-', 'r' of one frame): a small cache keyed by uid holds the
 *    real bytes it was made from, and a hit requires the same bytes and
 *    length, so the text is always what nvo_wire_summary() would write;
 *  - full buffers are written by a writer thread (C11 threads), so the
 *    kernel's copy of the data into the page cache runs beside the
 *    simulation instead of inside it.  Lines reach the file in the order
 *    they were traced; the file is the same as with a single thread.
 * The line format is that of trace.h, unchanged from the printf version
 * (tests/test_pcap.c checks a known frame's exact line). */
#include "io/trace.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <threads.h>

#include "core/fileio.h"
#include "wire/wire.h"

#define TRACE_BUF_SIZE (1u << 20)
#define TRACE_N_BUFS 4          /* one being filled, the others queued */
#define TRACE_SUMMARY_SIZE 512  /* a summary is cut at 511 characters */
#define TRACE_LINE_MAX 1024     /* the rest of a line: time, names, ... */
#define TRACE_NAME_MAX 128      /* node names and reasons are cut here */
#define TRACE_CACHE_N 256       /* summaries cached, by uid */
#define TRACE_CACHE_BYTES 256   /* larger headers are not cached */

struct summary_cache {
    uint64_t uid;
    uint32_t size, len;         /* p->size, nvo_pkt_len(p) */
    uint32_t text_len;          /* 0 = empty slot */
    uint8_t bytes[TRACE_CACHE_BYTES];
    char text[TRACE_SUMMARY_SIZE];
};

struct nvo_trace {
    struct nvo_atomic_file out; /* PATH.tmp until closed */
    FILE *f;                    /* out.f */
    uint64_t n_lines;

    /* The buffer being filled (the simulation's thread only). */
    char *cur;
    size_t used;

    /* Shared with the writer thread, under 'mtx'. */
    mtx_t mtx;
    cnd_t cnd;
    thrd_t writer;
    char *bufs[TRACE_N_BUFS];
    char *free_bufs[TRACE_N_BUFS];
    size_t n_free;
    char *queue[TRACE_N_BUFS];  /* full buffers, oldest first */
    size_t queue_len[TRACE_N_BUFS];
    size_t n_queued;
    bool stop;
    int error;                  /* first write error */

    struct summary_cache *cache;
};

static int
writer_main__(void *t_)
{
    struct nvo_trace *t = t_;
    mtx_lock(&t->mtx);
    for (;;) {
        while (!t->n_queued && !t->stop) {
            cnd_wait(&t->cnd, &t->mtx);
        }
        if (!t->n_queued) {
            break;              /* stopped, and everything written */
        }
        char *buf = t->queue[0];
        size_t len = t->queue_len[0];
        bool failed = t->error != 0;
        mtx_unlock(&t->mtx);
        int error = 0;
        if (!failed && fwrite(buf, 1, len, t->f) != len) {
            error = errno ? errno : EIO;
        }
        mtx_lock(&t->mtx);
        if (error && !t->error) {
            t->error = error;
        }
        t->n_queued--;
        memmove(t->queue, t->queue + 1, t->n_queued * sizeof *t->queue);
        memmove(t->queue_len, t->queue_len + 1,
                t->n_queued * sizeof *t->queue_len);
        t->free_bufs[t->n_free++] = buf;
        cnd_broadcast(&t->cnd);
    }
    mtx_unlock(&t->mtx);
    return 0;
}

static void
trace_free__(struct nvo_trace *t)
{
    for (size_t i = 0; i < TRACE_N_BUFS; i++) {
        free(t->bufs[i]);
    }
    free(t->cache);
    free(t);
}

int
nvo_trace_open(const char *path, struct nvo_trace **out)
{
    struct nvo_trace *t = calloc(1, sizeof *t);
    if (!t) {
        return ENOMEM;
    }
    t->cache = calloc(TRACE_CACHE_N, sizeof *t->cache);
    bool ok = t->cache;
    for (size_t i = 0; i < TRACE_N_BUFS; i++) {
        t->bufs[i] = malloc(TRACE_BUF_SIZE);
        ok = ok && t->bufs[i];
    }
    if (!ok) {
        trace_free__(t);
        return ENOMEM;
    }
    int error = nvo_atomic_open(&t->out, path);
    if (error) {
        trace_free__(t);
        return error;
    }
    t->f = t->out.f;
    setvbuf(t->f, NULL, _IONBF, 0);     /* this module buffers */
    t->cur = t->bufs[0];
    for (size_t i = 1; i < TRACE_N_BUFS; i++) {
        t->free_bufs[t->n_free++] = t->bufs[i];
    }
    if (mtx_init(&t->mtx, mtx_plain) != thrd_success) {
        nvo_atomic_abort(&t->out);
        trace_free__(t);
        return ENOMEM;
    }
    if (cnd_init(&t->cnd) != thrd_success) {
        mtx_destroy(&t->mtx);
        nvo_atomic_abort(&t->out);
        trace_free__(t);
        return ENOMEM;
    }
    if (thrd_create(&t->writer, writer_main__, t) != thrd_success) {
        cnd_destroy(&t->cnd);
        mtx_destroy(&t->mtx);
        nvo_atomic_abort(&t->out);
        trace_free__(t);
        return EAGAIN;
    }
    *out = t;
    return 0;
}

/* Hands the current buffer to the writer and takes a free one (waiting
 * for the writer if all are queued). */
static void
trace_flush__(struct nvo_trace *t)
{
    if (!t->used) {
        return;
    }
    mtx_lock(&t->mtx);
    t->queue[t->n_queued] = t->cur;
    t->queue_len[t->n_queued] = t->used;
    t->n_queued++;
    cnd_broadcast(&t->cnd);
    while (!t->n_free) {
        cnd_wait(&t->cnd, &t->mtx);
    }
    t->cur = t->free_bufs[--t->n_free];
    mtx_unlock(&t->mtx);
    t->used = 0;
}

/* Stops the writer after it has written everything queued. */
static void
trace_stop__(struct nvo_trace *t)
{
    trace_flush__(t);
    mtx_lock(&t->mtx);
    t->stop = true;
    cnd_broadcast(&t->cnd);
    mtx_unlock(&t->mtx);
    thrd_join(t->writer, NULL);
    cnd_destroy(&t->cnd);
    mtx_destroy(&t->mtx);
}

/* Appends to 'q' the decimal digits of 'v'; returns the end. */
static char *
put_u64__(char *q, uint64_t v)
{
    char tmp[20];
    size_t i = sizeof tmp;
    do {
        tmp[--i] = (char) ('0' + v % 10);
        v /= 10;
    } while (v);
    memcpy(q, tmp + i, sizeof tmp - i);
    return q + (sizeof tmp - i);
}

static char *
put_str__(char *q, const char *s, size_t max)
{
    size_t n = strnlen(s, max);
    memcpy(q, s, n);
    return q + n;
}

/* nvo_time_format_sec(): "[-]S.FFFFFFFFFFFF", 12 decimals. */
static char *
put_time__(char *q, nvo_time_t now)
{
    uint64_t v = now < 0 ? -(uint64_t) now : (uint64_t) now;
    if (now < 0) {
        *q++ = '-';
    }
    q = put_u64__(q, v / 1000000000000u);
    *q++ = '.';
    /* 12 digits, as three groups of 4 (32-bit arithmetic). */
    uint64_t frac = v % 1000000000000u;
    uint32_t g[3] = { (uint32_t) (frac / 100000000u),
                      (uint32_t) (frac / 10000u % 10000u),
                      (uint32_t) (frac % 10000u) };
    for (int k = 0; k < 3; k++) {
        q[4 * k] = (char) ('0' + g[k] / 1000);
        q[4 * k + 1] = (char) ('0' + g[k] / 100 % 10);
        q[4 * k + 2] = (char) ('0' + g[k] / 10 % 10);
        q[4 * k + 3] = (char) ('0' + g[k] % 10);
    }
    return q + 12;
}

/* Writes the summary of 'p' at 'q' (at most TRACE_SUMMARY_SIZE - 1
 * characters, as nvo_wire_summary() into a TRACE_SUMMARY_SIZE buffer);
 * returns the end. */
static char *
put_summary__(struct nvo_trace *t, char *q, const struct nvo_pkt *p)
{
    uint32_t len = nvo_pkt_len(p);
    if (p->size > TRACE_CACHE_BYTES) {
        size_t n = nvo_wire_summary(p, q, TRACE_SUMMARY_SIZE);
        return q + NVO_MIN(n, (size_t) TRACE_SUMMARY_SIZE - 1);
    }
    struct summary_cache *c = &t->cache[p->uid % TRACE_CACHE_N];
    if (!c->text_len || c->uid != p->uid || c->size != p->size
        || c->len != len || memcmp(c->bytes, p->data, p->size)) {
        size_t n = nvo_wire_summary(p, c->text, TRACE_SUMMARY_SIZE);
        c->text_len = (uint32_t) NVO_MIN(n, (size_t) TRACE_SUMMARY_SIZE - 1);
        c->uid = p->uid;
        c->size = p->size;
        c->len = len;
        memcpy(c->bytes, p->data, p->size);
    }
    memcpy(q, c->text, c->text_len);
    return q + c->text_len;
}

void
nvo_trace_event(struct nvo_trace *t, char ev, nvo_time_t now,
                const char *node, uint32_t port, const struct nvo_pkt *p,
                const char *reason)
{
    if (TRACE_BUF_SIZE - t->used < TRACE_LINE_MAX + TRACE_SUMMARY_SIZE) {
        trace_flush__(t);
    }
    /* "%c %s %s/%u uid=%llu tc=%s len=%u%s%s %s\n" */
    char *q = t->cur + t->used;
    *q++ = ev;
    *q++ = ' ';
    q = put_time__(q, now);
    *q++ = ' ';
    q = put_str__(q, node, TRACE_NAME_MAX);
    *q++ = '/';
    q = put_u64__(q, (uint64_t) port + 1);
    memcpy(q, " uid=", 5);
    q = put_u64__(q + 5, p->uid);
    memcpy(q, " tc=", 4);
    q = put_str__(q + 4, nvo_tclass_name(p->tclass), 16);
    memcpy(q, " len=", 5);
    q = put_u64__(q + 5, nvo_pkt_len(p));
    if (reason) {
        memcpy(q, " reason=", 8);
        q = put_str__(q + 8, reason, TRACE_NAME_MAX);
    }
    *q++ = ' ';
    q = put_summary__(t, q, p);
    *q++ = '\n';
    t->used = (size_t) (q - t->cur);
    t->n_lines++;
}

uint64_t
nvo_trace_n_lines(const struct nvo_trace *t)
{
    return t->n_lines;
}

int
nvo_trace_close(struct nvo_trace *t)
{
    if (!t) {
        return 0;
    }
    trace_stop__(t);
    int error = t->error;
    if (error) {
        nvo_atomic_abort(&t->out);
    } else {
        error = nvo_atomic_commit(&t->out);
    }
    trace_free__(t);
    return error;
}

void
nvo_trace_abort(struct nvo_trace *t)
{
    if (t) {
        t->used = 0;            /* nothing more to write */
        trace_stop__(t);
        nvo_atomic_abort(&t->out);
        trace_free__(t);
    }
}

static void
tap__(void *t, enum nvo_tap_event ev, nvo_time_t now,
      const struct nvo_port *port, const struct nvo_pkt *p,
      const char *reason)
{
    nvo_trace_event(t, (char) ev, now, port->node_name, port->index, p,
                    reason);
}

void
nvo_trace_attach(struct nvo_trace *t, struct nvo_port *port)
{
    nvo_port_add_tap(port, tap__, t, NVO_TAP_MASK_ALL);
}

void
nvo_trace_detach(struct nvo_trace *t, struct nvo_port *port)
{
    nvo_port_remove_tap(port, tap__, t);
}
