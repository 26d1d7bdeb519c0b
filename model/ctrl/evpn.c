/* evpn.c: the EVPN control plane logic of a hypervisor PE: route
 * origination and withdrawal, import into the MAC table and the flood
 * lists, MAC mobility, duplicate detection, ARP suppression (see
 * evpn.h, docs/evpn.md). */
#include "ctrl/evpn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "core/engine.h"
#include "core/mem.h"
#include "fabric/net.h"
#include "overlay/mac_table.h"
#include "wire/wire.h"

#define NONE UINT32_MAX

/* One remote type-2 route for a MAC (one per originator and IP). */
struct rroute {
    uint32_t originator;        /* router id */
    uint32_t node;              /* the PE node of its next hop */
    uint32_t seq;               /* MAC mobility sequence (0: none) */
    uint32_t ip4;               /* 0: a MAC-only route */
};

/* Where a MAC was last seen from this PE (for counting moves). */
enum where { WHERE_NONE, WHERE_LOCAL, WHERE_REMOTE };

/* The state of one (VNI, MAC) at this PE. */
struct emac {
    uint32_t vni;               /* key: vni, mac */
    uint64_t mac;
    uint32_t tenant;
    struct nvo_evpn *ev;
    /* Local presence: the PE advertises (or, a duplicate, would). */
    bool local;
    bool configured;            /* a configured VM (no aging) */
    bool advertised;            /* routes out on the bus */
    uint32_t vm;                /* local location */
    uint32_t ip4;               /* the VM's address (0: unknown) */
    uint32_t adv_ip4;           /* the IP the advertised routes carry */
    uint32_t seq;               /* our sequence number */
    struct nvo_timer *age;      /* a learned entry's aging check (made
                                 * at first use: most MACs are remote) */
    /* Remote routes (received, imported). */
    struct rroute *remote;
    uint32_t n_remote, cap_remote;
    uint32_t inst_node;         /* the remote PE our table entry points
                                 * at, NONE: no entry of ours */
    /* Moves and duplicate detection. */
    enum where where;
    uint32_t where_node;
    bool window;                /* a detection window is open */
    nvo_time_t window_start;
    uint32_t dad_count;
    bool dup;
};

/* An IMET route received for a VNI. */
struct imet {
    uint32_t originator;
    uint32_t node;              /* its PE, NONE: not ingress replication */
};

struct etenant {
    uint32_t vni;
    struct imet *imet;
    uint32_t n_imet, cap_imet;
    uint32_t n_flood;
};

/* Memory types (core/mem.h), counted in the PE node's account. */
static nvo_mem_type mt_evpn, mt_tenant, mt_mac, mt_route, mt_imet, mt_arp,
    mt_rd, mt_timer;

struct nvo_evpn {
    struct nvo_pe_node *pe;
    struct nvo_mem_acct *acct;  /* the PE node's */
    struct nvo_net *net;
    struct nvo_engine *engine;
    struct nvo_evpn_cfg cfg;
    const struct nvo_evpn_bus_ops *bus;
    void *bus_ctx;
    uint32_t router_id;
    uint16_t tunnel_type;
    bool mpls;                  /* label fields carry MPLS labels */
    bool started;
    struct etenant *tenants;
    uint32_t n_tenants;
    GHashTable *macs;           /* struct emac (key its first fields) */
    GHashTable *rd_vni;         /* received RD: uint64_t[2] { RD, tenant }
                                 * (key and value) */
    GHashTable *arp;            /* uint64_t[2] { vni << 32 | ip, MAC } */
    uint64_t n_local_routes;
    struct nvo_evpn_counters c;
};

/* ---- Small helpers ------------------------------------------------------- */

static guint
emac_hash(gconstpointer k)
{
    const struct emac *e = k;
    uint64_t h = e->mac * 0x9e3779b97f4a7c15ull ^ e->vni;
    return (guint) (h ^ (h >> 32));
}

static gboolean
emac_equal(gconstpointer a, gconstpointer b)
{
    const struct emac *x = a, *y = b;
    return x->vni == y->vni && x->mac == y->mac;
}

static guint
u64_hash(gconstpointer k)
{
    uint64_t v = *(const uint64_t *) k * 0x9e3779b97f4a7c15ull;
    return (guint) (v >> 32);
}

static gboolean
u64_equal(gconstpointer a, gconstpointer b)
{
    return *(const uint64_t *) a == *(const uint64_t *) b;
}

static nvo_time_t
now_(const struct nvo_evpn *ev)
{
    return nvo_engine_now(ev->engine);
}

void
nvo_evpn_cfg_default(struct nvo_evpn_cfg *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->asn = NVO_EVPN_ASN_DEFAULT;
    cfg->mac_ip = true;
    cfg->flood = NVO_EVPN_FLOOD_INGRESS;
    cfg->arp_suppression = true;
    cfg->dup_max_moves = NVO_EVPN_DUP_MOVES_DEFAULT;
    cfg->dup_time = NVO_EVPN_DUP_TIME_DEFAULT;
    cfg->advertise_configured = true;
}

