/* mcast.c: IP multicast forwarding in the fabric: IGMPv3 membership,
 * PIM shared trees toward the RP, PIM-SM source registration (Register,
 * Register-Stop, the RP's shortest-path tree toward the source), (*,G) /
 * (S,G) state, replication (see mcast.h and docs/multicast.md). */
#include "fabric/mcast.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "core/rng.h"
#include "fabric/net.h"
#include "fabric/switch.h"
#include "wire/igmp.h"
#include "wire/pim.h"
#include "wire/wire.h"

/* (*,G) state: the upstream port (toward the RP; -1 at the RP, -2 when
 * the RP is unreachable) and the outgoing interfaces, in join order. */
struct mc_entry {
    uint32_t group;
    int32_t up;
    uint16_t *oif;
    uint32_t n_oif, cap;
};

/* PIM-SM register state of a source's DR for (S,G) (RFC 7761 4.4.1). */
enum mc_reg {
    REG_NONE,                   /* not the DR of S (or the DR is the RP) */
    REG_JOIN,                   /* encapsulating data in Registers */
    REG_PRUNE,                  /* a Register-Stop came: not encapsulating */
    REG_JOIN_PENDING,           /* probing with a Null-Register */
};

struct nvo_mcast;

/* (S,G) state (PIM-SM): the RPF port toward S (the host port at its DR;
 * -2 when S is unreachable), the outgoing interfaces (S,G) Joins added,
 * and at the DR its register state, at the RP whether native data came
 * on the shortest-path tree (the SPT bit) and which DR registers. */
struct mc_sg {
    uint64_t key;               /* S << 32 | G: the hash key */
    uint32_t src, group;
    int32_t up;
    uint16_t *oif;
    uint32_t n_oif, cap;
    bool joined;                /* an (S,G) Join went upstream */
    bool spt;                   /* RP: native (S,G) data on 'up' */
    uint8_t reg;                /* enum mc_reg */
    uint32_t dr_addr;           /* RP: the Registers' source */
    struct nvo_mcast *mc;       /* for the timer */
    uint32_t node;
    struct nvo_timer rst;       /* DR: the Register-Stop timer */
};

struct mc_sw {
    struct nvo_mcast_sw_stats st;
    GHashTable *star;           /* group -> struct mc_entry * */
    GHashTable *sg;             /* uint64 (S << 32 | G) -> struct mc_sg * */
    bool *nbr;                  /* per port: a Hello heard */
    uint32_t *gen_id;           /* per port: its Hellos' Generation ID */
};

struct nvo_mcast {
    struct nvo_net *net;
    struct nvo_mcast_cfg cfg;
    struct mc_sw **sw;          /* per node index; NULL: not a switch */
    uint16_t *scratch;          /* outgoing ports of one frame */
    bool started;
    struct nvo_timer tick;      /* every Hello period */
    uint64_t n_ticks;
    struct nvo_timer qtick;     /* every IGMP Query Interval */
    struct mc_host **host;      /* per node index: a host that joined */
    struct nvo_rng resp_rng;    /* "mcast/igmp-response" */
};

/* A host's IGMP side: its groups, and its pending response to a Query. */
struct mc_host {
    struct nvo_mcast *mc;
    uint32_t node;
    uint32_t *groups;
    size_t n_groups;
    nvo_event_id pending;       /* NVO_EVENT_NONE: none */
    struct nvo_mcast_host_stats st;
};

/* A join to send: (*,G) (source 0) or (S,G) toward port 'up'. */
struct mc_pending {
    uint32_t up;
    uint32_t group;
    uint32_t source;
};

/* No incoming port: a packet the RP decapsulated from a Register. */
#define IN_REGISTER UINT32_MAX

/* Memory types (core/mem.h), counted in the switch's account: a (*,G)
 * entry with its interface array, an (S,G) key.  The hash tables'
 * own memory (glib) is not counted. */
static nvo_mem_type mt_star, mt_sg;

static void
mem_types__(void)
{
    static gsize done;
    if (g_once_init_enter(&done)) {
        mt_star = nvo_mem_type_register("mcast-star-g");
        mt_sg = nvo_mem_type_register("mcast-s-g");
        g_once_init_leave(&done, 1);
    }
}

const char *
nvo_mcast_pim_name(enum nvo_mcast_pim m)
{
    return m == NVO_MCAST_PIM_BIDIR ? "bidir" : "sm";
}

