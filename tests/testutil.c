/* testutil.c: helpers shared by the Check suites.  See testutil.h. */
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
nvo_test_run(Suite *suite)
{
    SRunner *sr = srunner_create(suite);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

const char *
nvo_test_engine(void)
{
    const char *e = getenv("NVO_TEST_ENGINE");
    return e && *e ? e : "native";
}

const char *
nvo_test_scheduler(void)
{
    const char *s = getenv("NVO_TEST_SCHEDULER");
    return s && *s ? s : NULL;
}

char *
nvo_test_tmpdir(const char *tag)
{
    const char *base = getenv("TMPDIR");
    char tmpl[4096];
    snprintf(tmpl, sizeof tmpl, "%s/nvosim-%s-XXXXXX",
             base && *base ? base : "/tmp", tag);
    char *d = mkdtemp(tmpl);
    if (!d) {
        perror("mkdtemp");
        abort();
    }
    char *copy = malloc(strlen(d) + 1);
    if (!copy) {
        abort();
    }
    strcpy(copy, d);
    return copy;
}

const char *
nvo_test_src(const char *rel)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", NVO_SOURCE_DIR, rel);
    return buf;
}

void
nvo_test_rmdir(char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) {
            continue;
        }
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        remove(path);
    }
    if (d) {
        closedir(d);
    }
    rmdir(dir);
    free(dir);
}
