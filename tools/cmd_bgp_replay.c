/* cmd_bgp_replay.c: "nvosim bgp-replay FILE.mrt --peer 127.0.0.1:PORT":
 * replays the UPDATEs a simulated speaker sent (the MRT records of
 * subtype BGP4MP_MESSAGE_AS4_LOCAL that io/mrt.h writes, read with
 * io/mrt_read.h) to a real BGP daemon over a real TCP session on the
 * loopback: a real OPEN exchange (MP L2VPN/EVPN 25/70, route refresh,
 * 4-octet AS), the daemon's OPEN and KEEPALIVE checked, the UPDATEs in
 * file order, End-of-RIB, KEEPALIVEs for --wait seconds, then a
 * NOTIFICATION Cease.  A NOTIFICATION from the daemon is reported and
 * makes the exit status 1.  Every socket operation has a timeout.
 * tests/interop_bgp.sh and docs/interop.md use it against FRR and
 * GoBGP. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "cli.h"
#include "cmd.h"
#include "core/fileio.h"
#include "io/mrt_read.h"
#include "wire/bgp.h"
#include "wire/bgp_attr.h"
#include "wire/bgp_nlri.h"

#define CMD "bgp-replay"
#define MRT_MAX (256u << 20)
#define NVO_BGP_N_TYPES_REPLAY 6  /* counted by type 1..5 */

static void
usage(FILE *f)
{
    fprintf(f,
"usage: nvosim bgp-replay FILE.mrt --peer 127.0.0.1:PORT [OPTIONS]\n"
"\n"
"Replays the BGP UPDATE messages that a simulated speaker SENT (MRT\n"
"records BGP4MP(_ET) MESSAGE_AS4_LOCAL, subtype 7, RFC 8050; records of\n"
"received messages, subtype 4, and messages of other types are skipped)\n"
"to a real BGP daemon, in file order, over a TCP session on the\n"
"loopback: OPEN (MP L2VPN/EVPN 25/70, route refresh, 4-octet AS), the\n"
"daemon's OPEN and KEEPALIVE checked, the UPDATEs, End-of-RIB for\n"
"L2VPN/EVPN, KEEPALIVEs for --wait seconds, then NOTIFICATION Cease.\n"
"\n"
"Options:\n"
"  --peer ADDR:PORT    the daemon (an address in 127.0.0.0/8); required\n"
"  --local ADDR        the address to connect from (127.0.0.0/8), as the\n"
"                      daemon's neighbor statement names it; default: any\n"
"  --as N              our AS, 1..4294967295 (iBGP: the daemon's): 65000\n"
"  --router-id A.B.C.D our BGP identifier: default the local address of\n"
"                      the first replayed record (the simulated speaker's)\n"
"  --hold SECONDS      hold time offered, 0 or 3..65535: 180\n"
"  --wait SECONDS      keep the session up after End-of-RIB: 2 (SIGTERM\n"
"                      or SIGINT ends the wait early)\n"
"  --timeout SECONDS   limit of every connect, send and receive: 10\n"
"  --list              only list the records (offset, direction, type,\n"
"                      length, offset of the BGP message) and exit\n"
"  -h, --help          this help\n"
"\n"
"Errors in FILE are reported as FILE:OFFSET: what is wrong.\n"
"Exit status: 0 if the daemon took every message, 1 if it sent a\n"
"NOTIFICATION, closed the session, or anything failed; 2 on usage\n"
"errors.\n");
}

struct replay {
    const char *file;
    struct sockaddr_in peer, local;
    bool has_local;
    uint32_t as, router_id;
    uint16_t hold;
    uint64_t wait_s, timeout_s;
    int fd;
    uint8_t rbuf[2 * NVO_BGP_EXT_MAX_LEN];
    size_t rlen;
    /* Counts. */
    uint64_t in[NVO_BGP_N_TYPES_REPLAY];
};

