/* test_suggest.c: edit distance and "did you mean" (suggest.c). */
#include <glib.h>

#include "core/suggest.h"
#include "testutil.h"

START_TEST(distance)
{
    static const struct { const char *a, *b; size_t d; } cases[] = {
        { "", "", 0 }, { "", "abc", 3 }, { "abc", "", 3 },
        { "--sett", "--set", 1 }, { "spins", "spines", 1 },
        { "rnu", "run", 1 },            /* one transposition */
        { "kitten", "sitting", 3 }, { "flaw", "lawn", 2 },
        { "ca", "abc", 3 },             /* OSA, not full Damerau (2) */
        { "same", "same", 0 },
    };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(cases); i++) {
        ck_assert_msg(nvo_edit_distance(cases[i].a, cases[i].b) == cases[i].d,
                      "%s/%s: %zu", cases[i].a, cases[i].b,
                      nvo_edit_distance(cases[i].a, cases[i].b));
    }
}
END_TEST

START_TEST(suggest)
{
    static const char *const opts[] = {
        "--set", "--seed", "--run", "--engine", "--out", "--quiet",
        "--list-settings", "--help",
    };
    static const struct { const char *word, *want; } cases[] = {
        { "--sett", "--set" },
        { "--sed", "--set or --seed" },     /* both at distance 1 */
        { "--engnie", "--engine" },
        { "--list", "--list-settings" },    /* a prefix */
        { "--xyzzy", NULL },
        { "--set", NULL },                  /* itself: nothing to say */
        { "--rum", "--run" },
    };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(cases); i++) {
        char *s = nvo_suggest(cases[i].word, opts, NVO_ARRAY_SIZE(opts));
        if (!cases[i].want) {
            ck_assert_msg(!s, "%s: %s", cases[i].word, s);
        } else {
            ck_assert_msg(s && !strcmp(s, cases[i].want), "%s: %s",
                          cases[i].word, s ? s : "(none)");
        }
        g_free(s);
    }
    /* At most three, in the candidates' order, each once. */
    static const char *const many[] = { "ab", "ac", "ab", "ad", "ae" };
    char *s = nvo_suggest("aa", many, NVO_ARRAY_SIZE(many));
    ck_assert_str_eq(s, "ab, ac or ad");
    g_free(s);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("suggest");
    TCase *tc = tcase_create("suggest");
    tcase_add_test(tc, distance);
    tcase_add_test(tc, suggest);
    suite_add_tcase(s, tc);
    return nvo_test_run(s);
}
