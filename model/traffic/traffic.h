/* traffic.h: underlay traffic between hypervisors, or (VM mode, below)
 * tenant traffic between the VMs of a tenant, through their PEs.
 *
 * Flows arrive at each sending hypervisor as a Poisson process; each flow
 * has a destination given by the pattern, a size drawn from a distribution
 * (fixed, exponential, or an empirical CDF such as web search or Hadoop),
 * and is cut into packets of a fixed IP size or of simple IMIX sizes.  A
 * hypervisor's NIC sends at line rate, round-robin over its active flows
 * (the flows' data waits in the host, as in socket buffers), so hosts do
 * not drop; the fabric does.  Flows are open-loop: UDP, or TCP-formatted
 * segments without congestion control.  A dual-homed hypervisor picks its
 * uplink per flow with its ECMP hash.
 *
 * Measured: per-packet one-way latency (creation to delivery) and flow
 * completion time (arrival of the flow to delivery of its last byte), in
 * histograms; packets sent and delivered; and every flow's fate: each
 * flow started is completed (all its payload delivered), lost (a packet
 * of it was dropped: open loop, it never completes) or still running
 * (payload at its host or in the network).  Flow completion times cover
 * completed flows only. */
#ifndef NVO_TRAFFIC_H
#define NVO_TRAFFIC_H

#include "fabric/net.h"
#include "core/rng.h"
#include "core/stats.h"
#include "traffic/vm_arp.h"

enum nvo_pattern {
    NVO_PATTERN_PERMUTATION,    /* each host to one other, a derangement */
    NVO_PATTERN_RANDOM_PAIRS,   /* each flow to a uniformly random host */
    NVO_PATTERN_ALL_TO_ALL,     /* each host to every other, in turn */
    NVO_PATTERN_INCAST,         /* 'senders' hosts to one target */
    NVO_PATTERN_N
};

enum nvo_size_dist {
    NVO_SIZE_FIXED,
    NVO_SIZE_EXPONENTIAL,
    NVO_SIZE_CDF,
};

enum nvo_pktsize_dist {
    NVO_PKTSIZE_FIXED,
    NVO_PKTSIZE_IMIX,           /* IP sizes 40, 576, 1500 in ratio 7:4:1 */
};

const char *nvo_pattern_name(enum nvo_pattern);
bool nvo_pattern_from_name(const char *, enum nvo_pattern *);

/* One <flows> element of a scenario. */
struct nvo_traffic_cfg {
    const char *name;           /* for RNG stream names; not owned */
    enum nvo_pattern pattern;
    int incast_target;          /* node index, or -1: the first hypervisor */
    uint32_t incast_senders;    /* 0: every other hypervisor */

    enum nvo_size_dist size_dist;
    double size_bytes;          /* fixed size, or exponential mean */
    const struct nvo_cdf *cdf;  /* NVO_SIZE_CDF; not owned */

    double flows_per_sec;       /* Poisson rate per sending host; if 0,
                                 * computed from 'load' */
    double load;                /* offered payload load as a fraction of
                                 * the host's access link rate */

    enum nvo_pktsize_dist pkt_dist;
    uint32_t pkt_size;          /* IP packet bytes (FIXED) */
    uint8_t proto;              /* 17 UDP or 6 TCP */
    uint16_t sport;             /* 0: a random ephemeral port per flow */
    uint16_t dport;

    nvo_time_t start, stop;     /* flows arrive in [start, stop) */
    uint64_t max_flows;         /* per sending host; 0 = no limit */
};

struct nvo_traffic;

/* Sets up traffic 'cfgs' (copied, but not the CDFs they point to) on the
 * hypervisors of 'net' (finalized), and schedules the first arrivals.
 * Returns NULL with errno EINVAL if the network has fewer than two
 * hypervisors, or an incast target is not a hypervisor; EADDRINUSE if a
 * generator's protocol and destination port is bound on a hypervisor by
 * someone else (the sink binds them: nvo_node_bind_udp / _tcp). */
struct nvo_traffic *nvo_traffic_create(struct nvo_net *net,
                                       const struct nvo_traffic_cfg *cfgs,
                                       size_t n_cfgs);
