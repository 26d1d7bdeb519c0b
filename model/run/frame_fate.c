/* frame_fate.c: the VMs' flow frames' fates per control event (see
 * frame_fate.h). */
#include "run/frame_fate.h"

#include <glib.h>

#include "overlay/pe_node.h"

struct nvo_frame_fate {
    struct nvo_net *net;
    const struct nvo_sim_ctrl *ctrl;
    struct nvo_frame_fate_counts *ev;   /* per event */
    uint32_t n_ev;
};

const char *
nvo_fate_loss_name(enum nvo_fate_loss k)
{
    switch (k) {
    case NVO_FATE_LOST_QUEUE: return "queue";
    case NVO_FATE_LOST_LINK: return "link";
    case NVO_FATE_LOST_NODE: return "node";
    case NVO_FATE_LOST_ROUTE: return "route";
    case NVO_FATE_LOST_PE: return "pe";
    case NVO_FATE_LOST_OTHER: return "other";
    case NVO_FATE_LOST_N: break;
    }
    return "?";
}

uint64_t
nvo_frame_fate_lost(const struct nvo_frame_fate_counts *k)
{
    uint64_t n = 0;
    for (int i = 0; i < NVO_FATE_LOST_N; i++) {
        n += k->lost[i];
    }
    return n;
}

uint64_t
nvo_frame_fate_lost_forwarding(const struct nvo_frame_fate_counts *k)
{
    uint64_t n = 0;
    for (int i = 0; i < NVO_FATE_LOST_N; i++) {
        n += nvo_fate_loss_forwarding((enum nvo_fate_loss) i) ? k->lost[i]
                                                              : 0;
    }
    return n;
}

static uint64_t
ended__(const struct nvo_frame_fate_counts *k)
{
    return k->delivered + k->flooded + k->misdelivered
           + nvo_frame_fate_lost(k);
}

uint64_t
nvo_frame_fate_in_flight(const struct nvo_frame_fate_counts *k)
{
    uint64_t ended = ended__(k);
    return k->sent > ended ? k->sent - ended : 0;
}

uint64_t
nvo_frame_fate_overcount(const struct nvo_frame_fate_counts *k)
{
    uint64_t ended = ended__(k);
    return ended > k->sent ? ended - k->sent : 0;
}

/* A frame of a flow's, not a flood's copy, and (STT) its first segment:
 * the one a PE decapsulates. */
static bool
followed__(const struct nvo_pkt *p)
{
    return p->flow_id && p->tclass != NVO_TC_BUM && p->stt_segment <= 1;
}

static struct nvo_frame_fate_counts *
counts__(struct nvo_frame_fate *f, nvo_time_t created)
{
    return &f->ev[nvo_sim_ctrl_event_at(f->ctrl, created)];
}

/* The network's drop hook: the cause of a followed frame's loss. */
static void
drop__(void *ctx, const struct nvo_node *n, const struct nvo_pkt *p,
       enum nvo_drop_site site, int reason)
{
    struct nvo_frame_fate *f = ctx;
    if (!followed__(p)) {
        return;
    }
    struct nvo_frame_fate_counts *k = counts__(f, p->created);
    enum nvo_fate_loss why = NVO_FATE_LOST_OTHER;
    switch (site) {
    case NVO_DROP_SITE_PORT:
        why = reason == NVO_DROP_QUEUE ? NVO_FATE_LOST_QUEUE
              : reason == NVO_DROP_LINK_DOWN ? NVO_FATE_LOST_LINK
              : NVO_FATE_LOST_OTHER;
        break;
    case NVO_DROP_SITE_NODE:
        why = reason == NVO_NODE_DROP_NODE_DOWN ? NVO_FATE_LOST_NODE
              : reason == NVO_NODE_DROP_NO_ROUTE || reason == NVO_NODE_DROP_TTL
              ? NVO_FATE_LOST_ROUTE : NVO_FATE_LOST_OTHER;
        break;
    case NVO_DROP_SITE_ROLE:
        if (!nvo_pe_node_of((struct nvo_node *) n)) {
            break;
        }
        if (reason == NVO_PE_DROP_NO_VM) {
            k->misdelivered++;
            return;
        }
        if (reason == NVO_PE_HOOK_TRANSIT_FLOOD) {
            k->flooded++;       /* an H-VPLS hub flooded it on */
            return;
        }
        why = reason == NVO_PE_DROP_NO_TENANT || reason == NVO_PE_HOOK_PW_DOWN
              ? NVO_FATE_LOST_PE : NVO_FATE_LOST_OTHER;
        break;
    }
    k->lost[why]++;
}

struct nvo_frame_fate *
nvo_frame_fate_create(struct nvo_net *net, const struct nvo_sim_ctrl *c)
{
    if (!c) {
        return NULL;
    }
    struct nvo_frame_fate *f = g_new0(struct nvo_frame_fate, 1);
    f->net = net;
    f->ctrl = c;
    f->n_ev = nvo_sim_ctrl_n_events(c);
    f->ev = g_new0(struct nvo_frame_fate_counts, f->n_ev ? f->n_ev : 1);
    nvo_net_set_drop_hook(net, drop__, f);
    return f;
}

void
nvo_frame_fate_destroy(struct nvo_frame_fate *f)
{
    if (!f) {
        return;
    }
    nvo_net_set_drop_hook(f->net, NULL, NULL);
    g_free(f->ev);
    g_free(f);
}

void
nvo_frame_fate_sent(struct nvo_frame_fate *f, uint64_t flow_id,
                    nvo_time_t created, bool flooded)
{
    if (!f || !flow_id) {
        return;
    }
    struct nvo_frame_fate_counts *k = counts__(f, created);
    k->sent++;
    k->flooded += flooded;
}

void
nvo_frame_fate_delivered(struct nvo_frame_fate *f, const struct nvo_pkt *p,
                         bool to_destination)
{
    if (!f || !followed__(p)) {
        return;
    }
    struct nvo_frame_fate_counts *k = counts__(f, p->created);
    if (to_destination) {
        k->delivered++;
    } else {
        k->wrong_vm++;
    }
}

const struct nvo_frame_fate_counts *
nvo_frame_fate_event(const struct nvo_frame_fate *f, uint32_t i)
{
    return &f->ev[i];
}

void
nvo_frame_fate_sum(const struct nvo_frame_fate *f,
                   struct nvo_frame_fate_counts *sum)
{
    *sum = (struct nvo_frame_fate_counts) { 0 };
    for (uint32_t i = 0; f && i < f->n_ev; i++) {
        const struct nvo_frame_fate_counts *k = &f->ev[i];
        sum->sent += k->sent;
        sum->delivered += k->delivered;
        sum->flooded += k->flooded;
        sum->misdelivered += k->misdelivered;
        sum->wrong_vm += k->wrong_vm;
        for (int j = 0; j < NVO_FATE_LOST_N; j++) {
            sum->lost[j] += k->lost[j];
        }
    }
}

int64_t
nvo_frame_fate_check(const struct nvo_frame_fate *f, uint64_t *over)
{
    *over = 0;
    for (uint32_t i = 0; f && i < f->n_ev; i++) {
        uint64_t o = nvo_frame_fate_overcount(&f->ev[i]);
        if (o) {
            *over = o;
            return i;
        }
    }
    return -1;
}