void
nvo_evpn_rt(uint8_t ec[NVO_BGP_EC_LEN], uint16_t asn, uint32_t vni)
{
    /* RFC 8365 5.1.2.1: ASN : (A 0 | type 0 | D-ID 0 | VNI), as FRR. */
    nvo_bgp_ec_rt(ec, asn, vni & 0xffffffu);
}

uint16_t
nvo_evpn_tunnel_type(const struct nvo_encap_ops *ops)
{
    static const struct { const char *name; uint16_t type; } map[] = {
        { "vxlan", 8 }, { "nvgre", 9 }, { "mpls-ip", 10 },
        { "mpls-gre", 11 }, { "vxlan-gpe", 12 }, { "mpls-udp", 13 },
        { "geneve", 19 },
    };
    for (size_t i = 0; ops && i < sizeof map / sizeof map[0]; i++) {
        if (!strcmp(ops->name, map[i].name)) {
            return map[i].type;
        }
    }
    return 0;                   /* stt, gre-udp: no registered type */
}

/* The label field of 'tenant''s routes: the VNI, or with MPLS the PE's
 * label for it in the high 20 bits with the bottom-of-stack bit. */
static uint32_t
label_field(const struct nvo_evpn *ev, uint32_t tenant)
{
    if (ev->mpls) {
        return (nvo_pe_node_label(ev->pe, tenant) << 4 | 1u) & 0xffffffu;
    }
    return nvo_pe_node_vni(ev->pe, tenant) & 0xffffffu;
}

static void
rd_of(const struct nvo_evpn *ev, uint32_t tenant, uint8_t rd[NVO_BGP_RD_LEN])
{
    nvo_bgp_rd_type1(rd, ev->router_id, (uint16_t) (tenant + 1));
}

/* The common attributes of this PE's routes of 'tenant' into 'a', the
 * extended communities into 'ec' (room for 3): RT, encapsulation, and
 * MAC mobility when 'seq' > 0 (type 2). */
static void
attrs_of(const struct nvo_evpn *ev, uint32_t tenant, uint32_t seq,
         struct nvo_bgp_attrs *a, uint8_t ec[3][NVO_BGP_EC_LEN])
{
    memset(a, 0, sizeof *a);
    uint16_t n = 0;
    nvo_evpn_rt(ec[n++], ev->cfg.asn, nvo_pe_node_vni(ev->pe, tenant));
    if (ev->tunnel_type) {
        nvo_bgp_ec_encap(ec[n++], ev->tunnel_type);
    }
    if (seq) {
        nvo_bgp_ec_mac_mobility(ec[n++], false, seq);
    }
    a->present = 1u << NVO_BGP_ATTR_ORIGIN | 1u << NVO_BGP_ATTR_AS_PATH
                 | 1u << NVO_BGP_ATTR_LOCAL_PREF | 1u << NVO_BGP_ATTR_EXT_COMM
                 | 1u << NVO_BGP_ATTR_MP_REACH;
    a->origin = 0;              /* IGP */
    a->local_pref = NVO_EVPN_LOCAL_PREF;
    a->ext_comm = &ec[0][0];
    a->n_ext_comm = n;
    a->mp_afi = NVO_BGP_AFI_L2VPN;
    a->mp_safi = NVO_BGP_SAFI_EVPN;
    a->mp_nh_len = 4;
    nvo_wr32(a->mp_nh, ev->router_id);
}

static void
bus_advertise(struct nvo_evpn *ev, const struct nvo_evpn_route *r,
              const struct nvo_bgp_attrs *a)
{
    if (r->type == NVO_EVPN_MAC_IP) {
        ev->c.type2_advertised++;
    } else {
        ev->c.type3_advertised++;
    }
    if (ev->bus->advertise(ev->bus_ctx, r, a)) {
        ev->c.bus_errors++;
    }
}

static void
bus_withdraw(struct nvo_evpn *ev, const struct nvo_evpn_route *r)
{
    if (r->type == NVO_EVPN_MAC_IP) {
        ev->c.type2_withdrawn++;
    } else {
        ev->c.type3_withdrawn++;
    }
    if (ev->bus->withdraw(ev->bus_ctx, r)) {
        ev->c.bus_errors++;
    }
}

/* ---- ARP bindings ------------------------------------------------------- */

static uint64_t
arp_key(uint32_t vni, uint32_t ip4)
{
    return (uint64_t) vni << 32 | ip4;
}

static void
arp_bind(struct nvo_evpn *ev, uint32_t vni, uint32_t ip4, uint64_t mac)
{
    if (!ip4) {
        return;
    }
    uint64_t key = arp_key(vni, ip4);
    uint64_t *k = g_hash_table_lookup(ev->arp, &key);
    if (!k) {
        k = nvo_mem_alloc(ev->acct, mt_arp, 2 * sizeof *k);
        k[0] = key;
        g_hash_table_add(ev->arp, k);
    }
    k[1] = mac;
}

/* Drops (vni, ip4) -> 'e''s MAC unless a local VM or a remote route of
 * the MAC still binds it. */