void nvo_traffic_destroy(struct nvo_traffic *);

/* VM mode (a scenario's <overlay>): the endpoints are VMs, not the
 * hypervisors.  Every pattern pairs VMs of the same group (tenant):
 * permutation is a derangement within each group, random pairs and
 * all-to-all stay in the group; a group of one VM sends nothing; incast
 * is refused (EINVAL).  A flow's packets are tenant frames (Ethernet with
 * the VMs' MACs / IPv4 with their addresses / UDP or TCP; pkt_size is the
 * inner IP size) handed to 'send', which encapsulates them (the PE's
 * virtual switch) and returns how many bytes, framing included, it put on
 * its hypervisor's first uplink: the hypervisor's NIC, one per hypervisor
 * and shared round-robin by its VMs' flows, is busy that long at the
 * link's rate (a frame delivered locally, 0 bytes, takes its own length).
 * A load is split evenly over the VMs of a hypervisor.  The owner reports
 * each delivered tenant frame with nvo_traffic_vm_deliver().  No sink is
 * bound and no port idle callback is set. */
struct nvo_traffic_vm {
    uint32_t node;              /* its hypervisor's node index */
    uint32_t group;             /* its tenant, 0 .. n_groups - 1 */
    uint8_t mac[6];
    uint32_t ip4;
};

typedef uint64_t nvo_traffic_vm_send_fn(void *ctx, uint32_t vm,
                                        struct nvo_pkt *p);

/* A Microsoft NLB-style cluster (unicast mode) of VMs of one group: a
 * VM outside it that sends to a member addresses the cluster's IPv4 and
 * MAC (a MAC no VM sources), and with ARP the cluster IP resolves to the
 * cluster MAC (members[0] answers).  docs/vm-traffic.md. */
struct nvo_traffic_nlb {
    uint8_t mac[6];
    uint32_t ip4;
    const uint32_t *members;            /* VMs; not owned */
    uint32_t n_members;
};

struct nvo_traffic_vms {
    const struct nvo_traffic_vm *vms;   /* not owned; must outlive it */
    uint32_t n_vms, n_groups;
    nvo_traffic_vm_send_fn *send;       /* takes p */
    void *ctx;
    /* The BUM a VM sends (docs/vm-traffic.md); zero: none of it. */
    bool arp;                           /* resolve with ARP (else every
                                         * VM knows every address) */
    struct nvo_vm_arp_cfg arp_cfg;
    double broadcast_rate;              /* per VM, frames/s, Poisson */
    double multicast_rate;
    uint32_t broadcast_size;            /* IP bytes, >= 28 */
    uint32_t multicast_size;
    const struct nvo_traffic_nlb *nlb;  /* not owned */
    uint32_t n_nlb;
};

struct nvo_traffic *nvo_traffic_create_vms(struct nvo_net *net,
                                           const struct nvo_traffic_cfg *cfgs,
                                           size_t n_cfgs,
                                           const struct nvo_traffic_vms *);

/* A tenant frame of this traffic reached its VM (VM mode); 'p' is the
 * caller's. */
void nvo_traffic_vm_deliver(struct nvo_traffic *, const struct nvo_pkt *p);

/* A frame reached VM 'vm' (VM mode): ARP is answered or learned (and
 * frames waiting for it sent), a flow's frame counted if 'vm' is its
 * destination (an NLB cluster's other members drop their copies).  'p'
 * is the caller's. */
void nvo_traffic_vm_deliver_to(struct nvo_traffic *, uint32_t vm,
                               const struct nvo_pkt *p);

/* VM 'vm' now sends from hypervisor node 'node' (a VM move): its flows
 * and queued frames go to that NIC.  Returns 0 or EINVAL (not a
 * hypervisor of the traffic). */
int nvo_traffic_vm_move(struct nvo_traffic *, uint32_t vm, uint32_t node);

