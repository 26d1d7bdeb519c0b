/* config.h: topology and scenario files, loaded into plain C structs.
 *
 * A scenario file (scenarios/scenario.rng) names a topology file
 * (topologies/topology.rng) and says how to run it.  Loading a file:
 *   1. parses it with libxml2 (no network, no entity expansion);
 *   2. applies the "--set PATH=VALUE" overrides to the XML document;
 *   3. validates the result against the RelaxNG schema;
 *   4. checks its meaning (units, ranges, node names, duplicates) and
 *      expands the generators (<leaf-spine>, <five-stage>) into explicit
 *      nodes and links.
 * Every problem found is reported as "FILE:LINE: what is wrong" (or
 * "--set PATH=VALUE: what is wrong" for a value that came from an
 * override), one per line, in one GError; a load that reports errors
 * returns NULL and nothing is half-built.  libxml2 never prints to stderr:
 * its parser and validator messages are captured and reworded likewise.
 *
 * Schemas are DIR/topologies/topology.rng and DIR/scenarios/scenario.rng,
 * DIR the first of: $NVO_SCHEMA_DIR if set; PREFIX/share/nvosim if the
 * running program is PREFIX/bin/... (an installed nvosim, wherever the
 * installed tree is) and it holds the schemas; the source tree (the build
 * tree's programs), if it holds them; the configured install prefix's
 * share/nvosim.
 *
 * The file formats, defaults, the names of generated nodes and the --set
 * path syntax are documented in docs/scenarios.md.
 *
 * Not thread-safe: loading sets libxml2's (per-thread) structured error
 * handler for its duration and restores the previous one.  The library
 * never calls xmlCleanupParser(); a program may at exit. */
#ifndef NVO_CONFIG_H
#define NVO_CONFIG_H

#include <glib.h>

#include "fabric/ecmp.h"
#include "fabric/link.h"
#include "fabric/net.h"
#include "core/nvo.h"
#include "core/rng.h"
#include "traffic/traffic.h"
#include "core/units.h"
#include "overlay/cpu_cost.h"

#define NVO_CONFIG_ERROR (nvo_config_error_quark())
GQuark nvo_config_error_quark(void);

enum nvo_config_error_code {
    NVO_CONFIG_ERROR_INVALID,   /* the input is wrong: see the message */
    NVO_CONFIG_ERROR_SCHEMA,    /* a schema could not be read (install) */
};

/* ---- Topology -------------------------------------------------------- */

/* Node roles are net.h's enum nvo_role; nvo_role_name() gives the names
 * the files use ("spine", "leaf", "super-spine", "hypervisor",
 * "route-reflector", "router"). */

/* Link classes, the tiers of per-tier statistics. */
enum nvo_link_class {
    NVO_LINK_ACCESS,            /* hypervisor - leaf (or any hypervisor) */
    NVO_LINK_FABRIC,            /* leaf - spine, and other links */
    NVO_LINK_SUPER,             /* spine - super-spine */
    NVO_LINK_CLASS_N
};

/* "access", "fabric", "super". */
const char *nvo_link_class_name(enum nvo_link_class);

enum nvo_topo_generator {
    NVO_GEN_NONE,               /* explicit nodes and links only */
    NVO_GEN_LEAF_SPINE,
    NVO_GEN_FIVE_STAGE,
};

#define NVO_NODE_NONE UINT32_MAX

struct nvo_node_cfg {
    char *name;
    enum nvo_role role;
    uint32_t pod;               /* 1-based pod of a <five-stage> node (not
                                 * super-spines); 0 otherwise */
    uint32_t n_leaves;          /* hypervisors: leaves linked to it, 0..2 */
    uint32_t leaves[2];         /* their node indexes, in link order (the
                                 * primary first); NVO_NODE_NONE beyond */
    uint32_t n_ports;           /* links at this node; its ports are numbered
                                 * 1..n_ports in the order of 'links' */
    int line;                   /* line of its <node> or generator element */
};

struct nvo_topo_link_cfg {
    uint32_t a, b;              /* node indexes; generated links have the
                                 * lower tier at 'a' (hv, leaf, spine) */
    uint32_t a_port, b_port;    /* 1-based port numbers at a and at b */
    enum nvo_link_class cls;
    struct nvo_link_cfg cfg;    /* all defaults applied */
    int line;                   /* line of its <link> or generator element */
};

