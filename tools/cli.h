/* cli.h: option parsing helpers shared by the nvosim commands.
 *
 * Every command parses its options with getopt_long() with opterr = 0
 * and reports problems through these, so that messages are alike: they
 * start "nvosim COMMAND: ", name the option, and for an unknown option
 * suggest the nearest known ones (suggest.h). */
#ifndef NVO_CLI_H
#define NVO_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

/* Reports the option getopt_long() just refused (it returned '?' or ':')
 * on stderr: "nvosim CMD: unknown option --sett; did you mean --set?
 * (nvosim CMD --help)", or "... --out needs a value", or "... --s is
 * ambiguous: --set, --seed".  'cmd' is the command's name ("run"); argv
 * and the option tables are those given to getopt_long(). */
void nvo_cli_bad_option(const char *cmd, char **argv,
                        const struct option *longopts,
                        const char *shortopts);

/* Parses the value 'arg' of option 'opt' ("--seed") as a whole number in
 * [min, max].  Returns true with *out set, or false after "nvosim CMD:
 * --seed abc: expected a whole number from 0 to 18446744073709551615"
 * on stderr. */
bool nvo_cli_u64(const char *cmd, const char *opt, const char *arg,
                 uint64_t min, uint64_t max, uint64_t *out);

#endif /* NVO_CLI_H */
