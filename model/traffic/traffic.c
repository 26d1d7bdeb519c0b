/* traffic.c: underlay traffic between hypervisors: Poisson flow arrivals,
 * destination patterns, flow and packet sizes, a line-rate round-robin NIC
 * per hypervisor uplink (VM mode: a paced NIC per hypervisor whose frames
 * go to its PE), and latency / flow-completion accounting.
 * See traffic.h. */
#include "traffic/traffic.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "wire/wire.h"

struct flow {
    uint64_t id;                /* 1-based; packets carry it */
    struct host *src;
    uint32_t dst;               /* node index */
    uint32_t src_ep, dst_ep;    /* endpoints (VM mode: VMs) */
    uint16_t sport, dport;
    uint8_t proto;
    uint32_t port;              /* uplink port on the source */
    uint64_t size, sent, rcvd;  /* payload bytes */
    uint64_t pkts_sent, pkts_rcvd;  /* its packets (flow records) */
    nvo_time_t start;
    nvo_time_t done;            /* its last byte delivered; -1: not yet */
    const struct tgen *gen;
    struct flow *next;          /* in its port's round-robin */
};

struct rr {                     /* one uplink's active flows */
    struct flow *head, *tail;
};

struct host {
    struct nvo_traffic *tr;
    struct nvo_node *node;
    uint32_t h;                 /* index in tr->hosts */
    struct rr *rr;              /* per port */
    struct nvo_rng rng;         /* "<host>/packets": IMIX sizes */
    uint32_t n_vms;             /* VM mode: VMs on it */
    bool busy;                  /* VM mode: the NIC is sending */
    nvo_event_id nic_ev;        /* VM mode: its end, or NVO_EVENT_NONE */
    struct ctl_frame *cq_head, *cq_tail;    /* VM mode: frames the VMs'
                                 * stacks send (ARP, BUM, frames that
                                 * waited for ARP), before the flows' */
    uint32_t headroom;          /* of its flows' packets: underlay frames
                                 * to peers that push nothing (switches,
                                 * hosts) get NVO_PKT_UNDERLAY_HEADROOM,
                                 * so a small packet; tenant frames (VM
                                 * mode) and frames to any other peer (a
                                 * VTEP leaf encapsulates them)
                                 * NVO_PKT_HEADROOM */
};

struct ctl_frame {              /* a frame of a VM's stack, to send */
    struct nvo_pkt *p;
    uint32_t vm;
    struct ctl_frame *next;
};

struct vm_bum {                 /* a VM's broadcast / multicast source */
    struct nvo_traffic *tr;
    uint32_t vm;
    struct nvo_rng rng;         /* "vm<k>/bum" */
    nvo_event_id ev;
};

struct source {                 /* one sending host of one generator */
    struct tgen *gen;
    struct host *host;
    uint32_t ep;                /* the sending endpoint */
    struct nvo_rng rng;
    uint64_t n_flows;
    uint32_t cursor;            /* all-to-all: next destination endpoint */
    double mean_gap_ps;         /* between flow arrivals; its own, since
                                 * hosts' access rates may differ */
    nvo_event_id next_arrival;  /* pending, or NVO_EVENT_NONE */
};

struct tgen {
    struct nvo_traffic_cfg cfg;
    struct nvo_traffic *tr;
    double mean_size;
    uint32_t *perm;             /* permutation: destination endpoint */
    uint32_t target;            /* incast: host index */
    struct source *sources;
    uint32_t n_sources;
};

struct nvo_traffic {
    struct nvo_net *net;
    struct host *hosts;
    uint32_t n_hosts;
    int32_t *host_of_node;      /* node index -> host index, or -1 */
    /* Endpoints: the hosts, or (VM mode) the VMs, in groups; host mode
     * has one group of every host, endpoint e = host e. */
    uint32_t n_ep;
    uint32_t *ep_host;          /* endpoint -> host index */
    uint32_t *ep_pos;           /* endpoint -> position in its group */
    uint32_t *ep_group;         /* endpoint -> group */
    uint32_t *members;          /* endpoints, grouped */
    uint32_t *group_start;      /* n_groups + 1 offsets into members */
    uint32_t n_groups;
    bool vm_mode;
    struct nvo_traffic_vms vm;
    struct tgen *gens;
    size_t n_gens;
    GPtrArray *flows;           /* struct flow *, index id - 1 */
    uint64_t flows_completed;
    uint64_t pkts_sent, pkts_delivered, bytes_sent, bytes_delivered,
             payload_delivered;
    struct nvo_hist latency, fct;
    nvo_time_t deadline;        /* drain: stop the engine from then on */
    bool deadline_hit;
    struct nvo_vm_arp *arp;     /* VM mode with ARP: per VM */
    struct vm_bum *bum;         /* VM mode with BUM rates: per VM */
    uint32_t *vm_nlb;           /* per VM: its NLB cluster + 1, or 0 */
    struct nvo_traffic_vm_stats vs;
};

static const char *const pattern_names[NVO_PATTERN_N] = {
    [NVO_PATTERN_PERMUTATION] = "permutation",
    [NVO_PATTERN_RANDOM_PAIRS] = "random-pairs",
    [NVO_PATTERN_ALL_TO_ALL] = "all-to-all",
    [NVO_PATTERN_INCAST] = "incast",
};

const char *
nvo_pattern_name(enum nvo_pattern p)
{
    return p < NVO_PATTERN_N ? pattern_names[p] : "?";
}

bool
nvo_pattern_from_name(const char *name, enum nvo_pattern *p)
{
    for (int i = 0; i < NVO_PATTERN_N; i++) {
        if (!strcmp(name, pattern_names[i])) {
            *p = (enum nvo_pattern) i;
            return true;
        }
    }
    return false;
}

/* ---- Packets ------------------------------------------------------------ */

static void nic_send__(struct host *h);
static uint64_t arp_out__(struct nvo_traffic *tr, uint32_t vm,
                          struct nvo_pkt *p);
static void nic_busy__(struct host *h, uint64_t wire);

static uint32_t
hdr_bytes__(const struct nvo_traffic *tr, uint8_t proto)
{
    return (tr->net->cfg.ipv6 && !tr->vm_mode ? 40 : 20)
           + (proto == 6 ? 20 : 8);
}