static void
arp_unbind(struct nvo_evpn *ev, const struct emac *e, uint32_t ip4)
{
    if (!ip4) {
        return;
    }
    if (e->local && e->ip4 == ip4) {
        return;
    }
    for (uint32_t i = 0; i < e->n_remote; i++) {
        if (e->remote[i].ip4 == ip4) {
            return;
        }
    }
    uint64_t k = arp_key(e->vni, ip4);
    uint64_t *v = g_hash_table_lookup(ev->arp, &k);
    if (v && v[1] == e->mac) {
        g_hash_table_remove(ev->arp, &k);
        nvo_mem_free(ev->acct, mt_arp, v, 2 * sizeof *v);
    }
}

uint64_t
nvo_evpn_arp_lookup(const struct nvo_evpn *ev, uint32_t vni, uint32_t ip4)
{
    uint64_t k = arp_key(vni, ip4);
    const uint64_t *v = g_hash_table_lookup(ev->arp, &k);
    return v ? v[1] : 0;
}

/* ---- MAC state ---------------------------------------------------------- */

static void age_check__(void *arg);

static struct emac *
emac_find(const struct nvo_evpn *ev, uint32_t vni, uint64_t mac)
{
    struct emac k = { .vni = vni, .mac = mac };
    return g_hash_table_lookup(ev->macs, &k);
}

static struct emac *
emac_get(struct nvo_evpn *ev, uint32_t tenant, uint32_t vni, uint64_t mac)
{
    struct emac *e = emac_find(ev, vni, mac);
    if (!e) {
        e = nvo_mem_alloc0(ev->acct, mt_mac, sizeof *e);
        e->vni = vni;
        e->mac = mac;
        e->tenant = tenant;
        e->ev = ev;
        e->inst_node = NONE;
        g_hash_table_add(ev->macs, e);
    }
    return e;
}

/* Arms (making it at first use) or stops the aging check of 'e'. */
static void
age_start(struct emac *e, nvo_time_t at)
{
    if (!e->age) {
        e->age = nvo_mem_alloc(e->ev->acct, mt_timer, sizeof *e->age);
        nvo_timer_init(e->age, e->ev->engine, age_check__, e);
    }
    nvo_timer_start_at(e->age, at);
}

static void
age_stop(struct emac *e)
{
    if (e->age) {
        nvo_timer_stop(e->age);
    }
}

static void
emac_free(gpointer p)
{
    struct emac *e = p;
    struct nvo_mem_acct *a = e->ev->acct;
    if (e->age) {
        nvo_timer_stop(e->age);
        nvo_mem_free(a, mt_timer, e->age, sizeof *e->age);
    }
    nvo_mem_free(a, mt_route, e->remote, e->cap_remote * sizeof *e->remote);
    nvo_mem_free(a, mt_mac, e, sizeof *e);
}

/* The route of 'e' with or without its IP. */
static void
type2_of(const struct nvo_evpn *ev, const struct emac *e, uint32_t ip4,
         struct nvo_evpn_route *r)
{
    memset(r, 0, sizeof *r);
    r->type = NVO_EVPN_MAC_IP;
    rd_of(ev, e->tenant, r->rd);
    nvo_mac_to_bytes(e->mac, r->mac);
    if (ip4) {
        r->ip_len = 32;
        nvo_wr32(r->ip, ip4);
    }
    r->n_labels = 1;
    r->label1 = label_field(ev, e->tenant);
}

/* Calls fn for each route 'e' advertises with IP 'ip4': MAC+IP (if
 * cfg.mac_ip and an IP), MAC only (if cfg.mac_only or no IP). */
static void
local_routes(struct nvo_evpn *ev, struct emac *e, uint32_t ip4, bool adv)
{
    bool with_ip = ip4 && ev->cfg.mac_ip;
    bool without = !ip4 || ev->cfg.mac_only || !ev->cfg.mac_ip;
    struct nvo_evpn_route r;
    struct nvo_bgp_attrs a;
    uint8_t ec[3][NVO_BGP_EC_LEN];
    attrs_of(ev, e->tenant, e->seq, &a, ec);
    for (int k = 0; k < 2; k++) {
        if (!(k == 0 ? with_ip : without)) {
            continue;
        }
        type2_of(ev, e, k == 0 ? ip4 : 0, &r);
        if (adv) {
            bus_advertise(ev, &r, &a);
            ev->n_local_routes++;
        } else {
            bus_withdraw(ev, &r);
            ev->n_local_routes--;
        }
    }
}

static void
advertise_local(struct nvo_evpn *ev, struct emac *e)
{
    if (e->dup) {
        ev->c.dup_suppressed++;
        return;
    }
    e->adv_ip4 = e->ip4;
    local_routes(ev, e, e->adv_ip4, true);
    e->advertised = true;
}

static void
withdraw_local(struct nvo_evpn *ev, struct emac *e)
{
    if (e->advertised) {
        local_routes(ev, e, e->adv_ip4, false);
        e->advertised = false;
    }
}

/* The best remote route of 'e' (RFC 7432 15.1: highest sequence, a tie
 * to the lowest originator), or NULL. */
static const struct rroute *
best_remote(const struct emac *e)
{
    const struct rroute *b = NULL;
    for (uint32_t i = 0; i < e->n_remote; i++) {
        const struct rroute *r = &e->remote[i];
        if (!b || r->seq > b->seq
            || (r->seq == b->seq && r->originator < b->originator)) {
            b = r;
        }
    }
    return b;
}

