/* pe_node.h: the hypervisor PE as a node role on a fabric, with its
 * virtual switch.
 *
 * nvo_pe_node_create() adds a hypervisor node (fabric/node.h) whose role
 * is the PE: it binds its encapsulation's UDP / TCP port or IP protocol
 * on the node (VXLAN 4789, VXLAN-GPE 4790, Geneve 6081, GRE-in-UDP 4754,
 * MPLS-in-UDP 6635, STT TCP 7471, NVGRE and MPLS over GRE IP 47, MPLS in
 * IP IP 137), decapsulates what the fabric delivers there, and sends what
 * it encapsulates through nvo_node_send(), so the fabric routes it (ECMP
 * over the uplinks, dual homing) and counts it for conservation.
 *
 * Tenants (a VNI each: the id the encapsulation carries) have VMs on this
 * PE (MAC, IPv4) and a static flood list of PEs (node indices).  The
 * virtual switch has one MAC table (overlay/mac_table.h) keyed by (VNI,
 * MAC): local entries point at a VM, remote ones at the PE node that
 * hosts the MAC, learned from the data plane (inner source MAC of a
 * decapsulated frame -> the node of its outer source address; source MAC
 * of a local VM's frame -> that VM).  A VM's frame to a known MAC goes to
 * the VM (local) or is encapsulated to that PE (remote); a broadcast,
 * multicast or unknown unicast frame is flooded by ingress replication:
 * one unicast copy to every other PE of the flood list and one to every
 * other local VM of the VNI (or, for a tenant given a group, one copy to
 * the group instead of the PE copies: nvo_pe_node_set_mcast_group()).  A frame from the overlay is never sent back
 * into it (split horizon).
 *
 * `nvosim tunnel` runs two of these PEs on one link (with static remote
 * MAC entries, nvo_pe_node_add_static_mac()).  See docs/pe.md.
 *
 * With cfg.access the PE's local side is not VMs but what the access
 * side defines (below): the VTEP on the leaf (overlay/tor_vtep.h), whose
 * locations are 802.1Q access ports toward hypervisors; the node is then
 * a leaf that also forwards transit frames.  See docs/vtep-leaf.md. */
#ifndef NVO_PE_NODE_H
#define NVO_PE_NODE_H

#include "fabric/net.h"
#include "fabric/node.h"
#include "overlay/cpu_cost.h"
#include "overlay/encap.h"
#include "overlay/mac_table.h"
#include "wire/pkt.h"

struct nvo_pe_node;
struct nvo_pe_access_ops;

/* The most segments one tenant frame may become (STT's TSO). */
#define NVO_PE_NODE_MAX_SEGMENTS 64

/* Kinds of BUM frame a VM originates (as the PE classifies the
 * destination MAC). */
enum nvo_bum_kind {
    NVO_BUM_BROADCAST,          /* ff:ff:ff:ff:ff:ff */
    NVO_BUM_MULTICAST,          /* group bit set, not broadcast */
    NVO_BUM_UNKNOWN,            /* unicast the MAC table does not know */
    NVO_BUM_N
};

const char *nvo_bum_kind_name(enum nvo_bum_kind);

/* Why the PE dropped a tenant frame or an underlay frame. */
enum nvo_pe_drop {
    NVO_PE_DROP_DECAP,          /* pop() refused the underlay frame */
    NVO_PE_DROP_NO_TENANT,      /* a VNI this PE does not host */
    NVO_PE_DROP_NO_VM,          /* unicast for a MAC of no VM here (a
                                 * flooded copy's usual fate) */
    NVO_PE_DROP_TOO_BIG,        /* over NVO_PE_NODE_MAX_SEGMENTS segments,
                                 * or the MTU leaves no room (STT) */
    NVO_PE_DROP_N
};

const char *nvo_pe_drop_name(enum nvo_pe_drop);

/* The PE tells its network's drop hook (fabric/net.h) of every frame it
 * drops, with site NVO_DROP_SITE_ROLE and an enum nvo_pe_drop as the
 * reason, or NVO_PE_HOOK_PW_DOWN for a tenant frame it could not send
 * because the pseudowire to its PE is down (VPLS; counted in the
 * pseudowire counters' tx_pw_down, not in drops[]).  Every copy of a BUM
 * frame (ingress replication, the local copies, a multicast group's) has
 * class NVO_TC_BUM, so a hook tells floods apart. */