/* Builds the next packet of 'f' carrying 'chunk' payload bytes. */
static struct nvo_pkt *
make_packet__(struct nvo_traffic *tr, struct flow *f, uint32_t chunk)
{
    struct nvo_net *net = tr->net;
    struct nvo_node *src = f->src->node;
    struct nvo_node *dst = nvo_net_node(net, f->dst);
    struct nvo_pkt *p = nvo_pkt_alloc(&net->pool, f->src->headroom, 128);
    struct nvo_frame_spec s;
    memset(&s, 0, sizeof s);
    if (tr->vm_mode) {
        const struct nvo_traffic_vm *a = &tr->vm.vms[f->src_ep];
        const struct nvo_traffic_vm *b = &tr->vm.vms[f->dst_ep];
        memcpy(s.src_mac, a->mac, 6);
        memcpy(s.dst_mac, b->mac, 6);
        s.src_ip4 = a->ip4;
        s.dst_ip4 = b->ip4;
        if (tr->vm_nlb && tr->vm_nlb[f->dst_ep]
            && tr->vm_nlb[f->dst_ep] != tr->vm_nlb[f->src_ep]) {
            const struct nvo_traffic_nlb *c =
                &tr->vm.nlb[tr->vm_nlb[f->dst_ep] - 1];
            memcpy(s.dst_mac, c->mac, 6);
            s.dst_ip4 = c->ip4;
            tr->vs.nlb_frames++;
        }
        goto l4;
    }
    memcpy(s.src_mac, src->mac, 6);
    memcpy(s.dst_mac, nvo_net_node(net, src->peer[f->port])->mac, 6);
    s.ipv6 = net->cfg.ipv6;
    s.src_ip4 = src->addr4;
    s.dst_ip4 = dst->addr4;
    memcpy(s.src_ip6, src->addr6, 16);
    memcpy(s.dst_ip6, dst->addr6, 16);
l4:
    s.proto = f->proto;
    s.sport = f->sport;
    s.dport = f->dport;
    s.tcp_seq = (uint32_t) f->sent;
    p->payload_size = chunk;
    if (nvo_wire_build_frame(p, &s)) {
        abort();                /* sizes are bounded by construction */
    }
    p->flow_id = f->id;
    p->created = nvo_engine_now(net->engine);
    p->tclass = NVO_TC_DATA;
    return p;
}

static uint32_t
packet_payload__(struct nvo_traffic *tr, struct host *h, const struct flow *f)
{
    const struct nvo_traffic_cfg *c = &f->gen->cfg;
    uint32_t ip = c->pkt_size;
    if (c->pkt_dist == NVO_PKTSIZE_IMIX) {
        uint64_t r = nvo_rng_below(&h->rng, 12);
        ip = r < 7 ? 40 : r < 11 ? 576 : 1500;
    }
    uint32_t hdr = hdr_bytes__(tr, f->proto);
    uint32_t room = ip > hdr ? ip - hdr : 1;
    uint64_t left = f->size - f->sent;
    return left < room ? (uint32_t) left : room;
}

/* A drain past its deadline stops the engine (after this event). */
static void
check_deadline__(struct nvo_traffic *tr)
{
    if (nvo_engine_now(tr->net->engine) >= tr->deadline) {
        tr->deadline_hit = true;
        nvo_engine_stop(tr->net->engine);
    }
}

/* The next packet of the round robin 'rr' (not empty): its head flow's
 * next chunk; the flow goes to the tail unless that was its last.  *fp
 * (if not NULL) is the flow. */
static struct nvo_pkt *
next_packet__(struct nvo_traffic *tr, struct host *h, struct rr *rr,
              struct flow **fp)
{
    struct flow *f = rr->head;
    rr->head = f->next;
    if (!rr->head) {
        rr->tail = NULL;
    }
    f->next = NULL;
    uint32_t chunk = packet_payload__(tr, h, f);
    struct nvo_pkt *p = make_packet__(tr, f, chunk);
    f->sent += chunk;
    f->pkts_sent++;
    if (f->sent < f->size) {
        if (rr->tail) {
            rr->tail->next = f;
        } else {
            rr->head = f;
        }
        rr->tail = f;
    }
    if (fp) {
        *fp = f;
    }
    return p;
}

/* The port is idle: send the next packet of the next active flow. */
static void
port_idle__(struct nvo_port *port)
{
    struct host *h = nvo_port_idle_ctx(port);
    struct nvo_traffic *tr = h->tr;
    struct rr *rr = &h->rr[port->index];
    if (!rr->head || !h->node->up) {
        return;                 /* nothing to send, or a dead host */
    }
    struct nvo_pkt *p = next_packet__(tr, h, rr, NULL);
    tr->pkts_sent++;
    tr->bytes_sent += nvo_pkt_len(p);
    nvo_node_send_port(h->node, port->index, p);
    check_deadline__(tr);
}

/* VM mode: the hypervisor's NIC has sent its frame. */
static void
nic_done__(void *h_)
{
    struct host *h = h_;
    h->busy = false;
    h->nic_ev = NVO_EVENT_NONE;
    if (h->node->up) {
        nic_send__(h);
    }
}

/* VM mode: the next tenant frame of the hypervisor's next active flow to
 * its virtual switch; the NIC is busy for the bytes that puts on the
 * uplink. */
static void
nic_send__(struct host *h)
{
    struct nvo_traffic *tr = h->tr;
    if (h->cq_head) {
        struct ctl_frame *c = h->cq_head;
        h->cq_head = c->next;
        if (!h->cq_head) {
            h->cq_tail = NULL;
        }
        uint32_t clen = nvo_pkt_len(c->p);
        uint64_t cw = tr->vm.send(tr->vm.ctx, c->vm, c->p);
        g_free(c);
        nic_busy__(h, cw ? cw : clen);
        return;
    }
    struct rr *rr = &h->rr[0];
    if (!rr->head) {
        return;
    }
    struct flow *f;
    struct nvo_pkt *p = next_packet__(tr, h, rr, &f);
    uint32_t len = nvo_pkt_len(p);
    tr->pkts_sent++;
    tr->bytes_sent += len;
    uint64_t wire = tr->arp ? arp_out__(tr, f->src_ep, p)
                            : tr->vm.send(tr->vm.ctx, f->src_ep, p);
    nic_busy__(h, wire ? wire : len);
}

/* VM mode: the NIC is busy for 'wire' bytes at its first uplink's rate. */
static void
nic_busy__(struct host *h, uint64_t wire)
{
    struct nvo_traffic *tr = h->tr;
    struct nvo_node *n = h->node;
    uint64_t bps = n->n_ports ? nvo_net_link(tr->net, n->link[0])->cfg.rate_bps
                              : 0;
    nvo_time_t t = 0;
    if (bps && !nvo_time_from_ps(ceil((double) wire * 8e12 / (double) bps),
                                 &t)) {
        t = 0;
    }
    h->busy = true;
    h->nic_ev = nvo_engine_schedule(tr->net->engine, t, nic_done__, h);
    check_deadline__(tr);
}

static void
count_rx__(struct nvo_traffic *tr, const struct nvo_pkt *p)
{
    if (p->flow_id && p->flow_id <= tr->flows->len) {
        struct flow *f = g_ptr_array_index(tr->flows, p->flow_id - 1);
        nvo_time_t now = nvo_engine_now(tr->net->engine);
        tr->pkts_delivered++;
        tr->bytes_delivered += nvo_pkt_len(p);
        tr->payload_delivered += p->payload_size;
        nvo_hist_add(&tr->latency, now - p->created);
        f->rcvd += p->payload_size;
        f->pkts_rcvd++;
        if (f->rcvd == f->size) {
            f->done = now;
            tr->flows_completed++;
            nvo_hist_add(&tr->fct, now - f->start);
        }
        check_deadline__(tr);
    }
}

static void
local_rx__(void *tr_, struct nvo_node *n, struct nvo_pkt *p)
{
    (void) n;
    count_rx__(tr_, p);
    nvo_pkt_free(p);
}

void
nvo_traffic_vm_deliver(struct nvo_traffic *tr, const struct nvo_pkt *p)
{
    count_rx__(tr, p);
}

/* ---- Flow arrivals ------------------------------------------------------ */