/* SIGTERM / SIGINT while waiting: close with Cease and exit as if the
 * wait had ended (tests/interop_bgp.sh stops a replay so once it has
 * read the daemon's RIB). */
static volatile sig_atomic_t stop_flag;

static void
on_stop(int sig)
{
    (void) sig;
    stop_flag = 1;
}

static double
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static bool
parse_ip(const char *s, struct in_addr *a)
{
    return inet_pton(AF_INET, s, a) == 1;
}

static bool
loopback(const struct in_addr *a)
{
    return (ntohl(a->s_addr) >> 24) == 127;
}

static const char *
code_name(uint8_t code)
{
    static const char *const n[] = {
        "?", "Message Header Error", "OPEN Message Error",
        "UPDATE Message Error", "Hold Timer Expired",
        "Finite State Machine Error", "Cease", "ROUTE-REFRESH Message Error",
    };
    return code < NVO_ARRAY_SIZE(n) ? n[code] : "?";
}

/* Sends all of 'len' bytes within the timeout.  0 or an errno. */
static int
send_all(struct replay *r, const uint8_t *p, size_t len)
{
    double end = now_s() + (double) r->timeout_s;
    while (len) {
        int ms = (int) ((end - now_s()) * 1000);
        if (ms <= 0) {
            return ETIMEDOUT;
        }
        struct pollfd pf = { r->fd, POLLOUT, 0 };
        int n = poll(&pf, 1, ms);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return n == 0 ? ETIMEDOUT : errno;
        }
        ssize_t w = send(r->fd, p, len, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EAGAIN || errno == EINTR) {
                continue;
            }
            return errno;
        }
        p += w;
        len -= (size_t) w;
    }
    return 0;
}

/* Receives one whole message into 'msg' waiting at most 'wait_ms' (0: do
 * not wait).  Returns 0 with *len, EAGAIN if none arrived in time,
 * ECONNRESET on end of stream, EBADMSG for a bad header (message in
 * 'why'), or an errno. */
static int
recv_msg(struct replay *r, int wait_ms, uint8_t *msg, size_t *len,
         char *why, size_t why_size)
{
    double end = now_s() + wait_ms / 1000.0;
    for (;;) {
        if (r->rlen >= NVO_BGP_HDR_LEN) {
            size_t mlen = nvo_rd16(r->rbuf + 16);
            uint8_t type;
            struct nvo_bgp_error e;
            if (mlen >= NVO_BGP_HDR_LEN && mlen <= r->rlen) {
                if (nvo_bgp_hdr_decode(r->rbuf, mlen, NVO_BGP_EXT_MAX_LEN,
                                       &type, &mlen, &e)) {
                    snprintf(why, why_size, "%s", e.reason);
                    return EBADMSG;
                }
                memcpy(msg, r->rbuf, mlen);
                *len = mlen;
                memmove(r->rbuf, r->rbuf + mlen, r->rlen - mlen);
                r->rlen -= mlen;
                return 0;
            }
            if (mlen < NVO_BGP_HDR_LEN) {
                snprintf(why, why_size, "message length %zu below 19", mlen);
                return EBADMSG;
            }
        }
        int ms = (int) ((end - now_s()) * 1000);
        if (ms < 0) {
            ms = 0;
        }
        struct pollfd pf = { r->fd, POLLIN, 0 };
        int n = poll(&pf, 1, ms);
        if (n < 0 && errno == EINTR) {
            if (stop_flag) {
                return EAGAIN;
            }
            continue;
        }
        if (n < 0) {
            return errno;
        }
        if (n == 0) {
            return EAGAIN;
        }
        ssize_t got = recv(r->fd, r->rbuf + r->rlen, sizeof r->rbuf - r->rlen,
                           0);
        if (got < 0) {
            if (errno == EAGAIN || errno == EINTR) {
                continue;
            }
            return errno;
        }
        if (got == 0) {
            return ECONNRESET;
        }
        r->rlen += (size_t) got;
    }
}