struct nvo_topo_cfg {
    char *name;                 /* <topology name> */
    char *path;                 /* absolute path of the file */
    char *xml;                  /* the effective document (overrides
                                 * applied), serialized root element */

    /* The generator, as written (0 where not applicable). */
    enum nvo_topo_generator generator;
    uint32_t pods;              /* five-stage; 1 for leaf-spine */
    uint32_t spines;            /* leaf-spine: spines; five-stage: per pod */
    uint32_t leaves;            /* leaf-spine: leaves; five-stage: per pod */
    uint32_t hypervisors_per_leaf;
    uint32_t super_spines;      /* five-stage */
    bool dual_homed;

    /* The expanded topology: generated nodes first (see docs), then the
     * explicit ones in file order; links likewise. */
    size_t n_nodes;
    struct nvo_node_cfg *nodes;
    size_t n_links;
    struct nvo_topo_link_cfg *links;
    uint32_t n_role[NVO_ROLE_N];        /* nodes per role */
    uint32_t n_class[NVO_LINK_CLASS_N]; /* links per class */

    void *index__;              /* private: name -> node, pair -> link */
};

/* Loads and checks a topology file.  'sets' are n_sets "PATH=VALUE"
 * overrides, each PATH starting with "topology." (see docs/scenarios.md).
 * Returns the topology (free with nvo_topo_cfg_destroy()) or NULL with
 * 'error' set (NVO_CONFIG_ERROR; one "FILE:LINE: ..." line per problem). */
struct nvo_topo_cfg *nvo_topo_load(const char *path,
                                   const char *const *sets, size_t n_sets,
                                   GError **error);

void nvo_topo_cfg_destroy(struct nvo_topo_cfg *);

/* The index of the node named 'name', or NVO_NODE_NONE. */
uint32_t nvo_topo_cfg_find_node(const struct nvo_topo_cfg *,
                                const char *name);

/* The index of the link between nodes 'a' and 'b' (either way round), or
 * -1 if there is none. */
long nvo_topo_cfg_find_link(const struct nvo_topo_cfg *, uint32_t a,
                            uint32_t b);

/* ---- Scenario -------------------------------------------------------- */

enum nvo_ip_version { NVO_IP_V4, NVO_IP_V6 };

enum nvo_hash_seed_mode {
    NVO_HASH_SEED_FABRIC,       /* one seed for the whole fabric, from the
                                 * run's seed and run number */
    NVO_HASH_SEED_PER_SWITCH,   /* each switch its own, from its RNG stream */
    NVO_HASH_SEED_FIXED,        /* this number, on every switch */
};

/* <ecmp>: the hash functions and fields are ecmp.h's. */
struct nvo_underlay_ecmp_cfg {
    enum nvo_hash_fn fn;        /* default crc32 */
    enum nvo_hash_seed_mode seed_mode;  /* default per-switch */
    uint64_t seed;              /* NVO_HASH_SEED_FIXED only */
    uint32_t fields;            /* NVO_ECMP_* bits (ecmp.h); default the
                                 * 5-tuple */
    uint32_t parser_depth;      /* bytes from the start of the frame a
                                 * switch can parse; default 128 */
};

struct nvo_underlay_cfg {
    enum nvo_ip_version ip;     /* default IPv4 */
    nvo_time_t convergence_delay;  /* default 1ms */
    struct nvo_underlay_ecmp_cfg ecmp;
    bool flow_stats;            /* flow-stats="true|false", default true:
                                 * switches record the distinct flows per
                                 * egress port (results.xml "flows") */
};

/* <overlay>: tenants' VMs on the hypervisors (then PEs), their traffic
 * encapsulated across the fabric.  See docs/scenarios.md. */
enum nvo_flood_list { NVO_FLOOD_VNI_PES, NVO_FLOOD_ALL_PES };
enum nvo_placement { NVO_PLACE_ROUND_ROBIN, NVO_PLACE_RANDOM,
                     NVO_PLACE_PACKED_PER_LEAF };