static uint32_t
pick_dst__(struct source *s)
{
    struct tgen *g = s->gen;
    const struct nvo_traffic *tr = g->tr;
    uint32_t e = s->ep, grp = tr->ep_group[e];
    const uint32_t *m = &tr->members[tr->group_start[grp]];
    uint32_t n = tr->group_start[grp + 1] - tr->group_start[grp];
    uint32_t h = tr->ep_pos[e];
    switch (g->cfg.pattern) {
    case NVO_PATTERN_PERMUTATION:
        return g->perm[e];
    case NVO_PATTERN_RANDOM_PAIRS: {
        uint32_t d = (uint32_t) nvo_rng_below(&s->rng, n - 1);
        return m[d >= h ? d + 1 : d];
    }
    case NVO_PATTERN_ALL_TO_ALL: {
        uint32_t d = s->cursor;
        uint32_t c = (tr->ep_pos[d] + 1) % n;
        if (c == h) {
            c = (c + 1) % n;
        }
        s->cursor = m[c];
        return d;
    }
    case NVO_PATTERN_INCAST:
    case NVO_PATTERN_N:
        break;
    }
    return g->target;
}

static uint64_t
pick_size__(struct source *s)
{
    const struct nvo_traffic_cfg *c = &s->gen->cfg;
    double v;
    switch (c->size_dist) {
    case NVO_SIZE_EXPONENTIAL:
        v = nvo_rng_exponential(&s->rng, c->size_bytes);
        break;
    case NVO_SIZE_CDF:
        v = nvo_rng_empirical(&s->rng, c->cdf);
        break;
    case NVO_SIZE_FIXED:
    default:
        v = c->size_bytes;
        break;
    }
    /* Sizes below 1 byte (a CDF's first segment from 0) are 1 byte; an
     * exponential tail beyond NVO_FLOW_SIZE_MAX saturates there. */
    return nvo_count_from_double_clamp(v, 1, NVO_FLOW_SIZE_MAX);
}

static void arrival__(void *s_);

static void
rr_append__(struct rr *rr, struct flow *f)
{
    f->next = NULL;
    if (rr->tail) {
        rr->tail->next = f;
    } else {
        rr->head = f;
    }
    rr->tail = f;
}

/* The uplink of flow 'f': the host's own ECMP choice among its next hops
 * toward the destination; port 0 if it has none (the flow waits there, or
 * its packets are dropped downstream, until routes converge). */
static uint32_t
choose_port__(struct nvo_traffic *tr, struct host *h, struct flow *f)
{
    struct nvo_node *n = h->node;
    if (tr->vm_mode) {
        return 0;               /* one NIC; the PE picks the uplink */
    }
    const uint16_t *nh;
    uint32_t n_nh = nvo_net_next_hops(n, f->dst, &nh);
    if (n_nh == 0) {
        return 0;
    }
    uint32_t k = 0;
    if (n_nh > 1) {
        /* make_packet__ asks for no routes: 'nh' stays valid. */
        struct nvo_pkt *t = make_packet__(tr, f, 1);
        k = nvo_ecmp_select(&n->ecmp, t, n_nh, &n->rng);
        nvo_pkt_free(t);
    }
    return nh[k];
}

/* Starts the NIC of port 'p' of host 'h' if it is idle and can send. */
static void
kick__(struct host *h, uint32_t p)
{
    if (h->tr->vm_mode) {
        if (!h->busy && h->node->up) {
            nic_send__(h);
        }
        return;
    }
    struct nvo_port *port = &h->node->ports[p];
    if (nvo_port_is_idle(port) && port->link && port->link->up
        && h->node->up) {
        port_idle__(port);
    }
}

/* Binds the sink on host node 'n' to generator 'g''s protocol (TCP or
 * UDP) and destination port, unless bound already (by another generator
 * with the same port). */
static int
bind_sink__(struct nvo_traffic *tr, struct nvo_node *n,
            const struct nvo_traffic_cfg *g)
{
    enum nvo_bind_kind kind = g->proto == NVO_IPPROTO_TCP ? NVO_BIND_TCP
                                                          : NVO_BIND_UDP;
    const struct nvo_node_binding *b = nvo_node_binding(n, kind, g->dport);
    if (b) {
        return b->fn == local_rx__ && b->ctx == tr ? 0 : EADDRINUSE;
    }
    return kind == NVO_BIND_TCP ? nvo_node_bind_tcp(n, g->dport, local_rx__, tr)
                                : nvo_node_bind_udp(n, g->dport, local_rx__,
                                                    tr);
}

/* Removes the sink's bindings from host node 'n'. */
static void
unbind_sink__(struct nvo_traffic *tr, struct nvo_node *n)
{
    for (uint32_t i = n->n_binds; i-- > 0;) {
        const struct nvo_node_binding *b = &n->binds[i];
        if (b->fn == local_rx__ && b->ctx == tr) {
            if (b->kind == NVO_BIND_TCP) {
                nvo_node_unbind_tcp(n, b->key);
            } else {
                nvo_node_unbind_udp(n, b->key);
            }
        }
    }
}

/* Routes changed (after a failure or a repair converged): a flow whose
 * uplink is no longer a next hop toward its destination moves to one that
 * is, as a host's own routing would move it. */
static void
routes_changed__(void *tr_, struct nvo_net *net)
{
    (void) net;
    struct nvo_traffic *tr = tr_;
    if (tr->vm_mode) {
        /* The PEs route their frames; a hypervisor back up sends again. */
        for (uint32_t i = 0; i < tr->n_hosts; i++) {
            kick__(&tr->hosts[i], 0);
        }
        return;
    }
    for (uint32_t i = 0; i < tr->n_hosts; i++) {
        struct host *h = &tr->hosts[i];
        struct nvo_node *n = h->node;
        bool moved = false;
        for (uint32_t p = 0; p < n->n_ports; p++) {
            struct flow *f = h->rr[p].head;
            h->rr[p].head = h->rr[p].tail = NULL;
            while (f) {
                struct flow *next = f->next;
                const uint16_t *nh;
                uint32_t n_nh = nvo_net_next_hops(n, f->dst, &nh);
                bool ok = false;
                for (uint32_t k = 0; k < n_nh; k++) {
                    ok |= nh[k] == f->port;
                }
                if (!ok && n_nh) {
                    f->port = choose_port__(tr, h, f);
                    moved = true;
                }
                /* Lists are rebuilt in port order: a moved flow joins
                 * its new port's list behind the ones already there. */
                rr_append__(&h->rr[f->port], f);
                f = next;
            }
        }
        if (moved) {
            for (uint32_t p = 0; p < n->n_ports; p++) {
                kick__(h, p);
            }
        }
    }
}

/* Schedules the next arrival of 's' after an exponential gap, unless it
 * would come at or after the generator's stop time (now < stop): then
 * there is none.  A gap too large for a time (a rate of 1e-8 flows per
 * second has a mean gap of 1e20 ps) is such a gap. */
static void
schedule_arrival__(struct source *s)
{
    struct nvo_engine *e = s->gen->tr->net->engine;
    double gap = nvo_rng_exponential(&s->rng, s->mean_gap_ps);
    nvo_time_t t;
    if (nvo_time_from_ps(gap, &t)
        && t < s->gen->cfg.stop - nvo_engine_now(e)) {
        s->next_arrival = nvo_engine_schedule(e, t, arrival__, s);
    }
}