static void
report_notification(const struct replay *r, const uint8_t *msg, size_t len,
                    const char *context)
{
    struct nvo_bgp_notification n;
    struct nvo_bgp_error e;
    char peer[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &r->peer.sin_addr, peer, sizeof peer);
    if (nvo_bgp_notification_decode(msg, len, &n, &e)) {
        fprintf(stderr, "nvosim bgp-replay: NOTIFICATION from %s:%u "
                "(undecodable: %s) %s\n", peer, ntohs(r->peer.sin_port),
                e.reason, context);
        return;
    }
    GString *d = g_string_new(NULL);
    for (size_t i = 0; i < n.data_len && i < 32; i++) {
        g_string_append_printf(d, "%02x", n.data[i]);
    }
    fprintf(stderr, "nvosim bgp-replay: NOTIFICATION from %s:%u: code %u "
            "(%s) subcode %u, data [%s] %s\n", peer,
            ntohs(r->peer.sin_port), n.code, code_name(n.code), n.subcode,
            d->str, context);
    g_string_free(d, TRUE);
}

/* Handles one received message outside the OPEN exchange: counts it;
 * returns false for a NOTIFICATION (reported). */
static bool
take(struct replay *r, const uint8_t *msg, size_t len, const char *context)
{
    uint8_t type = msg[18];
    if (type < NVO_BGP_N_TYPES_REPLAY) {
        r->in[type]++;
    }
    if (type == NVO_BGP_NOTIFICATION) {
        report_notification(r, msg, len, context);
        return false;
    }
    return true;
}

/* Reads whatever arrived (waiting at most wait_ms for the first).
 * Returns 0, or 1 after a NOTIFICATION, the end of the stream or an
 * error (reported). */
static int
drain(struct replay *r, int wait_ms, const char *context, double *last_rx)
{
    uint8_t msg[NVO_BGP_EXT_MAX_LEN];
    for (;;) {
        size_t len;
        char why[160];
        int rc = recv_msg(r, wait_ms, msg, &len, why, sizeof why);
        if (rc == EAGAIN) {
            return 0;
        }
        if (rc == EBADMSG) {
            fprintf(stderr, "nvosim bgp-replay: bad message from the "
                    "daemon: %s %s\n", why, context);
            return 1;
        }
        if (rc) {
            fprintf(stderr, "nvosim bgp-replay: the daemon closed the "
                    "session (%s) %s\n", strerror(rc), context);
            return 1;
        }
        *last_rx = now_s();
        if (!take(r, msg, len, context)) {
            return 1;
        }
        wait_ms = 0;
    }
}