/* One <vm> of an explicit <tenant>. */
struct nvo_vm_cfg {
    uint8_t mac[6];             /* has_mac: as written; else the default */
    bool has_mac, has_ip;
    uint32_t ip4;               /* has_ip: host order */
    uint32_t node;              /* its hypervisor's node index */
    int line;
};

/* One explicit <tenant>: its VMs are the <vm> children (VM numbers 0 ..
 * n_explicit - 1 in the tenant), then vms="N" more placed by 'placement'. */
struct nvo_tenant_cfg {
    uint32_t vni;
    bool has_label;
    uint32_t label;             /* <tenant label>, an MPLS label 16 ..
                                 * 1048575: what the MPLS encapsulations
                                 * carry for this tenant instead of vni */
    size_t n_explicit;
    struct nvo_vm_cfg *vms;     /* the <vm> children */
    uint32_t n_generated;       /* vms="N", 0 if absent */
    enum nvo_placement placement;       /* of the generated ones */
    int line;
};

/* Where the tunnel endpoint is: in every hypervisor (a PE), or on every
 * leaf with the hypervisors sending 802.1Q-tagged frames (docs/vtep-leaf.md). */
enum nvo_vtep { NVO_VTEP_HYPERVISOR, NVO_VTEP_LEAF };

/* <nlb>: an NLB-style cluster of a tenant's first 'vms' VMs. */
struct nvo_overlay_nlb_cfg {
    uint32_t tenant, vms;
    int line;
};

/* <move>: VM 'vm' (global number) moves to hypervisor 'node' at 'at'. */
struct nvo_overlay_move_cfg {
    uint32_t vm, node;
    nvo_time_t at;
    bool rarp;                  /* announce with RARP (else gratuitous
                                 * ARP) */
    int line;
};

/* <overlay control="...">: the overlay's control plane
 * (docs/control-planes.md). */
enum nvo_control {
    NVO_CONTROL_NONE,           /* flood-and-learn */
    NVO_CONTROL_EVPN,           /* BGP EVPN (ctrl/evpn.h, bgp_speaker.h) */
    NVO_CONTROL_VPLS_LDP,       /* LDP-signalled VPLS (ctrl/vpls.h) */
    NVO_CONTROL_VPLS_BGP,       /* BGP-signalled VPLS (ctrl/vpls_bgp.h) */
};

/* "none", "evpn", "vpls-ldp", "vpls-bgp". */
const char *nvo_control_name(enum nvo_control);

/* <bgp> in <overlay control="evpn"> or "vpls-bgp". */
struct nvo_overlay_bgp_cfg {
    uint32_t asn;               /* as, default 65000 */
    bool full_mesh;             /* reflectors="none": an iBGP full mesh */
    uint32_t *rr;               /* the reflectors' node indices, in the
                                 * order given (default: the topology's
                                 * route-reflector nodes, else its first
                                 * spine) */
    uint32_t n_rr;
    bool shared_cluster;        /* cluster-id="shared": one cluster id
                                 * for all reflectors (the first's router
                                 * id); default per-rr */
    nvo_time_t hold, keepalive; /* hold-time 180 s, keepalive 60 s */
    nvo_time_t mrai;            /* 0 */
    nvo_time_t proc_delay;      /* per received message: 0 */
    bool extended_messages;     /* RFC 8654: false */
    bool mac_ip, mac_only;      /* routes="mac-ip" (default), "mac",
                                 * "both" */
    bool arp_suppression;       /* true */
    bool mrt;                   /* write SPEAKER.mrt per speaker: false */
    bool rt_constrain;          /* RFC 4684 on every speaker: false */
    bool rtc_default;           /* with it, the reflectors send only the
                                 * default RT membership: false */
    int line;                   /* of <bgp>, 0 if absent */
};

/* <spoke pe="..." hub="..."/> in <ldp>: H-VPLS, the hub of a spoke PE. */
struct nvo_overlay_spoke_cfg {
    uint32_t pe, hub;           /* node indices */
    int line;
};