static void
arrival__(void *s_)
{
    struct source *s = s_;
    struct tgen *g = s->gen;
    struct nvo_traffic *tr = g->tr;
    struct nvo_net *net = tr->net;
    nvo_time_t now = nvo_engine_now(net->engine);
    s->next_arrival = NVO_EVENT_NONE;
    if (now >= g->cfg.stop) {
        return;
    }
    struct host *h = tr->vm_mode ? &tr->hosts[tr->ep_host[s->ep]] : s->host;
    struct flow *f = g_new0(struct flow, 1);
    g_ptr_array_add(tr->flows, f);
    f->id = tr->flows->len;
    f->src = h;
    f->src_ep = s->ep;
    f->dst_ep = pick_dst__(s);
    f->dst = tr->hosts[tr->ep_host[f->dst_ep]].node->index;
    f->sport = g->cfg.sport ? g->cfg.sport
                            : (uint16_t) (49152 + nvo_rng_below(&s->rng, 16384));
    f->dport = g->cfg.dport;
    f->proto = g->cfg.proto;
    f->size = pick_size__(s);
    f->start = now;
    f->done = -1;
    f->gen = g;

    f->port = choose_port__(tr, h, f);
    s->n_flows++;
    rr_append__(&h->rr[f->port], f);
    kick__(h, f->port);
    if (!g->cfg.max_flows || s->n_flows < g->cfg.max_flows) {
        schedule_arrival__(s);
    }
}

/* ---- VM stacks: ARP, broadcast and multicast, NLB (docs/vm-traffic.md) */