#define NVO_PE_HOOK_PW_DOWN ((int) NVO_PE_DROP_N)
/* Not a drop: an H-VPLS hub flooded a unicast tenant frame that came
 * over a pseudowire, its destination MAC unknown at the hub; the frame
 * ends there (as a frame the ingress PE floods does), its copies are BUM.
 * The hook hears it with site NVO_DROP_SITE_ROLE so that every end of a
 * frame but a delivery passes one place. */
#define NVO_PE_HOOK_TRANSIT_FLOOD ((int) NVO_PE_DROP_N + 1)

/* Counters, per PE and per tenant.  Sending side: every VM frame
 * (vm_frames) is exactly one of local_unicast, remote_unicast, a BUM frame
 * (bum[]) or drops[TOO_BIG]; encap_frames = remote_unicast + bum_copies.
 * A BUM frame makes bum_copies (one per other PE of the flood list) and
 * bum_local_copies (one per other local VM of the VNI) replicas.
 * Receiving side: every underlay frame delivered to the binding
 * (rx_frames) is a later STT segment (rx_segments), drops[DECAP], or
 * decapsulated (rx_decap); a decapsulated frame is drops[NO_TENANT],
 * drops[NO_VM] (unicast) or reaches the VMs it is for (rx_accepted; a
 * broadcast / multicast reaches every local VM of the VNI, each a
 * delivery).  A local copy is a delivery or drops[NO_VM]. */
struct nvo_pe_node_counters {
    uint64_t vm_frames, vm_bytes;   /* frames VMs gave the PE */
    uint64_t local_unicast;     /* known local destination: to the VM */
    uint64_t remote_unicast;    /* known remote destination: one encap */
    uint64_t bum[NVO_BUM_N];    /* BUM frames originated, by kind */
    uint64_t bum_copies;        /* replicas encapsulated to other PEs */
    uint64_t bum_local_copies;  /* replicas to other local VMs */
    uint64_t encap_frames;      /* tenant frames encapsulated */
    uint64_t encap_bytes;       /* their tenant bytes (before encap) */
    uint64_t frames_out;        /* underlay frames sent (STT: segments) */
    uint64_t bytes_out;         /* their bytes, outer headers included */
    uint64_t rx_frames;         /* underlay frames received */
    uint64_t rx_segments;       /* later STT segments (not reassembled:
                                 * the frame came with its first) */
    uint64_t rx_decap;          /* tenant frames decapsulated */
    uint64_t rx_accepted;       /* of them, reached at least one VM */
    uint64_t delivered;         /* tenant frames handed to VMs (each VM a
                                 * delivery), local or from the overlay */
    uint64_t delivered_bytes;
    uint64_t unwanted;          /* frames of a VNI for which this PE hosts
                                 * no VM (an all-PEs flood list's cost) */
    uint64_t learned_local;     /* MAC table: new local entries */
    uint64_t learned_remote;    /* new remote entries */
    uint64_t moves;             /* entries learned at another location */
    uint64_t learn_refused;     /* the table's limit refused an entry */
    uint64_t drops[NVO_PE_DROP_N];
    /* CPU cost model (overlay/cpu_cost.h, docs/cpu.md), in millicycles;
     * all 0 without cfg.cpu.enabled: */
    uint64_t cpu_encap_mc;      /* encapsulating (and segmenting) */
    uint64_t cpu_replica_mc;    /* BUM replicas to other PEs */
    uint64_t cpu_decap_mc;      /* decapsulating, later STT segments */
    uint64_t vms_removed;       /* nvo_pe_node_remove_vm() (VM moves) */
    /* Control plane hooks (below): VM frames the control plane answered
     * itself (EVPN ARP suppression), so not forwarded or flooded: one
     * more term of the vm_frames sum above. */
    uint64_t ctrl_answered;
};

/* Called with every tenant frame the PE delivers to VM 'vm' of tenant
 * 'tenant': it must not keep or change 'p' (l2/l3/l4 set). */
typedef void nvo_pe_node_deliver_fn(void *ctx, struct nvo_pe_node *,
                                    uint32_t tenant, uint32_t vm,
                                    const struct nvo_pkt *p);

/* Called with every tenant frame the PE has just encapsulated on tunnel
 * 't' (outer headers pushed, before the NIC segments it), for example to
 * read its outer entropy field: it must not keep or change 'p'. */
