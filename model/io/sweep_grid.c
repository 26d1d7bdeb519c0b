/* sweep_grid.c: a parameter sweep's definition: value lists and ranges,
 * the grid, the definition text, CSV fields.  See sweep_grid.h and
 * docs/sweeps.md.
 *
 * Left out: ranges over times or sizes written with different units on
 * START and END ("1us:1ms"); a literal ',' or ':' inside a --vary value
 * (use --set for such a value, or a scenario per value). */
#include "io/sweep_grid.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>


/* ---- Value lists ----------------------------------------------------- */

/* Parses a number with an optional unit suffix (letters, '%', '/'). */
static bool
parse_num__(const char *s, double *v, const char **unit)
{
    char *end;
    errno = 0;
    *v = g_ascii_strtod(s, &end);
    if (end == s || errno || !isfinite(*v)) {
        return false;
    }
    for (const char *p = end; *p; p++) {
        if (!g_ascii_isalpha(*p) && *p != '%' && *p != '/') {
            return false;
        }
    }
    *unit = end;
    return true;
}

/* The shortest "%g" form with 15 significant digits, and the unit. */
static char *
format_num__(double v, const char *unit)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    g_ascii_formatd(buf, sizeof buf, "%.15g", v);
    return g_strconcat(buf, unit, NULL);
}

/* Expands the range 'item' (it has a ':'). */
static bool
expand_range__(const char *item, GPtrArray *out, char **err)
{
    char **parts = g_strsplit(item, ":", -1);
    guint n = g_strv_length(parts);
    bool ok = false;
    double a, b, step = 1;
    const char *ua, *ub, *us = "";
    bool geometric = false;

    if (n != 2 && n != 3) {
        *err = g_strdup_printf("bad range \"%s\": expected START:END or "
                               "START:END:STEP", item);
        goto out;
    }
    if (!parse_num__(parts[0], &a, &ua)) {
        *err = g_strdup_printf("bad range \"%s\": \"%s\" is not a number",
                               item, parts[0]);
        goto out;
    }
    if (!parse_num__(parts[1], &b, &ub)) {
        *err = g_strdup_printf("bad range \"%s\": \"%s\" is not a number",
                               item, parts[1]);
        goto out;
    }
    if (strcmp(ua, ub)) {
        *err = g_strdup_printf("bad range \"%s\": START and END must have "
                               "the same unit", item);
        goto out;
    }
    if (n == 3) {
        const char *s = parts[2];
        geometric = *s == 'x' || *s == '*';
        if (!parse_num__(s + (geometric || *s == '+'), &step, &us)
            || (*s == '+' && s[1] == '-')) {
            *err = g_strdup_printf("bad range \"%s\": the step \"%s\" is "
                                   "not +NUMBER, -NUMBER or xFACTOR",
                                   item, s);
            goto out;
        }
        if (geometric && *us) {
            *err = g_strdup_printf("bad range \"%s\": a factor has no unit",
                                   item);
            goto out;
        }
        if (!geometric && *us && strcmp(us, ua)) {
            *err = g_strdup_printf("bad range \"%s\": the step's unit must "
                                   "be START's", item);
            goto out;
        }
    }

    GPtrArray *vals = g_ptr_array_new_with_free_func(g_free);
    if (geometric) {
        if (step <= 1) {
            *err = g_strdup_printf("bad range \"%s\": the factor must be "
                                   "more than 1", item);
        } else if (a <= 0) {
            *err = g_strdup_printf("bad range \"%s\": a geometric range "
                                   "starts above 0", item);
        } else if (a > b) {
            *err = g_strdup_printf("bad range \"%s\": START is more than "
                                   "END", item);
        }
        for (unsigned i = 0; !*err; i++) {
            double v = a * pow(step, i);
            if (v > b * (1 + 1e-12)) {
                break;
            }
            if (i >= NVO_SWEEP_MAX_RANGE) {
                *err = g_strdup_printf("bad range \"%s\": more than %d "
                                       "values", item, NVO_SWEEP_MAX_RANGE);
                break;
            }
            g_ptr_array_add(vals, format_num__(v, ua));
        }
    } else {
        double span = (b - a) / step;
        if (step == 0) {
            *err = g_strdup_printf("bad range \"%s\": the step must not be "
                                   "0", item);
        } else if (n == 2 && a > b) {
            *err = g_strdup_printf("bad range \"%s\": START is more than "
                                   "END (to count down, write %s:%s:-1)",
                                   item, parts[0], parts[1]);
        } else if (span < 0) {
            *err = g_strdup_printf("bad range \"%s\": the step goes away "
                                   "from END", item);
        } else if (span + 1 > NVO_SWEEP_MAX_RANGE) {
            *err = g_strdup_printf("bad range \"%s\": more than %d values",
                                   item, NVO_SWEEP_MAX_RANGE);
        }
        if (!*err) {
            /* Values close to 0 compared with the range are 0: no
             * "5.55e-17" for -0.3 + 3 * 0.1. */
            double scale = NVO_MAX(NVO_MAX(fabs(a), fabs(b)), fabs(step));
            size_t count = (size_t) floor(span + 1e-9) + 1;
            for (size_t i = 0; i < count; i++) {
                double v = a + (double) i * step;
                if (fabs(v) < scale * 1e-12) {
                    v = 0;
                }
                g_ptr_array_add(vals, format_num__(v, ua));
            }
        }
    }
    if (!*err) {
        for (guint i = 0; i < vals->len; i++) {
            g_ptr_array_add(out, g_strdup(vals->pdata[i]));
        }
        ok = true;
    }
    g_ptr_array_free(vals, TRUE);
out:
    g_strfreev(parts);
    return ok;
}