static const uint8_t bcast_mac__[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t zero_mac__[6] = { 0 };
/* mDNS (RFC 6762): 224.0.0.251, MAC 01:00:5e:00:00:fb (RFC 1112). */
static const uint8_t mdns_mac__[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
#define MDNS_IP4 0xe00000fbu
#define MDNS_PORT 5353
#define NBNS_PORT 137           /* NetBIOS name service (RFC 1002) */

/* Queues a frame of VM 'vm''s stack at its hypervisor's NIC. */
static void
cq_push__(struct nvo_traffic *tr, uint32_t vm, struct nvo_pkt *p)
{
    struct host *h = &tr->hosts[tr->ep_host[vm]];
    struct ctl_frame *c = g_new(struct ctl_frame, 1);
    c->p = p;
    c->vm = vm;
    c->next = NULL;
    if (h->cq_tail) {
        h->cq_tail->next = c;
    } else {
        h->cq_head = c;
    }
    h->cq_tail = c;
    if (!h->busy && h->node->up) {
        /* Sent from an event of its own, not inside the PE's delivery
         * that may have called this. */
        h->busy = true;
        h->nic_ev = nvo_engine_schedule(tr->net->engine, 0, nic_done__, h);
    }
}

static void
cq_free__(struct host *h)
{
    while (h->cq_head) {
        struct ctl_frame *c = h->cq_head;
        h->cq_head = c->next;
        nvo_pkt_free(c->p);
        g_free(c);
    }
    h->cq_tail = NULL;
}

static struct nvo_pkt *
arp_frame__(struct nvo_traffic *tr, uint16_t op, const uint8_t dst[6],
            const uint8_t src[6], const uint8_t sha[6], uint32_t spa,
            const uint8_t tha[6], uint32_t tpa)
{
    struct nvo_pkt *p = nvo_pkt_alloc(&tr->net->pool, NVO_PKT_HEADROOM, 64);
    if (nvo_vm_arp_build(p, NVO_ETH_TYPE_ARP, dst, src, op, sha, spa, tha,
                         tpa)) {
        abort();                /* 42 bytes fit */
    }
    p->created = nvo_engine_now(tr->net->engine);
    p->tclass = NVO_TC_DATA;
    return p;
}

static uint32_t
frame_dst_ip4__(const struct nvo_pkt *p)
{
    const uint8_t *ip = nvo_pkt_at(p, p->l3_ofs);
    return ip ? nvo_rd32(ip + 16) : 0;
}

/* A flow frame of VM 'vm': to its PE if the destination is cached (the
 * frame gets the cached MAC), else it waits and, when due, a broadcast
 * ARP request goes out in its place.  Returns the PE's wire bytes, or 0
 * (the NIC then takes the frame's own length, as for a local frame). */
static uint64_t
arp_out__(struct nvo_traffic *tr, uint32_t vm, struct nvo_pkt *p)
{
    uint32_t ip = frame_dst_ip4__(p);
    uint8_t mac[6];
    struct nvo_pkt *dropped;
    nvo_time_t now = nvo_engine_now(tr->net->engine);
    switch (nvo_vm_arp_resolve(&tr->arp[vm], &tr->vm.arp_cfg, ip, now, p, mac,
                               &dropped)) {
    case NVO_VM_ARP_HIT:
        tr->vs.arp_hits++;
        memcpy(nvo_pkt_at(p, p->l2_ofs), mac, 6);
        return tr->vm.send(tr->vm.ctx, vm, p);
    case NVO_VM_ARP_QUEUED:
        break;
    case NVO_VM_ARP_REQUEST: {
        tr->vs.arp_queued++;
        if (dropped) {
            tr->vs.arp_queue_drops++;
            nvo_pkt_free(dropped);
        }
        const struct nvo_traffic_vm *v = &tr->vm.vms[vm];
        tr->vs.arp_requests++;
        struct nvo_pkt *rq = arp_frame__(tr, NVO_ARP_OP_REQUEST, bcast_mac__,
                                         v->mac, v->mac, v->ip4, zero_mac__,
                                         ip);
        return tr->vm.send(tr->vm.ctx, vm, rq);
    }
    }
    tr->vs.arp_queued++;
    if (dropped) {
        tr->vs.arp_queue_drops++;
        nvo_pkt_free(dropped);
    }
    return 0;
}

/* Frames that waited for 'mac' go out, with it. */
static void
release__(struct nvo_traffic *tr, uint32_t vm, struct nvo_pkt *q,
          const uint8_t mac[6])
{
    while (q) {
        struct nvo_pkt *next = q->next;
        q->next = NULL;
        memcpy(nvo_pkt_at(q, q->l2_ofs), mac, 6);
        cq_push__(tr, vm, q);
        q = next;
    }
}

/* The address VM 'vm' answers ARP for: its own, or (the first member) its
 * NLB cluster's, with the cluster MAC. */
static bool
arp_answers__(const struct nvo_traffic *tr, uint32_t vm, uint32_t tpa,
              const uint8_t **mac)
{
    const struct nvo_traffic_vm *v = &tr->vm.vms[vm];
    if (tpa == v->ip4) {
        *mac = v->mac;
        return true;
    }
    if (tr->vm_nlb && tr->vm_nlb[vm]) {
        const struct nvo_traffic_nlb *c = &tr->vm.nlb[tr->vm_nlb[vm] - 1];
        if (c->ip4 == tpa && c->members[0] == vm) {
            *mac = c->mac;
            return true;
        }
    }
    return false;
}

/* An ARP frame reached VM 'vm' (RFC 826's receiver). */
static void
arp_in__(struct nvo_traffic *tr, uint32_t vm, const struct nvo_pkt *p)
{
    const uint8_t *l2 = nvo_pkt_at(p, p->l2_ofs);
    struct nvo_arp_info a;
    if (!tr->arp || nvo_pkt_len(p) < NVO_ETH_LEN + NVO_ARP_LEN
        || p->size < (uint32_t) (p->l2_ofs - nvo_pkt_data_ofs(p))
                     + NVO_ETH_LEN + NVO_ARP_LEN
        || nvo_arp_decode(l2 + NVO_ETH_LEN, NVO_ARP_LEN, &a)) {
        return;
    }
    nvo_time_t now = nvo_engine_now(tr->net->engine);
    const struct nvo_vm_arp_cfg *cfg = &tr->vm.arp_cfg;
    const uint8_t *mine;
    bool for_me = a.op == NVO_ARP_OP_REQUEST && a.spa != a.tpa
                  && arp_answers__(tr, vm, a.tpa, &mine);
    /* The sender's entry: created by a request for this VM, updated
     * otherwise (a reply, a gratuitous ARP) if there is one. */
    struct nvo_pkt *q = nvo_vm_arp_learn(&tr->arp[vm], cfg, a.spa, a.sha, now,
                                         for_me);
    release__(tr, vm, q, a.sha);
    if (for_me) {
        const struct nvo_traffic_vm *v = &tr->vm.vms[vm];
        tr->vs.arp_replies++;
        cq_push__(tr, vm, arp_frame__(tr, NVO_ARP_OP_REPLY, a.sha, v->mac,
                                      mine, a.tpa, a.sha, a.spa));
    }
}

/* The next broadcast or multicast frame of a VM. */
static void
bum_arrival__(void *b_)
{
    struct vm_bum *b = b_;
    struct nvo_traffic *tr = b->tr;
    const struct nvo_traffic_vms *c = &tr->vm;
    b->ev = NVO_EVENT_NONE;
    double total = c->broadcast_rate + c->multicast_rate;
    bool bcast = nvo_rng_uniform(&b->rng) * total < c->broadcast_rate;
    const struct nvo_traffic_vm *v = &c->vms[b->vm];
    struct nvo_frame_spec s;
    memset(&s, 0, sizeof s);
    memcpy(s.src_mac, v->mac, 6);
    memcpy(s.dst_mac, bcast ? bcast_mac__ : mdns_mac__, 6);
    s.src_ip4 = v->ip4;
    s.dst_ip4 = bcast ? 0xffffffffu : MDNS_IP4;
    s.ttl = bcast ? 64 : 255;   /* RFC 6762 11: mDNS sends TTL 255 */
    s.proto = NVO_IPPROTO_UDP;
    s.sport = s.dport = bcast ? NBNS_PORT : MDNS_PORT;
    struct nvo_pkt *p = nvo_pkt_alloc(&tr->net->pool, NVO_PKT_HEADROOM, 128);
    p->payload_size = (bcast ? c->broadcast_size : c->multicast_size) - 28;
    if (nvo_wire_build_frame(p, &s)) {
        abort();                /* sizes checked by the caller */
    }
    p->created = nvo_engine_now(tr->net->engine);
    p->tclass = NVO_TC_DATA;
    if (bcast) {
        tr->vs.broadcasts++;
    } else {
        tr->vs.multicasts++;
    }
    cq_push__(tr, b->vm, p);
    nvo_time_t t;
    if (nvo_time_from_ps(nvo_rng_exponential(&b->rng, 1e12 / total), &t)) {
        b->ev = nvo_engine_schedule(tr->net->engine, t, bum_arrival__, b);
    }
}

/* Sets up the VMs' stacks (VM mode): ARP caches, BUM sources, NLB. */
static void
vm_stack_init__(struct nvo_traffic *tr)
{
    const struct nvo_traffic_vms *c = &tr->vm;
    if (!tr->vm_mode) {
        return;
    }
    if (c->arp) {
        tr->arp = g_new0(struct nvo_vm_arp, tr->n_ep ? tr->n_ep : 1);
    }
    if (c->n_nlb) {
        tr->vm_nlb = g_new0(uint32_t, tr->n_ep ? tr->n_ep : 1);
        for (uint32_t k = 0; k < c->n_nlb; k++) {
            for (uint32_t m = 0; m < c->nlb[k].n_members; m++) {
                if (c->nlb[k].members[m] < tr->n_ep) {
                    tr->vm_nlb[c->nlb[k].members[m]] = k + 1;
                }
            }
        }
    }
    double total = c->broadcast_rate + c->multicast_rate;
    if (!(total > 0)) {
        return;
    }
    tr->bum = g_new0(struct vm_bum, tr->n_ep ? tr->n_ep : 1);
    for (uint32_t v = 0; v < tr->n_ep; v++) {
        struct vm_bum *b = &tr->bum[v];
        char name[64];
        g_snprintf(name, sizeof name, "vm%u/bum", v);
        b->tr = tr;
        b->vm = v;
        nvo_rng_init(&b->rng, tr->net->cfg.seed, tr->net->cfg.run, name);
        nvo_time_t t;
        b->ev = NVO_EVENT_NONE;
        if (nvo_time_from_ps(nvo_rng_exponential(&b->rng, 1e12 / total),
                             &t)) {
            b->ev = nvo_engine_schedule(tr->net->engine, t, bum_arrival__, b);
        }
    }
}

static void
vm_stack_destroy__(struct nvo_traffic *tr)
{
    for (uint32_t v = 0; tr->arp && v < tr->n_ep; v++) {
        nvo_vm_arp_clear(&tr->arp[v]);
    }
    for (uint32_t v = 0; tr->bum && v < tr->n_ep; v++) {
        nvo_engine_cancel(tr->net->engine, tr->bum[v].ev);
    }
    g_free(tr->arp);
    g_free(tr->bum);
    g_free(tr->vm_nlb);
}

void
nvo_traffic_vm_deliver_to(struct nvo_traffic *tr, uint32_t vm,
                          const struct nvo_pkt *p)
{
    const uint8_t *l2 = nvo_pkt_at(p, p->l2_ofs);
    if (!l2 || vm >= tr->n_ep) {
        count_rx__(tr, p);      /* a VM the caller cannot name */
        return;
    }
    uint16_t type = nvo_rd16(l2 + 12);
    if (type == NVO_ETH_TYPE_ARP) {
        arp_in__(tr, vm, p);
        return;
    }
    if (p->flow_id && p->flow_id <= tr->flows->len) {
        const struct flow *f = g_ptr_array_index(tr->flows, p->flow_id - 1);
        if (f->dst_ep != vm) {
            tr->vs.nlb_copies_ignored++;    /* another member's copy */
            return;
        }
    }
    count_rx__(tr, p);
}

/* Moves the flows of VM 'vm' in round robin 'from' to 'to'. */
static void
rr_move__(struct rr *from, struct rr *to, uint32_t vm, struct host *h)
{
    struct flow *f = from->head;
    from->head = from->tail = NULL;
    while (f) {
        struct flow *next = f->next;
        if (f->src_ep == vm) {
            f->src = h;
            rr_append__(to, f);
        } else {
            rr_append__(from, f);
        }
        f = next;
    }
}

int
nvo_traffic_vm_move(struct nvo_traffic *tr, uint32_t vm, uint32_t node)
{
    if (!tr->vm_mode || vm >= tr->n_ep || node >= nvo_net_n_nodes(tr->net)
        || tr->host_of_node[node] < 0) {
        return EINVAL;
    }
    struct host *from = &tr->hosts[tr->ep_host[vm]];
    struct host *to = &tr->hosts[tr->host_of_node[node]];
    if (from == to) {
        return 0;
    }
    tr->ep_host[vm] = to->h;
    from->n_vms--;
    to->n_vms++;
    rr_move__(&from->rr[0], &to->rr[0], vm, to);
    struct ctl_frame *c = from->cq_head;
    from->cq_head = from->cq_tail = NULL;
    while (c) {
        struct ctl_frame *next = c->next;
        struct host *h = c->vm == vm ? to : from;
        c->next = NULL;
        if (h->cq_tail) {
            h->cq_tail->next = c;
        } else {
            h->cq_head = c;
        }
        h->cq_tail = c;
        c = next;
    }
    kick__(to, 0);
    return 0;
}

void
nvo_traffic_vm_get_stats(const struct nvo_traffic *tr,
                         struct nvo_traffic_vm_stats *st)
{
    *st = tr->vs;
    st->arp_waiting = st->arp_entries = st->arp_cache_bytes = 0;
    for (uint32_t v = 0; tr->arp && v < tr->n_ep; v++) {
        st->arp_waiting += nvo_vm_arp_n_queued(&tr->arp[v]);
        st->arp_entries += tr->arp[v].n;
        st->arp_cache_bytes += nvo_vm_arp_bytes(&tr->arp[v]);
    }
}

/* ---- Set-up ------------------------------------------------------------- */

static int
gen_init__(struct nvo_traffic *tr, struct tgen *g, size_t gi)
{
    const struct nvo_traffic_cfg *c = &g->cfg;
    char name[256];
    g_snprintf(name, sizeof name, "traffic/%s/pattern",
               c->name ? c->name : "flows");
    struct nvo_rng rng;
    nvo_rng_init(&rng, tr->net->cfg.seed, tr->net->cfg.run, name);
    (void) gi;

    g->mean_size = c->size_dist == NVO_SIZE_CDF ? nvo_cdf_mean(c->cdf)
                                                : c->size_bytes;
    if (g->mean_size < 1) {
        g->mean_size = 1;
    }

    /* Senders and destinations (endpoints: hosts, or VMs). */
    uint32_t n = tr->n_ep;
    bool *sends = g_new0(bool, n);
    if (c->pattern == NVO_PATTERN_INCAST) {
        g->target = 0;
        if (c->incast_target >= 0) {
            int32_t t = tr->host_of_node[c->incast_target];
            if (t < 0) {
                g_free(sends);
                return EINVAL;
            }
            g->target = (uint32_t) t;
        }
        uint32_t k = c->incast_senders ? c->incast_senders : n - 1;
        if (k > n - 1) {
            k = n - 1;
        }
        /* k distinct senders other than the target: partial shuffle. */
        uint32_t *others = g_new(uint32_t, n - 1);
        for (uint32_t i = 0, j = 0; i < n; i++) {
            if (i != g->target) {
                others[j++] = i;
            }
        }
        for (uint32_t i = 0; i < k; i++) {
            uint32_t j = i + (uint32_t) nvo_rng_below(&rng, n - 1 - i);
            uint32_t t = others[i];
            others[i] = others[j];
            others[j] = t;
            sends[others[i]] = true;
        }
        g_free(others);
    } else {
        for (uint32_t i = 0; i < n; i++) {
            uint32_t grp = tr->ep_group[i];
            sends[i] = tr->group_start[grp + 1] - tr->group_start[grp] >= 2;
        }
        if (c->pattern == NVO_PATTERN_PERMUTATION) {
            /* Sattolo's algorithm in each group: a uniformly random
             * single cycle, so no endpoint sends to itself. */
            g->perm = g_new(uint32_t, n ? n : 1);
            for (uint32_t grp = 0; grp < tr->n_groups; grp++) {
                const uint32_t *m = &tr->members[tr->group_start[grp]];
                uint32_t k = tr->group_start[grp + 1] - tr->group_start[grp];
                for (uint32_t i = 0; i < k; i++) {
                    g->perm[m[i]] = m[i];
                }
                for (uint32_t i = k ? k - 1 : 0; i > 0; i--) {
                    uint32_t j = (uint32_t) nvo_rng_below(&rng, i);
                    uint32_t t = g->perm[m[i]];
                    g->perm[m[i]] = g->perm[m[j]];
                    g->perm[m[j]] = t;
                }
            }
        }
    }

    g->sources = g_new0(struct source, n);
    for (uint32_t i = 0; i < n; i++) {
        if (!sends[i]) {
            continue;
        }
        struct source *s = &g->sources[g->n_sources++];
        s->gen = g;
        s->host = &tr->hosts[tr->ep_host[i]];
        s->ep = i;
        uint32_t grp = tr->ep_group[i];
        uint32_t k = tr->group_start[grp + 1] - tr->group_start[grp];
        s->cursor = tr->members[tr->group_start[grp]
                                + (tr->ep_pos[i] + 1) % k];
        if (tr->vm_mode) {
            g_snprintf(name, sizeof name, "vm%u/traffic/%s", i,
                       c->name ? c->name : "flows");
        } else {
            g_snprintf(name, sizeof name, "%s/traffic/%s",
                       s->host->node->name, c->name ? c->name : "flows");
        }
        nvo_rng_init(&s->rng, tr->net->cfg.seed, tr->net->cfg.run, name);

        double rate = c->flows_per_sec;
        if (rate <= 0) {
            struct nvo_node *hn = s->host->node;
            uint64_t bps = hn->n_ports
                ? nvo_net_link(tr->net, hn->link[0])->cfg.rate_bps : 0;
            rate = c->load * (double) bps / (8 * g->mean_size);
            if (tr->vm_mode) {
                rate /= s->host->n_vms;     /* the VMs share the NIC */
            }
        }
        s->mean_gap_ps = rate > 0 ? 1e12 / rate : INFINITY;
    }
    g_free(sends);

    for (uint32_t i = 0; i < g->n_sources; i++) {
        struct source *s = &g->sources[i];
        if (!isfinite(s->mean_gap_ps)) {
            continue;           /* a host without an access link */
        }
        double gap = nvo_rng_exponential(&s->rng, s->mean_gap_ps);
        nvo_time_t t;
        if (nvo_time_from_ps(gap, &t) && t < c->stop - c->start) {
            s->next_arrival = nvo_engine_schedule_at(tr->net->engine,
                                                     c->start + t, arrival__,
                                                     s);
        }
    }
    return 0;
}

/* The endpoints: one group of every host, or the VMs by tenant. */
static int
endpoints__(struct nvo_traffic *tr)
{
    if (!tr->vm_mode) {
        tr->n_ep = tr->n_hosts;
        tr->n_groups = 1;
    } else {
        tr->n_ep = tr->vm.n_vms;
        tr->n_groups = tr->vm.n_groups;
    }
    uint32_t n = tr->n_ep;
    tr->ep_host = g_new(uint32_t, n ? n : 1);
    tr->ep_pos = g_new(uint32_t, n ? n : 1);
    tr->ep_group = g_new0(uint32_t, n ? n : 1);
    tr->members = g_new(uint32_t, n ? n : 1);
    tr->group_start = g_new0(uint32_t, tr->n_groups + 1);
    for (uint32_t e = 0; e < n; e++) {
        if (tr->vm_mode) {
            const struct nvo_traffic_vm *v = &tr->vm.vms[e];
            if (v->group >= tr->n_groups || v->node >= nvo_net_n_nodes(tr->net)
                || tr->host_of_node[v->node] < 0) {
                return EINVAL;
            }
            tr->ep_group[e] = v->group;
            tr->ep_host[e] = (uint32_t) tr->host_of_node[v->node];
        } else {
            tr->ep_host[e] = e;
        }
        tr->group_start[tr->ep_group[e] + 1]++;
    }
    for (uint32_t g = 0; g < tr->n_groups; g++) {
        tr->group_start[g + 1] += tr->group_start[g];
    }
    uint32_t *fill = g_new(uint32_t, tr->n_groups);
    memcpy(fill, tr->group_start, tr->n_groups * sizeof *fill);
    for (uint32_t e = 0; e < n; e++) {
        uint32_t g = tr->ep_group[e];
        tr->ep_pos[e] = fill[g] - tr->group_start[g];
        tr->members[fill[g]++] = e;
    }
    g_free(fill);
    return 0;
}

struct nvo_traffic *
nvo_traffic_create(struct nvo_net *net, const struct nvo_traffic_cfg *cfgs,
                   size_t n_cfgs)
{
    return nvo_traffic_create_vms(net, cfgs, n_cfgs, NULL);
}

struct nvo_traffic *
nvo_traffic_create_vms(struct nvo_net *net, const struct nvo_traffic_cfg *cfgs,
                       size_t n_cfgs, const struct nvo_traffic_vms *vms)
{
    struct nvo_traffic *tr = g_new0(struct nvo_traffic, 1);
    tr->net = net;
    if (vms) {
        tr->vm_mode = true;
        tr->vm = *vms;
    }
    tr->deadline = NVO_TIME_MAX;
    tr->flows = g_ptr_array_new_with_free_func(g_free);
    nvo_hist_init(&tr->latency);
    nvo_hist_init(&tr->fct);
    uint32_t n_nodes = nvo_net_n_nodes(net);
    tr->host_of_node = g_new(int32_t, n_nodes);
    tr->hosts = g_new0(struct host, n_nodes);
    uint32_t *vms_on = g_new0(uint32_t, n_nodes);
    for (uint32_t v = 0; tr->vm_mode && v < tr->vm.n_vms; v++) {
        if (tr->vm.vms[v].node < n_nodes) {
            vms_on[tr->vm.vms[v].node]++;
        }
    }
    for (uint32_t i = 0; i < n_nodes; i++) {
        struct nvo_node *n = nvo_net_node(net, i);
        tr->host_of_node[i] = -1;
        if (tr->vm_mode ? !vms_on[i] && n->role != NVO_ROLE_HYPERVISOR
                        : n->ops != &nvo_host_ops) {
            continue;
        }
        struct host *h = &tr->hosts[tr->n_hosts];
        tr->host_of_node[i] = (int32_t) tr->n_hosts;
        h->tr = tr;
        h->node = n;
        h->h = tr->n_hosts++;
        h->rr = g_new0(struct rr, n->n_ports ? n->n_ports : 1);
        char name[256];
        g_snprintf(name, sizeof name, "%s/packets", n->name);
        nvo_rng_init(&h->rng, net->cfg.seed, net->cfg.run, name);
        h->n_vms = vms_on[i];
        h->nic_ev = NVO_EVENT_NONE;
        h->headroom = tr->vm_mode ? NVO_PKT_HEADROOM
                                  : NVO_PKT_UNDERLAY_HEADROOM;
        for (uint32_t p = 0; !tr->vm_mode && p < n->n_ports; p++) {
            nvo_node_set_port_idle(n, p, port_idle__, h);
            const struct nvo_node *peer = nvo_net_node(net, n->peer[p]);
            if (peer->ops != &nvo_switch_ops && peer->ops != &nvo_host_ops) {
                h->headroom = NVO_PKT_HEADROOM;
            }
        }
    }
    g_free(vms_on);
    nvo_net_add_route_listener(net, routes_changed__, tr);
    bool incast = false;
    for (size_t g = 0; g < n_cfgs; g++) {
        incast |= cfgs[g].pattern == NVO_PATTERN_INCAST;
    }
    if ((!tr->vm_mode && tr->n_hosts < 2 && n_cfgs > 0)
        || (tr->vm_mode && (incast || !tr->vm.send))
        || endpoints__(tr)) {
        nvo_traffic_destroy(tr);
        errno = EINVAL;
        return NULL;
    }
    /* The sink: every host takes its generators' protocol and port
     * (before any arrival is scheduled). */
    for (uint32_t i = 0; !tr->vm_mode && i < tr->n_hosts; i++) {
        for (size_t g = 0; g < n_cfgs; g++) {
            int error = bind_sink__(tr, tr->hosts[i].node, &cfgs[g]);
            if (error) {
                nvo_traffic_destroy(tr);
                errno = error;
                return NULL;
            }
        }
    }
    vm_stack_init__(tr);
    tr->gens = g_new0(struct tgen, n_cfgs ? n_cfgs : 1);
    tr->n_gens = n_cfgs;
    for (size_t i = 0; i < n_cfgs; i++) {
        tr->gens[i].cfg = cfgs[i];
        tr->gens[i].tr = tr;
        int error = gen_init__(tr, &tr->gens[i], i);
        if (error) {
            nvo_traffic_destroy(tr);
            errno = error;
            return NULL;
        }
    }
    return tr;
}

void
nvo_traffic_destroy(struct nvo_traffic *tr)
{
    if (!tr) {
        return;
    }
    for (uint32_t i = 0; i < tr->n_hosts; i++) {
        struct nvo_node *n = tr->hosts[i].node;
        if (tr->vm_mode) {
            nvo_engine_cancel(tr->net->engine, tr->hosts[i].nic_ev);
            cq_free__(&tr->hosts[i]);
        } else {
            for (uint32_t p = 0; p < n->n_ports; p++) {
                nvo_node_set_port_idle(n, p, NULL, NULL);
            }
            unbind_sink__(tr, n);
        }
        g_free(tr->hosts[i].rr);
    }
    vm_stack_destroy__(tr);
    g_free(tr->ep_host);
    g_free(tr->ep_pos);
    g_free(tr->ep_group);
    g_free(tr->members);
    g_free(tr->group_start);
    for (size_t i = 0; i < tr->n_gens; i++) {
        g_free(tr->gens[i].perm);
        g_free(tr->gens[i].sources);
    }
    g_free(tr->gens);
    g_free(tr->hosts);
    g_free(tr->host_of_node);
    g_ptr_array_free(tr->flows, TRUE);
    nvo_net_remove_route_listener(tr->net, routes_changed__, tr);
    g_free(tr);
}

struct in_net_ctx__ {
    uint64_t *in_net;
    guint n;
};

static void
in_net_add__(void *ctx, const struct nvo_pkt *p)
{
    struct in_net_ctx__ *c = ctx;
    if (p->flow_id && p->flow_id <= c->n) {
        c->in_net[p->flow_id - 1] += p->payload_size;
    }
}

/* Sorts every flow into completed, running or lost: a flow whose payload
 * sent is more than its payload delivered and in the network lost a
 * packet (every packet carries at least one payload byte). */
static void
flow_fates__(const struct nvo_traffic *tr, struct nvo_traffic_stats *st)
{
    guint n = tr->flows->len;
    uint64_t *in_net = g_new0(uint64_t, n ? n : 1);
    for (uint32_t i = 0; i < nvo_net_n_nodes(tr->net); i++) {
        const struct nvo_node *node = nvo_net_node(tr->net, i);
        for (uint32_t p = 0; p < node->n_ports; p++) {
            const struct nvo_port *port = &node->ports[p];
            const struct nvo_fifo *q[] = { &port->q_ctrl, &port->q_data,
                                           &port->wire };
            for (size_t k = 0; k < NVO_ARRAY_SIZE(q); k++) {
                for (const struct nvo_pkt *pk = q[k]->head; pk;
                     pk = pk->next) {
                    if (pk->flow_id && pk->flow_id <= n) {
                        in_net[pk->flow_id - 1] += pk->payload_size;
                    }
                }
            }
        }
    }
    for (uint32_t v = 0; tr->arp && v < tr->n_ep; v++) {
        struct in_net_ctx__ c = { in_net, n };
        nvo_vm_arp_foreach_queued(&tr->arp[v], in_net_add__, &c);
    }
    for (uint32_t i = 0; i < tr->n_hosts; i++) {
        for (const struct ctl_frame *c = tr->hosts[i].cq_head; c;
             c = c->next) {
            if (c->p->flow_id && c->p->flow_id <= n) {
                in_net[c->p->flow_id - 1] += c->p->payload_size;
            }
        }
    }
    uint64_t completed = 0;
    st->flows_running = st->flows_lost = st->flows_unaccounted = 0;
    for (guint i = 0; i < n; i++) {
        const struct flow *f = g_ptr_array_index(tr->flows, i);
        if (f->rcvd == f->size) {
            completed++;
        } else if (f->rcvd + in_net[i] > f->sent && !tr->vm_mode) {
            st->flows_unaccounted++;
        } else if (f->rcvd + in_net[i] < f->sent) {
            /* VM mode: replicas of a flooded frame may count twice in
             * the network (the copy that reaches the VM is not known
             * before), so only less than sent is a loss. */
            st->flows_lost++;
        } else {
            st->flows_running++;
        }
    }
    st->flows_unaccounted += completed > tr->flows_completed
                             ? completed - tr->flows_completed
                             : tr->flows_completed - completed;
    g_free(in_net);
}

void
nvo_traffic_drain(struct nvo_traffic *tr, nvo_time_t deadline)
{
    for (size_t g = 0; g < tr->n_gens; g++) {
        for (uint32_t i = 0; i < tr->gens[g].n_sources; i++) {
            struct source *s = &tr->gens[g].sources[i];
            nvo_engine_cancel(tr->net->engine, s->next_arrival);
            s->next_arrival = NVO_EVENT_NONE;
        }
    }
    for (uint32_t v = 0; tr->bum && v < tr->n_ep; v++) {
        nvo_engine_cancel(tr->net->engine, tr->bum[v].ev);
        tr->bum[v].ev = NVO_EVENT_NONE;
    }
    tr->deadline = deadline;
    tr->deadline_hit = false;
}

bool
nvo_traffic_flow(const struct nvo_traffic *tr, uint64_t i, uint32_t *src,
                 uint32_t *dst, nvo_time_t *start)
{
    if (i >= tr->flows->len) {
        return false;
    }
    const struct flow *f = g_ptr_array_index(tr->flows, i);
    *src = f->src_ep;
    *dst = f->dst_ep;
    *start = f->start;
    return true;
}

struct flow_pkts_ctx__ {
    uint64_t *pkts;
    guint n;
};

static void
flow_pkts_add__(void *ctx, const struct nvo_pkt *p)
{
    struct flow_pkts_ctx__ *c = ctx;
    if (p->flow_id && p->flow_id <= c->n) {
        c->pkts[p->flow_id - 1]++;
    }
}

struct nvo_traffic_flow_rec *
nvo_traffic_flow_records(const struct nvo_traffic *tr, uint64_t *n_out)
{
    guint n = tr->flows->len;
    uint64_t *in_net = g_new0(uint64_t, n ? n : 1);
    for (uint32_t i = 0; i < nvo_net_n_nodes(tr->net); i++) {
        const struct nvo_node *node = nvo_net_node(tr->net, i);
        for (uint32_t p = 0; p < node->n_ports; p++) {
            const struct nvo_port *port = &node->ports[p];
            const struct nvo_fifo *q[] = { &port->q_ctrl, &port->q_data,
                                           &port->wire };
            for (size_t k = 0; k < NVO_ARRAY_SIZE(q); k++) {
                for (const struct nvo_pkt *pk = q[k]->head; pk;
                     pk = pk->next) {
                    if (pk->flow_id && pk->flow_id <= n) {
                        in_net[pk->flow_id - 1]++;
                    }
                }
            }
        }
    }
    struct flow_pkts_ctx__ c = { in_net, n };
    for (uint32_t v = 0; tr->arp && v < tr->n_ep; v++) {
        nvo_vm_arp_foreach_queued(&tr->arp[v], flow_pkts_add__, &c);
    }
    for (uint32_t i = 0; i < tr->n_hosts; i++) {
        for (const struct ctl_frame *cf = tr->hosts[i].cq_head; cf;
             cf = cf->next) {
            flow_pkts_add__(&c, cf->p);
        }
    }
    struct nvo_traffic_flow_rec *r = g_new0(struct nvo_traffic_flow_rec,
                                            n ? n : 1);
    for (guint i = 0; i < n; i++) {
        const struct flow *f = g_ptr_array_index(tr->flows, i);
        r[i].src_ep = f->src_ep;
        r[i].dst_ep = f->dst_ep;
        r[i].src_node = f->src->node->index;
        r[i].dst_node = f->dst;
        r[i].size = f->size;
        r[i].start = f->start;
        r[i].completion = f->done;
        r[i].pkts_sent = f->pkts_sent;
        r[i].pkts_delivered = f->pkts_rcvd;
        r[i].pkts_in_net = in_net[i];
        uint64_t accounted = f->pkts_rcvd + in_net[i];
        r[i].pkts_lost = f->pkts_sent > accounted ? f->pkts_sent - accounted
                                                  : 0;
    }
    g_free(in_net);
    *n_out = n;
    return r;
}

bool
nvo_traffic_idle(const struct nvo_traffic *tr)
{
    for (uint32_t i = 0; i < tr->n_hosts; i++) {
        const struct host *h = &tr->hosts[i];
        if (h->busy || h->cq_head) {
            return false;
        }
        for (uint32_t p = 0; p < (h->node->n_ports ? h->node->n_ports : 1);
             p++) {
            if (h->rr[p].head) {
                return false;
            }
        }
    }
    return true;
}

bool
nvo_traffic_deadline_hit(const struct nvo_traffic *tr)
{
    return tr->deadline_hit;
}

void
nvo_traffic_get_stats(const struct nvo_traffic *tr,
                      struct nvo_traffic_stats *st)
{
    st->flows_started = tr->flows->len;
    st->flows_completed = tr->flows_completed;
    flow_fates__(tr, st);
    st->pkts_sent = tr->pkts_sent;
    st->pkts_delivered = tr->pkts_delivered;
    st->bytes_sent = tr->bytes_sent;
    st->bytes_delivered = tr->bytes_delivered;
    st->payload_delivered = tr->payload_delivered;
    st->flows_stalled = 0;
    for (uint32_t i = 0; i < tr->n_hosts; i++) {
        const struct host *h = &tr->hosts[i];
        for (uint32_t p = 0; p < h->node->n_ports; p++) {
            const struct nvo_link *l = h->node->ports[p].link;
            if (l && l->up) {
                continue;
            }
            for (const struct flow *f = h->rr[p].head; f; f = f->next) {
                st->flows_stalled++;
            }
        }
    }
    st->latency = &tr->latency;
    st->fct = &tr->fct;
}