static int
connect_peer(struct replay *r)
{
    r->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (r->fd < 0) {
        return errno;
    }
    int one = 1;
    setsockopt(r->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (r->has_local
        && bind(r->fd, (struct sockaddr *) &r->local, sizeof r->local)) {
        return errno;
    }
    int fl = fcntl(r->fd, F_GETFL);
    if (fl < 0 || fcntl(r->fd, F_SETFL, fl | O_NONBLOCK)) {
        return errno;
    }
    if (connect(r->fd, (struct sockaddr *) &r->peer, sizeof r->peer)) {
        if (errno != EINPROGRESS) {
            return errno;
        }
        struct pollfd pf = { r->fd, POLLOUT, 0 };
        int n;
        do {
            n = poll(&pf, 1, (int) (r->timeout_s * 1000));
        } while (n < 0 && errno == EINTR);
        if (n <= 0) {
            return n == 0 ? ETIMEDOUT : errno;
        }
        int err = 0;
        socklen_t el = sizeof err;
        if (getsockopt(r->fd, SOL_SOCKET, SO_ERROR, &err, &el)) {
            return errno;
        }
        if (err) {
            return err;
        }
    }
    return 0;
}

static int
send_keepalive(struct replay *r)
{
    uint8_t b[NVO_BGP_HDR_LEN];
    struct nvo_bgp_buf w = nvo_bgp_buf_init(b, sizeof b);
    size_t n = nvo_bgp_keepalive_encode(&w);
    return send_all(r, b, n);
}

static void
send_cease(struct replay *r)
{
    uint8_t b[64];
    struct nvo_bgp_buf w = nvo_bgp_buf_init(b, sizeof b);
    /* Cease, subcode 2: administrative shutdown (RFC 4486 4). */
    struct nvo_bgp_notification n = { NVO_BGP_ERR_CEASE, 2, NULL, 0 };
    size_t len = nvo_bgp_notification_encode(&w, &n);
    if (len) {
        (void) send_all(r, b, len);
    }
}

struct upd {
    size_t rec_ofs;
    const uint8_t *msg;
    size_t len;
};

int
nvo_cmd_bgp_replay_main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "peer", required_argument, NULL, 'p' },
        { "local", required_argument, NULL, 'l' },
        { "as", required_argument, NULL, 'a' },
        { "router-id", required_argument, NULL, 'r' },
        { "hold", required_argument, NULL, 'H' },
        { "wait", required_argument, NULL, 'w' },
        { "timeout", required_argument, NULL, 't' },
        { "list", no_argument, NULL, 'L' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    static struct replay rp;
    struct replay *r = &rp;
    memset(r, 0, sizeof *r);
    r->fd = -1;
    r->as = 65000;
    r->hold = 180;
    r->wait_s = 2;
    r->timeout_s = 10;
    bool has_peer = false, list = false;
    uint64_t v;
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'p': {
            char *colon = strrchr(optarg, ':');
            char host[64];
            if (!colon || (size_t) (colon - optarg) >= sizeof host) {
                fprintf(stderr, "nvosim bgp-replay: --peer \"%s\": expected "
                        "ADDR:PORT\n", optarg);
                return 2;
            }
            memcpy(host, optarg, (size_t) (colon - optarg));
            host[colon - optarg] = 0;
            r->peer.sin_family = AF_INET;
            if (!parse_ip(host, &r->peer.sin_addr)
                || !loopback(&r->peer.sin_addr)) {
                fprintf(stderr, "nvosim bgp-replay: --peer \"%s\": expected "
                        "an IPv4 address in 127.0.0.0/8 (loopback only)\n",
                        optarg);
                return 2;
            }
            if (!nvo_cli_u64(CMD, "--peer port", colon + 1, 1, 65535, &v)) {
                return 2;
            }
            r->peer.sin_port = htons((uint16_t) v);
            has_peer = true;
            break;
        }
        case 'l':
            r->local.sin_family = AF_INET;
            if (!parse_ip(optarg, &r->local.sin_addr)
                || !loopback(&r->local.sin_addr)) {
                fprintf(stderr, "nvosim bgp-replay: --local \"%s\": expected "
                        "an IPv4 address in 127.0.0.0/8 (loopback only)\n",
                        optarg);
                return 2;
            }
            r->has_local = true;
            break;
        case 'a':
            if (!nvo_cli_u64(CMD, "--as", optarg, 1, UINT32_MAX, &v)) {
                return 2;
            }
            r->as = (uint32_t) v;
            break;
        case 'r': {
            struct in_addr a;
            if (!parse_ip(optarg, &a) || a.s_addr == 0) {
                fprintf(stderr, "nvosim bgp-replay: --router-id \"%s\": "
                        "expected a nonzero IPv4 address A.B.C.D\n", optarg);
                return 2;
            }
            r->router_id = ntohl(a.s_addr);
            break;
        }
        case 'H':
            if (!nvo_cli_u64(CMD, "--hold", optarg, 0, 65535, &v)) {
                return 2;
            }
            if (v == 1 || v == 2) {
                fprintf(stderr, "nvosim bgp-replay: --hold %s: must be 0 or "
                        "3 to 65535 (RFC 4271 4.2)\n", optarg);
                return 2;
            }
            r->hold = (uint16_t) v;
            break;
        case 'w':
            if (!nvo_cli_u64(CMD, "--wait", optarg, 0, 3600, &r->wait_s)) {
                return 2;
            }
            break;
        case 't':
            if (!nvo_cli_u64(CMD, "--timeout", optarg, 1, 600,
                             &r->timeout_s)) {
                return 2;
            }
            break;
        case 'L':
            list = true;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            nvo_cli_bad_option(CMD, argv, opts, ":h");
            return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "nvosim bgp-replay: expected one FILE.mrt "
                "(nvosim bgp-replay --help)\n");
        return 2;
    }
    r->file = argv[optind];
    if (!has_peer && !list) {
        fprintf(stderr, "nvosim bgp-replay: --peer ADDR:PORT is required "
                "(nvosim bgp-replay --help)\n");
        return 2;
    }

    char *data;
    size_t dlen;
    int rc = nvo_file_read(r->file, MRT_MAX, &data, &dlen);
    if (rc) {
        fprintf(stderr, "%s: %s\n", r->file, nvo_file_strerror(r->file, rc));
        return 1;
    }
    /* Read and check the whole file before connecting. */
    GArray *upds = g_array_new(FALSE, FALSE, sizeof(struct upd));
    struct nvo_mrt_reader rd = nvo_mrt_reader_init((const uint8_t *) data,
                                                   dlen);
    struct nvo_mrt_record rec;
    char err[200];
    uint64_t skipped_dir = 0, skipped_type = 0, n_routes = 0, n_wd = 0;
    uint32_t first_local = 0;
    int status = 0;
    while ((rc = nvo_mrt_next(&rd, &rec, err, sizeof err)) == 0) {
        if (list) {
            printf("%zu: %s %s %zu bytes (message at %zu)\n", rec.ofs,
                   rec.sent ? "sent" : "received",
                   nvo_bgp_type_name(rec.msg_type), rec.msg_len, rec.msg_ofs);
            continue;
        }
        if (!rec.sent) {
            skipped_dir++;
            continue;
        }
        if (rec.msg_type != NVO_BGP_UPDATE) {
            skipped_type++;
            continue;
        }
        if (rec.peer.ipv6) {
            fprintf(stderr, "%s:%zu: an IPv6 session record (only IPv4 "
                    "sessions are replayed)\n", r->file, rec.ofs + 26);
            status = 1;
            goto out;
        }
        if (!upds->len) {
            first_local = nvo_rd32(rec.peer.local_ip);
        }
        /* nvosim's own decoder's view, for the report only: the daemon
         * decides. */
        struct nvo_bgp_update u;
        struct nvo_bgp_error e;
        if (nvo_bgp_update_decode(rec.msg, rec.msg_len, &u, &e)) {
            fprintf(stderr, "%s:%zu: warning: nvosim's decoder refuses this "
                    "UPDATE (%u/%u at message byte %zu: %s); sending it "
                    "anyway\n", r->file, rec.msg_ofs + e.ofs, e.code,
                    e.subcode, e.ofs, e.reason);
        } else {
            n_routes += u.n_mp_reach;
            n_wd += u.n_mp_unreach;
        }
        struct upd x = { rec.ofs, rec.msg, rec.msg_len };
        g_array_append_val(upds, x);
    }
    if (rc != ENOENT) {
        /* err is "offset N: ..." */
        fprintf(stderr, "%s:%s\n", r->file, err + strlen("offset "));
        status = 1;
        goto out;
    }
    if (list) {
        goto out;
    }
    if (!r->router_id) {
        r->router_id = first_local;
    }
    if (!r->router_id) {
        fprintf(stderr, "nvosim bgp-replay: %s has no UPDATE sent to "
                "replay; give --router-id\n", r->file);
        status = 1;
        goto out;
    }

    char peer[INET_ADDRSTRLEN + 8];
    {
        char a[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &r->peer.sin_addr, a, sizeof a);
        snprintf(peer, sizeof peer, "%s:%u", a, ntohs(r->peer.sin_port));
    }
    if ((rc = connect_peer(r))) {
        fprintf(stderr, "nvosim bgp-replay: connect to %s: %s\n", peer,
                strerror(rc));
        status = 1;
        goto out;
    }
    /* OPEN. */
    uint8_t b[NVO_BGP_EXT_MAX_LEN];
    struct nvo_bgp_buf w = nvo_bgp_buf_init(b, sizeof b);
    struct nvo_bgp_open o;
    memset(&o, 0, sizeof o);
    o.version = 4;
    o.as = r->as;
    o.hold_time = r->hold;
    o.bgp_id = r->router_id;
    o.n_mp = 1;
    o.mp[0] = (struct nvo_bgp_afi_safi) { NVO_BGP_AFI_L2VPN,
                                          NVO_BGP_SAFI_EVPN };
    o.route_refresh = true;
    o.as4 = true;
    size_t olen = nvo_bgp_open_encode(&w, &o);
    if (!olen || (rc = send_all(r, b, olen))) {
        fprintf(stderr, "nvosim bgp-replay: sending OPEN to %s: %s\n", peer,
                olen ? strerror(rc) : "cannot encode");
        status = 1;
        goto out;
    }
    /* The daemon's OPEN, then its KEEPALIVE. */
    int ms = (int) (r->timeout_s * 1000);
    size_t len;
    char why[160];
    rc = recv_msg(r, ms, b, &len, why, sizeof why);
    if (rc || b[18] != NVO_BGP_OPEN) {
        if (!rc && b[18] == NVO_BGP_NOTIFICATION) {
            report_notification(r, b, len, "instead of its OPEN");
        } else {
            fprintf(stderr, "nvosim bgp-replay: %s: no OPEN: %s\n", peer,
                    rc == EBADMSG ? why : rc == EAGAIN ? "timed out"
                    : rc ? strerror(rc) : nvo_bgp_type_name(b[18]));
        }
        status = 1;
        goto out;
    }
    struct nvo_bgp_open po;
    struct nvo_bgp_error e;
    if (nvo_bgp_open_decode(b, len, &po, &e)) {
        fprintf(stderr, "nvosim bgp-replay: %s: bad OPEN: %s\n", peer,
                e.reason);
        status = 1;
        goto out;
    }
    bool evpn = false;
    for (size_t i = 0; i < po.n_mp; i++) {
        evpn |= po.mp[i].afi == NVO_BGP_AFI_L2VPN
                && po.mp[i].safi == NVO_BGP_SAFI_EVPN;
    }
    if (po.as != r->as || !evpn || !po.as4) {
        fprintf(stderr, "nvosim bgp-replay: %s: its OPEN has AS %u (we "
                "are %u), MP L2VPN/EVPN %s, 4-octet AS %s: not an iBGP "
                "EVPN session\n", peer, po.as, r->as, evpn ? "yes" : "no",
                po.as4 ? "yes" : "no");
        send_cease(r);
        status = 1;
        goto out;
    }
    if ((rc = send_keepalive(r))) {
        fprintf(stderr, "nvosim bgp-replay: %s: sending KEEPALIVE: %s\n",
                peer, strerror(rc));
        status = 1;
        goto out;
    }
    rc = recv_msg(r, ms, b, &len, why, sizeof why);
    if (rc || b[18] != NVO_BGP_KEEPALIVE) {
        if (!rc && b[18] == NVO_BGP_NOTIFICATION) {
            report_notification(r, b, len, "instead of its KEEPALIVE");
        } else {
            fprintf(stderr, "nvosim bgp-replay: %s: no KEEPALIVE after "
                    "OPEN: %s\n", peer,
                    rc == EBADMSG ? why : rc == EAGAIN ? "timed out"
                    : rc ? strerror(rc) : nvo_bgp_type_name(b[18]));
        }
        status = 1;
        goto out;
    }
    uint16_t hold = po.hold_time < r->hold ? po.hold_time : r->hold;
    char id[INET_ADDRSTRLEN];
    {
        struct in_addr a = { htonl(po.bgp_id) };
        inet_ntop(AF_INET, &a, id, sizeof id);
    }
    printf("bgp-replay: session with %s established: AS %u, BGP id %s, "
           "hold %u s, MP L2VPN/EVPN, route refresh %s\n", peer, po.as, id,
           hold, po.route_refresh ? "yes" : "no");
    double last_rx = now_s(), last_tx = now_s();
    double ka = hold ? hold / 3.0 : 0;

    /* The UPDATEs, in file order. */
    for (guint i = 0; i < upds->len; i++) {
        const struct upd *u = &g_array_index(upds, struct upd, i);
        char ctx[256];
        snprintf(ctx, sizeof ctx, "(after UPDATE %u of %u, %s:%zu)", i + 1,
                 upds->len, r->file, u->rec_ofs);
        if ((rc = send_all(r, u->msg, u->len))) {
            fprintf(stderr, "nvosim bgp-replay: sending UPDATE %u (%s:%zu): "
                    "%s\n", i + 1, r->file, u->rec_ofs, strerror(rc));
            /* A NOTIFICATION may be waiting: read it. */
            (void) drain(r, 1000, ctx, &last_rx);
            status = 1;
            goto out;
        }
        last_tx = now_s();
        if (drain(r, 0, ctx, &last_rx)) {
            status = 1;
            goto out;
        }
    }
    w = nvo_bgp_buf_init(b, sizeof b);
    size_t elen = nvo_bgp_eor_encode(&w, NVO_BGP_AFI_L2VPN, NVO_BGP_SAFI_EVPN);
    if ((rc = send_all(r, b, elen))) {
        fprintf(stderr, "nvosim bgp-replay: sending End-of-RIB: %s\n",
                strerror(rc));
        (void) drain(r, 1000, "(after End-of-RIB)", &last_rx);
        status = 1;
        goto out;
    }
    last_tx = now_s();
    printf("bgp-replay: sent %u UPDATEs (%" PRIu64 " routes announced, %"
           PRIu64 " withdrawn) and End-of-RIB; skipped %" PRIu64
           " received and %" PRIu64 " other sent records\n", upds->len,
           n_routes, n_wd, skipped_dir, skipped_type);
    fflush(stdout);

    /* Keep the session up, answering the daemon's hold timer. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    double end = now_s() + (double) r->wait_s;
    for (;;) {
        double t = now_s();
        if (t >= end || stop_flag) {
            break;
        }
        if (hold && t - last_rx > hold) {
            fprintf(stderr, "nvosim bgp-replay: %s: nothing received for "
                    "the hold time (%u s)\n", peer, hold);
            status = 1;
            goto out;
        }
        if (ka > 0 && t - last_tx >= ka) {
            if ((rc = send_keepalive(r))) {
                fprintf(stderr, "nvosim bgp-replay: sending KEEPALIVE: %s\n",
                        strerror(rc));
                (void) drain(r, 1000, "(while waiting)", &last_rx);
                status = 1;
                goto out;
            }
            last_tx = t;
        }
        double next = end;
        if (ka > 0 && last_tx + ka < next) {
            next = last_tx + ka;
        }
        int wms = (int) ((next - t) * 1000) + 1;
        if (drain(r, wms, "(while waiting after End-of-RIB)", &last_rx)) {
            status = 1;
            goto out;
        }
    }
    printf("bgp-replay: %s; received %" PRIu64 " UPDATEs and %" PRIu64
           " KEEPALIVEs, no NOTIFICATION; closing with NOTIFICATION Cease\n",
           stop_flag ? "stopped by a signal" : "waited",
           r->in[NVO_BGP_UPDATE], r->in[NVO_BGP_KEEPALIVE]);
    send_cease(r);

out:
    if (r->fd >= 0) {
        close(r->fd);
    }
    g_array_free(upds, TRUE);
    g_free(data);
    return status;
}
