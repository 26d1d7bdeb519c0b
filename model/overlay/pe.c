/* pe.c: the hypervisor PE's data plane, first form (see pe.h). */
#include "overlay/pe.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "wire/wire.h"

struct pe_vm {
    uint8_t mac[6];
    uint32_t ip4;                       /* 0 = not checked */
};

struct pe_tenant {
    uint32_t id;
    struct nvo_tunnel tunnel;           /* to the tenant's remote PE */
    struct pe_vm *vms;
    uint32_t n_vms, cap_vms;
    struct nvo_pe_counters c;
};

struct nvo_pe {
    struct nvo_pe_cfg cfg;
    struct nvo_port port;
    struct pe_tenant *tenants;
    uint32_t n_tenants, cap_tenants;
    GHashTable *by_id;                  /* id -> tenant index + 1 */
    struct nvo_pe_counters c;
};

static void
pe_port_rx(struct nvo_port *port, struct nvo_pkt *p)
{
    nvo_pe_rx(port->ctx, p);
}

int
nvo_pe_create(const struct nvo_pe_cfg *cfg, struct nvo_engine *e,
              struct nvo_pe **out)
{
    if (!cfg->encap || !cfg->name || (cfg->encap->segment && !cfg->mtu)) {
        return EINVAL;
    }
    struct nvo_pe *pe = calloc(1, sizeof *pe);
    if (!pe) {
        return ENOMEM;
    }
    pe->cfg = *cfg;
    pe->by_id = g_hash_table_new(g_direct_hash, g_direct_equal);
    nvo_port_init(&pe->port, e, pe, cfg->name, 0, pe_port_rx);
    *out = pe;
    return 0;
}

void
nvo_pe_destroy(struct nvo_pe *pe)
{
    if (!pe) {
        return;
    }
    nvo_port_destroy(&pe->port);
    for (uint32_t t = 0; t < pe->n_tenants; t++) {
        free(pe->tenants[t].vms);
    }
    free(pe->tenants);
    g_hash_table_destroy(pe->by_id);
    free(pe);
}

struct nvo_port *
nvo_pe_port(struct nvo_pe *pe)
{
    return &pe->port;
}

int
nvo_pe_add_tenant(struct nvo_pe *pe, uint32_t id,
                  const struct nvo_pe_peer *peer, uint32_t *index)
{
    if (g_hash_table_contains(pe->by_id, GUINT_TO_POINTER(id))) {
        return EEXIST;
    }
    if (pe->n_tenants == UINT32_MAX - 1) {
        return ENOMEM;
    }
    if (pe->n_tenants == pe->cap_tenants) {
        uint32_t cap = pe->cap_tenants ? 2 * pe->cap_tenants : 4;
        struct pe_tenant *a = realloc(pe->tenants, cap * sizeof *a);
        if (!a) {
            return ENOMEM;
        }
        pe->tenants = a;
        pe->cap_tenants = cap;
    }
    struct pe_tenant *t = &pe->tenants[pe->n_tenants];
    memset(t, 0, sizeof *t);
    t->id = id;

    struct nvo_tunnel_cfg tc;
    memset(&tc, 0, sizeof tc);
    tc.ipv6 = pe->cfg.ipv6;
    tc.src_ip4 = pe->cfg.ip4;
    tc.dst_ip4 = peer->ip4;
    memcpy(tc.src_ip6, pe->cfg.ip6, 16);
    memcpy(tc.dst_ip6, peer->ip6, 16);
    memcpy(tc.src_mac, pe->cfg.mac, 6);
    memcpy(tc.dst_mac, peer->mac, 6);
    tc.vni = id;
    tc.labels[0] = id;
    tc.n_labels = 1;
    tc.entropy_label = pe->cfg.entropy_label;
    tc.control_word = pe->cfg.control_word;
    int error = nvo_tunnel_build(&t->tunnel, pe->cfg.encap, &tc);
    if (error) {
        return error;
    }
    g_hash_table_insert(pe->by_id, GUINT_TO_POINTER(id),
                        GUINT_TO_POINTER(pe->n_tenants + 1));
    *index = pe->n_tenants++;
    return 0;
}

