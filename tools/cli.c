/* cli.c: option parsing helpers.  See cli.h. */
#include "cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "core/suggest.h"

/* Does short option 'c' take a value in 'shortopts'? */
static bool
short_has_arg__(const char *shortopts, int c)
{
    const char *p = c ? strchr(shortopts, c) : NULL;
    return p && p[1] == ':';
}

void
nvo_cli_bad_option(const char *cmd, char **argv,
                   const struct option *longopts, const char *shortopts)
{
    /* getopt_long() has stepped past the option it refused. */
    const char *arg = optind > 0 ? argv[optind - 1] : "";
    if (!arg || strncmp(arg, "--", 2) || !arg[2]) {
        /* A short option: optopt is the letter. */
        if (optopt && short_has_arg__(shortopts, optopt)) {
            fprintf(stderr, "nvosim %s: -%c needs a value (nvosim %s "
                    "--help)\n", cmd, optopt, cmd);
        } else {
            fprintf(stderr, "nvosim %s: unknown option -%c (nvosim %s "
                    "--help lists the options)\n", cmd,
                    optopt ? optopt : '?', cmd);
        }
        return;
    }
    char *name = g_strdup(arg);
    char *eq = strchr(name, '=');
    if (eq) {
        *eq = '\0';
    }
    size_t len = strlen(name + 2);
    GPtrArray *all = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *prefixed = g_ptr_array_new();
    const struct option *exact = NULL;
    for (const struct option *o = longopts; o->name; o++) {
        char *full = g_strdup_printf("--%s", o->name);
        g_ptr_array_add(all, full);
        if (!strcmp(o->name, name + 2)) {
            exact = o;
        } else if (!strncmp(o->name, name + 2, len)) {
            g_ptr_array_add(prefixed, full);
        }
    }
    if (!exact && prefixed->len == 1) {
        for (const struct option *o = longopts; o->name; o++) {
            if (!strncmp(o->name, name + 2, len)) {
                exact = o;
            }
        }
    }
    if (exact && exact->has_arg == required_argument && !eq) {
        fprintf(stderr, "nvosim %s: --%s needs a value (nvosim %s --help)\n",
                cmd, exact->name, cmd);
    } else if (exact && exact->has_arg == no_argument && eq) {
        fprintf(stderr, "nvosim %s: --%s takes no value (nvosim %s "
                "--help)\n", cmd, exact->name, cmd);
    } else if (!exact && prefixed->len > 1) {
        GString *s = g_string_new(NULL);
        for (guint i = 0; i < prefixed->len; i++) {
            g_string_append_printf(s, "%s%s", i ? ", " : "",
                                   (const char *) prefixed->pdata[i]);
        }
        fprintf(stderr, "nvosim %s: %s is ambiguous: %s\n", cmd, name,
                s->str);
        g_string_free(s, TRUE);
    } else {
        char *near = nvo_suggest(name, (const char *const *) all->pdata,
                                 all->len);
        if (near) {
            fprintf(stderr, "nvosim %s: unknown option %s; did you mean "
                    "%s? (nvosim %s --help)\n", cmd, name, near, cmd);
        } else {
            fprintf(stderr, "nvosim %s: unknown option %s (nvosim %s --help "
                    "lists the options)\n", cmd, name, cmd);
        }
        g_free(near);
    }
    g_ptr_array_free(prefixed, TRUE);
    g_ptr_array_free(all, TRUE);
    g_free(name);
}

bool
nvo_cli_u64(const char *cmd, const char *opt, const char *arg,
            uint64_t min, uint64_t max, uint64_t *out)
{
    guint64 v;
    if (!arg || !g_ascii_isdigit(arg[0])
        || !g_ascii_string_to_unsigned(arg, 10, min, max, &v, NULL)) {
        fprintf(stderr, "nvosim %s: %s %s: expected a whole number from %"
                PRIu64 " to %" PRIu64 "\n", cmd, opt, arg ? arg : "", min,
                max);
        return false;
    }
    *out = v;
    return true;
}