/* A move of 'e' seen at this PE (a local learn if 'local_learn'):
 * duplicate detection (evpn.h). */
static void
dad_move(struct nvo_evpn *ev, struct emac *e, bool local_learn)
{
    ev->c.moves++;
    if (e->dup) {
        return;
    }
    nvo_time_t now = now_(ev);
    if (e->window && now - e->window_start > ev->cfg.dup_time) {
        e->window = false;      /* the window expired */
    }
    if (!e->window) {
        if (!local_learn) {
            return;             /* only local learning opens one */
        }
        e->window = true;
        e->window_start = now;
        e->dad_count = 0;
    }
    if (++e->dad_count >= ev->cfg.dup_max_moves) {
        e->dup = true;
        e->window = false;
        ev->c.dup_alarms++;
    }
}

/* Points the MAC table entry of 'e' at remote PE 'node' (NONE: removes
 * the entry this module installed). */
static void
install(struct nvo_evpn *ev, struct emac *e, uint32_t node, uint32_t seq)
{
    struct nvo_mac_table *t = nvo_pe_node_mac_table(ev->pe);
    if (node == NONE) {
        if (e->inst_node != NONE) {
            const struct nvo_mac_entry *x =
                nvo_mac_table_lookup(t, e->vni, e->mac, now_(ev));
            if (x && (x->flags & NVO_MAC_REMOTE) && x->loc == e->inst_node) {
                (void) nvo_mac_table_remove(t, e->vni, e->mac);
            }
            ev->c.remote_removed++;
            e->inst_node = NONE;
        }
        return;
    }
    /* Remove and learn anew: a new entry gets the static flag (a control
     * plane entry never ages), an existing one would keep its flags. */
    (void) nvo_mac_table_remove(t, e->vni, e->mac);
    (void) nvo_mac_table_learn(t, e->vni, e->mac,
                               (struct nvo_mac_loc) { true, node },
                               NVO_MAC_ORIGIN_CONTROL, seq, NVO_MAC_STATIC,
                               now_(ev), NULL);
    if (e->inst_node != node) {
        ev->c.remote_installed++;
    }
    e->inst_node = node;
}

/* Stops 'e' being local here (its routes withdrawn). */
static void
drop_local(struct nvo_evpn *ev, struct emac *e)
{
    withdraw_local(ev, e);
    e->local = false;
    age_stop(e);
    arp_unbind(ev, e, e->ip4);
}

/* After a change of 'e''s remote routes: decides where the MAC is. */
static void
reevaluate(struct nvo_evpn *ev, struct emac *e)
{
    const struct rroute *b = best_remote(e);
    if (e->local) {
        if (b && (b->seq > e->seq
                  || (b->seq == e->seq && b->originator < ev->router_id))) {
            /* Lost: the MAC moved to (or is also at) that PE. */
            if (e->advertised) {
                ev->c.withdrawn_mobility++;
            }
            drop_local(ev, e);
            dad_move(ev, e, false);
            install(ev, e, b->node, b->seq);
            e->where = WHERE_REMOTE;
            e->where_node = b->node;
        }
        return;
    }
    if (!b) {
        install(ev, e, NONE, 0);
        return;
    }
    if (e->where == WHERE_LOCAL
        || (e->where == WHERE_REMOTE && e->where_node != b->node)) {
        dad_move(ev, e, false);
    }
    e->where = WHERE_REMOTE;
    e->where_node = b->node;
    install(ev, e, b->node, b->seq);
}

/* 'e' is local at location 'vm' now. */
static void
become_local(struct nvo_evpn *ev, struct emac *e, uint32_t vm, uint32_t ip4,
             bool configured)
{
    struct nvo_mac_table *t = nvo_pe_node_mac_table(ev->pe);
    nvo_time_t now = now_(ev);
    const struct rroute *b = best_remote(e);
    bool moved = e->where == WHERE_REMOTE || b;
    e->local = true;
    e->configured = configured;
    e->vm = vm;
    e->ip4 = ip4;
    e->seq = b ? b->seq + 1 : 0;
    if (e->inst_node != NONE) {
        ev->c.remote_removed++; /* the entry is local now (below) */
        e->inst_node = NONE;
    }
    if (configured) {
        (void) nvo_mac_table_remove(t, e->vni, e->mac);
        (void) nvo_mac_table_learn(t, e->vni, e->mac,
                                   (struct nvo_mac_loc) { false, vm },
                                   NVO_MAC_ORIGIN_LOCAL, e->seq,
                                   NVO_MAC_STATIC, now, NULL);
    } else {
        /* The data plane learned it; over our static remote entry it kept
         * the static flag: learn it anew so that it ages. */
        const struct nvo_mac_entry *x = nvo_mac_table_lookup(t, e->vni,
                                                             e->mac, now);
        if (x && (x->flags & NVO_MAC_STATIC)) {
            (void) nvo_mac_table_remove(t, e->vni, e->mac);
            (void) nvo_mac_table_learn(t, e->vni, e->mac,
                                       (struct nvo_mac_loc) { false, vm },
                                       NVO_MAC_ORIGIN_DATA, e->seq, 0, now,
                                       NULL);
        }
        nvo_time_t aging = nvo_pe_node_mac_aging(ev->pe);
        if (aging != NVO_TIME_MAX) {
            age_start(e, now + aging);
        }
    }
    e->where = WHERE_LOCAL;
    if (moved) {
        dad_move(ev, e, true);
    }
    arp_bind(ev, e->vni, ip4, e->mac);
    advertise_local(ev, e);
}