int
nvo_pe_add_vm(struct nvo_pe *pe, uint32_t tenant, const uint8_t mac[6],
              uint32_t ip4, uint32_t *vm)
{
    if (tenant >= pe->n_tenants) {
        return EINVAL;
    }
    struct pe_tenant *t = &pe->tenants[tenant];
    if (t->n_vms == t->cap_vms) {
        uint32_t cap = t->cap_vms ? 2 * t->cap_vms : 2;
        struct pe_vm *a = realloc(t->vms, cap * sizeof *a);
        if (!a) {
            return ENOMEM;
        }
        t->vms = a;
        t->cap_vms = cap;
    }
    memcpy(t->vms[t->n_vms].mac, mac, 6);
    t->vms[t->n_vms].ip4 = ip4;
    *vm = t->n_vms++;
    return 0;
}

/* Encapsulates 'p' on tunnel 't' and cuts it into segments when the
 * encapsulation does: out[0..n-1], out[0] = p.  Returns n, or 0 (p as
 * pushed, not segmented: too many segments or no room). */
static size_t
encap(const struct nvo_pe *pe, const struct nvo_tunnel *t, struct nvo_pkt *p,
      struct nvo_pkt **out)
{
    if (!t->ops->segment) {
        out[0] = p;
        return 1;
    }
    return t->ops->segment(p, pe->cfg.mtu, out, NVO_PE_MAX_SEGMENTS);
}

/* Whether a segmenting tunnel can carry an inner frame of 'len' bytes. */
static bool
fits(const struct nvo_pe *pe, const struct nvo_tunnel *t, uint32_t len)
{
    if (!t->ops->n_segments) {
        return true;
    }
    uint32_t need;
    uint32_t n = t->ops->n_segments(pe->cfg.ipv6, len, pe->cfg.mtu, &need);
    return n >= 1 && n <= NVO_PE_MAX_SEGMENTS;
}

int
nvo_pe_send(struct nvo_pe *pe, uint32_t tenant, uint32_t vm,
            struct nvo_pkt *p)
{
    if (tenant >= pe->n_tenants || vm >= pe->tenants[tenant].n_vms) {
        return EINVAL;
    }
    struct pe_tenant *te = &pe->tenants[tenant];
    const struct nvo_tunnel *t = &te->tunnel;
    uint32_t len = nvo_pkt_len(p);
    if (!fits(pe, t, len)) {
        return EMSGSIZE;
    }
    t->ops->push(t, p);
    if (pe->cfg.on_encap) {
        pe->cfg.on_encap(pe->cfg.ctx, pe, tenant, t, p);
    }
    pe->c.sent++;
    te->c.sent++;
    pe->c.sent_bytes += len;
    te->c.sent_bytes += len;
    struct nvo_pkt *segs[NVO_PE_MAX_SEGMENTS];
    size_t n = encap(pe, t, p, segs);
    if (!n) {
        abort();                /* fits() bounded the segments */
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t bytes = nvo_pkt_len(segs[i]);
        pe->c.frames_out++;
        te->c.frames_out++;
        pe->c.bytes_out += bytes;
        te->c.bytes_out += bytes;
        nvo_port_send(&pe->port, segs[i]);
    }
    return 0;
}

/* The VM of tenant 't' the tenant frame 'p' is for, or -1. */
static int64_t
find_vm(const struct pe_tenant *t, const struct nvo_pkt *p)
{
    const uint8_t *eth = nvo_pkt_at(p, p->l2_ofs);
    if (!eth || p->l2_ofs == NVO_PKT_OFS_NONE) {
        return -1;
    }
    const uint8_t *ip = p->l3_ofs == NVO_PKT_OFS_NONE
                        ? NULL : nvo_pkt_at(p, p->l3_ofs);
    for (uint32_t v = 0; v < t->n_vms; v++) {
        if (memcmp(eth, t->vms[v].mac, 6)) {
            continue;
        }
        if (t->vms[v].ip4) {
            if (!ip || (ip[0] >> 4) != 4
                || nvo_rd32(ip + 16) != t->vms[v].ip4) {
                continue;
            }
        }
        return v;
    }
    return -1;
}