typedef void nvo_pe_node_encap_fn(void *ctx, struct nvo_pe_node *,
                                  uint32_t tenant,
                                  const struct nvo_tunnel *t,
                                  const struct nvo_pkt *p);

struct nvo_pe_node_cfg {
    const struct nvo_encap_ops *encap;  /* the same for every tenant */
    bool entropy_label;                 /* MPLS: ELI + EL */
    bool control_word;                  /* MPLS: RFC 4448 control word */
    uint16_t sport_min, sport_max;      /* entropy range; 0,0: default */
    uint32_t hash_basis;                /* inner flow hash seed */
    uint32_t mtu;                       /* STT TSO segment size (IP MTU);
                                         * 0: the first uplink's MTU */
    nvo_time_t mac_aging;               /* 0: NVO_MAC_AGING_DEFAULT */
    uint32_t mac_max_entries;           /* learned-entry limit; 0: none */
    nvo_pe_node_deliver_fn *deliver;    /* optional */
    void *ctx;
    struct nvo_cpu_cost_cfg cpu;        /* CPU cost model; off if not
                                         * cpu.enabled */

    /* Encapsulation options (docs/pe.md, "Options"). */
    bool nvgre_no_flowid;               /* NVGRE: FlowID 0 */
    uint8_t geneve_opts[252];           /* Geneve option TLVs (as */
    uint16_t geneve_opts_len;           /* struct nvo_tunnel_cfg's) */
    /* Underlay addresses of this PE (0 or 1: its loopback only): the PE
     * sends each inner flow from one of them, chosen by the inner flow's
     * hash (nvo_pe_node_src_addr()), and accepts frames to any. */
    uint32_t n_addrs;
    /* MPLS label mode: false, the tenant's VNI is the label on every PE
     * (one network-wide label per tenant); true, per-PE labels: this PE
     * assigns label_base + t to its tenant t (0, 1, ... in the order
     * added), an ingress PE pushes the egress PE's label of the tenant,
     * and this PE maps its labels back to its tenants.  Ignored by the
     * encapsulations that carry no label (those without pop_cw). */
    bool label_per_pe;
    uint32_t label_base;                /* 16..2^20-1; 0: 16 */
    /* A VTEP whose local side is 802.1Q access ports instead of VMs
     * (overlay/tor_vtep.h sets these; NULL: local VMs).  With it the node
     * is a leaf (a switch that also forwards transit traffic). */
    const struct nvo_pe_access_ops *access;
    void *access_ctx;
    nvo_pe_node_encap_fn *on_encap;     /* optional; called with ctx */
};

/* Adds PE 'name' to 'net' (before nvo_net_finalize()) as a hypervisor
 * node with the PE ops, and binds its encapsulation.  Returns the PE, or
 * NULL with errno EINVAL (no encapsulation or name, finalized net), EEXIST
 * (name taken) or ENOMEM. */
struct nvo_pe_node *nvo_pe_node_create(struct nvo_net *, const char *name,
                                       const struct nvo_pe_node_cfg *);

/* The PE of a node (NULL if the node is not a PE). */
struct nvo_pe_node *nvo_pe_node_of(struct nvo_node *);
struct nvo_node *nvo_pe_node_base(struct nvo_pe_node *);
uint32_t nvo_pe_node_index(const struct nvo_pe_node *);

/* Adds tenant 'vni' (checked by the encapsulation's build(): EINVAL).
 * Returns 0 and *tenant (0, 1, ... in order), EEXIST or ENOMEM. */
int nvo_pe_node_add_tenant(struct nvo_pe_node *, uint32_t vni,
                           uint32_t *tenant);

/* Adds a VM (MAC, IPv4 or 0) of 'tenant' on this PE.  Returns 0 and *vm,
 * EINVAL (no such tenant, a group MAC) or EEXIST (the MAC is taken in the
 * tenant on this PE). */
int nvo_pe_node_add_vm(struct nvo_pe_node *, uint32_t tenant,
                       const uint8_t mac[6], uint32_t ip4, uint32_t *vm);

/* Sets the flood list of 'tenant': the node indices of the PEs that get
 * a copy of each BUM frame (this PE itself is skipped if listed).
 * Returns 0, EINVAL (no such tenant, a node that is not a PE) or ENOMEM. */