/* A learned local MAC's aging time: withdraw if its entry aged. */
static void
age_check__(void *arg)
{
    struct emac *e = arg;
    struct nvo_evpn *ev = e->ev;
    if (!e->local || e->configured) {
        return;
    }
    nvo_time_t now = now_(ev);
    const struct nvo_mac_entry *x =
        nvo_mac_table_lookup(nvo_pe_node_mac_table(ev->pe), e->vni, e->mac,
                             now);
    if (x && !(x->flags & NVO_MAC_REMOTE)) {
        /* Refreshed since: check again when it would age. */
        nvo_time_t aging = nvo_pe_node_mac_aging(ev->pe);
        age_start(e, x->seen + aging > now ? x->seen + aging : now);
        return;
    }
    if (e->advertised) {
        ev->c.withdrawn_aged++;
    }
    drop_local(ev, e);
    reevaluate(ev, e);
}

/* ---- PE hooks ------------------------------------------------------------ */

static void
hook_learned(void *ctx, struct nvo_pe_node *pe, uint32_t tenant,
             uint64_t mac, uint32_t ip4, uint32_t vm, bool configured)
{
    struct nvo_evpn *ev = ctx;
    (void) pe;
    if (!ev->started || tenant >= ev->n_tenants
        || (configured && !ev->cfg.advertise_configured)) {
        return;                 /* start() takes the configured VMs */
    }
    struct emac *e = emac_get(ev, tenant, ev->tenants[tenant].vni, mac);
    if (e->local) {
        /* Known here: a relearn (after aging at the same instant) or a
         * configured VM's first frame; a configured VM stays so. */
        if (configured && !e->configured) {
            e->configured = true;
            age_stop(e);
        } else if (!e->configured) {
            nvo_time_t aging = nvo_pe_node_mac_aging(ev->pe);
            if (aging != NVO_TIME_MAX) {
                age_start(e, now_(ev) + aging);
            }
        }
        e->vm = vm;
        return;
    }
    become_local(ev, e, vm, ip4, configured);
}

static void
hook_removed(void *ctx, struct nvo_pe_node *pe, uint32_t tenant, uint64_t mac,
             uint32_t vm)
{
    struct nvo_evpn *ev = ctx;
    (void) pe;
    if (!ev->started || tenant >= ev->n_tenants) {
        return;
    }
    struct emac *e = emac_find(ev, ev->tenants[tenant].vni, mac);
    if (!e || !e->local || e->vm != vm) {
        return;
    }
    drop_local(ev, e);
    reevaluate(ev, e);          /* the next remote route, if any */
}

/* ARP suppression (RFC 9161): answers an ARP request for a bound IP. */
static bool
hook_bum(void *ctx, struct nvo_pe_node *pe, uint32_t tenant, uint32_t vm,
         const struct nvo_pkt *p)
{
    struct nvo_evpn *ev = ctx;
    const uint8_t *l2 = nvo_pkt_at(p, p->l2_ofs);
    if (tenant >= ev->n_tenants || !l2
        || nvo_pkt_data_ofs(p) + p->size < p->l2_ofs + 14u + NVO_ARP_LEN
        || nvo_rd16(l2 + 12) != NVO_ETH_TYPE_ARP) {
        return false;
    }
    struct nvo_arp_info req;
    if (nvo_arp_decode(l2 + 14, NVO_ARP_LEN, &req)
        || req.op != NVO_ARP_OP_REQUEST || req.tpa == req.spa) {
        return false;           /* a reply or a gratuitous ARP: flood */
    }
    uint64_t mac = ev->cfg.arp_suppression
                   ? nvo_evpn_arp_lookup(ev, ev->tenants[tenant].vni, req.tpa)
                   : 0;
    if (!mac) {
        ev->c.arp_flooded++;
        return false;
    }
    /* The reply, as the target would send it: a copy of the request
     * frame rewritten (same 42 bytes). */
    struct nvo_pkt *r = nvo_pkt_clone(p);
    uint8_t *rl2 = (uint8_t *) nvo_pkt_at(r, r->l2_ofs);
    struct nvo_eth_info eth;
    memcpy(eth.dst, req.sha, 6);
    nvo_mac_to_bytes(mac, eth.src);
    eth.type = NVO_ETH_TYPE_ARP;
    nvo_eth_encode(rl2, &eth);
    struct nvo_arp_info rep;
    rep.op = NVO_ARP_OP_REPLY;
    nvo_mac_to_bytes(mac, rep.sha);
    rep.spa = req.tpa;
    memcpy(rep.tha, req.sha, 6);
    rep.tpa = req.spa;
    nvo_arp_encode(rl2 + 14, &rep);
    if (nvo_pe_node_deliver_local(pe, tenant, vm, r)) {
        nvo_pkt_free(r);        /* cannot happen: the VM just sent */
    }
    ev->c.arp_suppressed++;
    return true;
}

