#!/usr/bin/env bash
# interop_bgp.sh: the interop test (docs/interop.md).  A real FRR bgpd and
# a real GoBGP, started here on the loopback on free unprivileged ports
# with their own configs, receive the UPDATEs that nvosim's simulated
# route reflector sent to PE1 in a simulation run (tests/interop_gen.c),
# replayed by "nvosim bgp-replay" over a real TCP session after a real
# OPEN exchange; each daemon's RIB (vtysh ... json, gobgp ... -j),
# normalized by tests/interop_frr.jq / interop_gobgp.jq, must equal PE1's
# Loc-RIB as the simulation left it (expected.txt), with no NOTIFICATION.
# Then a copy of the MRT with one byte of an UPDATE corrupted (its total
# path attribute length + 1) must be refused by both daemons with a
# NOTIFICATION 3/1 and make the replay exit 1; and one with an EVPN NLRI
# length + 1 must get NOTIFICATION 3/9 from FRR and, from GoBGP (which
# drops the route and keeps the session), a RIB short of exactly that
# route.  A replay with a 3 s hold time must outlive it (KEEPALIVEs both
# ways).  The daemons are stopped by their PIDs on every exit path.
# Missing daemons FAIL the test (scripts/setup installs them).
#
# Usage: interop_bgp.sh INTEROP_GEN NVOSIM SRCDIR
# With NVO_INTEROP_KEEP=DIR its files (MRT, expected, the daemons' RIBs
# as JSON, text and normalized, logs) are copied to DIR at the end.
set -u

GEN=$1
NVOSIM=$2
SRC=$3
BGPD=/usr/lib/frr/bgpd

fail() {
    echo "interop-bgp: FAIL: $*" >&2
    exit 1
}

missing=""
for c in "$BGPD" vtysh gobgpd gobgp jq timeout; do
    command -v "$c" >/dev/null 2>&1 || missing="$missing $c"