/* <ldp> in <overlay control="vpls-ldp">. */
struct nvo_overlay_ldp_cfg {
    nvo_time_t hello;           /* targeted Hello interval, 15 s */
    uint32_t hold;              /* Hello hold time, s: 45 */
    uint32_t keepalive;         /* session KeepAlive time, s: 180 */
    nvo_time_t proc_delay;      /* 0 */
    bool pack;                  /* label messages packed in PDUs: true */
    int mac_withdraw;           /* mac-withdraw: enum nvo_vpls_mac_withdraw
                                 * (ctrl/vpls.h); default list */
    /* H-VPLS (hubs="NODE ..."): the hub PEs' node indices in the order
     * given (none, or hubs="none": a full mesh); every other PE is a spoke of the hub its
     * <spoke> names, else of hubs[k mod n_hubs] for the k-th (from 0)
     * PE in node order without one (docs/control-planes.md). */
    uint32_t *hubs;
    uint32_t n_hubs;
    struct nvo_overlay_spoke_cfg *spokes;
    size_t n_spokes;
    int line;
};

/* <tcp> in <overlay>: the one TCP configuration of every control-plane
 * stack of the run (BGP's and LDP's alike; ctrl/tcp.h). */
struct nvo_overlay_tcp_cfg {
    nvo_time_t delack;          /* delayed ACK, 0 .. 500 ms: 0 (the
                                 * default) ACKs every segment at once */
    int line;                   /* of <tcp>, 0 if absent */
};

struct nvo_overlay_cfg {
    bool enabled;               /* the scenario has <overlay> */
    enum nvo_control control;   /* default none */
    struct nvo_overlay_bgp_cfg bgp;
    struct nvo_overlay_ldp_cfg ldp;
    struct nvo_overlay_tcp_cfg tcp;
    const char *encap;          /* a name of overlay/encap.h; default
                                 * "vxlan"; static */
    enum nvo_flood_list flood_list;     /* default vni-pes */
    uint32_t n_tenants;         /* <tenants count>, at least 1 */
    uint32_t vms_per_tenant;    /* at least 1 */
    uint32_t first_vni;         /* tenant t has VNI first_vni + t;
                                 * default 5000 */
    enum nvo_placement placement;       /* default round-robin */
    int vm_oui;                 /* enum nvo_vm_oui; default vmware */
    struct nvo_cpu_cost_cfg cpu;        /* <cpu>: the PEs' CPU cost model
                                         * (docs/cpu.md); off without it */

    /* Encapsulation options (docs/scenarios.md); each applies to the
     * encapsulations it names and is ignored by the others. */
    uint16_t sport_min, sport_max;      /* UDP / STT source ports; 0,0:
                                         * the encapsulation's range */
    bool entropy;               /* source port from the inner flow hash;
                                 * false: always sport_min (default true) */
    bool flowid;                /* NVGRE FlowID from the inner flow hash;
                                 * false: 0 (default true) */
    bool entropy_label;         /* MPLS: ELI + EL (default false) */
    bool control_word;          /* MPLS: RFC 4448 control word */
    uint32_t geneve_opts_len;   /* Geneve option bytes, 0..252 */
    uint32_t n_addrs;           /* underlay addresses per hypervisor, >= 1 */
    bool label_per_pe;          /* MPLS label="per-pe" (default "vni") */
    uint32_t label_base;        /* per-PE labels: PE's first, default 16 */
    enum nvo_vtep vtep;         /* default hypervisor */
    int line;                   /* line of <overlay> */
    /* The BUM VMs send and VM moves (docs/vm-traffic.md). */
    bool arp;                   /* <arp>: VMs resolve with ARP */
    nvo_time_t arp_timeout;     /* cache-timeout, default 30 s */
    nvo_time_t arp_retrans;     /* retransmit, default 1 s */
    uint32_t arp_queue;         /* queue, default 101 frames */
    double broadcast_rate;      /* <bum>, frames/s per VM, default 0 */
    double multicast_rate;
    uint32_t broadcast_size;    /* IP bytes, default 78 */
    uint32_t multicast_size;    /* default 62 */
    size_t n_nlb;
    struct nvo_overlay_nlb_cfg *nlb;
    size_t n_moves;             /* in file order */
    struct nvo_overlay_move_cfg *moves;
    /* Explicit tenants (<tenant> elements instead of <tenants>): then
     * n_tenants is their number and vms_per_tenant and first_vni are 0. */
    size_t n_tenant_cfgs;
    struct nvo_tenant_cfg *tenant_cfgs;     /* file order */
    uint32_t tenants_per_pe;    /* <tenants tenants-per-hypervisor>; 0: no */