static const struct nvo_pe_ctrl_ops evpn_hooks = {
    .local_learned = hook_learned,
    .local_removed = hook_removed,
    .bum_frame = hook_bum,
};

/* ---- Received routes ----------------------------------------------------- */

/* The hosted tenant whose auto RT 'a' carries, or NONE. */
static uint32_t
import_tenant(const struct nvo_evpn *ev, const struct nvo_bgp_attrs *a)
{
    for (uint16_t i = 0; i < a->n_ext_comm; i++) {
        struct nvo_bgp_ec x = nvo_bgp_ec_parse(a->ext_comm + 8u * i);
        uint32_t t;
        if (x.kind == NVO_BGP_EC_RT && x.a == ev->cfg.asn
            && !nvo_pe_node_find_tenant(ev->pe, x.b, &t)
            && t < ev->n_tenants) {
            return t;
        }
    }
    return NONE;
}

static uint32_t
mobility_seq(const struct nvo_bgp_attrs *a)
{
    for (uint16_t i = 0; i < a->n_ext_comm; i++) {
        struct nvo_bgp_ec x = nvo_bgp_ec_parse(a->ext_comm + 8u * i);
        if (x.kind == NVO_BGP_EC_MAC_MOBILITY) {
            return x.b;
        }
    }
    return 0;                   /* RFC 7432 7.7: absent means 0 */
}

/* The PE node with underlay address 'addr', or NONE. */
static uint32_t
pe_at(const struct nvo_evpn *ev, uint32_t addr)
{
    int n = nvo_net_addr4_node(ev->net, addr);
    if (n < 0 || (uint32_t) n == nvo_pe_node_index(ev->pe)
        || !nvo_pe_node_of(nvo_net_node(ev->net, (uint32_t) n))) {
        return NONE;
    }
    return (uint32_t) n;
}

static void
rebuild_flood(struct nvo_evpn *ev, uint32_t tenant)
{
    struct etenant *te = &ev->tenants[tenant];
    uint32_t *list = g_new(uint32_t, te->n_imet ? te->n_imet : 1);
    uint32_t n = 0;
    for (uint32_t i = 0; i < te->n_imet; i++) {
        uint32_t node = te->imet[i].node;
        if (node == NONE) {
            continue;
        }
        /* Insert sorted, once. */
        uint32_t k = 0;
        while (k < n && list[k] < node) {
            k++;
        }
        if (k < n && list[k] == node) {
            continue;
        }
        memmove(list + k + 1, list + k, (n - k) * sizeof *list);
        list[k] = node;
        n++;
    }
    if (nvo_pe_node_set_flood(ev->pe, tenant, list, n)) {
        ev->c.bus_errors++;     /* only PE nodes are listed: cannot be */
    }
    te->n_flood = n;
    g_free(list);
}

static uint64_t
rd_key(const uint8_t rd[NVO_BGP_RD_LEN])
{
    return nvo_rd64(rd);
}

static void
imet_in(struct nvo_evpn *ev, const struct nvo_evpn_route *r,
        const struct nvo_bgp_attrs *a, uint32_t originator, uint32_t tenant)
{
    struct etenant *te = &ev->tenants[tenant];
    uint32_t node = NONE;
    if (a && NVO_BGP_HAS(a, NVO_BGP_ATTR_PMSI)
        && a->pmsi.type == NVO_PMSI_INGRESS_REPL && a->pmsi.id_len == 4) {
        node = pe_at(ev, nvo_rd32(a->pmsi.id));
    }
    uint32_t i = 0;
    while (i < te->n_imet && te->imet[i].originator != originator) {
        i++;
    }
    (void) r;
    if (!a) {
        if (i == te->n_imet) {
            return;
        }
        te->imet[i] = te->imet[--te->n_imet];
    } else {
        if (i == te->n_imet) {
            if (te->n_imet == te->cap_imet) {
                uint32_t cap = te->cap_imet ? 2 * te->cap_imet : 4;
                te->imet = nvo_mem_renew(ev->acct, mt_imet, struct imet,
                                         te->imet, te->cap_imet, cap);
                te->cap_imet = cap;
            }
            te->n_imet++;
        }
        te->imet[i] = (struct imet) { originator, node };
    }
    rebuild_flood(ev, tenant);
}