int nvo_pe_node_set_flood(struct nvo_pe_node *, uint32_t tenant,
                          const uint32_t *pes, uint32_t n);

/* A VM's tenant Ethernet frame 'p' (l2 set, l3/l4 if IP; headroom
 * NVO_PKT_HEADROOM) into the virtual switch: learns its source, forwards
 * or floods it (above).  Takes 'p'.  Returns 0, or EINVAL (no such tenant
 * or VM: p is still the caller's). */
int nvo_pe_node_vm_send(struct nvo_pe_node *, uint32_t tenant, uint32_t vm,
                        struct nvo_pkt *p);

const struct nvo_pe_node_counters *
nvo_pe_node_counters(const struct nvo_pe_node *);
const struct nvo_pe_node_counters *
nvo_pe_node_tenant_counters(const struct nvo_pe_node *, uint32_t tenant);
struct nvo_mac_table *nvo_pe_node_mac_table(struct nvo_pe_node *);
uint32_t nvo_pe_node_n_tenants(const struct nvo_pe_node *);
/* The tenant of 'vni' (0 and *tenant, or ENOENT). */
int nvo_pe_node_find_tenant(const struct nvo_pe_node *, uint32_t vni,
                            uint32_t *tenant);

/* The label this PE assigned to its tenant 'tenant' (label_per_pe: label
 * base + tenant; else the tenant's VNI), or 0 if there is no such tenant. */
uint32_t nvo_pe_node_label(const struct nvo_pe_node *, uint32_t tenant);

/* MPLS label state: the labels this PE must know to send and receive.
 * Per-PE labels: for each of its tenants, the labels of the other PEs of
 * the tenant's flood list that host it (their labels for it; its own are
 * its own assignment); VNI labels: one per tenant it hosts.  Counted from
 * the flood lists and the other PEs' tenants when called. */
uint64_t nvo_pe_node_label_state(const struct nvo_pe_node *);

/* Which of this PE's underlay addresses (0 .. n_addrs - 1) it sends the
 * tenant frame 'p' (l2 set) from: the inner flow's hash (nvo_flow_hash()
 * with cfg.hash_basis ^ NVO_PE_NODE_ADDR_BASIS) times n_addrs >> 32. */
#define NVO_PE_NODE_ADDR_BASIS 0x61646472u  /* "addr" */
uint32_t nvo_pe_node_src_addr(const struct nvo_pe_node *,
                              const struct nvo_pkt *p);
/* ---- A PE whose local side is access ports (the VTEP on the leaf) -------
 *
 * With cfg.access the PE's "VMs" are locations the access side defines
 * (overlay/tor_vtep.h: the leaf's ports toward hypervisors, one 802.1Q
 * VLAN per tenant).  The MAC table's local entries hold such a location;
 * the tenant has no VMs (nvo_pe_node_add_vm() is not used).  A frame from
 * the overlay for a MAC learned at a location goes there (to_local); a
 * broadcast, multicast or unknown unicast goes to every location of the
 * tenant (flood_local).  Frames from the local side enter through
 * nvo_pe_node_local_send(). */
struct nvo_pe_access_ops {
    /* Sends tenant frame 'p' (taken; l2 at p->data, untagged) to local
     * location 'loc' of 'tenant'. */
    void (*to_local)(void *ctx, struct nvo_pe_node *, uint32_t tenant,
                     uint32_t loc, struct nvo_pkt *p);
    /* Sends a copy of 'p' (not taken) to every local location of
     * 'tenant' but 'except' (UINT32_MAX: none); returns the copies. */
    uint32_t (*flood_local)(void *ctx, struct nvo_pe_node *, uint32_t tenant,
                            uint32_t except, const struct nvo_pkt *p);
    /* Frees ctx with the node (may be NULL). */
    void (*destroy)(void *ctx);
};

/* A frame 'p' (l2 at p->data, untagged) of 'tenant' from local location
 * 'loc' into the virtual switch of a PE with cfg.access: learns its
 * source at 'loc'; a known remote destination is encapsulated to that PE
 * (remote_unicast), a known local one at another location goes there
 * (local_unicast; at 'loc' itself it is filtered: local_unicast, nothing
 * sent, as a bridge does), anything else is flooded by ingress
 * replication to the tenant's flood list (bum_copies) and to its other
 * local locations (bum_local_copies).  Counted as vm_frames / vm_bytes
 * (frames from the local side).  Takes 'p'.  Returns 0, or EINVAL (no
 * access side, no such tenant: p is still the caller's). */
