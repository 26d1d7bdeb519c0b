/* mcast.h: IP multicast forwarding in the fabric: IGMPv3 membership on
 * the switches' host ports, PIM-SM or BIDIR-PIM shared trees toward a
 * configured rendezvous point (RP), (*,G) and (S,G) state per switch, and
 * replication at branch points.  The overlay's multicast flooding
 * (docs/multicast.md) runs on it.
 *
 * A network has it when nvo_mcast_attach() was called (net->mcast); then
 * the node base hands frames to an IPv4 multicast destination to the
 * roles' receive hook instead of dropping them as "no-route":
 *   - a switch (switch.c) passes them to nvo_mcast_switch_receive():
 *     IGMPv3 reports (wire/igmp.h) from hosts and PIM Hello / Join/Prune
 *     (wire/pim.h) from neighbours are consumed (counted as delivered
 *     locally); a data frame to group G is forwarded, TTL decremented, to
 *     every interface of G's tree but the one it came in on (one copy per
 *     interface, each copy but the first counted as a frame the network
 *     generated, so conservation holds);
 *   - a host role calls nvo_mcast_host_join() to send IGMPv3 reports and
 *     nvo_mcast_host_send() for the frames it sends to a group; a frame to
 *     a group arriving at a host is the host's to deliver.
 *
 * Control plane.  At start and every NVO_MCAST_HELLO_PERIOD every switch
 * sends a PIM Hello on each link to another switch; every
 * NVO_MCAST_JOIN_PERIOD it re-sends the (*,G) joins of its state upstream
 * (the periodic Join/Prune); every IGMP Query Interval (125 s, the first
 * at 125 s) it sends a General Query on each host port, which the hosts
 * answer with Current-State Reports.  State never times out, so the
 * refreshes are traffic only.  A switch receiving a report with a (*,G) join (record
 * TO_EX or IS_EX with no sources) on a host port adds that port to G's
 * (*,G) outgoing interfaces; a switch that thereby creates (*,G) state
 * and is not the RP sends a PIM Join (*,G) to its upstream neighbour: the
 * next hop toward the RP over the unicast routes, among equal-cost next
 * hops the one of index nvo_mcast_hash(G) mod n (ports ascending), and
 * that neighbour does the same (RFC 7761 4.5.6).  The tree is thus the
 * union of the joined switches' paths to the RP.
 *
 * Data plane.  Both modes forward on the shared tree bidirectionally (the
 * BIDIR-PIM rule of RFC 5015, DF = the unicast upstream): a frame of G
 * goes to (oifs(*,G) + upstream) minus the incoming interface; a switch
 * without (*,G) state sends it toward the RP (upstream) unless it came
 * from there; what is left with no interface ends there ("absorbed", a
 * local delivery for conservation).  That is BIDIR-PIM's forwarding.
 *
 * PIM-SM (RFC 7761 4.4) registers sources: the first-hop switch of a
 * source (its DR) creates (S,G) state at the source's first packet,
 * forwards it to its own (*,G) receivers and encapsulates it in a
 * Register, unicast to the RP.  The RP decapsulates it and sends it down
 * the shared tree, and joins (S,G) toward the source (an (S,G) Join hop
 * by hop to the DR); once native (S,G) data arrives on that tree the RP
 * sends the DR a Register-Stop, and Registers that still arrive are
 * dropped and answered with one (so is every Register when the RP has no
 * receivers).  The DR stops encapsulating for Register_Suppression_Time
 * (60 s) less Register_Probe_Time (5 s), then sends a Null-Register,
 * which the RP answers with a Register-Stop, and resumes encapsulating if
 * none came within 5 s.  Data of (S,G) is forwarded on the (S,G)
 * interfaces plus the (*,G) ones when it arrives on the RPF port toward
 * S (or decapsulated at the RP); a switch with (S,G) state drops S's
 * packets arriving elsewhere (the RPF check: counted rpf_fail); a switch
 * without it forwards (*,G) data only from its upstream toward the RP.
 * The receivers' last-hop switches do not switch to the shortest-path
 * tree (no SPT switchover).  See docs/multicast.md, Scope and
 * Limitations. */
#ifndef NVO_MCAST_H
#define NVO_MCAST_H

#include "core/units.h"
#include "fabric/node.h"
#include "wire/pkt.h"

struct nvo_net;
struct nvo_mcast;

enum nvo_mcast_pim {
    NVO_MCAST_PIM_SM,           /* PIM-SM, RFC 7761 */
    NVO_MCAST_PIM_BIDIR,        /* BIDIR-PIM, RFC 5015 */
};

const char *nvo_mcast_pim_name(enum nvo_mcast_pim);

struct nvo_mcast_cfg {
    enum nvo_mcast_pim pim;
    uint32_t rp;                /* node index of the RP: a switch */
};