bool
nvo_sweep_expand(const char *list, GPtrArray *out, char **err)
{
    *err = NULL;
    GPtrArray *vals = g_ptr_array_new_with_free_func(g_free);
    char **items = g_strsplit(list, ",", -1);
    bool ok = true;
    for (char **it = items; *it && ok; it++) {
        const char *item = *it;
        if (!*item) {
            *err = g_strdup("an empty item in the list");
            ok = false;
        } else if (strchr(item, ':')) {
            ok = expand_range__(item, vals, err);
        } else {
            for (const char *p = item; *p; p++) {
                if (g_ascii_iscntrl(*p)) {
                    char *esc = g_strescape(item, NULL);
                    *err = g_strdup_printf("a control character in \"%s\"",
                                           esc);
                    g_free(esc);
                    ok = false;
                    break;
                }
            }
            if (ok) {
                g_ptr_array_add(vals, g_strdup(item));
            }
        }
    }
    g_strfreev(items);
    if (ok && !vals->len) {
        *err = g_strdup("the list has no values");
        ok = false;
    }
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; ok && i < vals->len; i++) {
        if (!g_hash_table_add(seen, vals->pdata[i])) {
            *err = g_strdup_printf("the value %s is listed twice",
                                   (char *) vals->pdata[i]);
            ok = false;
        }
    }
    g_hash_table_destroy(seen);
    if (ok) {
        for (guint i = 0; i < vals->len; i++) {
            g_ptr_array_add(out, g_steal_pointer(&vals->pdata[i]));
        }
    }
    g_ptr_array_free(vals, TRUE);
    return ok;
}

/* ---- The sweep ------------------------------------------------------- */

static void
dim_free__(gpointer p)
{
    struct nvo_sweep_dim *d = p;
    g_free(d->path);
    g_free(d->list);
    g_strfreev(d->values);
    g_free(d);
}

struct nvo_sweep_def *
nvo_sweep_def_create(const char *scenario)
{
    struct nvo_sweep_def *s = g_new0(struct nvo_sweep_def, 1);
    s->scenario = g_strdup(scenario);
    s->runs = 1;
    s->sets = g_ptr_array_new_with_free_func(g_free);
    s->dims = g_ptr_array_new_with_free_func(dim_free__);
    return s;
}

void
nvo_sweep_def_destroy(struct nvo_sweep_def *s)
{
    if (!s) {
        return;
    }
    g_free(s->scenario);
    g_free(s->content);
    g_ptr_array_free(s->sets, TRUE);
    g_ptr_array_free(s->dims, TRUE);
    g_free(s);
}

