/* encap_nvgre.c: NVGRE (RFC 7637 section 3).
 *
 * Outer Ethernet / IP (protocol 47) / GRE with only K set, protocol type
 * 0x6558 (Transparent Ethernet Bridging), key = 24-bit VSID << 8 |
 * 8-bit FlowID.  Overhead 42 bytes over IPv4, 62 over IPv6.  VSIDs
 * 0-0xfff and 0xffffff are reserved (section 3.2) and refused.
 *
 * Entropy: there are no ports; the FlowID (the low 8 bits of the inner
 * flow hash, section 3.1) is the only per-flow field, and only switches
 * that hash the GRE key see it: at most 256 distinct values per VSID and
 * address pair.  cfg.nvgre_no_flowid sends FlowID 0 (section 3.1's
 * "not generated"): then nothing in the frame varies per flow.
 *
 * Not modelled: the provider address / customer address mapping policy,
 * multicast VSID groups (those belong to the control plane), GRE
 * checksum and sequence numbers (never sent; refused on receive). */
#include "overlay/encap.h"

#include <errno.h>

#include "wire/wire.h"

static int
nvgre_build(struct nvo_tunnel *t, const struct nvo_tunnel_cfg *cfg)
{
    if (cfg->vni < NVO_NVGRE_VSID_MIN || cfg->vni > NVO_NVGRE_VSID_MAX) {
        return EINVAL;
    }
    int error = nvo_tunnel_init__(t, cfg, NVO_IPPROTO_GRE, NVO_NVGRE_LEN,
                                  0, 0);
    if (error) {
        return error;
    }
    struct nvo_nvgre_info n = { .vsid = cfg->vni };
    nvo_nvgre_encode(t->hdr + t->l4_ofs, &n);
    return 0;
}

static void
nvgre_push(const struct nvo_tunnel *t, struct nvo_pkt *p)
{
    uint32_t hash = nvo_tunnel_hash__(t, p);
    struct nvo_nvgre_header *h = (struct nvo_nvgre_header *)
                                 nvo_tunnel_push__(t, p);
    uint32_t flowid = t->cfg.nvgre_no_flowid ? 0 : hash & 0xff;
    nvo_put_16aligned_be32(&h->key, (t->cfg.vni << 8) | flowid);
}

static int
nvgre_pop(struct nvo_pkt *p, uint32_t *id)
{
    struct nvo_tunnel_rx rx;
    struct nvo_gre_info g;
    struct nvo_nvgre_info n;

    int error = nvo_tunnel_rx__(p, NVO_IPPROTO_GRE, 0, &rx);
    if (error) {
        return error;
    }
    const uint8_t *h = p->data + rx.hdr_end;
    size_t left = p->size - rx.hdr_end;
    if (nvo_gre_decode(h, left, &g)) {
        return EBADMSG;
    }
    if (g.proto != NVO_ETH_TYPE_TEB) {
        return EPROTONOSUPPORT;
    }
    if (nvo_nvgre_decode(h, left, &n)) {
        return EBADMSG;
    }
    *id = n.vsid;
    nvo_tunnel_pop__(p, rx.hdr_end + NVO_NVGRE_LEN);
    return 0;
}

const struct nvo_encap_ops nvo_encap_nvgre_ops = {
    .name = "nvgre",
    .entropy = NVO_ENTROPY_GRE_KEY,
    .build = nvgre_build,
    .push = nvgre_push,
    .pop = nvgre_pop,
};
