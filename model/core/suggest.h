/* suggest.h: "did you mean ...?" for a mistyped name.
 *
 * The one helper behind every suggestion nvosim makes: for an unknown
 * command (tools/nvosim.c), an unknown option of a command (tools/cli.c),
 * and an unknown element or attribute in a --set path (config_set.c).
 * Candidates are ranked by their optimal-string-alignment distance to the
 * word (Levenshtein distance with adjacent transpositions: "--sett" is 1
 * from "--set", "spins" 1 from "spines", "rnu" 1 from "run"). */
#ifndef NVO_SUGGEST_H
#define NVO_SUGGEST_H

#include "core/nvo.h"

/* The optimal-string-alignment distance between 'a' and 'b' (bytes,
 * case-sensitive). */
size_t nvo_edit_distance(const char *a, const char *b);

#define NVO_SUGGEST_MAX 3

/* Picks the candidates nearest to 'word' into 'out' (at most
 * NVO_SUGGEST_MAX, in the order of 'cands', each once; pointers into
 * 'cands') and returns how many.  Near means the smallest distance found,
 * if it is at most 1 for words of up to 3 characters, 2 up to 6, 3 beyond
 * (not counting leading '-'); failing that, the candidates that 'word' (3
 * characters or more) is a prefix of.  'word' itself is never picked. */
size_t nvo_suggest_pick(const char *word, const char *const *cands,
                        size_t n, const char *out[NVO_SUGGEST_MAX]);

/* The same, joined as "a", "a or b", "a, b or c"; NULL if none is near.
 * g_free() the result. */
char *nvo_suggest(const char *word, const char *const *cands, size_t n);

#endif /* NVO_SUGGEST_H */