uint32_t
nvo_mcast_hash(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

int
nvo_mcast_attach(struct nvo_net *net, const struct nvo_mcast_cfg *cfg)
{
    if (net->mcast || net->cfg.ipv6 || cfg->rp >= nvo_net_n_nodes(net)
        || nvo_net_node(net, cfg->rp)->role == NVO_ROLE_HYPERVISOR) {
        return EINVAL;
    }
    struct nvo_mcast *mc = g_new0(struct nvo_mcast, 1);
    mc->net = net;
    mc->cfg = *cfg;
    net->mcast = mc;
    return 0;
}

static void
entry_free__(gpointer v)
{
    struct mc_entry *e = v;
    g_free(e->oif);
    g_free(e);
}

static void
sg_free__(gpointer v)
{
    struct mc_sg *e = v;
    nvo_timer_stop(&e->rst);
    g_free(e->oif);
    g_free(e);
}

void
nvo_mcast_destroy__(struct nvo_mcast *mc)
{
    if (!mc) {
        return;
    }
    if (mc->started) {
        nvo_mcast_stop__(mc);
    }
    for (uint32_t i = 0; mc->host && i < nvo_net_n_nodes(mc->net); i++) {
        if (mc->host[i]) {
            g_free(mc->host[i]->groups);
            g_free(mc->host[i]);
        }
    }
    g_free(mc->host);
    if (mc->sw) {
        for (uint32_t i = 0; i < nvo_net_n_nodes(mc->net); i++) {
            struct mc_sw *s = mc->sw[i];
            if (s) {
                struct nvo_node *n = nvo_net_node(mc->net, i);
                GHashTableIter it;
                gpointer k, v;
                g_hash_table_iter_init(&it, s->star);
                while (g_hash_table_iter_next(&it, &k, &v)) {
                    const struct mc_entry *e = v;
                    nvo_mem_count__(&n->mem, mt_star,
                                    -(int64_t) (sizeof *e + e->cap
                                                * sizeof *e->oif),
                                    e->cap ? -2 : -1);
                }
                g_hash_table_iter_init(&it, s->sg);
                while (g_hash_table_iter_next(&it, &k, &v)) {
                    const struct mc_sg *e = v;
                    nvo_mem_count__(&n->mem, mt_sg,
                                    -(int64_t) (sizeof *e + e->cap
                                                * sizeof *e->oif),
                                    e->cap ? -2 : -1);
                }
                g_hash_table_destroy(s->star);
                g_hash_table_destroy(s->sg);
                g_free(s->nbr);
                g_free(s->gen_id);
                g_free(s);
            }
        }
    }
    g_free(mc->sw);
    g_free(mc->scratch);
    g_free(mc);
}

/* ---- Helpers ------------------------------------------------------------- */

static bool
is_switch__(const struct nvo_net *net, uint32_t node)
{
    return nvo_net_node(net, node)->sw != NVO_SW_NONE;
}

/* The address of node 'n' (self) or of its peer on port 'port': the /31
 * of the link (net.h: a's is subnet4, b's subnet4 + 1). */
static uint32_t
link_addr__(const struct nvo_node *n, uint32_t port, bool self)
{
    const struct nvo_net_link *l = nvo_net_link(n->net, n->link[port]);
    bool a = l->a == n->index;
    return a == self ? l->subnet4 : l->subnet4 + 1;
}

/* The port of switch 'n' toward the RP for 'group': -1 at the RP, -2 if
 * there is no route to it. */
static int32_t
upstream__(const struct nvo_mcast *mc, const struct nvo_node *n,
           uint32_t group)
{
    if (n->index == mc->cfg.rp) {
        return -1;
    }
    const uint16_t *ports;
    uint32_t k = nvo_net_next_hops(n, mc->cfg.rp, &ports);
    if (!k) {
        return -2;
    }
    return ports[nvo_mcast_hash(group) % k];
}

/* Ends 'p' at node 'n' as consumed by the multicast module (a control
 * message taken, a data frame with nowhere left to go). */
static void
consume__(struct nvo_node *n, struct nvo_pkt *p)
{
    n->n_local++;
    nvo_pkt_free(p);
}

static uint32_t
ip_mtu__(const struct nvo_node *n, uint32_t port)
{
    const struct nvo_port *pt = &n->ports[port];
    return pt->link ? pt->link->cfg.mtu : 1500;
}

/* ---- Joins ---------------------------------------------------------------- */

static int
pending_cmp__(const void *a, const void *b)
{
    const struct mc_pending *x = a, *y = b;
    return x->up < y->up ? -1 : x->up > y->up;
}

/* Sends the pending joins of switch 'n', one Join/Prune per upstream port
 * and as many groups as a message and the link's MTU allow. */
static void
flush_joins__(struct nvo_mcast *mc, struct nvo_node *n, struct mc_sw *s,
              GArray *pend)
{
    if (!pend->len) {
        return;
    }
    /* Stable: groups stay in the order they were joined (insertion sort). */
    struct mc_pending *a = (struct mc_pending *) (void *) pend->data;
    for (guint i = 1; i < pend->len; i++) {
        for (guint j = i; j > 0 && pending_cmp__(&a[j - 1], &a[j]) > 0; j--) {
            struct mc_pending t = a[j];
            a[j] = a[j - 1];
            a[j - 1] = t;
        }
    }
    uint32_t rp_addr = nvo_net_node(mc->net, mc->cfg.rp)->addr4;
    uint8_t gflags = mc->cfg.pim == NVO_MCAST_PIM_BIDIR ? NVO_PIM_GRP_B : 0;
    struct nvo_pim_jp_entry *e = g_new(struct nvo_pim_jp_entry, pend->len);
    guint i = 0;
    while (i < pend->len) {
        uint32_t up = a[i].up;
        uint32_t mtu = ip_mtu__(n, up);
        size_t per = mtu > NVO_IPV4_LEN + NVO_PIM_JP_HDR_LEN
                     ? (mtu - NVO_IPV4_LEN - NVO_PIM_JP_HDR_LEN)
                       / (NVO_PIM_JP_GROUP_LEN + NVO_PIM_JP_SOURCE_LEN) : 0;
        if (per > NVO_PIM_JP_MAX_GROUPS) {
            per = NVO_PIM_JP_MAX_GROUPS;
        }
        if (!per) {
            per = 1;            /* the port's MTU check drops it */
        }
        size_t k = 0;
        while (i < pend->len && a[i].up == up && k < per) {
            e[k++] = a[i].source
                     ? (struct nvo_pim_jp_entry) {  /* (S,G) */
                           .group = a[i].group, .source = a[i].source,
                           .flags = NVO_PIM_SRC_S, .join = true,
                       }
                     : (struct nvo_pim_jp_entry) {  /* (*,G) */
                           .group = a[i].group, .group_flags = gflags,
                           .source = rp_addr,
                           .flags = NVO_PIM_SRC_S | NVO_PIM_SRC_W
                                    | NVO_PIM_SRC_R,
                           .join = true,
                       };
            i++;
        }
        size_t len = nvo_pim_jp_len(k);
        struct nvo_pkt *p = nvo_pkt_alloc(&mc->net->pool, 0,
                                          (uint32_t) (NVO_ETH_LEN
                                                      + NVO_IPV4_LEN + len));
        uint8_t *m = nvo_pim_frame(p, n->mac, link_addr__(n, up, true), len);
        if (!m) {
            abort();            /* allocated with room for it */
        }
        nvo_pim_jp_encode(m, link_addr__(n, up, false), e, k);
        p->tclass = NVO_TC_CONTROL;
        s->st.join_tx++;
        nvo_node_send_port(n, up, p);
    }
    g_free(e);
    g_array_set_size(pend, 0);
}

/* Port 'port' of switch 'n' joins (*,G): creates the state (and a join to
 * send upstream) if there was none, adds the interface. */
static void
join_port__(struct nvo_mcast *mc, struct nvo_node *n, struct mc_sw *s,
            uint32_t group, uint32_t port, GArray *pend)
{
    struct mc_entry *e = g_hash_table_lookup(s->star,
                                             GUINT_TO_POINTER(group));
    if (!e) {
        e = g_new0(struct mc_entry, 1);
        nvo_mem_count__(&n->mem, mt_star, sizeof *e, 1);
        e->group = group;
        e->up = upstream__(mc, n, group);
        g_hash_table_insert(s->star, GUINT_TO_POINTER(group), e);
        s->st.star_g++;
        if (e->up >= 0) {
            struct mc_pending pj = { (uint32_t) e->up, group, 0 };
            g_array_append_val(pend, pj);
        }
    }
    if ((int32_t) port == e->up) {
        return;                 /* never a loop through the upstream */
    }
    for (uint32_t i = 0; i < e->n_oif; i++) {
        if (e->oif[i] == port) {
            return;
        }
    }
    if (e->n_oif == e->cap) {
        uint32_t cap = e->cap ? 2 * e->cap : 4;
        nvo_mem_count__(&n->mem, mt_star,
                        (int64_t) ((cap - e->cap) * sizeof *e->oif),
                        e->cap ? 0 : 1);
        e->cap = cap;
        e->oif = g_renew(uint16_t, e->oif, e->cap);
    }
    e->oif[e->n_oif++] = (uint16_t) port;
    s->st.oifs++;
}

/* Adds 'port' to an interface array (no duplicates), counting the array
 * in memory type 'mt' of node 'n'; false if it was there already. */
static bool
oif_add__(struct nvo_node *n, nvo_mem_type mt, uint16_t **oif,
          uint32_t *n_oif, uint32_t *cap, uint32_t port)
{
    for (uint32_t i = 0; i < *n_oif; i++) {
        if ((*oif)[i] == port) {
            return false;
        }
    }
    if (*n_oif == *cap) {
        uint32_t c = *cap ? 2 * *cap : 4;
        nvo_mem_count__(&n->mem, mt, (int64_t) ((c - *cap) * sizeof **oif),
                        *cap ? 0 : 1);
        *cap = c;
        *oif = g_renew(uint16_t, *oif, c);
    }
    (*oif)[(*n_oif)++] = (uint16_t) port;
    return true;
}

/* The RPF port of switch 'n' toward source address 'src': the port to
 * it when it is a directly attached host, else among equal-cost next hops
 * toward its node the one of index nvo_mcast_hash(src) mod n; -2 when it
 * is no node's or unreachable. */
static int32_t
rpf_port__(const struct nvo_mcast *mc, const struct nvo_node *n,
           uint32_t src)
{
    int node = nvo_net_addr4_node(mc->net, src);
    if (node < 0 || (uint32_t) node == n->index) {
        return -2;
    }
    for (uint32_t port = 0; port < n->n_ports; port++) {
        if (n->ports[port].link && n->peer[port] == (uint32_t) node) {
            return (int32_t) port;
        }
    }
    const uint16_t *ports;
    uint32_t k = nvo_net_next_hops(n, (uint32_t) node, &ports);
    return k ? ports[nvo_mcast_hash(src) % k] : -2;
}

static bool
host_port__(const struct nvo_mcast *mc, const struct nvo_node *n,
            int32_t port)
{
    return port >= 0
           && nvo_net_node(mc->net, n->peer[port])->role
              == NVO_ROLE_HYPERVISOR;
}

static void rst_expired__(void *arg);

/* The (S,G) entry of switch 'n', created (with its RPF port) if 'create'. */
static struct mc_sg *
sg_get__(struct nvo_mcast *mc, struct nvo_node *n, struct mc_sw *s,
         uint32_t src, uint32_t group, bool create)
{
    uint64_t key = (uint64_t) src << 32 | group;
    struct mc_sg *e = g_hash_table_lookup(s->sg, &key);
    if (e || !create) {
        return e;
    }
    e = g_new0(struct mc_sg, 1);
    e->key = key;
    e->src = src;
    e->group = group;
    e->up = rpf_port__(mc, n, src);
    e->mc = mc;
    e->node = n->index;
    nvo_timer_init(&e->rst, mc->net->engine, rst_expired__, e);
    g_hash_table_insert(s->sg, &e->key, e);
    s->st.s_g++;
    nvo_mem_count__(&n->mem, mt_sg, sizeof *e, 1);
    return e;
}

/* Port 'port' of switch 'n' joins (S,G): creates the state, and unless S
 * is attached here (the DR) or unreachable, an (S,G) Join toward S. */
static void
sg_join_port__(struct nvo_mcast *mc, struct nvo_node *n, struct mc_sw *s,
               uint32_t src, uint32_t group, uint32_t port, GArray *pend)
{
    struct mc_sg *e = sg_get__(mc, n, s, src, group, true);
    if (!e->joined && e->up >= 0 && !host_port__(mc, n, e->up)) {
        e->joined = true;
        struct mc_pending pj = { (uint32_t) e->up, group, src };
        g_array_append_val(pend, pj);
    }
    if ((int32_t) port != e->up) {
        oif_add__(n, mt_sg, &e->oif, &e->n_oif, &e->cap, port);
    }
}

/* ---- Receive ------------------------------------------------------------- */

/* The IP payload of 'p' (IPv4 at rx->l3): its offset from p->data and
 * length, false if the header's total length runs past the frame (its
 * real bytes and virtual payload). */
static bool
ip_payload__(const struct nvo_pkt *p, const struct nvo_node_rx *rx,
             uint32_t *off, uint32_t *len)
{
    const uint8_t *ip = p->data + rx->l3;
    uint32_t ihl = (uint32_t) (ip[0] & 0xf) * 4;
    uint32_t tot = nvo_rd16(ip + 2);
    if (tot < ihl || rx->l3 + tot > p->size + p->payload_size) {
        return false;
    }
    *off = rx->l3 + ihl;
    *len = tot - ihl;
    return true;
}

static void
rx_igmp__(struct nvo_mcast *mc, struct nvo_node *n, struct mc_sw *s,
          uint32_t port, struct nvo_pkt *p, const struct nvo_node_rx *rx)
{
    uint32_t off, len;
    size_t n_rec = 0;
    if (nvo_net_node(mc->net, n->peer[port])->role != NVO_ROLE_HYPERVISOR
        || !ip_payload__(p, rx, &off, &len)
        || nvo_igmp_v3_report_decode(p->data + off, len, NULL, 0, &n_rec)) {
        s->st.bad_rx++;
        consume__(n, p);
        return;
    }
    struct nvo_igmp_record *r = g_new(struct nvo_igmp_record,
                                      n_rec ? n_rec : 1);
    nvo_igmp_v3_report_decode(p->data + off, len, r, n_rec, &n_rec);
    s->st.igmp_rx++;
    GArray *pend = g_array_new(FALSE, FALSE, sizeof(struct mc_pending));
    for (size_t i = 0; i < n_rec; i++) {
        if ((r[i].type == NVO_IGMP_TO_EX || r[i].type == NVO_IGMP_IS_EX)
            && !r[i].n_sources && nvo_ip4_is_mcast(r[i].group)
            && (r[i].group >> 8) != 0xe00000u) {
            join_port__(mc, n, s, r[i].group, port, pend);
        }
    }
    flush_joins__(mc, n, s, pend);
    g_array_free(pend, TRUE);
    g_free(r);
    consume__(n, p);
}

static void
rx_pim__(struct nvo_mcast *mc, struct nvo_node *n, struct mc_sw *s,
         uint32_t port, struct nvo_pkt *p, const struct nvo_node_rx *rx)
{
    uint32_t off, len;
    uint8_t type;
    if (!is_switch__(mc->net, n->peer[port])
        || !ip_payload__(p, rx, &off, &len)
        || nvo_pim_decode_header(p->data + off, len, &type)) {
        s->st.bad_rx++;
        consume__(n, p);
        return;
    }
    if (type == NVO_PIM_HELLO) {
        s->st.hello_rx++;
        if (!s->nbr[port]) {
            s->nbr[port] = true;
            s->st.pim_neighbors++;
        }
        consume__(n, p);
        return;
    }
    uint32_t up;
    uint16_t hold;
    size_t n_e = 0;
    if (type != NVO_PIM_JOIN_PRUNE
        || nvo_pim_jp_decode(p->data + off, len, &up, &hold, NULL, 0, &n_e)) {
        s->st.bad_rx++;
        consume__(n, p);
        return;
    }
    s->st.join_rx++;
    if (up != link_addr__(n, port, true)) {
        consume__(n, p);        /* for another router on the link */
        return;
    }
    struct nvo_pim_jp_entry *e = g_new(struct nvo_pim_jp_entry,
                                       n_e ? n_e : 1);
    nvo_pim_jp_decode(p->data + off, len, &up, &hold, e, n_e, &n_e);
    uint32_t rp_addr = nvo_net_node(mc->net, mc->cfg.rp)->addr4;
    GArray *pend = g_array_new(FALSE, FALSE, sizeof(struct mc_pending));
    for (size_t i = 0; i < n_e; i++) {
        if (e[i].join && (e[i].flags & NVO_PIM_SRC_W)
            && e[i].source == rp_addr && nvo_ip4_is_mcast(e[i].group)) {
            join_port__(mc, n, s, e[i].group, port, pend);
        } else if (e[i].join && mc->cfg.pim == NVO_MCAST_PIM_SM
                   && !(e[i].flags & (NVO_PIM_SRC_W | NVO_PIM_SRC_R))
                   && nvo_ip4_is_mcast(e[i].group)) {
            sg_join_port__(mc, n, s, e[i].source, e[i].group, port, pend);
        }
    }
    flush_joins__(mc, n, s, pend);
    g_array_free(pend, TRUE);
    g_free(e);
    consume__(n, p);
}

/* Sends a unicast PIM message of 'len' bytes (written by 'fill') from
 * switch 'n' to 'dst' through the unicast routes. */
static void
send_register_stop__(struct nvo_mcast *mc, struct nvo_node *n,
                     struct mc_sw *s, uint32_t dst, uint32_t src,
                     uint32_t group)
{
    struct nvo_pkt *p = nvo_pkt_alloc(&mc->net->pool, 0,
                                      NVO_ETH_LEN + NVO_IPV4_LEN
                                      + NVO_PIM_REGISTER_STOP_LEN);
    uint8_t *m = nvo_pim_unicast_frame(p, n->mac, n->addr4, dst, 0xc0,
                                       NVO_PIM_REGISTER_STOP_LEN, 0);
    if (!m) {
        abort();                /* allocated with room for it */
    }
    nvo_pim_register_stop_encode(m, group, src);
    p->tclass = NVO_TC_CONTROL;
    s->st.register_stop_tx++;
    nvo_node_send(n, p);
}

/* A Register from DR 'n' to the RP: the data packet 'p' (IPv4 at
 * rx->l3) after the 8-byte Register header, or (p NULL) a Null-Register
 * with a dummy IPv4 header of S and G and no data; NULL if it cannot be
 * built (counted). */
static struct nvo_pkt *
make_register__(struct nvo_mcast *mc, struct nvo_node *n, struct mc_sw *s,
                const struct nvo_pkt *p, const struct nvo_node_rx *rx,
                uint32_t src, uint32_t group)
{
    uint32_t inner = p ? p->size - rx->l3 : NVO_IPV4_LEN;
    uint32_t virt = p ? p->payload_size : 0;
    struct nvo_pkt *r = nvo_pkt_alloc(&mc->net->pool, 0,
                                      NVO_ETH_LEN + NVO_IPV4_LEN
                                      + NVO_PIM_REGISTER_LEN + inner);
    uint8_t *m = nvo_pim_unicast_frame(r, n->mac, n->addr4,
                                       nvo_net_node(mc->net,
                                                    mc->cfg.rp)->addr4,
                                       0, NVO_PIM_REGISTER_LEN + inner, virt);
    if (!m) {
        /* Over 65535 bytes with the 28 of the Register: not sent. */
        nvo_pkt_free(r);
        s->st.register_too_big++;
        return NULL;
    }
    nvo_pim_register_encode(m, p ? 0 : NVO_PIM_REG_N);
    if (p) {
        memcpy(m + NVO_PIM_REGISTER_LEN, p->data + rx->l3, inner);
        r->tclass = p->tclass;
        r->flow_id = p->flow_id;
        r->created = p->created;
        s->st.register_tx++;
    } else {
        struct nvo_ipv4_info ip = {
            .tot_len = NVO_IPV4_LEN, .ttl = 1, .proto = 0,
            .src = src, .dst = group,
        };
        nvo_ipv4_encode(m + NVO_PIM_REGISTER_LEN, &ip);
        r->tclass = NVO_TC_CONTROL;
        s->st.null_register_tx++;
    }
    return r;
}

static void
rst_start__(struct mc_sg *e, nvo_time_t t)
{
    nvo_timer_start(&e->rst, t);
}

/* The DR's Register-Stop timer (RFC 7761 4.4.1, no jitter): in Prune it
 * sends a Null-Register and waits Register_Probe_Time in Join-Pending;
 * in Join-Pending without a Register-Stop, encapsulation resumes. */
static void
rst_expired__(void *arg)
{
    struct mc_sg *e = arg;
    struct nvo_mcast *mc = e->mc;
    struct nvo_node *n = nvo_net_node(mc->net, e->node);
    struct mc_sw *s = mc->sw[e->node];
    if (e->reg == REG_PRUNE) {
        e->reg = REG_JOIN_PENDING;
        struct nvo_pkt *r = make_register__(mc, n, s, NULL, NULL, e->src,
                                            e->group);
        if (r) {
            nvo_node_send(n, r);
        }
        rst_start__(e, NVO_MCAST_REGISTER_PROBE);
    } else if (e->reg == REG_JOIN_PENDING) {
        e->reg = REG_JOIN;
    }
}

/* Appends to out[*k] the ports of 'oif' but 'in' not already there. */
static void
out_add__(uint16_t *out, uint32_t *k, const uint16_t *oif, uint32_t n_oif,
          uint32_t in)
{
    for (uint32_t i = 0; i < n_oif; i++) {
        uint32_t j = 0;
        if (oif[i] == in) {
            continue;
        }
        while (j < *k && out[j] != oif[i]) {
            j++;
        }
        if (j == *k) {
            out[(*k)++] = oif[i];
        }
    }
}

/* PIM-SM forwarding of a data frame of (S,G) arriving on 'in'
 * (IN_REGISTER: decapsulated at the RP) into out[], and at the DR in
 * register state Join the Register to send after the native copies
 * (*reg); returns false if the frame fails the RPF check and must be
 * dropped. */
static bool
sm_forward__(struct nvo_mcast *mc, struct nvo_node *n, struct mc_sw *s,
             uint32_t in, uint32_t src, uint32_t group,
             const struct mc_entry *star, struct nvo_pkt *p,
             const struct nvo_node_rx *rx, uint16_t *out, uint32_t *k,
             struct nvo_pkt **reg)
{
    bool rp = n->index == mc->cfg.rp;
    struct mc_sg *e = sg_get__(mc, n, s, src, group, false);
    if (!e && in != IN_REGISTER
        && nvo_net_node(mc->net, n->peer[in])->role == NVO_ROLE_HYPERVISOR) {
        /* The first packet of a directly attached source: this switch is
         * its DR (the RP itself needs no Register). */
        e = sg_get__(mc, n, s, src, group, true);
        e->up = (int32_t) in;
        e->reg = rp ? REG_NONE : REG_JOIN;
    }
    if (e && (in == IN_REGISTER || (int32_t) in == e->up)) {
        /* On the source's tree: the (S,G) interfaces and those (*,G)
         * inherits. */
        out_add__(out, k, e->oif, e->n_oif, in);
        if (star) {
            out_add__(out, k, star->oif, star->n_oif, in);
        }
        if (rp && in != IN_REGISTER && !e->spt) {
            e->spt = true;      /* native data on the SPT: stop Registers */
            if (e->dr_addr) {
                send_register_stop__(mc, n, s, e->dr_addr, src, group);
            }
        }
        if (e->reg == REG_JOIN) {
            *reg = make_register__(mc, n, s, p, rx, src, group);
        }
        return true;
    }
    if (e) {
        return false;           /* S's packets come only on its RPF port */
    }
    if (star && (int32_t) in == star->up) {
        out_add__(out, k, star->oif, star->n_oif, in);  /* from the RP */
        return true;
    }
    return false;
}

static void
rx_data__(struct nvo_mcast *mc, struct nvo_node *n, struct mc_sw *s,
          uint32_t in, struct nvo_pkt *p, const struct nvo_node_rx *rx)
{
    s->st.data_rx++;
    if (!nvo_switch_decrement_ttl(n, p, rx)) {
        return;
    }
    uint32_t group = nvo_rd32(p->data + rx->h.dst);
    uint16_t *out = mc->scratch;
    uint32_t k = 0;
    struct mc_entry *e = g_hash_table_lookup(s->star,
                                             GUINT_TO_POINTER(group));
    struct nvo_pkt *reg = NULL;
    if (mc->cfg.pim == NVO_MCAST_PIM_SM) {
        if (!sm_forward__(mc, n, s, in, nvo_rd32(p->data + rx->h.src), group,
                          e, p, rx, out, &k, &reg)) {
            s->st.rpf_fail++;
            consume__(n, p);
            return;
        }
    } else if (e) {
        for (uint32_t i = 0; i < e->n_oif; i++) {
            if (e->oif[i] != in) {
                out[k++] = e->oif[i];
            }
        }
        if (e->up >= 0 && (uint32_t) e->up != in) {
            out[k++] = (uint16_t) e->up;
        }
    } else {
        int32_t up = upstream__(mc, n, group);
        if (up >= 0 && (uint32_t) up != in) {
            out[k++] = (uint16_t) up;
            s->st.no_state++;
        }
    }
    if (!k) {
        s->st.absorbed++;
        consume__(n, p);
    } else {
        memcpy(p->data + 6, n->mac, 6);     /* the group MAC stays */
        for (uint32_t i = 0; i < k; i++) {
            struct nvo_pkt *q = p;
            if (i + 1 < k) {
                q = nvo_pkt_clone(p);
                n->net->n_generated++;      /* a replica is a new frame */
            }
            n->n_forwarded++;
            s->st.copies++;
            nvo_port_send_l2(&n->ports[out[i]], q, rx->h.l3);
        }
    }
    if (reg) {
        /* After the native copies, so that on a shared link the RP sees
         * the native packet first once it is on the source's tree. */
        nvo_node_send(n, reg);
    }
}

/* ---- Unicast PIM: Register at the RP, Register-Stop at the DR ------------ */

/* The RP receives a Register from DR 'dr' (RFC 7761 4.4.2): without
 * receivers, or once native data arrives on the SPT, it answers with a
 * Register-Stop and drops the data; else it decapsulates the packet,
 * forwards it down the shared tree and joins (S,G) toward the source. */
static void
rp_register__(struct nvo_mcast *mc, struct nvo_node *n, struct mc_sw *s,
              struct nvo_pkt *p, uint32_t dr, uint32_t flags,
              const uint8_t *inner, uint32_t inner_len)
{
    uint32_t src = nvo_rd32(inner + 12), group = nvo_rd32(inner + 16);
    if (!nvo_ip4_is_mcast(group) || (group >> 8) == 0xe00000u) {
        s->st.bad_rx++;
        nvo_pkt_free(p);
        return;
    }
    bool null = flags & NVO_PIM_REG_N;
    if (null) {
        s->st.null_register_rx++;
    } else {
        s->st.register_rx++;
    }
    struct mc_sg *e = sg_get__(mc, n, s, src, group, true);
    e->dr_addr = dr;
    const struct mc_entry *star = g_hash_table_lookup(
        s->star, GUINT_TO_POINTER(group));
    if (e->spt || !star || !star->n_oif) {
        if (!null) {
            s->st.register_dropped++;
        }
        send_register_stop__(mc, n, s, dr, src, group);
        nvo_pkt_free(p);
        return;
    }
    if (!e->joined && e->up >= 0) {
        e->joined = true;
        GArray *pend = g_array_new(FALSE, FALSE, sizeof(struct mc_pending));
        struct mc_pending pj = { (uint32_t) e->up, group, src };
        g_array_append_val(pend, pj);
        flush_joins__(mc, n, s, pend);
        g_array_free(pend, TRUE);
    }
    if (null) {
        nvo_pkt_free(p);
        return;
    }
    /* The decapsulated packet is a new frame of the RP's. */
    struct nvo_pkt *q = nvo_pkt_alloc(&mc->net->pool, 0,
                                      NVO_ETH_LEN + inner_len);
    uint8_t *eth = nvo_pkt_put(q, NVO_ETH_LEN + inner_len);
    nvo_ip4_mcast_mac(group, eth);
    memcpy(eth + 6, n->mac, 6);
    nvo_wr16(eth + 12, NVO_ETH_TYPE_IPV4);
    memcpy(eth + NVO_ETH_LEN, inner, inner_len);
    q->payload_size = p->payload_size;
    q->tclass = p->tclass;
    q->flow_id = p->flow_id;
    q->created = p->created;
    q->l2_ofs = (uint16_t) (eth - q->base);
    q->l3_ofs = (uint16_t) (q->l2_ofs + NVO_ETH_LEN);
    nvo_pkt_free(p);
    n->net->n_generated++;
    n->n_generated++;
    struct nvo_node_rx rx;
    memset(&rx, 0, sizeof rx);
    nvo_hdrs_parse(q, &rx.h);
    rx.l3 = rx.h.l3;
    rx.version = 4;
    rx.dst = -1;
    rx_data__(mc, n, s, IN_REGISTER, q, &rx);
}

/* Unicast PIM for switch 'n' (IP protocol 103 to its address). */
static void
unicast_rx__(void *ctx, struct nvo_node *n, struct nvo_pkt *p)
{
    struct nvo_mcast *mc = ctx;
    struct mc_sw *s = mc->sw[n->index];
    struct nvo_node_rx rx;
    memset(&rx, 0, sizeof rx);
    nvo_hdrs_parse(p, &rx.h);
    rx.l3 = rx.h.l3;
    uint32_t off, len, flags, group, src;
    const uint8_t *inner;
    if (rx.h.ip_version != 4 || !ip_payload__(p, &rx, &off, &len)) {
        s->st.bad_rx++;
        nvo_pkt_free(p);
        return;
    }
    /* Only the real bytes are decoded (a Register's data is virtual
     * after its headers). */
    uint32_t real = p->size - off < len ? p->size - off : len;
    uint32_t peer = nvo_rd32(p->data + rx.h.src);
    if (n->index == mc->cfg.rp
        && !nvo_pim_register_decode(p->data + off, real, &flags, &inner)) {
        rp_register__(mc, n, s, p, peer, flags, inner,
                      real - NVO_PIM_REGISTER_LEN);
        return;
    }
    if (!nvo_pim_register_stop_decode(p->data + off, real, &group, &src)) {
        s->st.register_stop_rx++;
        struct mc_sg *e = sg_get__(mc, n, s, src, group, false);
        if (e && (e->reg == REG_JOIN || e->reg == REG_JOIN_PENDING
                  || e->reg == REG_PRUNE)) {
            e->reg = REG_PRUNE;
            rst_start__(e, NVO_MCAST_REGISTER_SUPPRESSION
                           - NVO_MCAST_REGISTER_PROBE);
        }
        nvo_pkt_free(p);
        return;
    }
    s->st.bad_rx++;
    nvo_pkt_free(p);
}

bool
nvo_mcast_dst__(const struct nvo_node *n, const struct nvo_pkt *p,
                const struct nvo_node_rx *rx)
{
    return n->net->mcast && rx->version == 4 && rx->h.addr_len == 4
           && nvo_ip4_is_mcast(nvo_rd32(p->data + rx->h.dst));
}

void
nvo_mcast_switch_receive(struct nvo_node *n, struct nvo_port *in,
                         struct nvo_pkt *p, const struct nvo_node_rx *rx)
{
    struct nvo_mcast *mc = n->net->mcast;
    struct mc_sw *s = mc && mc->sw ? mc->sw[n->index] : NULL;
    if (!s || !in) {
        nvo_node_drop(n, p, NVO_NODE_DROP_NO_ROUTE);
        return;
    }
    uint32_t port = (uint32_t) (in - n->ports);
    uint32_t dst = nvo_rd32(p->data + rx->h.dst);
    if ((dst >> 8) == 0xe00000u) {      /* 224.0.0.0/24: link-local */
        if (dst == NVO_IGMP_ALL_V3_ROUTERS
            && rx->h.proto == NVO_IPPROTO_IGMP) {
            rx_igmp__(mc, n, s, port, p, rx);
        } else if (dst == NVO_PIM_ALL_ROUTERS
                   && rx->h.proto == NVO_IPPROTO_PIM) {
            rx_pim__(mc, n, s, port, p, rx);
        } else {
            s->st.bad_rx++;
            consume__(n, p);
        }
        return;
    }
    rx_data__(mc, n, s, port, p, rx);
}

/* ---- Start: state and Hellos; the periodic messages ------------------------ */

/* A Hello on every switch-to-switch link of every switch. */
static void
send_hellos__(struct nvo_mcast *mc)
{
    struct nvo_net *net = mc->net;
    for (uint32_t i = 0; i < nvo_net_n_nodes(net); i++) {
        struct nvo_node *n = nvo_net_node(net, i);
        if (!mc->sw[i]) {
            continue;
        }
        for (uint32_t port = 0; port < n->n_ports; port++) {
            if (!n->ports[port].link || !is_switch__(net, n->peer[port])) {
                continue;
            }
            struct nvo_pkt *p = nvo_pkt_alloc(&net->pool, 0,
                                              NVO_ETH_LEN + NVO_IPV4_LEN
                                              + NVO_PIM_HELLO_LEN);
            uint8_t *m = nvo_pim_frame(p, n->mac, link_addr__(n, port, true),
                                       NVO_PIM_HELLO_LEN);
            if (!m) {
                abort();        /* allocated with room for it */
            }
            nvo_pim_hello_encode(m, mc->sw[i]->gen_id[port]);
            p->tclass = NVO_TC_CONTROL;
            mc->sw[i]->st.hello_tx++;
            nvo_node_send_port(n, port, p);
        }
    }
}

/* Groups ascending, each group's (*,G) (source 0) before its (S,G). */
static int
group_cmp__(const void *a, const void *b)
{
    const struct mc_pending *x = a, *y = b;
    if (x->group != y->group) {
        return x->group < y->group ? -1 : 1;
    }
    return x->source < y->source ? -1 : x->source > y->source;
}

/* Every switch re-sends the (*,G) joins of all its state, and the (S,G)
 * joins it sent, to its upstream neighbours (groups ascending): the
 * periodic Join/Prune that RFC 7761's upstream (*,G) and (S,G) state
 * machines send every t_periodic (section 4.5). */
static void
refresh_joins__(struct nvo_mcast *mc)
{
    struct nvo_net *net = mc->net;
    GArray *pend = g_array_new(FALSE, FALSE, sizeof(struct mc_pending));
    for (uint32_t i = 0; i < nvo_net_n_nodes(net); i++) {
        struct mc_sw *s = mc->sw[i];
        if (!s) {
            continue;
        }
        GHashTableIter it;
        gpointer k, v;
        g_hash_table_iter_init(&it, s->star);
        while (g_hash_table_iter_next(&it, &k, &v)) {
            const struct mc_entry *e = v;
            if (e->up >= 0) {
                struct mc_pending pj = { (uint32_t) e->up, e->group, 0 };
                g_array_append_val(pend, pj);
            }
        }
        g_hash_table_iter_init(&it, s->sg);
        while (g_hash_table_iter_next(&it, &k, &v)) {
            const struct mc_sg *e = v;
            if (e->joined && e->up >= 0) {
                struct mc_pending pj = { (uint32_t) e->up, e->group,
                                         e->src };
                g_array_append_val(pend, pj);
            }
        }
        if (pend->len > 1) {
            qsort(pend->data, pend->len, sizeof(struct mc_pending),
                  group_cmp__);
        }
        flush_joins__(mc, nvo_net_node(net, i), s, pend);
    }
    g_array_free(pend, TRUE);
}

/* Every Query Interval (125 s): a General Query on every switch port to a
 * host, from the switch's address on the link (every switch queries: one
 * router per host link, no querier election). */
static void
qtick__(void *arg)
{
    struct nvo_mcast *mc = arg;
    struct nvo_net *net = mc->net;
    for (uint32_t i = 0; i < nvo_net_n_nodes(net); i++) {
        struct nvo_node *n = nvo_net_node(net, i);
        if (!mc->sw[i]) {
            continue;
        }
        for (uint32_t port = 0; port < n->n_ports; port++) {
            if (!n->ports[port].link || is_switch__(net, n->peer[port])) {
                continue;
            }
            struct nvo_pkt *p = nvo_pkt_alloc(&net->pool, 0,
                                              NVO_ETH_LEN + NVO_IGMP_IP_LEN
                                              + NVO_IGMP_QUERY_LEN);
            if (nvo_igmp_query_frame(p, n->mac, link_addr__(n, port, true))) {
                abort();        /* allocated with room for it */
            }
            p->tclass = NVO_TC_CONTROL;
            mc->sw[i]->st.query_tx++;
            nvo_node_send_port(n, port, p);
        }
    }
    nvo_timer_start(&mc->qtick, NVO_IGMP_QUERY_INTERVAL_S * NVO_SEC);
}

/* Every Hello period (30 s): Hellos; every second one (60 s,
 * t_periodic): the Join refresh. */
static void
tick__(void *arg)
{
    struct nvo_mcast *mc = arg;
    mc->n_ticks++;
    send_hellos__(mc);
    if (mc->n_ticks % 2 == 0) {
        refresh_joins__(mc);
    }
    nvo_timer_start(&mc->tick, NVO_MCAST_HELLO_PERIOD);
}

void
nvo_mcast_start__(struct nvo_mcast *mc)
{
    if (mc->started) {
        return;
    }
    mc->started = true;
    mem_types__();
    struct nvo_net *net = mc->net;
    uint32_t N = nvo_net_n_nodes(net), max_ports = 1;
    mc->sw = g_new0(struct mc_sw *, N ? N : 1);
    for (uint32_t i = 0; i < N; i++) {
        struct nvo_node *n = nvo_net_node(net, i);
        if (n->sw == NVO_SW_NONE) {
            continue;
        }
        struct mc_sw *s = g_new0(struct mc_sw, 1);
        s->star = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                        entry_free__);
        s->sg = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL,
                                      sg_free__);
        if (mc->cfg.pim == NVO_MCAST_PIM_SM) {
            /* Register (at the RP) and Register-Stop (at a DR). */
            nvo_node_bind_ip(n, NVO_IPPROTO_PIM, unicast_rx__, mc);
        }
        s->nbr = g_new0(bool, n->n_ports ? n->n_ports : 1);
        mc->sw[i] = s;
        if (n->n_ports > max_ports) {
            max_ports = n->n_ports;
        }
    }
    mc->scratch = g_new(uint16_t, max_ports);
    /* Generation IDs, one per switch-to-switch port, drawn in node and
     * port order from one stream. */
    struct nvo_rng rng;
    nvo_rng_init(&rng, net->cfg.seed, net->cfg.run, "mcast/pim-genid");
    for (uint32_t i = 0; i < N; i++) {
        struct nvo_node *n = nvo_net_node(net, i);
        if (!mc->sw[i]) {
            continue;
        }
        mc->sw[i]->gen_id = g_new0(uint32_t, n->n_ports ? n->n_ports : 1);
        for (uint32_t port = 0; port < n->n_ports; port++) {
            if (n->ports[port].link && is_switch__(net, n->peer[port])) {
                mc->sw[i]->gen_id[port] = (uint32_t) nvo_rng_next(&rng);
            }
        }
    }
    send_hellos__(mc);
    nvo_timer_init(&mc->tick, net->engine, tick__, mc);
    nvo_timer_start(&mc->tick, NVO_MCAST_HELLO_PERIOD);
    mc->host = g_new0(struct mc_host *, N ? N : 1);
    nvo_rng_init(&mc->resp_rng, net->cfg.seed, net->cfg.run,
                 "mcast/igmp-response");
    nvo_timer_init(&mc->qtick, net->engine, qtick__, mc);
    nvo_timer_start(&mc->qtick, NVO_IGMP_QUERY_INTERVAL_S * NVO_SEC);
}