void
nvo_pe_rx(struct nvo_pe *pe, struct nvo_pkt *p)
{
    pe->c.rx_frames++;
    if (p->stt_segment > 1) {
        /* A later STT segment carries only payload; the frame was counted
         * with its first segment (reassembly is not modelled). */
        pe->c.rx_segments++;
        nvo_pkt_free(p);
        return;
    }
    uint32_t id;
    const struct nvo_encap_ops *ops = pe->cfg.encap;
    int error = pe->cfg.control_word && ops->pop_cw ? ops->pop_cw(p, &id)
                                                    : ops->pop(p, &id);
    if (error) {
        pe->c.decap_errors++;
        nvo_pkt_free(p);
        return;
    }
    uintptr_t ix = GPOINTER_TO_UINT(g_hash_table_lookup(pe->by_id,
                                                        GUINT_TO_POINTER(id)));
    int64_t vm = -1;
    if (ix) {
        vm = find_vm(&pe->tenants[ix - 1], p);
    }
    if (vm < 0) {
        pe->c.wrong_tenant++;
        if (ix) {
            pe->tenants[ix - 1].c.wrong_tenant++;
        }
        nvo_pkt_free(p);
        return;
    }
    struct pe_tenant *t = &pe->tenants[ix - 1];
    uint32_t len = nvo_pkt_len(p);
    pe->c.delivered++;
    t->c.delivered++;
    pe->c.delivered_bytes += len;
    t->c.delivered_bytes += len;
    if (pe->cfg.deliver) {
        pe->cfg.deliver(pe->cfg.ctx, pe, (uint32_t) (ix - 1), (uint32_t) vm,
                        p);
    } else {
        nvo_pkt_free(p);
    }
}

uint64_t
nvo_pe_wire_cost(struct nvo_pe *pe, uint32_t tenant, uint32_t frame_len,
                 uint32_t framing, struct nvo_pkt_pool *pool,
                 uint32_t *n_frames)
{
    *n_frames = 0;
    if (tenant >= pe->n_tenants || frame_len < 42) {
        return 0;
    }
    const struct nvo_tunnel *t = &pe->tenants[tenant].tunnel;
    if (!fits(pe, t, frame_len)) {
        return 0;
    }
    struct nvo_pkt *p = nvo_pkt_alloc(pool, NVO_PKT_HEADROOM, 128);
    struct nvo_frame_spec f;
    memset(&f, 0, sizeof f);
    f.proto = 17;
    /* Ethernet 14 + IPv4 20 + UDP 8 = 42 real bytes; the rest virtual. */
    p->payload_size = frame_len - 42;
    if (nvo_wire_build_frame(p, &f)) {
        nvo_pkt_free(p);
        return 0;
    }
    t->ops->push(t, p);
    struct nvo_pkt *segs[NVO_PE_MAX_SEGMENTS];
    size_t n = encap(pe, t, p, segs);
    if (!n) {
        abort();                /* fits() bounded the segments */
    }
    uint64_t bytes = 0;
    for (size_t i = 0; i < n; i++) {
        bytes += nvo_pkt_len(segs[i]) + framing;
        nvo_pkt_free(segs[i]);
    }
    *n_frames = (uint32_t) n;
    return bytes;
}

const struct nvo_pe_counters *
nvo_pe_counters(const struct nvo_pe *pe)
{
    return &pe->c;
}

const struct nvo_pe_counters *
nvo_pe_tenant_counters(const struct nvo_pe *pe, uint32_t tenant)
{
    return tenant < pe->n_tenants ? &pe->tenants[tenant].c : NULL;
}

uint32_t
nvo_pe_n_tenants(const struct nvo_pe *pe)
{
    return pe->n_tenants;
}

const struct nvo_tunnel *
nvo_pe_tunnel(const struct nvo_pe *pe, uint32_t tenant)
{
    return tenant < pe->n_tenants ? &pe->tenants[tenant].tunnel : NULL;
}

const char *
nvo_pe_name(const struct nvo_pe *pe)
{
    return pe->cfg.name;
}