    /* flood="multicast" (docs/multicast.md): BUM to a group per VNI over
     * an IP-multicast underlay.  The other attributes are validated and
     * kept whatever the flood mode, used only with it. */
    bool flood_mcast;           /* else ingress replication */
    uint32_t mcast_groups;      /* groups="G": VNI v -> group v mod G;
                                 * 0: per-vni (1:1, tenant t -> base + t) */
    uint32_t mcast_group_base;  /* group-base, host order; 239.1.0.0 */
    int mcast_pim;              /* enum nvo_mcast_pim: pim="sm" (0) or
                                 * "bidir" (1) */
    uint32_t mcast_rp;          /* rp: node index (a switch); default the
                                 * first spine; NVO_NODE_NONE if none */
};

/* Patterns (enum nvo_pattern) and size distributions (enum
 * nvo_size_dist) are traffic.h's. */
enum nvo_arrival { NVO_ARRIVAL_RATE, NVO_ARRIVAL_LOAD };
enum nvo_pkt_size_mode { NVO_PKT_FIXED, NVO_PKT_IMIX };

/* One <flows> element: a group of flows between hypervisors. */
struct nvo_flows_cfg {
    enum nvo_pattern pattern;
    uint32_t target;            /* incast: receiver (node index) */
    uint32_t fan_in;            /* incast: number of senders */

    enum nvo_size_dist size_dist;   /* flow size in L4 payload bytes */
    uint64_t size_fixed;        /* NVO_SIZE_FIXED */
    double size_mean;           /* mean, for every distribution */
    struct nvo_cdf cdf;         /* NVO_SIZE_CDF: the loaded CDF */
    char *cdf_path;             /* NVO_SIZE_CDF: absolute path, else NULL */

    enum nvo_arrival arrival;   /* Poisson flow arrivals per sending host */
    double rate;                /* NVO_ARRIVAL_RATE: flows per second */
    double load;                /* NVO_ARRIVAL_LOAD: fraction (0, 1] of
                                 * the host's first access link rate */

    enum nvo_pkt_size_mode pkt_mode;
    uint32_t pkt_size;          /* NVO_PKT_FIXED: IP packet bytes */

    uint8_t proto;              /* 17 (UDP) or 6 (TCP) */
    uint16_t src_port;          /* 0: a random ephemeral port per flow */
    uint16_t dst_port;
    nvo_time_t start, stop;     /* flows start in [start, stop) */
    int line;
};

enum nvo_topo_event_kind {
    NVO_EV_LINK_DOWN,
    NVO_EV_LINK_UP,
    NVO_EV_NODE_DOWN,
    NVO_EV_NODE_UP,
};

const char *nvo_topo_event_kind_name(enum nvo_topo_event_kind);

struct nvo_topo_event_cfg {
    enum nvo_topo_event_kind kind;
    nvo_time_t at;
    uint32_t node;              /* node events: the node index */
    uint32_t link;              /* link events: the link index */
    int line;
};

struct nvo_capture_cfg {
    uint32_t node;              /* node index */
    uint32_t port;              /* 1-based port, or 0 for every port */
    int line;
};

struct nvo_output_cfg {
    char *dir;                  /* absolute; default $PWD/results/NAME */
    bool trace;                 /* ASCII trace; default false */
    nvo_time_t series;          /* series.csv sampling interval; 0: off
                                 * (run/series.h) */
    bool flows;                 /* flows.csv; default false
                                 * (run/flows_csv.h) */
    size_t n_captures;
    struct nvo_capture_cfg *captures;   /* <pcap> elements */
};

/* <sweep>: a parameter sweep over this scenario, which "nvosim sweep"
 * runs (docs/sweeps.md; "nvosim run" ignores it).  The lists are checked
 * (sweep.h's nvo_sweep_expand()) but kept as written; whether each PATH
 * names an attribute is checked when the sweep loads the scenario with
 * it. */