bool
nvo_sweep_def_vary(struct nvo_sweep_def *s, const char *path,
                   const char *list, char **err)
{
    *err = NULL;
    if (!*path || strchr(path, '=') || strchr(path, ',')) {
        *err = g_strdup_printf("\"%s\" is not a --set PATH", path);
        return false;
    }
    if (!strcmp(path, "run.run")) {
        *err = g_strdup("run numbers are the replications (--runs R gives "
                        "runs 1..R); vary run.seed instead");
        return false;
    }
    GPtrArray *vals = g_ptr_array_new();
    if (!nvo_sweep_expand(list, vals, err)) {
        g_ptr_array_free(vals, TRUE);
        return false;
    }
    struct nvo_sweep_dim *d = NULL;
    for (guint i = 0; i < s->dims->len; i++) {
        struct nvo_sweep_dim *o = s->dims->pdata[i];
        if (!strcmp(o->path, path)) {
            d = o;
        }
    }
    if (!d) {
        d = g_new0(struct nvo_sweep_dim, 1);
        d->path = g_strdup(path);
        g_ptr_array_add(s->dims, d);
    }
    g_free(d->list);
    g_strfreev(d->values);
    d->list = g_strdup(list);
    d->n_values = vals->len;
    g_ptr_array_add(vals, NULL);
    d->values = (char **) g_ptr_array_free(vals, FALSE);
    return true;
}

bool
nvo_sweep_def_vary_arg(struct nvo_sweep_def *s, const char *arg, char **err)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || !eq[1]) {
        *err = g_strdup("expected PATH=LIST, e.g. "
                        "underlay.ecmp.function=crc32,toeplitz or "
                        "topology.spines=2:16:x2");
        return false;
    }
    char *path = g_strndup(arg, (gsize) (eq - arg));
    bool ok = nvo_sweep_def_vary(s, path, eq + 1, err);
    g_free(path);
    return ok;
}

size_t
nvo_sweep_def_n_points(const struct nvo_sweep_def *s)
{
    size_t n = 1;
    for (guint i = 0; i < s->dims->len; i++) {
        const struct nvo_sweep_dim *d = s->dims->pdata[i];
        if (n > NVO_SWEEP_MAX_RUNS / d->n_values) {
            return 0;
        }
        n *= d->n_values;
    }
    return n;
}

size_t
nvo_sweep_def_n_runs(const struct nvo_sweep_def *s)
{
    size_t n = nvo_sweep_def_n_points(s);
    if (!n || s->runs == 0 || n > NVO_SWEEP_MAX_RUNS / s->runs) {
        return 0;
    }
    return n * s->runs;
}

const char *
nvo_sweep_def_value(const struct nvo_sweep_def *s, size_t point, size_t dim)
{
    /* The last dimension varies fastest. */
    size_t idx = point - 1;
    for (size_t i = s->dims->len; i-- > dim + 1;) {
        const struct nvo_sweep_dim *d = s->dims->pdata[i];
        idx /= d->n_values;
    }
    const struct nvo_sweep_dim *d = s->dims->pdata[dim];
    return d->values[idx % d->n_values];
}

GPtrArray *
nvo_sweep_def_run_sets(const struct nvo_sweep_def *s, size_t point,
                       uint32_t run)
{
    GPtrArray *v = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < s->sets->len; i++) {
        g_ptr_array_add(v, g_strdup(s->sets->pdata[i]));
    }
    for (guint i = 0; i < s->dims->len; i++) {
        const struct nvo_sweep_dim *d = s->dims->pdata[i];
        g_ptr_array_add(v, g_strdup_printf("%s=%s", d->path,
                                           nvo_sweep_def_value(s, point, i)));
    }
    g_ptr_array_add(v, g_strdup_printf("run.run=%" PRIu32, run));
    return v;
}

char *
nvo_sweep_run_dir(const char *dir, size_t point, uint32_t run)
{
    char name[64];
    snprintf(name, sizeof name, "P%zu-R%" PRIu32, point, run);
    return g_build_filename(dir, "runs", name, NULL);
}