void
nvo_mcast_stop__(struct nvo_mcast *mc)
{
    if (!mc->started) {
        return;
    }
    nvo_timer_stop(&mc->tick);
    nvo_timer_stop(&mc->qtick);
    for (uint32_t i = 0; mc->sw && i < nvo_net_n_nodes(mc->net); i++) {
        if (mc->sw[i]) {
            GHashTableIter it;
            gpointer k, v;
            g_hash_table_iter_init(&it, mc->sw[i]->sg);
            while (g_hash_table_iter_next(&it, &k, &v)) {
                nvo_timer_stop(&((struct mc_sg *) v)->rst);
            }
        }
    }
    for (uint32_t i = 0; mc->host && i < nvo_net_n_nodes(mc->net); i++) {
        struct mc_host *h = mc->host[i];
        if (h && h->pending != NVO_EVENT_NONE) {
            nvo_engine_cancel(mc->net->engine, h->pending);
            h->pending = NVO_EVENT_NONE;
        }
    }
}

/* ---- Hosts ---------------------------------------------------------------- */

/* Sends reports with a record of 'type' for each group, as few as the
 * first uplink's MTU allows. */
static void
send_reports__(struct nvo_node *n, const uint32_t *groups, size_t n_groups,
               uint8_t type)
{
    uint32_t mtu = ip_mtu__(n, 0);
    size_t per = mtu > NVO_IGMP_IP_LEN + NVO_IGMP_HDR_LEN
                 ? (mtu - NVO_IGMP_IP_LEN - NVO_IGMP_HDR_LEN)
                   / NVO_IGMP_RECORD_LEN : 0;
    if (per > UINT16_MAX) {
        per = UINT16_MAX;
    }
    if (!per) {
        per = 1;                /* the port's MTU check drops it */
    }
    struct nvo_igmp_record *r = g_new(struct nvo_igmp_record,
                                      n_groups ? n_groups : 1);
    for (size_t i = 0; i < n_groups; i++) {
        r[i] = (struct nvo_igmp_record) { .type = type,
                                          .group = groups[i] };
    }
    for (size_t i = 0; i < n_groups; i += per) {
        size_t k = n_groups - i < per ? n_groups - i : per;
        struct nvo_pkt *p = nvo_pkt_alloc(
            &n->net->pool, 0,
            (uint32_t) (NVO_ETH_LEN + NVO_IGMP_IP_LEN
                        + nvo_igmp_v3_report_len(k)));
        if (nvo_igmp_v3_report_frame(p, n->mac, n->addr4, r + i, k)) {
            abort();            /* allocated with room for it */
        }
        p->tclass = NVO_TC_CONTROL;
        nvo_node_send_port(n, 0, p);
    }
    g_free(r);
}