/* VM-mode counters: what the VMs' stacks sent and received. */
struct nvo_traffic_vm_stats {
    uint64_t arp_requests;      /* broadcast ARP requests sent */
    uint64_t arp_replies;       /* unicast ARP replies sent */
    uint64_t arp_hits;          /* frames whose address was cached */
    uint64_t arp_queued;        /* frames that waited for a reply */
    uint64_t arp_queue_drops;   /* oldest waiting frames dropped at the
                                 * queue limit */
    uint64_t arp_waiting;       /* frames waiting now */
    uint64_t broadcasts;        /* broadcast frames (not ARP) sent */
    uint64_t multicasts;        /* multicast frames sent */
    uint64_t nlb_frames;        /* flow frames sent to a cluster MAC */
    uint64_t nlb_copies_ignored;  /* copies other members received */
    uint64_t arp_entries;       /* cache entries, every VM */
    uint64_t arp_cache_bytes;   /* their arrays' bytes */
};
void nvo_traffic_vm_get_stats(const struct nvo_traffic *,
                              struct nvo_traffic_vm_stats *);

/* Flow 'i' (0-based, in arrival order): its source and destination
 * endpoints (VM mode: VMs; else host indices in node order) and arrival
 * time.  Returns false if there is no such flow. */
bool nvo_traffic_flow(const struct nvo_traffic *, uint64_t i,
                      uint32_t *src, uint32_t *dst, nvo_time_t *start);

/* Per-flow records (flows.csv, docs/outputs.md): for every flow, in
 * arrival order (record i is flow i + 1), its endpoints (as
 * nvo_traffic_flow()) and their nodes (the hosts' node indices when the
 * flow arrived), its payload size, arrival and completion (its last
 * payload byte delivered; -1 if not), and its packets: sent by the host,
 * delivered to the destination, in the network now (queued, on a wire,
 * waiting for ARP or at a NIC), and lost = sent - delivered - in the
 * network (0 if that is negative: VM mode, replicas of a flooded frame
 * may each count in the network).  A new array of *n records (g_free;
 * never NULL).  O(flows + frames in flight). */
struct nvo_traffic_flow_rec {
    uint32_t src_ep, dst_ep;
    uint32_t src_node, dst_node;
    uint64_t size;              /* payload bytes */
    nvo_time_t start, completion;
    uint64_t pkts_sent, pkts_delivered, pkts_in_net, pkts_lost;
};
struct nvo_traffic_flow_rec *
nvo_traffic_flow_records(const struct nvo_traffic *, uint64_t *n);

/* True if no host has flow data left to send and (VM mode) no NIC is
 * sending. */
bool nvo_traffic_idle(const struct nvo_traffic *);

struct nvo_traffic_stats {
    /* flows_started == flows_completed + flows_running + flows_lost,
     * unless packets were lost uncounted (then flows_unaccounted > 0). */
    uint64_t flows_started, flows_completed;
    uint64_t flows_running;     /* payload not yet all delivered, none
                                 * lost: at the host or in the network */
    uint64_t flows_lost;        /* at least one packet dropped */
    uint64_t flows_unaccounted; /* more payload delivered or in flight
                                 * than sent, or counted completed
                                 * twice: a bug; 0 */
    uint64_t pkts_sent, pkts_delivered;
    uint64_t bytes_sent, bytes_delivered;   /* wire bytes of the frames */
    uint64_t payload_delivered;             /* flow payload bytes */
    uint64_t flows_stalled;     /* flows with data waiting at a host on an
                                 * uplink that is down */
    const struct nvo_hist *latency;         /* ps, per packet */
    const struct nvo_hist *fct;             /* ps, per completed flow */
};

/* Fills 'st'.  The flows' fates are found by walking every flow and
 * every frame in the network: O(flows + frames in flight). */
void nvo_traffic_get_stats(const struct nvo_traffic *,
                           struct nvo_traffic_stats *);

/* Drain: no flow arrives from now on (pending arrivals are cancelled),
 * and once the time reaches 'deadline' the first host transmission or
 * delivery stops the engine (nvo_engine_stop()), leaving what is left in
 * the network.  nvo_traffic_deadline_hit() says whether it did. */
void nvo_traffic_drain(struct nvo_traffic *, nvo_time_t deadline);
bool nvo_traffic_deadline_hit(const struct nvo_traffic *);

#endif