/* ---- Definition ------------------------------------------------------ */

static void
def_line__(GString *s, const char *key, const char *value)
{
    char *esc = g_strescape(value, NULL);
    g_string_append_printf(s, "%s=%s\n", key, esc);
    g_free(esc);
}

char *
nvo_sweep_def_text(const struct nvo_sweep_def *s)
{
    GString *t = g_string_new("# nvosim sweep definition: \"nvosim sweep "
                              "--resume\" continues only this sweep\n");
    def_line__(t, "scenario", s->scenario);
    if (s->content) {
        def_line__(t, "content", s->content);
    }
    g_string_append_printf(t, "runs=%" PRIu32 "\n", s->runs);
    for (guint i = 0; i < s->sets->len; i++) {
        def_line__(t, "set", s->sets->pdata[i]);
    }
    for (guint i = 0; i < s->dims->len; i++) {
        const struct nvo_sweep_dim *d = s->dims->pdata[i];
        char *vals = g_strjoinv(",", d->values);
        char *line = g_strdup_printf("%s=%s", d->path, vals);
        def_line__(t, "vary", line);
        g_free(line);
        g_free(vals);
    }
    return g_string_free(t, FALSE);
}

char *
nvo_sweep_def_diff(const char *old, const char *cur)
{
    if (!strcmp(old, cur)) {
        return NULL;
    }
    char **a = g_strsplit(old, "\n", -1);
    char **b = g_strsplit(cur, "\n", -1);
    char *msg = NULL;
    for (size_t i = 0; !msg; i++) {
        if (a[i] && b[i] && !strcmp(a[i], b[i])) {
            continue;
        }
        if (a[i] && b[i] && g_str_has_prefix(a[i], "content=")
            && g_str_has_prefix(b[i], "content=")) {
            msg = g_strdup("the scenario or its topology changed since the "
                           "sweep started");
        } else if (a[i] && *a[i] && b[i] && *b[i]) {
            msg = g_strdup_printf("it has \"%s\" where this command has "
                                  "\"%s\"", a[i], b[i]);
        } else if (a[i] && *a[i]) {
            msg = g_strdup_printf("it has \"%s\", which this command has "
                                  "not", a[i]);
        } else if (b[i] && *b[i]) {
            msg = g_strdup_printf("this command has \"%s\", which it has "
                                  "not", b[i]);
        } else {
            msg = g_strdup("its sweep.def is not one nvosim wrote");
        }
    }
    g_strfreev(a);
    g_strfreev(b);
    return msg;
}

/* ---- CSV ------------------------------------------------------------- */

void
nvo_sweep_csv_field(GString *s, const char *field)
{
    if (!strpbrk(field, ",\"\r\n")) {
        g_string_append(s, field);
        return;
    }
    g_string_append_c(s, '"');
    for (const char *c = field; *c; c++) {
        if (*c == '"') {
            g_string_append_c(s, '"');
        }
        g_string_append_c(s, *c);
    }
    g_string_append_c(s, '"');
}

char **
nvo_sweep_csv_split(const char *line)
{
    GPtrArray *f = g_ptr_array_new_with_free_func(g_free);
    const char *p = line;
    for (;;) {
        GString *v = g_string_new(NULL);
        if (*p == '"') {
            p++;
            for (;;) {
                if (!*p) {
                    goto bad;
                }
                if (*p == '"' && p[1] == '"') {
                    g_string_append_c(v, '"');
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    g_string_append_c(v, *p++);
                }
            }
            if (*p && *p != ',') {
                goto bad;
            }
        } else {
            while (*p && *p != ',') {
                if (*p == '"') {
                    goto bad;
                }
                g_string_append_c(v, *p++);
            }
        }
        g_ptr_array_add(f, g_string_free(v, FALSE));
        if (!*p) {
            break;
        }
        p++;                    /* the comma */
        continue;
bad:
        g_string_free(v, TRUE);
        g_ptr_array_free(f, TRUE);
        return NULL;
    }
    g_ptr_array_add(f, NULL);
    g_ptr_array_set_free_func(f, NULL);
    return (char **) g_ptr_array_free(f, FALSE);
}