static void
mac_in(struct nvo_evpn *ev, const struct nvo_evpn_route *r,
       const struct nvo_bgp_attrs *a, uint32_t originator, uint32_t tenant)
{
    uint64_t mac = nvo_mac_from_bytes(r->mac);
    uint32_t ip4 = r->ip_len == 32 ? nvo_rd32(r->ip) : 0;
    uint32_t vni = ev->tenants[tenant].vni;
    struct emac *e = a ? emac_get(ev, tenant, vni, mac)
                       : emac_find(ev, vni, mac);
    if (!e) {
        return;
    }
    uint32_t i = 0;
    while (i < e->n_remote && (e->remote[i].originator != originator
                               || e->remote[i].ip4 != ip4)) {
        i++;
    }
    if (!a) {
        if (i == e->n_remote) {
            return;
        }
        e->remote[i] = e->remote[--e->n_remote];
        arp_unbind(ev, e, ip4);
    } else {
        uint32_t nh = a->mp_nh_len == 4 ? nvo_rd32(a->mp_nh) : originator;
        uint32_t node = pe_at(ev, nh);
        if (node == NONE) {
            ev->c.not_imported++;
            return;
        }
        if (i == e->n_remote) {
            if (e->n_remote == e->cap_remote) {
                uint32_t cap = e->cap_remote ? 2 * e->cap_remote : 2;
                e->remote = nvo_mem_renew(ev->acct, mt_route, struct rroute,
                                          e->remote, e->cap_remote, cap);
                e->cap_remote = cap;
            }
            e->n_remote++;
        }
        e->remote[i] = (struct rroute) { originator, node, mobility_seq(a),
                                         ip4 };
        arp_bind(ev, vni, ip4, mac);
    }
    reevaluate(ev, e);
}

void
nvo_evpn_route_in(struct nvo_evpn *ev, const struct nvo_evpn_route *r,
                  const struct nvo_bgp_attrs *a, uint32_t originator)
{
    if (!ev->started || originator == ev->router_id
        || (r->type != NVO_EVPN_MAC_IP && r->type != NVO_EVPN_IMET)) {
        return;
    }
    bool t2 = r->type == NVO_EVPN_MAC_IP;
    uint64_t rd = rd_key(r->rd);
    uint32_t tenant;
    if (a) {
        if (t2) {
            ev->c.type2_received++;
        } else {
            ev->c.type3_received++;
        }
        tenant = import_tenant(ev, a);
        if (tenant == NONE) {
            ev->c.not_imported++;
            return;
        }
        uint64_t *k = g_hash_table_lookup(ev->rd_vni, &rd);
        if (!k) {
            k = nvo_mem_alloc(ev->acct, mt_rd, 2 * sizeof *k);
            k[0] = rd;
            g_hash_table_add(ev->rd_vni, k);
        }
        k[1] = tenant;
    } else {
        if (t2) {
            ev->c.type2_unreach++;
        } else {
            ev->c.type3_unreach++;
        }
        const uint64_t *v = g_hash_table_lookup(ev->rd_vni, &rd);
        if (!v) {
            return;             /* never imported */
        }
        tenant = (uint32_t) v[1];
    }
    if (t2) {
        mac_in(ev, r, a, originator, tenant);
    } else {
        imet_in(ev, r, a, originator, tenant);
    }
}

/* ---- Life cycle ---------------------------------------------------------- */

struct nvo_evpn *
nvo_evpn_create(struct nvo_pe_node *pe, const struct nvo_evpn_cfg *cfg,
                const struct nvo_evpn_bus_ops *bus, void *bus_ctx)
{
    struct nvo_node *n = pe ? nvo_pe_node_base(pe) : NULL;
    if (!n || !cfg || !bus || !bus->advertise || !bus->withdraw
        || !n->net->engine) {
        errno = EINVAL;
        return NULL;
    }
    if (!mt_evpn) {
        mt_evpn = nvo_mem_type_register("evpn");
        mt_tenant = nvo_mem_type_register("evpn-tenant");
        mt_mac = nvo_mem_type_register("evpn-mac");
        mt_route = nvo_mem_type_register("evpn-route");
        mt_imet = nvo_mem_type_register("evpn-imet");
        mt_arp = nvo_mem_type_register("evpn-arp");
        mt_rd = nvo_mem_type_register("evpn-rd");
        mt_timer = nvo_mem_type_register("evpn-timer");
    }
    struct nvo_evpn *ev = nvo_mem_alloc0(&n->mem, mt_evpn, sizeof *ev);
    ev->pe = pe;
    ev->acct = &n->mem;
    ev->net = n->net;
    ev->engine = n->net->engine;
    ev->cfg = *cfg;
    if (!ev->cfg.asn) {
        ev->cfg.asn = NVO_EVPN_ASN_DEFAULT;
    }
    if (!ev->cfg.dup_max_moves) {
        ev->cfg.dup_max_moves = NVO_EVPN_DUP_MOVES_DEFAULT;
    }
    if (!ev->cfg.dup_time) {
        ev->cfg.dup_time = NVO_EVPN_DUP_TIME_DEFAULT;
    }
    ev->bus = bus;
    ev->bus_ctx = bus_ctx;
    ev->tunnel_type = nvo_evpn_tunnel_type(nvo_pe_node_encap(pe));
    ev->mpls = nvo_pe_node_encap(pe)->pop_cw != NULL;
    ev->macs = g_hash_table_new_full(emac_hash, emac_equal, NULL, emac_free);
    ev->rd_vni = g_hash_table_new(u64_hash, u64_equal);
    ev->arp = g_hash_table_new(u64_hash, u64_equal);
    nvo_pe_node_set_ctrl_ops(pe, &evpn_hooks, ev, false);
    return ev;
}

