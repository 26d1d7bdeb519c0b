#!/bin/sh
# cli.sh: the nvosim command's option handling, run as a user would:
# suggestions for unknown options, commands and --set paths, numeric
# options named in their errors, --list-settings, --version in --help.
# Usage: cli.sh NVOSIM SOURCE_DIR
set -u
nvosim=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
scen=$src/scenarios/websearch.xml
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect STATUS TEXT CMD...: CMD exits with STATUS and its stdout+stderr
# holds the line TEXT (exactly).
expect() {
    want_rc=$1 want=$2
    shift 2
    "$@" >"$tmp/out" 2>&1
    rc=$?
    if [ "$rc" != "$want_rc" ]; then
        echo "FAIL: $*: exit status $rc, expected $want_rc"; cat "$tmp/out"
        fail=1
    elif ! grep -qxF -- "$want" "$tmp/out"; then
        echo "FAIL: $*: no line"; echo "  $want"; echo "got:"; cat "$tmp/out"
        fail=1
    fi
}

expect 2 'nvosim run: unknown option --sett; did you mean --set? (nvosim run --help)' \
    "$nvosim" run --sett run.seed=2 "$scen"
expect 2 'nvosim sweep: unknown option --sett; did you mean --set? (nvosim sweep --help)' \
    "$nvosim" sweep --sett x "$scen"
expect 2 'nvosim tunnel: unknown option --encpa; did you mean --encap? (nvosim tunnel --help)' \
    "$nvosim" tunnel --encpa vxlan
expect 2 'nvosim run: --se is ambiguous: --set, --seed' "$nvosim" run --se 1 "$scen"
expect 1 '--set run.scheduler=map: <run scheduler="map">: not a scheduler of the native engine (ladder, heap4)' \
    "$nvosim" run --scheduler map --out "$tmp/sch" "$scen"
expect 2 'nvosim bench timers: --mode: "fast" is neither timer nor cancel (see --help)' \
    "$nvosim" bench timers --mode fast
expect 2 'nvosim bench timers: --timeout: "5" is not a time from 1ps to 1s with a unit (ps, ns, us, ms, s) (see --help)' \
    "$nvosim" bench timers --timeout 5
expect 2 'nvosim bench hold: --scheduler: engine native has no scheduler "heap9" (known: ladder, heap4) (see --help)' \
    "$nvosim" bench hold --scheduler heap9
expect 2 'nvosim bench timers: --timers: "0" is not a whole number from 1 to 100000000 (see --help)' \
    "$nvosim" bench timers --timers 0
expect 2 'nvosim run: --out needs a value (nvosim run --help)' "$nvosim" run "$scen" --out
expect 2 'nvosim run: --seed abc: expected a whole number from 0 to 18446744073709551615' \
    "$nvosim" run --seed abc "$scen"
expect 2 'nvosim run: --run 1.5: expected a whole number from 0 to 18446744073709551615' \
    "$nvosim" run --run 1.5 "$scen"
expect 2 'nvosim tunnel: --seed: "abc" is not a whole number from 0 to 18446744073709551615' \
    "$nvosim" tunnel --seed abc
expect 2 'nvosim batch: -j abc: expected a number from 1 to 1024' \
    "$nvosim" batch -j abc "$scen"
expect 2 'nvosim sweep: --runs abc: expected a number from 1 to 10000000' \
    "$nvosim" sweep --runs abc --out "$tmp/sw" "$scen"
expect 2 'nvosim: unknown command "rnu"; did you mean run? ("nvosim --help" lists the commands)' \
    "$nvosim" rnu
expect 1 '--set topology.spins=8: no such element or attribute "spins" in <leaf-spine>; did you mean topology.spines?' \
    "$nvosim" run --set topology.spins=8 "$scen"
expect 0 '  --version    print the version (nvosim 0.1.0) and where the schemas' "$nvosim" --help
expect 0 'nvosim 0.1.0' "$nvosim" --version
expect 0 "schemas in $src" "$nvosim" --version

# --list-settings: a header, then one line per path with its type, unit,
# default and value (columns separated by two spaces or more).
"$nvosim" run --list-settings --set run.seed=9 "$scen" >"$tmp/list" 2>&1 \
    || { echo "FAIL: --list-settings: exit status $?"; cat "$tmp/list"; fail=1; }
norm() { sed 's/   */  /g' "$tmp/list"; }
for line in 'PATH  TYPE  UNIT  DEFAULT  VALUE' \
            'run.duration  time  ps, ns, us, ms, s  10ms  200ms' \
            'run.drain  boolean  -  false  true' \
            'run.seed  integer  -  1  9' \
            'underlay.ecmp.function  crc32|crc16|toeplitz|xor-fold|jenkins|random  -  crc32  crc32' \
            'topology.spines  integer  -  (required)  2'; do
    if ! norm | grep -qxF -- "$line"; then
        echo "FAIL: --list-settings has no line \"$line\""; fail=1
    fi
done
# --list-settings runs nothing and writes nothing.
(cd "$tmp" && "$nvosim" run --list-settings "$scen" >/dev/null) || fail=1
[ ! -e "$tmp/results" ] || { echo "FAIL: --list-settings wrote results"; fail=1; }

exit $fail
