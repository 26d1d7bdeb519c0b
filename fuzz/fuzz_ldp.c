/* fuzz_ldp.c: libFuzzer harness for the LDP decoder (wire/ldp.h,
 * wire/ldp_fec.h).
 *
 * The input is a TCP byte stream of LDP PDUs (the corpus holds the PDUs
 * of tests/test_ldp.c and test_ldp_pcap.c).  Each PDU found with
 * nvo_ldp_pdu_peek_len() is decoded with a maximum PDU length taken from
 * the first byte (the default, or 65535), every message with
 * nvo_ldp_pdu_next(), going on after non-fatal errors.  Checks: a status
 * is a known RFC 5036 code; after a fatal one the reader stays failed;
 * lists point inside the PDU; every decoded message re-encodes (its size
 * as nvo_ldp_msg_size() says), the re-encoding decodes without error and
 * re-encodes to the same bytes.  Each PDU is decoded from a heap copy of
 * exactly its bytes, so ASan sees any read past its end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "wire/ldp.h"

static void
fail__(const char *what, uint32_t st)
{
    fprintf(stderr, "fuzz_ldp: %s (status %u %s)\n", what, st,
            nvo_ldp_status_name(st));
    abort();
}

static void
within__(const struct nvo_ldp_list *l, size_t each, const uint8_t *b,
         size_t n)
{
    if (l->n && (l->raw < b || l->raw + each * l->n > b + n)) {
        fail__("a list points outside the PDU", 0);
    }
}

static void
check_msg__(const struct nvo_ldp_msg *m, const uint8_t *b, size_t n)
{
    if (m->type == NVO_LDP_MSG_ADDRESS
        || m->type == NVO_LDP_MSG_ADDRESS_WITHDRAW) {
        within__(&m->addr.addrs, 4, b, n);
        within__(&m->addr.macs, 6, b, n);
    }
    size_t size = nvo_ldp_msg_size(m);
    uint8_t *e1 = malloc(size ? size : 1);
    if (!size || nvo_ldp_msg_encode(m, e1, size) != size) {
        fail__("a decoded message does not re-encode", 0);
    }
    struct nvo_ldp_msg d;
    struct nvo_ldp_error err;
    uint32_t st = nvo_ldp_msg_decode(e1, size, &d, &err);
    if (st) {
        fail__("a re-encoded message does not decode", st);
    }
    uint8_t *e2 = malloc(size);
    if (nvo_ldp_msg_encode(&d, e2, size) != size || memcmp(e1, e2, size)) {
        fail__("re-encoding is not stable", 0);
    }
    free(e1);
    free(e2);
}

static void
decode_pdu__(const uint8_t *data, size_t n, uint16_t max_pdu)
{
    uint8_t *b = malloc(n ? n : 1);
    memcpy(b, data, n);
    struct nvo_ldp_pdu_rd rd;
    uint32_t st = nvo_ldp_pdu_begin(&rd, b, n, max_pdu);
    if (st) {
        if (!nvo_ldp_status_fatal(st)) {
            fail__("a PDU header error that is not fatal", st);
        }
        free(b);
        return;
    }
    struct nvo_ldp_msg m;
    struct nvo_ldp_error err;
    for (int guard = 0; guard < 70000; guard++) {
        if (nvo_ldp_pdu_next(&rd, &m, &err)) {
            check_msg__(&m, b, n);
            continue;
        }
        if (!err.status) {
            break;
        }
        if (err.status > NVO_LDP_ST_INTERNAL_ERROR) {
            fail__("an unknown status", err.status);
        }
        if (nvo_ldp_status_fatal(err.status)) {
            if (nvo_ldp_pdu_next(&rd, &m, &err) || !err.status) {
                fail__("the reader went on after a fatal error", 0);
            }
            break;
        }
    }
    free(b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 70000) {
        return 0;
    }
    uint16_t max_pdu = data[0] & 1 ? 65535 : 0;
    data++;
    size--;
    while (size) {
        size_t n = nvo_ldp_pdu_peek_len(data, size);
        if (!n || n > size) {
            decode_pdu__(data, size, max_pdu);     /* a cut PDU */
            break;
        }
        decode_pdu__(data, n, max_pdu);
        data += n;
        size -= n;
    }
    return 0;
}