done
if [ -n "$missing" ]; then
    fail "missing:$missing (install them with scripts/setup: Debian packages frr, gobgpd, jq)"
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/nvo-interop.XXXXXX") || fail "mktemp"
PIDS=()
cleanup() {
    local p
    if [ -n "${NVO_INTEROP_KEEP:-}" ]; then   # keep the files for a look
        mkdir -p "$NVO_INTEROP_KEEP" && cp -r "$T"/. "$NVO_INTEROP_KEEP"/
    fi
    for p in "${PIDS[@]}"; do
        kill "$p" 2>/dev/null
    done
    for p in "${PIDS[@]}"; do
        wait "$p" 2>/dev/null
    done
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

show_logs() {
    for f in "$T"/frr/bgpd.log "$T"/gobgp/gobgpd.log "$T"/*.out "$T"/*.err; do
        [ -s "$f" ] && { echo "---- $f (last lines)"; tail -n 20 "$f"; }
    done >&2
}

# ---- 1. The simulation ------------------------------------------------------
# 40 VMs per PE and VNI; PE1 hosts 2 VNIs, PE2 2, PE3 3: type-2 routes
# 80/80/120, type-3 (one IMET per VNI) 2/2/3.  At 5 s one of PE2's VMs
# moves to PE3 (MAC Mobility sequence 1; PE2 withdraws): 80/79/121.
# Every Loc-RIB holds all 280 + 7 = 287 routes; PE1's from the reflector
# are PE2's and PE3's: 79 + 121 = 200 type 2 and 2 + 3 = 5 type 3, 205
# lines of expected.txt.  The reflector sent PE1 206 routes (200 + 5,
# then the moved MAC's new route) and 1 withdrawal, in 13 UPDATEs: one
# per attribute set (each PE's VNI: 5 type-2 sets of 40 routes, within
# the 102 a 4096-byte UPDATE holds; 5 IMET routes, each its own PMSI
# label), the End-of-RIB, the moved route and the withdrawal.
"$GEN" "$T" 40 > "$T/gen.out" 2>&1 || { cat "$T/gen.out" >&2; fail "interop_gen"; }
cat "$T/gen.out"
grep -q "routes per PE: type 2 80/79/121, type 3 2/2/3" "$T/gen.out" \
    || fail "interop_gen: routes per PE"
grep -q "PE1 Loc-RIB 287, from the reflector: 200 type 2, 5 type 3" "$T/gen.out" \
    || fail "interop_gen: PE1's Loc-RIB"
[ "$(wc -l < "$T/expected.txt")" -eq 205 ] || fail "expected.txt: not 205 routes"
# The reflector's 13 UPDATEs, as recorded.
"$NVOSIM" bgp-replay "$T/rr-to-pe1.mrt" --list > "$T/list.out" || fail "bgp-replay --list"
[ "$(grep -c ': sent UPDATE' "$T/list.out")" -eq 13 ] || fail "MRT: not 13 sent UPDATEs"

# A cut file is refused with FILE:OFFSET: the 2nd record (offset 81)
# has its length field at 89 and 69 bytes (4 + 12 + 8 + 45) of body.
head -c 100 "$T/rr-to-pe1.mrt" > "$T/cut.mrt"
rc=0
"$NVOSIM" bgp-replay "$T/cut.mrt" --list > /dev/null 2> "$T/cut.err" || rc=$?
[ "$rc" = 1 ] && grep -qxF "$T/cut.mrt:89: record length 69 runs past the end of the file (7 bytes left)" "$T/cut.err" \
    || { cat "$T/cut.err" >&2; fail "a cut MRT file: exit $rc"; }

# ---- 2. The daemons ---------------------------------------------------------
USED=" "
free_port() {   # PORT: a TCP port nothing listens on at 127.0.0.1
    local p=$(( 20000 + ($$ * 7 + ${#USED} * 13) % 30000 ))
    local i
    for i in $(seq 1 2000); do
        p=$(( p + 1 ))
        [ "$p" -gt 60000 ] && p=20001
        case "$USED" in *" $p "*) continue ;; esac
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            USED="$USED$p "
            PORT=$p
            return 0
        fi
    done
    return 1
}
free_port || fail "no free port"
FRR_PORT=$PORT
free_port || fail "no free port"
GOBGP_PORT=$PORT
free_port || fail "no free port"
GOBGP_API=$PORT

# Neighbors: 127.0.0.2 (FRR) and 127.0.0.3 (GoBGP) replay the good MRT,
# 127.0.0.4 and 127.0.0.5 the one with a bad attribute length, 127.0.0.6
# and 127.0.0.7 the one with a bad EVPN NLRI length; 127.0.0.8 (FRR)
# the good one with a 3 s hold time.  Router ids 192.0.2.250/251
# differ from every simulated id (10.0.0.x), so no route is a loop.
mkdir -p "$T/frr" "$T/gobgp"
cat > "$T/frr/bgpd.conf" <<EOF
hostname nvo-interop
log stdout informational
router bgp 65000
 bgp router-id 192.0.2.250
 no bgp default ipv4-unicast
 neighbor 127.0.0.2 remote-as 65000
 neighbor 127.0.0.2 passive
 neighbor 127.0.0.4 remote-as 65000
 neighbor 127.0.0.4 passive
 neighbor 127.0.0.6 remote-as 65000
 neighbor 127.0.0.6 passive
 neighbor 127.0.0.8 remote-as 65000
 neighbor 127.0.0.8 passive
 address-family l2vpn evpn
  neighbor 127.0.0.2 activate
  neighbor 127.0.0.4 activate
  neighbor 127.0.0.6 activate
  neighbor 127.0.0.8 activate
 exit-address-family
EOF
cat > "$T/gobgp/gobgpd.toml" <<EOF
[global.config]
  as = 65000
  router-id = "192.0.2.251"
  port = $GOBGP_PORT
  local-address-list = ["127.0.0.1"]
EOF
for n in 127.0.0.3 127.0.0.5 127.0.0.7; do
    cat >> "$T/gobgp/gobgpd.toml" <<EOF
[[neighbors]]
  [neighbors.config]
    neighbor-address = "$n"
    peer-as = 65000
  [neighbors.transport.config]
    passive-mode = true
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "l2vpn-evpn"
EOF
done

# Each daemon under timeout(1): killing its PID (timeout's) stops it,
# and were this script itself killed (ctest's timeout: SIGKILL, no trap)
# the daemon still ends after 240 s.
timeout -k 5 240 "$BGPD" -f "$T/frr/bgpd.conf" -Z -S -p "$FRR_PORT" -l 127.0.0.1 -P 0 \
    -i "$T/frr/bgpd.pid" --vty_socket "$T/frr" > "$T/frr/bgpd.log" 2>&1 &
FRR_PID=$!
PIDS+=("$FRR_PID")
timeout -k 5 240 gobgpd -f "$T/gobgp/gobgpd.toml" -p -l info --api-hosts "127.0.0.1:$GOBGP_API" \
    --pprof-disable > "$T/gobgp/gobgpd.log" 2>&1 &
GOBGP_PID=$!
PIDS+=("$GOBGP_PID")

vty() { vtysh --vty_socket "$T/frr" -c "$1"; }
gob() { gobgp -p "$GOBGP_API" "$@"; }
up=0
for i in $(seq 1 100); do
    kill -0 "$FRR_PID" 2>/dev/null || { show_logs; fail "bgpd exited"; }
    kill -0 "$GOBGP_PID" 2>/dev/null || { show_logs; fail "gobgpd exited"; }
    if vty 'show bgp summary json' >/dev/null 2>&1 && gob neighbor >/dev/null 2>&1; then
        up=1
        break
    fi
    sleep 0.1
done
[ "$up" = 1 ] || { show_logs; fail "the daemons did not answer within 10 s"; }
# A port nothing listens on: connection refused, exit 1.
free_port || fail "no free port"
rc=0
"$NVOSIM" bgp-replay "$T/rr-to-pe1.mrt" --peer "127.0.0.1:$PORT" --timeout 2 \
    > /dev/null 2> "$T/refused.err" || rc=$?
[ "$rc" = 1 ] && grep -qxF "nvosim bgp-replay: connect to 127.0.0.1:$PORT: Connection refused" "$T/refused.err" \
    || { cat "$T/refused.err" >&2; fail "replay to a closed port: exit $rc"; }
echo "interop-bgp: bgpd (pid $FRR_PID) on 127.0.0.1:$FRR_PORT, gobgpd (pid $GOBGP_PID) on 127.0.0.1:$GOBGP_PORT"

# ---- 3. Replay, query, compare ---------------------------------------------
frr_rib() { vty 'show bgp l2vpn evpn route detail json'; }
gobgp_rib() { gob global rib -a evpn -j; }
frr_text() { vty 'show bgp l2vpn evpn route'; vty 'show bgp l2vpn evpn summary'; }
gobgp_text() { gob global rib -a evpn; gob neighbor; }
LC_ALL=C sort "$T/expected.txt" > "$T/expected.sorted"
# FRR's JSON does not show the PMSI tunnel identifier.
sed 's/\(pmsi=[0-9]*:[0-9]*\):[^ ]*/\1/' "$T/expected.sorted" > "$T/expected.frr"

# replay NAME PORT LOCAL RIB_FN EXPECTED: replays the good MRT; once it
# has sent End-of-RIB, reads the daemon's RIB (every 0.1 s, for at most
# 20 s) until its normalized form equals EXPECTED (the last read is kept
# in NAME.txt for the diff below); then stops the replay (SIGTERM: it
# closes with Cease) and checks that it saw no NOTIFICATION.
replay() {
    local name=$1 port=$2 local=$3 rib_fn=$4 exp=$5
    "$NVOSIM" bgp-replay "$T/rr-to-pe1.mrt" --peer "127.0.0.1:$port" \
        --local "$local" --wait 60 > "$T/$name.out" 2> "$T/$name.err" &
    local rp=$!
    PIDS+=("$rp")
    local i
    for i in $(seq 1 200); do
        kill -0 "$rp" 2>/dev/null || break
        grep -q "and End-of-RIB" "$T/$name.out" && break
        sleep 0.1
    done
    kill -0 "$rp" 2>/dev/null || { show_logs; fail "$name: bgp-replay ended early"; }
    for i in $(seq 1 200); do
        $rib_fn > "$T/$name.json" 2>/dev/null \
            && jq -r -f "$SRC/interop_$name.jq" "$T/$name.json" 2>/dev/null \
               | LC_ALL=C sort > "$T/$name.txt" \
            && cmp -s "$T/$name.txt" "$exp" && break
        kill -0 "$rp" 2>/dev/null || break
        sleep 0.1
    done
    ${name}_text > "$T/$name-rib.txt" 2>&1
    kill -TERM "$rp" 2>/dev/null
    local rc=0
    wait "$rp" || rc=$?
    cat "$T/$name.out"
    if [ "$rc" != 0 ] || [ -s "$T/$name.err" ]; then
        show_logs
        fail "$name: bgp-replay exit $rc"
    fi
    grep -q "sent 13 UPDATEs (206 routes announced, 1 withdrawn) and End-of-RIB" "$T/$name.out" \
        || fail "$name: replay did not send the 13 UPDATEs"
    grep -q "no NOTIFICATION" "$T/$name.out" || fail "$name: replay"
}

replay frr "$FRR_PORT" 127.0.0.2 frr_rib "$T/expected.frr"
replay gobgp "$GOBGP_PORT" 127.0.0.3 gobgp_rib "$T/expected.sorted"

diff -u "$T/expected.frr" "$T/frr.txt" > "$T/frr.diff" \
    || { cat "$T/frr.diff" >&2; fail "FRR's RIB differs from the simulated Loc-RIB"; }
diff -u "$T/expected.sorted" "$T/gobgp.txt" > "$T/gobgp.diff" \
    || { cat "$T/gobgp.diff" >&2; fail "GoBGP's RIB differs from the simulated Loc-RIB"; }
echo "interop-bgp: FRR: $(wc -l < "$T/frr.txt") routes equal to the simulated Loc-RIB ($(grep -c '^type=2' "$T/frr.txt") type 2, $(grep -c '^type=3' "$T/frr.txt") type 3)"
echo "interop-bgp: GoBGP: $(wc -l < "$T/gobgp.txt") routes equal to the simulated Loc-RIB ($(grep -c '^type=2' "$T/gobgp.txt") type 2, $(grep -c '^type=3' "$T/gobgp.txt") type 3)"
grep 'mm:1' "$T/gobgp.txt"
grep -m 1 '^type=3' "$T/gobgp.txt"
# The moved MAC: once, from PE3 (10.0.0.5) with sequence 1, in both.
for f in frr gobgp; do
    [ "$(grep -c 'mac=02:00:01:02:00:00 ' "$T/$f.txt")" -eq 1 ] \
        && grep -q 'rd=10.0.0.5:1 mac=02:00:01:02:00:00 .*mm:1,' "$T/$f.txt" \
        || fail "$f: the moved MAC is not PE3's with sequence 1"
done

# ---- 4. A corrupted UPDATE is refused ---------------------------------------
# The first sent UPDATE with routes: its total path attribute length (2
# bytes at message byte 21) + 1 runs past the message (RFC 4271 6.3:
# Malformed Attribute List, 3/1).
msg=$(awk '/: sent UPDATE/ && $4 > 29 { sub(/\)/, "", $NF); print $NF; exit }' "$T/list.out")
[ -n "$msg" ] || fail "no UPDATE with routes in the MRT"
off=$(( msg + 22 ))
cp "$T/rr-to-pe1.mrt" "$T/bad.mrt"
b=$(od -An -tu1 -j "$off" -N 1 "$T/bad.mrt" | tr -d ' ')
[ "$b" -lt 255 ] || fail "attribute length low byte 255: pick another byte"
printf "$(printf '\\%03o' $(( b + 1 )))" | dd of="$T/bad.mrt" bs=1 seek="$off" conv=notrunc 2>/dev/null
[ "$(cmp -l "$T/rr-to-pe1.mrt" "$T/bad.mrt" | wc -l)" -eq 1 ] || fail "corruption: not one byte"
for d in "frr $FRR_PORT 127.0.0.4" "gobgp $GOBGP_PORT 127.0.0.5"; do
    set -- $d
    rc=0
    "$NVOSIM" bgp-replay "$T/bad.mrt" --peer "127.0.0.1:$2" --local "$3" --wait 5 \
        > "$T/bad-$1.out" 2> "$T/bad-$1.err" || rc=$?
    cat "$T/bad-$1.err"
    [ "$rc" = 1 ] || { show_logs; fail "$1: corrupted UPDATE: replay exit $rc, expected 1"; }
    grep -q "NOTIFICATION from 127.0.0.1:$2: code 3 (UPDATE Message Error) subcode 1" "$T/bad-$1.err" \
        || { show_logs; fail "$1: no NOTIFICATION 3/1 for the corrupted UPDATE"; }
done
kill -0 "$FRR_PID" 2>/dev/null || fail "bgpd died"
kill -0 "$GOBGP_PID" 2>/dev/null || fail "gobgpd died"
echo "interop-bgp: both daemons refused the corrupted UPDATE with NOTIFICATION 3/1"

# ---- 5. A corrupted EVPN NLRI -------------------------------------------------
# The same 113-byte IMET UPDATE: header 19, withdrawn length 2, attribute
# length 2 (23); ORIGIN 4, AS_PATH 3, LOCAL_PREF 7, ORIGINATOR_ID 7,
# CLUSTER_LIST 7, EXT_COMM 3 + 16, PMSI 3 + 9 (59); MP_REACH's header 3,
# AFI 2, SAFI 1, next-hop length 1, next hop 4, reserved 1 (12): its NLRI
# (type 3, length 17, 19 bytes) at message byte 23 + 59 + 12 = 94 =
# 113 - 19.
# Its length byte (95) becomes 18: the route runs past the MP_REACH field.
# FRR resets the session with NOTIFICATION 3/9 (Optional Attribute
# Error); GoBGP 3.10 logs "Capability was disabled" and drops that
# UPDATE's route but keeps the session (RFC 7606 handling): its RIB is
# the expected one less exactly that IMET route, so the RIB comparison
# is what catches it there.
nl=$(( msg + 94 ))
[ "$(od -An -tu1 -j "$nl" -N 2 "$T/rr-to-pe1.mrt" | tr -s ' ')" = " 3 17" ] \
    || fail "the IMET UPDATE's NLRI is not at message byte 94"
rd=$(od -An -tu1 -j $(( nl + 2 )) -N 8 "$T/rr-to-pe1.mrt" \
     | awk '{ print $3 "." $4 "." $5 "." $6 ":" ($7 * 256 + $8) }')
cp "$T/rr-to-pe1.mrt" "$T/bad2.mrt"
printf '\022' | dd of="$T/bad2.mrt" bs=1 seek=$(( nl + 1 )) conv=notrunc 2>/dev/null
[ "$(cmp -l "$T/rr-to-pe1.mrt" "$T/bad2.mrt" | wc -l)" -eq 1 ] || fail "corruption 2: not one byte"
rc=0
"$NVOSIM" bgp-replay "$T/bad2.mrt" --peer "127.0.0.1:$FRR_PORT" --local 127.0.0.6 --wait 5 \
    > "$T/bad2-frr.out" 2> "$T/bad2-frr.err" || rc=$?
cat "$T/bad2-frr.err"
[ "$rc" = 1 ] && grep -q "NOTIFICATION from 127.0.0.1:$FRR_PORT: code 3 (UPDATE Message Error) subcode 9" "$T/bad2-frr.err" \
    || { show_logs; fail "frr: corrupted NLRI: exit $rc, no NOTIFICATION 3/9"; }
grep -v "^type=3 rd=$rd etag=0 " "$T/expected.sorted" > "$T/expected.bad2"
[ "$(wc -l < "$T/expected.bad2")" -eq 204 ] || fail "expected less the IMET route of $rd: not 204"
"$NVOSIM" bgp-replay "$T/bad2.mrt" --peer "127.0.0.1:$GOBGP_PORT" --local 127.0.0.7 --wait 60 \
    > "$T/bad2-gobgp.out" 2> "$T/bad2-gobgp.err" &
rp=$!
PIDS+=("$rp")
for i in $(seq 1 200); do
    kill -0 "$rp" 2>/dev/null || break
    grep -q "and End-of-RIB" "$T/bad2-gobgp.out" && break
    sleep 0.1
done
for i in $(seq 1 200); do
    gobgp_rib > "$T/bad2-gobgp.json" 2>/dev/null \
        && jq -r -f "$SRC/interop_gobgp.jq" "$T/bad2-gobgp.json" 2>/dev/null \
           | LC_ALL=C sort > "$T/bad2-gobgp.txt" \
        && cmp -s "$T/bad2-gobgp.txt" "$T/expected.bad2" && break
    kill -0 "$rp" 2>/dev/null || break
    sleep 0.1
done
kill -TERM "$rp" 2>/dev/null
rc=0
wait "$rp" || rc=$?
diff -u "$T/expected.bad2" "$T/bad2-gobgp.txt" >&2 \
    || fail "gobgp: corrupted NLRI: the RIB is not the expected one less the IMET route of $rd"
[ "$rc" = 0 ] || { cat "$T/bad2-gobgp.err" >&2; fail "gobgp: corrupted NLRI: replay exit $rc"; }
echo "interop-bgp: corrupted EVPN NLRI: FRR sent NOTIFICATION 3/9; GoBGP dropped the route (IMET $rd), 204 of 205 left, which the comparison catches"
# ---- 6. KEEPALIVEs both ways ---------------------------------------------------
# Hold time 3 s offered (FRR's 180 s configured: 3 s negotiated, RFC 4271
# 4.2): the session must survive a 5 s wait, longer than the hold time,
# so FRR must have received our KEEPALIVEs (every 1 s) or it would have
# sent NOTIFICATION 4/0 (exit 1); and FRR's own (every 1 s) arrive: at
# least 3 in 5 s (about 5: leeway for a loaded machine).
rc=0
"$NVOSIM" bgp-replay "$T/rr-to-pe1.mrt" --peer "127.0.0.1:$FRR_PORT" --local 127.0.0.8 \
    --hold 3 --wait 5 > "$T/ka.out" 2> "$T/ka.err" || rc=$?
cat "$T/ka.out"
[ "$rc" = 0 ] && [ ! -s "$T/ka.err" ] || { cat "$T/ka.err" >&2; fail "hold 3 s: exit $rc"; }
grep -q "hold 3 s" "$T/ka.out" || fail "hold 3 s not negotiated"
ka=$(sed -n 's/.* UPDATEs and \([0-9]*\) KEEPALIVEs, no NOTIFICATION.*/\1/p' "$T/ka.out")
[ -n "$ka" ] && [ "$ka" -ge 3 ] || fail "hold 3 s: $ka KEEPALIVEs from FRR in 5 s, expected at least 3"
echo "interop-bgp: hold 3 s: the session outlived the hold time, $ka KEEPALIVEs from FRR"
echo "interop-bgp: PASS"
exit 0