int
nvo_evpn_start(struct nvo_evpn *ev)
{
    if (ev->started) {
        return EALREADY;
    }
    struct nvo_node *n = nvo_pe_node_base(ev->pe);
    uint32_t nt = nvo_pe_node_n_tenants(ev->pe);
    if (ev->net->cfg.ipv6 || !ev->net->finalized) {
        return EINVAL;
    }
    for (uint32_t t = 0; t < nt && ev->cfg.flood != NVO_EVPN_FLOOD_INGRESS;
         t++) {
        if (!nvo_pe_node_mcast_group(ev->pe, t)) {
            return EINVAL;
        }
    }
    ev->router_id = n->addr4;
    ev->started = true;
    ev->n_tenants = nt;
    ev->tenants = nvo_mem_new0(ev->acct, mt_tenant, struct etenant, nt);
    for (uint32_t t = 0; t < nt; t++) {
        struct etenant *te = &ev->tenants[t];
        te->vni = nvo_pe_node_vni(ev->pe, t);
        (void) nvo_pe_node_set_flood(ev->pe, t, NULL, 0);
        /* The IMET route. */
        struct nvo_evpn_route r;
        memset(&r, 0, sizeof r);
        r.type = NVO_EVPN_IMET;
        rd_of(ev, t, r.rd);
        r.ip_len = 32;
        nvo_wr32(r.ip, ev->router_id);
        struct nvo_bgp_attrs a;
        uint8_t ec[3][NVO_BGP_EC_LEN];
        attrs_of(ev, t, 0, &a, ec);
        a.present |= 1u << NVO_BGP_ATTR_PMSI;
        a.pmsi.label = label_field(ev, t);
        nvo_wr32(a.pmsi.id, ev->router_id);
        if (ev->cfg.flood == NVO_EVPN_FLOOD_INGRESS) {
            a.pmsi.type = NVO_PMSI_INGRESS_REPL;
            a.pmsi.id_len = 4;
        } else {
            a.pmsi.type = ev->cfg.flood == NVO_EVPN_FLOOD_PIM_SSM
                          ? NVO_PMSI_PIM_SSM : NVO_PMSI_PIM_SM;
            nvo_wr32(a.pmsi.id + 4, nvo_pe_node_mcast_group(ev->pe, t));
            a.pmsi.id_len = 8;
        }
        bus_advertise(ev, &r, &a);
        /* The configured VMs. */
        for (uint32_t v = 0; ev->cfg.advertise_configured
                             && v < nvo_pe_node_n_vms(ev->pe, t); v++) {
            uint64_t mac;
            uint32_t ip4;
            bool gone;
            if (!nvo_pe_node_vm_info(ev->pe, t, v, &mac, &ip4, &gone)
                && !gone) {
                hook_learned(ev, ev->pe, t, mac, ip4, v, true);
            }
        }
    }
    return 0;
}

void
nvo_evpn_destroy(struct nvo_evpn *ev)
{
    if (!ev) {
        return;
    }
    nvo_pe_node_set_ctrl_ops(ev->pe, NULL, NULL, true);
    g_hash_table_destroy(ev->macs);
    /* Freeing only: the order does not matter. */
    GHashTable *pairs[2] = { ev->rd_vni, ev->arp };
    nvo_mem_type types[2] = { mt_rd, mt_arp };
    for (int k = 0; k < 2; k++) {
        GHashTableIter it;
        gpointer key;
        g_hash_table_iter_init(&it, pairs[k]);
        while (g_hash_table_iter_next(&it, &key, NULL)) {
            nvo_mem_free(ev->acct, types[k], key, 2 * sizeof(uint64_t));
        }
        g_hash_table_destroy(pairs[k]);
    }
    for (uint32_t t = 0; t < ev->n_tenants; t++) {
        nvo_mem_free(ev->acct, mt_imet, ev->tenants[t].imet,
                     ev->tenants[t].cap_imet * sizeof(struct imet));
    }
    nvo_mem_free(ev->acct, mt_tenant, ev->tenants,
                 ev->n_tenants * sizeof *ev->tenants);
    nvo_mem_free(ev->acct, mt_evpn, ev, sizeof *ev);
}

/* ---- Queries ------------------------------------------------------------- */

const struct nvo_evpn_counters *
nvo_evpn_counters(const struct nvo_evpn *ev)
{
    return &ev->c;
}

uint32_t
nvo_evpn_router_id(const struct nvo_evpn *ev)
{
    return ev->router_id;
}

uint64_t
nvo_evpn_n_local_routes(const struct nvo_evpn *ev)
{
    return ev->n_local_routes;
}

uint32_t
nvo_evpn_flood_size(const struct nvo_evpn *ev, uint32_t tenant)
{
    return tenant < ev->n_tenants ? ev->tenants[tenant].n_flood : 0;
}

int64_t
nvo_evpn_local_seq(const struct nvo_evpn *ev, uint32_t vni, uint64_t mac)
{
    const struct emac *e = emac_find(ev, vni, mac);
    return e && e->local && e->advertised ? (int64_t) e->seq : -1;
}

bool
nvo_evpn_is_dup(const struct nvo_evpn *ev, uint32_t vni, uint64_t mac)
{
    const struct emac *e = emac_find(ev, vni, mac);
    return e && e->dup;
}