int nvo_pe_node_local_send(struct nvo_pe_node *, uint32_t tenant,
                           uint32_t loc, struct nvo_pkt *p);

/* The cfg.access_ctx of a PE (NULL without an access side). */
void *nvo_pe_node_access_ctx(const struct nvo_pe_node *);
/* A second MAC VM 'vm' receives (an NLB cluster's MAC, which it never
 * sources, so the table never learns it): a frame to it is unknown
 * unicast, flooded, and delivered to every VM here that has it.  Returns
 * 0 or EINVAL (no such tenant or VM, a group MAC). */
int nvo_pe_node_add_vm_mac(struct nvo_pe_node *, uint32_t tenant,
                           uint32_t vm, const uint8_t mac[6]);

/* VM 'vm' of 'tenant' left this PE (a move): it receives nothing more,
 * its local MAC entry is removed (a frame to it floods until the MAC is
 * learned elsewhere), its number is not reused.  Returns 0 or EINVAL (no
 * such VM, or removed already). */
int nvo_pe_node_remove_vm(struct nvo_pe_node *, uint32_t tenant,
                          uint32_t vm);
/* Like nvo_pe_node_set_flood(), but 'pes' is not copied, so that every
 * PE of a tenant can share one list (a copy per PE is O(PEs^2) per tenant:
 * 4 GB for 1,000 tenants each on all of 1,000 PEs).  'pes' must stay
 * valid and unchanged while the PE may flood (until the network is
 * destroyed or the list is set again), must hold only PE node indices
 * (not checked here: nvo_pe_node_check_flood() checks a list once), and
 * may list this PE, which a flood skips.  O(1).  Returns 0 or EINVAL (no
 * such tenant). */
int nvo_pe_node_set_flood_shared(struct nvo_pe_node *, uint32_t tenant,
                                 const uint32_t *pes, uint32_t n);

/* 0 if every one of the n node indices 'pes' is a PE of 'net', else
 * EINVAL. */
int nvo_pe_node_check_flood(const struct nvo_net *, const uint32_t *pes,
                            uint32_t n);
/* IP multicast underlay flooding (docs/multicast.md): the BUM frames of
 * 'tenant' go as ONE encapsulated copy to IPv4 group 'group' (outer
 * destination the group, Ethernet 01:00:5e:...) instead of a copy per PE
 * of the flood list (bum_copies counts that one copy), and at start the
 * PE joins the groups of its tenants with IGMPv3 reports
 * (nvo_mcast_host_join()); frames the fabric replicates to it arrive
 * through its encapsulation's binding as any other (a VNI it does not
 * host: drops[NO_TENANT] and unwanted).  Returns 0, or EINVAL (no such
 * tenant, not a multicast group, no multicast on the net (fabric/mcast.h),
 * an IPv6 net, an encapsulation that segments: STT). */
int nvo_pe_node_set_mcast_group(struct nvo_pe_node *, uint32_t tenant,
                                uint32_t group);

/* ---- Static remote MACs, tunnels and their cost (nvosim tunnel) ---- */

/* Installs a static MAC table entry: MAC 'mac' of 'tenant' is behind PE
 * node 'dst' (configured, like `bridge fdb add ... static`: origin
 * CONTROL, flag STATIC, so it never ages, survives flushes and does not
 * count toward the learning limit).  A VM frame to it is remote unicast
 * from the first, with no unknown-unicast flood.  After
 * nvo_net_finalize().  Returns 0, or EINVAL (no such tenant, a group MAC,
 * 'dst' this PE or not a PE). */
int nvo_pe_node_add_static_mac(struct nvo_pe_node *, uint32_t tenant,
                               const uint8_t mac[6], uint32_t dst);

/* The tunnel of 'tenant' from this PE's first address to PE node 'dst'
 * (built now if no frame has used it yet; after nvo_net_finalize()), or
 * NULL (no such tenant, 'dst' this PE or not a PE). */
const struct nvo_tunnel *nvo_pe_node_tunnel(struct nvo_pe_node *,
                                            uint32_t tenant, uint32_t dst);