/* The host's response to a Query: a Current-State Report, MODE_IS_EXCLUDE
 * with no sources for each of its groups (RFC 3376 5.2). */
static void
host_respond__(void *arg)
{
    struct mc_host *h = arg;
    h->pending = NVO_EVENT_NONE;
    struct nvo_node *n = nvo_net_node(h->mc->net, h->node);
    if (h->n_groups) {
        h->st.responses++;
        send_reports__(n, h->groups, h->n_groups, NVO_IGMP_IS_EX);
    }
}

/* IGMP delivered to the host (bound to IP protocol 2): a General Query
 * schedules the response at a uniformly random time within its Max Resp
 * Time, unless one is pending (RFC 3376 5.2); anything else is ignored. */
static void
host_igmp_rx__(void *ctx, struct nvo_node *n, struct nvo_pkt *p)
{
    struct mc_host *h = ctx;
    struct nvo_node_rx rx;
    memset(&rx, 0, sizeof rx);
    nvo_hdrs_parse(p, &rx.h);
    rx.l3 = rx.h.l3;
    uint32_t off, len, group, ds;
    if (rx.h.ip_version == 4 && ip_payload__(p, &rx, &off, &len)
        && !nvo_igmp_query_decode(p->data + off, len, &group, &ds)
        && !group) {
        h->st.queries++;
        if (h->pending == NVO_EVENT_NONE) {
            nvo_time_t max = (nvo_time_t) ds * (NVO_SEC / 10);
            nvo_time_t d = max > 0
                           ? (nvo_time_t) nvo_rng_below(&h->mc->resp_rng,
                                                        (uint64_t) max)
                           : 0;
            h->pending = nvo_engine_schedule(n->net->engine, d,
                                             host_respond__, h);
        }
    } else {
        h->st.ignored++;
    }
    nvo_pkt_free(p);
}

