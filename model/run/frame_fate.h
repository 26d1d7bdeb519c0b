/* frame_fate.h: the fate of the VMs' flow frames, charged to the control
 * events of a run with a control plane (docs/control-planes.md, "Frames
 * lost and misdelivered"; results.xml <control><event frames-*>).
 *
 * A flow frame (a tenant frame of a VM's flow, pkt flow_id != 0) is
 * charged to the latest control event at or before its creation time
 * (nvo_sim_ctrl_event_at(), the rule control-plane changes follow).  It
 * is counted when its VM hands it to its PE (sent), and then by its one
 * end, each seen in one shared place: a delivery through the PEs' deliver
 * hook (run/sim_overlay.c) and a drop through the network's drop hook
 * (fabric/net.h), which every port, the node base and the PE call for
 * every frame they drop.  Floods are counted apart: a frame the ingress
 * PE floods (its destination MAC unknown there), or an H-VPLS hub floods
 * on in transit (NVO_PE_HOOK_TRANSIT_FLOOD), is 'flooded' and its
 * copies (class NVO_TC_BUM, overlay/pe_node.h) are not followed; so for
 * each event
 *   sent = delivered + misdelivered + lost (all causes) + flooded
 *          + in flight (still in the network or waiting at the end).
 * A frame dropped at a PE that hosts its tenant but not the destination
 * VM (the old PE after a move: split horizon sends nothing back into the
 * overlay) is misdelivered; one a PE delivers to a VM other than the
 * flow's destination is a wrong-VM copy (counted, not a frame's end). */
#ifndef NVO_RUN_FRAME_FATE_H
#define NVO_RUN_FRAME_FATE_H

#include "fabric/net.h"
#include "run/sim_ctrl.h"

/* Why a flow frame was lost. */
enum nvo_fate_loss {
    NVO_FATE_LOST_QUEUE,        /* a port's drop-tail queue was full */
    NVO_FATE_LOST_LINK,         /* a link down: queued, on its wire, or
                                 * sent to it */
    NVO_FATE_LOST_NODE,         /* arrived at a node that is down */
    NVO_FATE_LOST_ROUTE,        /* no underlay route, or the TTL ran out */
    NVO_FATE_LOST_PE,           /* at a PE: a VNI (label) it does not
                                 * host, or the pseudowire down (VPLS) */
    NVO_FATE_LOST_OTHER,        /* link MTU, too big to encapsulate, not
                                 * decapsulated, not IP, no listener */
    NVO_FATE_LOST_N
};

/* The forwarding-state losses: link, node, route and PE (not the queue's
 * congestion, not the configuration's "other"). */
static inline bool
nvo_fate_loss_forwarding(enum nvo_fate_loss k)
{
    return k == NVO_FATE_LOST_LINK || k == NVO_FATE_LOST_NODE
           || k == NVO_FATE_LOST_ROUTE || k == NVO_FATE_LOST_PE;
}

const char *nvo_fate_loss_name(enum nvo_fate_loss);

struct nvo_frame_fate_counts {
    uint64_t sent;              /* handed by their VM to its PE */
    uint64_t delivered;         /* to the flow's destination VM */
    uint64_t flooded;           /* flooded by the ingress PE (or an
                                 * H-VPLS hub in transit) */
    uint64_t misdelivered;      /* dropped at a PE of the tenant that does
                                 * not host the destination VM */
    uint64_t lost[NVO_FATE_LOST_N];
    uint64_t wrong_vm;          /* copies delivered to another VM */
};

/* Sum of lost[]; of its forwarding-state part; sent less every end
 * counted (the frames in flight; 0 if that were negative); and the ends
 * counted beyond the frames sent (0 unless the books are wrong: a frame
 * ended twice, which nvo_sim_finish() reports as a conservation failure
 * rather than let "0 in flight" hide it). */
uint64_t nvo_frame_fate_lost(const struct nvo_frame_fate_counts *);
uint64_t nvo_frame_fate_lost_forwarding(const struct nvo_frame_fate_counts *);
uint64_t nvo_frame_fate_in_flight(const struct nvo_frame_fate_counts *);
uint64_t nvo_frame_fate_overcount(const struct nvo_frame_fate_counts *);

struct nvo_frame_fate;

/* Follows the flow frames of 'net' for the events of control plane 'c'
 * (sets the network's drop hook).  NULL if 'c' is NULL (no control plane:
 * no events to charge). */
struct nvo_frame_fate *nvo_frame_fate_create(struct nvo_net *net,
                                             const struct nvo_sim_ctrl *c);
void nvo_frame_fate_destroy(struct nvo_frame_fate *);  /* accepts NULL;
                                                        * unsets the hook */

/* A VM handed flow 'flow_id''s frame created at 'created' to its PE,
 * which flooded it or not. */
void nvo_frame_fate_sent(struct nvo_frame_fate *, uint64_t flow_id,
                         nvo_time_t created, bool flooded);
/* A PE delivered 'p' to a VM: the flow's destination or not.  Flood
 * copies and frames of no flow are ignored. */
void nvo_frame_fate_delivered(struct nvo_frame_fate *, const struct nvo_pkt *p,
                              bool to_destination);

/* Event i's counts (the events of nvo_sim_ctrl_event()); and the sum over
 * every event into *sum. */
const struct nvo_frame_fate_counts *
nvo_frame_fate_event(const struct nvo_frame_fate *, uint32_t i);
void nvo_frame_fate_sum(const struct nvo_frame_fate *,
                        struct nvo_frame_fate_counts *sum);
/* The first event (in event order) whose ends outnumber its frames sent,
 * with the excess in *over; -1 (and *over 0) when every event's books
 * balance or 'f' is NULL. */
int64_t nvo_frame_fate_check(const struct nvo_frame_fate *f, uint64_t *over);

#endif /* NVO_RUN_FRAME_FATE_H */
