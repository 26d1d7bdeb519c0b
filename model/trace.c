/* trace.c: ASCII packet traces.  See trace.h. */
#include "trace.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "wire.h"

struct nvo_trace {
    FILE *f;
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
    if (!t->path || !t->tmp_path) {
        free(t->path);
        free(t->tmp_path);
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
        free(t);
        return error;
    }
    setvbuf(t->f, NULL, _IOFBF, 1 << 16);
    *out = t;
    return 0;
}

void
nvo_trace_event(struct nvo_trace *t, char ev, nvo_time_t now,
                const char *node, uint32_t port, const struct nvo_pkt *p,
                const char *reason)
{
    char ts[NVO_TIME_STRLEN];
    char summary[512];
    nvo_wire_summary(p, summary, sizeof summary);
    int n = fprintf(t->f, "%c %s %s/%" PRIu32 " uid=%" PRIu64
                    " tc=%s len=%" PRIu32 "%s%s %s\n",
                    ev, nvo_time_format_sec(now, ts, sizeof ts), node, port,
                    p->uid, nvo_tclass_name(p->tclass), nvo_pkt_len(p),
                    reason ? " reason=" : "", reason ? reason : "", summary);
    if (n < 0 && !t->error) {
        t->error = errno ? errno : EIO;
    }
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