/* One switch's multicast state and counters. */
struct nvo_mcast_sw_stats {
    uint32_t star_g;            /* (*,G) entries */
    uint32_t s_g;               /* (S,G) entries (PIM-SM) */
    uint32_t oifs;              /* outgoing interfaces over the (*,G) */
    uint32_t pim_neighbors;     /* neighbours heard a Hello from */
    uint64_t igmp_rx;           /* IGMPv3 reports received */
    uint64_t hello_tx, hello_rx;
    uint64_t join_tx, join_rx;  /* Join/Prune messages */
    uint64_t bad_rx;            /* control messages refused (checksum,
                                 * format, a host port's PIM, ...) */
    uint64_t data_rx;           /* multicast data frames received */
    uint64_t copies;            /* frames sent for them (BUM copies) */
    uint64_t no_state;          /* of data_rx: sent toward the RP without
                                 * (*,G) state */
    uint64_t absorbed;          /* of data_rx: no interface left */
    uint64_t rpf_fail;          /* of data_rx: PIM-SM, S's packet off its
                                 * RPF port: dropped */
    uint64_t register_tx;       /* PIM-SM DR: Registers with data sent */
    uint64_t null_register_tx;  /* ... Null-Registers (probes) sent */
    uint64_t register_too_big;  /* ... data that a Register cannot carry */
    uint64_t register_stop_rx;  /* ... Register-Stops received */
    uint64_t register_rx;       /* PIM-SM RP: Registers with data */
    uint64_t null_register_rx;  /* ... Null-Registers received */
    uint64_t register_dropped;  /* ... Registers whose data it dropped
                                 * (SPT bit set, or no receivers) */
    uint64_t register_stop_tx;  /* ... Register-Stops sent */
    uint64_t query_tx;          /* IGMP General Queries sent */
};

/* A host's IGMP counters. */
struct nvo_mcast_host_stats {
    uint64_t joins;             /* nvo_mcast_host_join() calls with groups */
    uint64_t queries;           /* General Queries received */
    uint64_t responses;         /* Current-State Reports sent (each may be
                                 * several messages for many groups) */
    uint64_t ignored;           /* other IGMP received */
};

/* Gives 'net' multicast forwarding (before nvo_net_start(); the state is
 * built at start).  Returns 0, EINVAL (the RP is not a switch, already
 * attached, an IPv6 net) or ENOMEM.  The net frees it. */
int nvo_mcast_attach(struct nvo_net *, const struct nvo_mcast_cfg *);

/* RFC 7761 4.11 defaults: Hello_Period 30 s, t_periodic 60 s. */
#define NVO_MCAST_HELLO_PERIOD (30 * NVO_SEC)
#define NVO_MCAST_JOIN_PERIOD (60 * NVO_SEC)
/* RFC 7761 4.11: Register_Suppression_Time 60 s, Register_Probe_Time 5 s
 * (no jitter: the Register-Stop timer is 55 s). */
#define NVO_MCAST_REGISTER_SUPPRESSION (60 * NVO_SEC)
#define NVO_MCAST_REGISTER_PROBE (5 * NVO_SEC)

/* For net.c: builds the state and sends the Hellos (at start), stops the
 * periodic timer (at stop), frees. */
void nvo_mcast_start__(struct nvo_mcast *);
void nvo_mcast_stop__(struct nvo_mcast *);
void nvo_mcast_destroy__(struct nvo_mcast *);

/* For node.c: whether 'p' (parsed into rx, not for a node address) goes to
 * an IPv4 multicast address of a network with multicast forwarding. */
bool nvo_mcast_dst__(const struct nvo_node *, const struct nvo_pkt *p,
                     const struct nvo_node_rx *rx);

/* The switch role's handling of a multicast frame (above); takes 'p'. */
void nvo_mcast_switch_receive(struct nvo_node *, struct nvo_port *in,
                              struct nvo_pkt *p, const struct nvo_node_rx *);

/* Host 'n' joins groups[0..n_groups) with (*,G) CHANGE_TO_EXCLUDE records
 * in IGMPv3 reports (as many as its first uplink's MTU requires) sent on
 * its first uplink (port 0), and (the first time) binds IP protocol 2 to
 * answer General Queries: a Current-State Report (MODE_IS_EXCLUDE per
 * group) at a uniformly random time within the query's Max Resp Time
 * (stream "mcast/igmp-response"); n_groups 0 only binds.  After
 * nvo_net_start().  Returns 0, or EINVAL (no uplink, no multicast on the
 * net or not started, not a multicast group), EEXIST (IGMP bound by
 * another). */
int nvo_mcast_host_join(struct nvo_node *n, const uint32_t *groups,
                        size_t n_groups);

/* Host 'n' sends frame 'p' (to a group, parsed into rx) on its first
 * uplink; takes 'p'. */
void nvo_mcast_host_send(struct nvo_node *n, struct nvo_pkt *p,
                         const struct nvo_node_rx *rx);

/* The upstream choice among equal-cost next hops: a 32-bit mix of the
 * group address (murmur3's finalizer). */
uint32_t nvo_mcast_hash(uint32_t group);

/* A switch's state and counters; NULL for a node that is not a switch,
 * or before start. */
const struct nvo_mcast_sw_stats *nvo_mcast_stats(const struct nvo_net *,
                                                 uint32_t node);

/* A host's IGMP counters; NULL if it never called nvo_mcast_host_join(). */
const struct nvo_mcast_host_stats *
nvo_mcast_host_stats(const struct nvo_net *, uint32_t node);

/* (*,G) state of 'group' at switch 'node': 0, *n_oifs and *upstream (the
 * port toward the RP, -1 at the RP), or ENOENT. */
int nvo_mcast_entry(const struct nvo_net *, uint32_t node, uint32_t group,
                    uint32_t *n_oifs, int *upstream);

/* Sum of (*,G) and (S,G) entries over the switches. */
uint64_t nvo_mcast_state_entries(const struct nvo_net *);

/* Bytes of one (S,G) entry without its interface array (memory type
 * "mcast-s-g" counts this per entry plus the arrays, 2 bytes a port). */
size_t nvo_mcast_sg_entry_size(void);

const struct nvo_mcast_cfg *nvo_mcast_cfg(const struct nvo_net *);

#endif /* NVO_MCAST_H */