int
nvo_mcast_host_join(struct nvo_node *n, const uint32_t *groups,
                    size_t n_groups)
{
    struct nvo_mcast *mc = n->net->mcast;
    if (!mc || !mc->host || !n->n_ports) {
        return EINVAL;
    }
    for (size_t i = 0; i < n_groups; i++) {
        if (!nvo_ip4_is_mcast(groups[i])) {
            return EINVAL;
        }
    }
    struct mc_host *h = mc->host[n->index];
    if (!h) {
        h = g_new0(struct mc_host, 1);
        h->mc = mc;
        h->node = n->index;
        h->pending = NVO_EVENT_NONE;
        mc->host[n->index] = h;
        if (nvo_node_bind_ip(n, NVO_IPPROTO_IGMP, host_igmp_rx__, h)) {
            return EEXIST;
        }
    }
    if (!n_groups) {
        return 0;
    }
    h->groups = g_renew(uint32_t, h->groups, h->n_groups + n_groups);
    memcpy(h->groups + h->n_groups, groups, n_groups * sizeof *groups);
    h->n_groups += n_groups;
    h->st.joins++;
    send_reports__(n, groups, n_groups, NVO_IGMP_TO_EX);
    return 0;
}

const struct nvo_mcast_host_stats *
nvo_mcast_host_stats(const struct nvo_net *net, uint32_t node)
{
    const struct nvo_mcast *mc = net->mcast;
    if (!mc || !mc->host || node >= nvo_net_n_nodes(net)
        || !mc->host[node]) {
        return NULL;
    }
    return &mc->host[node]->st;
}