/* The wire bytes (each underlay frame's length plus 'framing') and the
 * number of underlay frames (*n_frames) one tenant frame of 'frame_len'
 * bytes (Ethernet + IPv4 + UDP, the rest virtual) costs on the tunnel of
 * 'tenant' to PE node 'dst': a probe frame from 'pool' is pushed and
 * segmented as encapsulation would, then freed; nothing is counted or
 * sent.  Returns 0 with *n_frames 0 if there is no such tenant or PE, the
 * frame is under 42 bytes, or it cannot be sent (STT: too many segments,
 * or no room at the MTU). */
uint64_t nvo_pe_node_wire_cost(struct nvo_pe_node *, uint32_t tenant,
                               uint32_t dst, uint32_t frame_len,
                               uint32_t framing, struct nvo_pkt_pool *pool,
                               uint32_t *n_frames);

/* ---- Control plane hooks (ctrl/evpn.h) -----------------------------------
 *
 * A control plane (EVPN) watches the PE's local MACs and may answer a
 * VM's broadcast frame itself.  With the ops set:
 *  - local_learned is called when a local MAC appears: a VM added with
 *    nvo_pe_node_add_vm() (configured true; vm its number, ip4 its
 *    address), or a data-plane learn that made a new local entry or
 *    moved an entry (a remote one too) to a local location (configured
 *    false; vm the location; ip4 the VM's address, 0 if unknown or on
 *    an access side).  It may change the MAC table (the PE reads
 *    nothing of the entry after the call).
 *  - local_removed is called by nvo_pe_node_remove_vm() with the VM's
 *    MAC, after its local entry is gone.
 *  - bum_frame (may be NULL) is called with every broadcast or multicast
 *    frame a VM sends (nvo_pe_node_vm_send(), after its source is
 *    learned, before flooding); returning true means the control plane
 *    answered it (ARP suppression): it is counted in ctrl_answered and
 *    freed, not flooded.
 * With learn_remote false the PE no longer learns MACs from decapsulated
 * frames (with EVPN, remote MACs come from BGP); local learning stays.
 * A NULL ops clears the hooks (and learn_remote is true again). */
struct nvo_pe_ctrl_ops {
    void (*local_learned)(void *ctx, struct nvo_pe_node *, uint32_t tenant,
                          uint64_t mac, uint32_t ip4, uint32_t vm,
                          bool configured);
    void (*local_removed)(void *ctx, struct nvo_pe_node *, uint32_t tenant,
                          uint64_t mac, uint32_t vm);
    bool (*bum_frame)(void *ctx, struct nvo_pe_node *, uint32_t tenant,
                      uint32_t vm, const struct nvo_pkt *p);
};

void nvo_pe_node_set_ctrl_ops(struct nvo_pe_node *,
                              const struct nvo_pe_ctrl_ops *, void *ctx,
                              bool learn_remote);

/* VM 'vm' of 'tenant': its MAC, IPv4 (0: none) and whether it was
 * removed.  Returns 0 or EINVAL (no such VM). */
int nvo_pe_node_vm_info(const struct nvo_pe_node *, uint32_t tenant,
                        uint32_t vm, uint64_t *mac, uint32_t *ip4,
                        bool *gone);
/* The number of VMs of 'tenant' ever added (removed ones included), 0
 * if there is no such tenant. */
uint32_t nvo_pe_node_n_vms(const struct nvo_pe_node *, uint32_t tenant);
/* The VNI of 'tenant' (0 if there is no such tenant). */
uint32_t nvo_pe_node_vni(const struct nvo_pe_node *, uint32_t tenant);
/* The group 'tenant' floods to (nvo_pe_node_set_mcast_group()), or 0. */
uint32_t nvo_pe_node_mcast_group(const struct nvo_pe_node *,
                                 uint32_t tenant);
/* The MAC aging time the PE's table uses (cfg.mac_aging or the
 * default). */
nvo_time_t nvo_pe_node_mac_aging(const struct nvo_pe_node *);
/* The encapsulation of the PE. */
const struct nvo_encap_ops *nvo_pe_node_encap(const struct nvo_pe_node *);
/* Hands tenant frame 'p' (taken) to local VM 'vm' of 'tenant' as a
 * delivery (counted in delivered; the cfg.deliver callback sees it), as
 * the PE does with a frame for that VM.  Returns 0 or EINVAL (no such
 * VM, or removed: p is still the caller's). */