struct nvo_sweep_vary_cfg {
    char *path;                 /* a --set PATH */
    char *values;               /* values and ranges, comma-separated */
    int line;
};

struct nvo_sweep_cfg {
    bool present;               /* the scenario has a <sweep> */
    uint32_t runs;              /* replications per point; default 1 */
    size_t n_vary;              /* in file order */
    struct nvo_sweep_vary_cfg *vary;
    int line;
};

struct nvo_scenario_cfg {
    char *name;
    char *path;                 /* absolute path of the scenario file */
    char *xml;                  /* the effective scenario (overrides
                                 * applied), serialized root element; the
                                 * topology's is topo->xml */
    struct nvo_topo_cfg *topo;  /* owned */

    nvo_time_t duration;        /* default 10ms */
    bool drain;                 /* after the duration, no new flows; run
                                 * until the network is empty; default
                                 * false */
    nvo_time_t drain_limit;     /* a drain stops after this much more
                                 * time; default 1s */
    uint64_t seed;              /* default 1 */
    uint64_t run;               /* default 1 */
    const char *engine;         /* "native" (default) or "ns3"; static */
    const char *scheduler;      /* the engine's event queue; NULL = the
                                 * engine's default; static */

    struct nvo_underlay_cfg underlay;
    struct nvo_overlay_cfg overlay;

    size_t n_flows;
    struct nvo_flows_cfg *flows;

    size_t n_events;            /* in file order */
    struct nvo_topo_event_cfg *events;

    struct nvo_output_cfg output;

    struct nvo_sweep_cfg sweep;
};

/* Loads and checks a scenario file and the topology file it names.
 * 'sets' are n_sets "PATH=VALUE" overrides (paths starting "topology."
 * apply to the topology file, except "topology.file").  Returns the
 * scenario (free with nvo_scenario_cfg_destroy()) or NULL with 'error'
 * set as for nvo_topo_load(). */
struct nvo_scenario_cfg *nvo_scenario_load(const char *path,
                                           const char *const *sets,
                                           size_t n_sets, GError **error);

void nvo_scenario_cfg_destroy(struct nvo_scenario_cfg *);

/* ---- Settings: what --set accepts -------------------------------------- */

/* One attribute a "--set PATH=VALUE" can set, as "nvosim run
 * --list-settings" prints it (like ns-3's --PrintAttributes). */
struct nvo_setting {
    char *path;                 /* "run.duration", "traffic.flows[2].pattern",
                                 * "topology.spines" */
    char *type;                 /* "time", "integer", "ipv4|ipv6", ... */
    const char *unit;           /* units the value may carry, or "" */
    char *dflt;                 /* the default, "(required)" or "-" */
    char *value;                /* in the effective scenario (overrides
                                 * applied), or NULL if not set */
    bool documented;            /* type, unit and default are known (a
                                 * schema attribute without them is a bug) */
};

void nvo_setting_free(struct nvo_setting *);

/* Loads the scenario at 'path' with the overrides (as nvo_scenario_load())
 * and lists every path --set accepts for it: every attribute the schemas
 * allow, under the elements of the scenario and of its topology (a
 * repeated element with its index, "[1]" if there is none yet), in schema
 * order.  Returns a GPtrArray of struct nvo_setting * (its free function
 * set), or NULL with 'error' set. */
GPtrArray *nvo_settings_list(const char *path, const char *const *sets,
                             size_t n_sets, GError **error);

/* ---- Either ---------------------------------------------------------- */

enum nvo_config_kind {
    NVO_CONFIG_UNKNOWN,
    NVO_CONFIG_SCENARIO,
    NVO_CONFIG_TOPOLOGY,
};

/* Says whether 'path' holds a scenario or a topology, from its root
 * element.  Returns NVO_CONFIG_UNKNOWN with 'error' set if the file cannot
 * be read or parsed or has another root. */
enum nvo_config_kind nvo_config_kind_of(const char *path, GError **error);

/* The schema directory in use (see above). */
const char *nvo_config_schema_dir(void);

#endif /* NVO_CONFIG_H */
