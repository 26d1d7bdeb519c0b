/* ldp_mesh.c: full-mesh VPLS signalling cost from the LDP encoder's sizes
 * (wire/ldp_mesh.h). */
#include "wire/ldp_mesh.h"

#include <errno.h>
#include <stdlib.h>

#include "wire/ldp.h"

/* A Label Mapping for one pseudowire: sizes do not depend on the
 * values. */
static struct nvo_ldp_msg
mapping__(bool with_mtu)
{
    struct nvo_ldp_msg m = {
        .type = NVO_LDP_MSG_LABEL_MAPPING, .id = 1,
        .label = {
            .fec = { .kind = NVO_LDP_FEC_PWID, .pw_type = NVO_LDP_PW_ETH,
                     .group_id = 0, .has_pw_id = true, .pw_id = 1,
                     .has_mtu = with_mtu, .mtu = 1500 },
            .has_label = true, .label = 16,
        },
    };
    return m;
}

/* Bytes of a PDU holding just 'm'. */
static uint32_t
pdu_bytes__(const struct nvo_ldp_msg *m)
{
    return (uint32_t) (NVO_LDP_PDU_HDR_LEN + nvo_ldp_msg_size(m));
}

int
nvo_ldp_mesh_cost(uint32_t n_pes, uint32_t n_vsis, bool with_mtu,
                  uint16_t max_pdu_len, struct nvo_ldp_mesh *out)
{
    memset(out, 0, sizeof *out);
    struct nvo_ldp_msg m = mapping__(with_mtu);
    out->mapping_bytes = (uint32_t) nvo_ldp_msg_size(&m);
    out->mapping_pdu_bytes = pdu_bytes__(&m);

    /* How many fit one PDU: pack them with the PDU writer. */
    size_t size = 4u + UINT16_MAX;
    uint8_t *buf = malloc(size);
    if (!buf) {
        return ENOMEM;
    }
    struct nvo_ldp_pdu_wr w;
    struct nvo_ldp_id id = { .lsr_id = 1 };
    nvo_ldp_pdu_start(&w, buf, size, &id, max_pdu_len);
    while (!nvo_ldp_pdu_add(&w, &m)) {
        out->mappings_per_pdu++;
    }
    free(buf);

    struct nvo_ldp_msg init = {
        .type = NVO_LDP_MSG_INIT,
        .init = { .proto_version = 1, .keepalive_time = 60 },
    };
    struct nvo_ldp_msg ka = { .type = NVO_LDP_MSG_KEEPALIVE };
    out->setup_bytes_per_session = 2 * (pdu_bytes__(&init)
                                        + pdu_bytes__(&ka));

    uint64_t n = n_pes;
    uint64_t directed = n ? n * (n - 1) : 0;   /* < 2^64 for 32-bit n */
    out->sessions = directed / 2;
    uint64_t per_dir_pdus = (n_vsis + (uint64_t) out->mappings_per_pdu - 1)
                            / out->mappings_per_pdu;
    uint64_t per_dir_bytes = (uint64_t) n_vsis * out->mapping_bytes
                             + per_dir_pdus * NVO_LDP_PDU_HDR_LEN;
    bool ovf = false;
    ovf |= __builtin_mul_overflow(out->sessions, (uint64_t) n_vsis,
                                  &out->pseudowires);
    ovf |= __builtin_mul_overflow(directed, (uint64_t) n_vsis,
                                  &out->label_mappings);
    ovf |= __builtin_mul_overflow(out->label_mappings,
                                  (uint64_t) out->mapping_pdu_bytes,
                                  &out->bytes_one_per_pdu);
    ovf |= __builtin_mul_overflow(directed, per_dir_pdus,
                                  &out->pdus_packed);
    ovf |= __builtin_mul_overflow(directed, per_dir_bytes,
                                  &out->bytes_packed);
    ovf |= __builtin_mul_overflow(out->sessions,
                                  (uint64_t) out->setup_bytes_per_session,
                                  &out->setup_bytes);
    return ovf ? EOVERFLOW : 0;
}