int nvo_pe_node_deliver_local(struct nvo_pe_node *, uint32_t tenant,
                              uint32_t vm, struct nvo_pkt *p);
/* ---- End of the control plane hooks ---------------------------------- */

/* ---- VPLS / pseudowire hooks (ctrl/vpls.h, docs/vpls.md) ----------------
 *
 * Signalled labels: with label_per_pe and an MPLS encapsulation, after
 * nvo_pe_node_set_pw_mode() the label this PE pushes toward PE X for a
 * tenant is the one X signalled (nvo_pe_node_set_pw_label(), from X's
 * Label Mapping), not one computed from X's configuration, and the
 * tenant's flood list is exactly the PEs whose pseudowire is up (a label
 * set), in ascending node order: a PE whose label has not arrived gets no
 * copy, and a known unicast destination behind it is dropped
 * (tx_pw_down).  On receive, the label is looked up among the labels
 * this PE signalled (nvo_pe_node_set_pw_rx()), which name the tenant and
 * the PE at the far end of the pseudowire: the source MAC is learned at
 * that PE (learning per pseudowire; one pseudowire per peer and VSI).  A
 * label this PE did not signal is drops[NO_TENANT] and rx_bad_label.
 * Frames from a pseudowire are never flooded to other pseudowires (the
 * PE's split horizon), except between H-VPLS spokes and the rest
 * (nvo_pe_node_set_pw_spoke()). */
struct nvo_pe_pw_counters {
    uint64_t tx_pw_down;        /* known unicast toward a PE whose
                                 * pseudowire is down: dropped */
    uint64_t rx_bad_label;      /* a label this PE did not signal */
    uint64_t pw_up, pw_down;    /* set_pw_label() transitions */
    uint64_t transit;           /* H-VPLS: frames from a pseudowire sent
                                 * on to others (copies) */
};

/* Turns signalled labels on (before any tenant frame; the flood lists
 * become the up pseudowires, empty now).  Returns 0, or EINVAL (not
 * label_per_pe, or an encapsulation without labels). */
int nvo_pe_node_set_pw_mode(struct nvo_pe_node *);
bool nvo_pe_node_pw_mode(const struct nvo_pe_node *);
/* The label to push toward PE node 'dst' for 'tenant' (1..2^20-1), or 0:
 * that pseudowire is down.  Returns 0, or EINVAL (no pw mode, no such
 * tenant, 'dst' not another PE, a label over 20 bits). */
int nvo_pe_node_set_pw_label(struct nvo_pe_node *, uint32_t tenant,
                             uint32_t dst, uint32_t label);
/* H-VPLS (RFC 4762 10): marks the pseudowire of 'tenant' with PE 'dst'
 * as a spoke (or back to a mesh pseudowire).  In a tenant with a spoke, a
 * frame from a spoke pseudowire goes on to every other up pseudowire, and
 * one from a mesh pseudowire to the spokes (a BUM or unknown unicast to
 * each, a known unicast to the PE its MAC was learned at); a tenant
 * without spokes keeps the full mesh's split horizon.  The copies count
 * in bum_copies (BUM) or remote_unicast (known unicast), so encap_frames
 * stays remote_unicast + bum_copies, and in transit.  Returns 0 or
 * EINVAL (no pw mode, no such tenant, 'dst' not another PE). */
int nvo_pe_node_set_pw_spoke(struct nvo_pe_node *, uint32_t tenant,
                             uint32_t dst, bool spoke);
/* The label set for (tenant, dst), or 0. */
uint32_t nvo_pe_node_pw_label(const struct nvo_pe_node *, uint32_t tenant,
                              uint32_t dst);
/* This PE's own label 'label' means 'tenant', from PE node 'src'
 * (tenant UINT32_MAX: the label is no longer in use).  Returns 0 or
 * EINVAL (no pw mode, no such tenant, label 0 or over 20 bits). */
int nvo_pe_node_set_pw_rx(struct nvo_pe_node *, uint32_t label,
                          uint32_t tenant, uint32_t src);
const struct nvo_pe_pw_counters *
nvo_pe_node_pw_counters(const struct nvo_pe_node *);
/* The flood list of 'tenant' (*n PE node indices; NULL if none). */
const uint32_t *nvo_pe_node_flood(const struct nvo_pe_node *,
                                  uint32_t tenant, uint32_t *n);

#endif /* NVO_PE_NODE_H */
