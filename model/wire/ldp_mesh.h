/* ldp_mesh.h: the signalling cost of a full mesh of LDP-signalled
 * pseudowires (RFC 4762 VPLS), computed from the LDP encoder's real sizes.
 *
 * n PEs in a full mesh, every PE in each of V VSIs: n(n-1)/2 targeted LDP
 * sessions (shared by all VSIs), n(n-1)/2 pseudowires per VSI, and a
 * Label Mapping (FEC 128 + Generic Label) from each PE to each other PE
 * per VSI: n(n-1)V mappings.  Their bytes are counted two ways: each
 * mapping in a PDU of its own, and each session direction's V mappings
 * packed into as few maximum-size PDUs as they fit.  Session set-up is
 * one Initialization and one KeepAlive PDU each way per session.  Bytes
 * are LDP PDU bytes (no TCP/IP/Ethernet headers). */
#ifndef NVO_WIRE_LDP_MESH_H
#define NVO_WIRE_LDP_MESH_H

#include "core/nvo.h"

struct nvo_ldp_mesh {
    uint64_t sessions;              /* n(n-1)/2 */
    uint64_t pseudowires;           /* n(n-1)/2 per VSI, times V */
    uint64_t label_mappings;        /* n(n-1)V */
    uint32_t mapping_bytes;         /* one Label Mapping message */
    uint32_t mapping_pdu_bytes;     /* one alone in a PDU */
    uint32_t mappings_per_pdu;      /* in one maximum-size PDU */
    uint64_t bytes_one_per_pdu;     /* label_mappings * mapping_pdu_bytes */
    uint64_t pdus_packed;           /* n(n-1) ceil(V / mappings_per_pdu) */
    uint64_t bytes_packed;          /* mapping bytes + 10 per packed PDU */
    uint32_t setup_bytes_per_session; /* Init + KeepAlive PDUs, both ways */
    uint64_t setup_bytes;           /* sessions * the above */
};

/* Fills *out for 'n_pes' PEs and 'n_vsis' VSIs; Label Mappings carry an
 * MTU interface parameter when 'with_mtu'; PDUs are up to 'max_pdu_len'
 * (0..255 mean 4096, as in Initialization).  Returns 0, EOVERFLOW if a
 * count does not fit 64 bits, or ENOMEM. */
int nvo_ldp_mesh_cost(uint32_t n_pes, uint32_t n_vsis, bool with_mtu,
                      uint16_t max_pdu_len, struct nvo_ldp_mesh *out);

#endif /* NVO_WIRE_LDP_MESH_H */
