/* suggest.c: nearest names for "did you mean ...?".  See suggest.h. */
#include "core/suggest.h"

#include <glib.h>

size_t
nvo_edit_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    /* Three rows of the dynamic program: i - 2, i - 1 and i. */
    size_t *rows = g_new(size_t, 3 * (m + 1));
    size_t *pp = rows, *prev = rows + (m + 1), *cur = rows + 2 * (m + 1);
    for (size_t j = 0; j <= m; j++) {
        prev[j] = j;
    }
    for (size_t i = 1; i <= n; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t d = NVO_MIN(prev[j] + 1, cur[j - 1] + 1);
            d = NVO_MIN(d, prev[j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2]
                && a[i - 2] == b[j - 1]) {
                d = NVO_MIN(d, pp[j - 2] + 1);      /* transposition */
            }
            cur[j] = d;
        }
        size_t *t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    size_t d = prev[m];
    g_free(rows);
    return d;
}

static size_t
max_distance__(const char *word)
{
    while (*word == '-') {
        word++;
    }
    size_t len = strlen(word);
    return len <= 3 ? 1 : len <= 6 ? 2 : 3;
}

static void
add_unique__(GPtrArray *out, const char *c)
{
    for (guint i = 0; i < out->len; i++) {
        if (!strcmp(out->pdata[i], c)) {
            return;
        }
    }
    g_ptr_array_add(out, (gpointer) c);
}

size_t
nvo_suggest_pick(const char *word, const char *const *cands, size_t n,
                 const char *out[NVO_SUGGEST_MAX])
{
    size_t max_d = max_distance__(word);
    size_t best = max_d + 1;
    for (size_t i = 0; i < n; i++) {
        size_t d = nvo_edit_distance(word, cands[i]);
        best = d < best && strcmp(word, cands[i]) ? d : best;
    }
    GPtrArray *picked = g_ptr_array_new();
    for (size_t i = 0; i < n && best <= max_d; i++) {
        if (strcmp(word, cands[i])
            && nvo_edit_distance(word, cands[i]) == best) {
            add_unique__(picked, cands[i]);
        }
    }
    const char *w = word;
    while (*w == '-') {
        w++;
    }
    for (size_t i = 0; !picked->len && strlen(w) >= 3 && i < n; i++) {
        if (g_str_has_prefix(cands[i], word) && strcmp(word, cands[i])) {
            add_unique__(picked, cands[i]);
        }
    }
    size_t k = NVO_MIN(picked->len, (size_t) NVO_SUGGEST_MAX);
    for (size_t i = 0; i < k; i++) {
        out[i] = picked->pdata[i];
    }
    g_ptr_array_free(picked, TRUE);
    return k;
}

char *
nvo_suggest(const char *word, const char *const *cands, size_t n)
{
    const char *picked[NVO_SUGGEST_MAX];
    size_t k = nvo_suggest_pick(word, cands, n, picked);
    if (!k) {
        return NULL;
    }
    GString *g = g_string_new(NULL);
    for (size_t i = 0; i < k; i++) {
        if (i) {
            g_string_append(g, i + 1 == k ? " or " : ", ");
        }
        g_string_append(g, picked[i]);
    }
    return g_string_free(g, FALSE);
}
