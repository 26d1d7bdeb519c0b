/* fuzz_bgp.c: libFuzzer harness for the BGP message decoders of
 * wire/bgp.h, wire/bgp_attr.h and wire/bgp_nlri.h: the header, OPEN,
 * NOTIFICATION, ROUTE-REFRESH, UPDATE with its path attributes, and the
 * EVPN and VPLS NLRI inside MP_REACH / MP_UNREACH.
 *
 * The input is a stream of BGP messages back to back, as a TCP session
 * carries them (the corpus holds single messages and a stream of every
 * type).  Each message gets a heap copy of exactly its bytes, so ASan
 * sees any read past its end.  Checks: a refused message has an error
 * code 1..7, a reason, NOTIFICATION data inside the message, and the
 * NOTIFICATION built from the error decodes; an accepted UPDATE has as
 * many EVPN / VPLS routes as walking its NLRI finds, and re-encoding its
 * decoded attributes gives an UPDATE that decodes again with the same
 * route counts (the encoder writes what the decoder reads). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "wire/bgp.h"
#include "wire/bgp_attr.h"
#include "wire/bgp_nlri.h"

static void
die__(const char *what, size_t ofs)
{
    fprintf(stderr, "message at offset %zu: %s\n", ofs, what);
    abort();
}

static void
check_error__(const struct nvo_bgp_error *e, size_t len, size_t ofs)
{
    if (e->code < 1 || e->code > 7 || !e->reason[0]) {
        die__("refused without an error code or reason", ofs);
    }
    if (e->data_ofs > len || e->data_len > len - e->data_ofs) {
        die__("NOTIFICATION data outside the message", ofs);
    }
}

/* Counts the L2VPN NLRI of one MP attribute by walking them. */
static size_t
walk__(const uint8_t *msg, uint16_t afi, uint8_t safi, const uint8_t *p,
       size_t len, size_t ofs)
{
    if (afi != NVO_BGP_AFI_L2VPN
        || (safi != NVO_BGP_SAFI_EVPN && safi != NVO_BGP_SAFI_VPLS)) {
        return 0;
    }
    struct nvo_rd r = nvo_rd_init(p, len);
    size_t n = 0;
    while (r.left > 0) {
        struct nvo_bgp_error e;
        int rc;
        if (safi == NVO_BGP_SAFI_EVPN) {
            struct nvo_evpn_route rt;
            rc = nvo_evpn_route_decode(&r, msg, &rt, &e);
        } else {
            struct nvo_vpls_nlri v;
            rc = nvo_vpls_nlri_decode(&r, msg, &v, &e);
        }
        if (rc) {
            die__("NLRI of an accepted UPDATE do not decode", ofs);
        }
        n++;
    }
    return n;
}

static void
update__(const uint8_t *m, size_t len, size_t ofs)
{
    struct nvo_bgp_update u;
    struct nvo_bgp_error e;
    if (nvo_bgp_update_decode(m, len, &u, &e)) {
        check_error__(&e, len, ofs);
        return;
    }
    const struct nvo_bgp_attrs *a = &u.attrs;
    if (walk__(m, a->mp_afi, a->mp_safi, a->mp_nlri, a->mp_nlri_len, ofs)
            != u.n_mp_reach
        || walk__(m, a->mpu_afi, a->mpu_safi, a->mpu_nlri, a->mpu_nlri_len,
                  ofs) != u.n_mp_unreach) {
        die__("route counts differ from the NLRI", ofs);
    }
    uint8_t *again = malloc(NVO_BGP_EXT_MAX_LEN);
    struct nvo_bgp_buf b = nvo_bgp_buf_init(again, NVO_BGP_EXT_MAX_LEN);
    size_t l = nvo_bgp_update_encode(&b, NVO_BGP_EXT_MAX_LEN, u.withdrawn,
                                     u.withdrawn_len, a, u.nlri, u.nlri_len);
    if (l == 0 || l > len) {
        die__("decoded UPDATE does not re-encode within its length", ofs);
    }
    uint8_t *copy = malloc(l);
    memcpy(copy, again, l);
    free(again);
    struct nvo_bgp_update v;
    if (nvo_bgp_update_decode(copy, l, &v, &e)) {
        fprintf(stderr, "%s\n", e.reason);
        die__("re-encoded UPDATE refused", ofs);
    }
    if (v.n_mp_reach != u.n_mp_reach || v.n_mp_unreach != u.n_mp_unreach
        || v.n_nlri != u.n_nlri || v.n_withdrawn != u.n_withdrawn
        || v.eor != u.eor || v.attrs.present != u.attrs.present) {
        die__("re-encoded UPDATE decodes differently", ofs);
    }
    free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t ofs = 0;
    while (ofs < size) {
        uint8_t type;
        size_t len;
        struct nvo_bgp_error e;
        if (nvo_bgp_hdr_decode(data + ofs, size - ofs, NVO_BGP_EXT_MAX_LEN,
                               &type, &len, &e)) {
            check_error__(&e, size - ofs, ofs);
            uint8_t nb[NVO_BGP_MAX_LEN];
            struct nvo_bgp_buf b = nvo_bgp_buf_init(nb, sizeof nb);
            size_t l = nvo_bgp_notification_from_error(&b, &e, data + ofs);
            struct nvo_bgp_notification n;
            if (l == 0 || nvo_bgp_notification_decode(nb, l, &n, &e)
                || n.code < 1) {
                die__("NOTIFICATION from an error does not decode", ofs);
            }
            break;
        }
        uint8_t *m = malloc(len);
        memcpy(m, data + ofs, len);
        switch (type) {
        case NVO_BGP_OPEN: {
            struct nvo_bgp_open o;
            if (nvo_bgp_open_decode(m, len, &o, &e)) {
                check_error__(&e, len, ofs);
            } else if (o.version != 4 || o.n_mp > NVO_BGP_OPEN_MP_MAX) {
                die__("accepted OPEN out of range", ofs);
            }
            break;
        }
        case NVO_BGP_UPDATE:
            update__(m, len, ofs);
            break;
        case NVO_BGP_NOTIFICATION: {
            struct nvo_bgp_notification n;
            if (nvo_bgp_notification_decode(m, len, &n, &e)
                || n.data_len != len - 21) {
                die__("NOTIFICATION with a checked header refused", ofs);
            }
            break;
        }
        case NVO_BGP_ROUTE_REFRESH: {
            struct nvo_bgp_route_refresh r;
            if (nvo_bgp_route_refresh_decode(m, len, &r, &e)) {
                check_error__(&e, len, ofs);
            }
            break;
        }
        default:
            break;
        }
        free(m);
        ofs += len;
    }
    return 0;
}