void
nvo_mcast_host_send(struct nvo_node *n, struct nvo_pkt *p,
                    const struct nvo_node_rx *rx)
{
    if (!n->n_ports) {
        nvo_node_drop(n, p, NVO_NODE_DROP_NO_ROUTE);
        return;
    }
    n->n_forwarded++;
    nvo_port_send_l2(&n->ports[0], p, rx->h.l3);
}

/* ---- Queries -------------------------------------------------------------- */

const struct nvo_mcast_sw_stats *
nvo_mcast_stats(const struct nvo_net *net, uint32_t node)
{
    const struct nvo_mcast *mc = net->mcast;
    if (!mc || !mc->sw || node >= nvo_net_n_nodes(net) || !mc->sw[node]) {
        return NULL;
    }
    return &mc->sw[node]->st;
}

int
nvo_mcast_entry(const struct nvo_net *net, uint32_t node, uint32_t group,
                uint32_t *n_oifs, int *upstream)
{
    const struct nvo_mcast *mc = net->mcast;
    if (!mc || !mc->sw || node >= nvo_net_n_nodes(net) || !mc->sw[node]) {
        return ENOENT;
    }
    const struct mc_entry *e = g_hash_table_lookup(mc->sw[node]->star,
                                                   GUINT_TO_POINTER(group));
    if (!e) {
        return ENOENT;
    }
    *n_oifs = e->n_oif;
    *upstream = e->up;
    return 0;
}

uint64_t
nvo_mcast_state_entries(const struct nvo_net *net)
{
    const struct nvo_mcast *mc = net->mcast;
    uint64_t sum = 0;
    if (!mc || !mc->sw) {
        return 0;
    }
    for (uint32_t i = 0; i < nvo_net_n_nodes(net); i++) {
        if (mc->sw[i]) {
            sum += mc->sw[i]->st.star_g + mc->sw[i]->st.s_g;
        }
    }
    return sum;
}

size_t
nvo_mcast_sg_entry_size(void)
{
    return sizeof(struct mc_sg);
}

const struct nvo_mcast_cfg *
nvo_mcast_cfg(const struct nvo_net *net)
{
    return net->mcast ? &net->mcast->cfg : NULL;
}
