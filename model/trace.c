/* trace.c: ASCII packet traces.  See trace.h.
 *
 * Lines are formatted by hand into a large buffer (no printf per field)
 * and written in chunks of TRACE_BUF_SIZE bytes: a trace line costs a few
 * hundred nanoseconds, where fprintf and vsnprintf cost microseconds. */
#include "trace.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "wire.h"

#define TRACE_BUF_SIZE (1u << 20)
#define TRACE_SUMMARY_SIZE 512  /* a summary is cut at 511 characters */
#define TRACE_LINE_MAX 1024     /* the rest of a line: time, names, ... */

struct nvo_trace {
    FILE *f;
    char *buf;                  /* TRACE_BUF_SIZE bytes */
    size_t used;
    char *path, *tmp_path;
    uint64_t n_lines;
    int error;                  /* first write error */
};

int
nvo_trace_open(const char *path, struct nvo_trace **out)
{
    struct nvo_trace *t = calloc(1, sizeof *t);
    if (!t) {
        return ENOMEM;
    }
    size_t len = strlen(path);
    t->path = malloc(len + 1);
    t->tmp_path = malloc(len + 5);
    t->buf = malloc(TRACE_BUF_SIZE);
    if (!t->path || !t->tmp_path || !t->buf) {
        free(t->path);
        free(t->tmp_path);
        free(t->buf);
        free(t);
        return ENOMEM;
    }
    memcpy(t->path, path, len + 1);
    memcpy(t->tmp_path, path, len);
    memcpy(t->tmp_path + len, ".tmp", 5);
    t->f = fopen(t->tmp_path, "w");
    if (!t->f) {
        int error = errno;
        free(t->path);
        free(t->tmp_path);
        free(t->buf);
        free(t);
        return error;
    }
    setvbuf(t->f, NULL, _IONBF, 0);     /* this module buffers */
    *out = t;
    return 0;
}

static void
trace_flush__(struct nvo_trace *t)
{
    if (t->used && !t->error
        && fwrite(t->buf, 1, t->used, t->f) != t->used) {
        t->error = errno ? errno : EIO;
    }
    t->used = 0;
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
    uint64_t frac = v % 1000000000000u;
    for (int i = 11; i >= 0; i--) {
        q[i] = (char) ('0' + frac % 10);
        frac /= 10;
    }
    return q + 12;
}

void
nvo_trace_event(struct nvo_trace *t, char ev, nvo_time_t now,
                const char *node, uint32_t port, const struct nvo_pkt *p,
                const char *reason)
{
    if (TRACE_BUF_SIZE - t->used < TRACE_LINE_MAX + TRACE_SUMMARY_SIZE) {
        trace_flush__(t);
    }
    /* "%c %s %s/%u uid=%llu tc=%s len=%u%s%s %s\n"; names are cut at
     * 128 characters so the line fits TRACE_LINE_MAX. */
    char *q = t->buf + t->used;
    *q++ = ev;
    *q++ = ' ';
    q = put_time__(q, now);
    *q++ = ' ';
    q = put_str__(q, node, 128);
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
        q = put_str__(q + 8, reason, 128);
    }
    *q++ = ' ';
    size_t n = nvo_wire_summary(p, q, TRACE_SUMMARY_SIZE);
    q += NVO_MIN(n, (size_t) TRACE_SUMMARY_SIZE - 1);
    *q++ = '\n';
    t->used = (size_t) (q - t->buf);
    t->n_lines++;
}

uint64_t
nvo_trace_n_lines(const struct nvo_trace *t)
{
    return t->n_lines;
}

static void
trace_free__(struct nvo_trace *t)
{
    free(t->buf);
    free(t->path);
    free(t->tmp_path);
    free(t);
}

int
nvo_trace_close(struct nvo_trace *t)
{
    if (!t) {
        return 0;
    }
    trace_flush__(t);
    int error = t->error;
    if (fclose(t->f) && !error) {
        error = errno ? errno : EIO;
    }
    if (!error && rename(t->tmp_path, t->path)) {
        error = errno;
    }
    if (error) {
        remove(t->tmp_path);
    }
    trace_free__(t);
    return error;
}

void
nvo_trace_abort(struct nvo_trace *t)
{
    if (t) {
        fclose(t->f);
        remove(t->tmp_path);
        trace_free__(t);
    }
}
