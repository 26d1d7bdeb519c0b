/* cmd_tunnel.c: "nvosim tunnel", a real packet exchange between two
 * hypervisor PEs over one underlay link.
 *
 * pe1 hosts VMs of several tenants; each tenant's VM sends UDP flows to a
 * VM of the same tenant on pe2.  pe1 encapsulates every tenant frame with
 * the chosen encapsulation (VNI / VSID / label per tenant), pe2 checks and
 * strips the outer headers and delivers the frame to the tenant the VNI
 * names.  Frames arrive as a Poisson process at a chosen load of the link,
 * all of one size, so the link is an M/D/1 queue: the command prints the
 * measured queueing delay next to Pollaczek-Khinchine's.  It writes a pcap
 * of pe1's port (pe1-1.pcap: ports are numbered from 1, as in `run`) and
 * an ASCII trace when asked.  The VMs' MACs come from a hypervisor
 * vendor's OUI (nvo_vm_mac()), so Wireshark decodes MPLS pseudowires.
 *
 * The PEs are the model's hypervisor PE nodes (overlay/pe_node.h,
 * docs/pe.md), the same as a scenario's: a network (fabric/net.h) of two
 * PE nodes and one link.  Each PE has a static MAC table entry for every
 * remote VM, so every frame is known unicast (no flooding).  This file
 * parses the options, sets up the network, generates the frames, runs,
 * prints and writes summary.csv. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "cli.h"
#include "cmd.h"
#include "core/fileio.h"
#include "overlay/encap.h"
#include "overlay/pe_node.h"
#include "core/engine.h"
#include "fabric/link.h"
#include "fabric/net.h"
#include "io/pcap_out.h"
#include "io/progress.h"
#include "core/rng.h"
#include "core/stats.h"
#include "io/trace.h"
#include "wire/wire.h"

#define MAX_TENANTS 4096
#define MAX_SEGMENTS NVO_PE_NODE_MAX_SEGMENTS  /* STT segments per frame */

struct tunnel_opts {
    const struct nvo_encap_ops *encap;
    const char *engine;
    uint32_t tenants;
    uint32_t flows;
    uint32_t frame_size;        /* tenant frame, bytes on the wire */
    double load;                /* offered load / link rate, with overhead */
    uint64_t frames;
    struct nvo_link_cfg link;
    uint64_t seed, run;
    bool ipv6;
    bool entropy_label;
    bool control_word;
    enum nvo_vm_oui vm_oui;
    uint32_t snaplen;           /* for nvo_pcap_out_open() */
    const char *out_dir;
    bool pcap, trace;
};

struct sim {
    struct tunnel_opts o;
    struct nvo_engine *e;
    struct nvo_pkt_pool pool;
    struct nvo_net *net;                /* pe1, pe2 and their link */
    struct nvo_pe_node *pe1, *pe2;      /* the model: overlay/pe_node.h */
    uint32_t pe2_index;                 /* pe2's node index */
    const struct nvo_tunnel *tunnel;    /* tenant 0's, pe1 -> pe2 */
    struct nvo_port *port1, *port2;     /* their underlay ports */
    struct nvo_rng rng;
    double mean_gap_ps;
    double latency_sum;                 /* ps */
    nvo_time_t latency_max;
    struct nvo_hist latency;            /* ps */
    /* Distinct values of the outer entropy field: an open-addressing set
     * (value + 1, 0 = empty) of 'entropy_cap' slots, at most half full:
     * each flow has one value, so there are at most 'flows'. */
    uint64_t *entropy_set;
    uint32_t entropy_cap;
    uint32_t n_entropy_values;
};

static void
usage(FILE *f)
{
    fprintf(f,
"usage: nvosim tunnel [OPTIONS]\n"
"\n"
"Sends tenant traffic from hypervisor PE pe1 to pe2 over one underlay link,\n"
"encapsulated, and reports what arrived, the overhead, and the queueing delay\n"
"against the M/D/1 formula.\n"
"\n"
"Options (defaults in brackets):\n"
"  --encap NAME       vxlan, nvgre, stt, geneve, mpls-gre, mpls-ip, mpls-udp,\n"
"                     gre-udp, vxlan-gpe [vxlan]\n"
"  --tenants N        tenants (VNIs 5001.., labels 1001..) [4]\n"
"  --flows N          UDP flows, spread over the tenants [64]\n"
"  --frame-size B     tenant Ethernet frame length, bytes, 64-9018 [1000]\n"
"  --load X           offered load on the link, 0 < X < 1, counting the\n"
"                     encapsulation and framing overhead [0.5]\n"
"  --frames N         tenant frames to send [100000]\n"
"  --rate R           link rate [10Gbps]\n"
"  --delay T          link propagation delay [1us]\n"
"  --mtu B            underlay link MTU (IP packet), bytes [9000]\n"
"  --queue B          data queue per port [1MiB]\n"
"  --ipv6             IPv6 underlay (outer header) [IPv4]\n"
"  --entropy-label    MPLS encapsulations: add ELI + entropy label\n"
"  --control-word     MPLS encapsulations: add the RFC 4448 control word\n"
"                     (4 bytes, all zero) after the bottom label\n"
"  --vm-oui NAME      OUI of the VMs' MACs: vmware (00:50:56), xen\n"
"                     (00:16:3e), hyperv (00:15:5d) [vmware]\n"
"  --seed N, --run N  random seed and run number [1, 1]\n"
"  --engine NAME      event engine: %s [native]\n"
"  --out DIR          write DIR/summary.csv, and with --pcap DIR/pe1-1.pcap,\n"
"                     with --trace DIR/trace.txt [results/tunnel]\n"
"  --pcap             write a pcap of pe1's port 1 (both directions)\n"
"  --snaplen N        bytes captured per frame: headers only by default\n"
"                     (the payload is virtual); 0 = the whole frame, its\n"
"                     payload as zeros; N = at most N bytes [headers]\n"
"  --trace            write an ASCII trace of both ports\n"
"  -h, --help         this help\n", nvo_engine_names());
}

static int
parse_u64(const char *opt, const char *s, uint64_t min, uint64_t max,
          uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max || *s == '-') {
        fprintf(stderr, "nvosim tunnel: %s: \"%s\" is not a whole number "
                "from %" PRIu64 " to %" PRIu64 "\n", opt, s, min, max);
        return 2;
    }
    *out = v;
    return 0;
}

static int
parse_opts(int argc, char **argv, struct tunnel_opts *o)
{
    memset(o, 0, sizeof *o);
    o->encap = &nvo_encap_vxlan_ops;
    o->engine = "native";
    o->tenants = 4;
    o->flows = 64;
    o->frame_size = 1000;
    o->load = 0.5;
    o->frames = 100000;
    nvo_link_cfg_default(&o->link);
    o->link.mtu = 9000;
    o->seed = o->run = 1;
    o->out_dir = "results/tunnel";
    o->vm_oui = NVO_VM_OUI_VMWARE;
    o->snaplen = NVO_PCAP_SNAPLEN_HEADERS;

    static const struct option longopts[] = {
        { "encap", required_argument, NULL, 'E' },
        { "tenants", required_argument, NULL, 'T' },
        { "flows", required_argument, NULL, 'F' },
        { "frame-size", required_argument, NULL, 'S' },
        { "load", required_argument, NULL, 'L' },
        { "frames", required_argument, NULL, 'N' },
        { "rate", required_argument, NULL, 'R' },
        { "delay", required_argument, NULL, 'D' },
        { "mtu", required_argument, NULL, 'M' },
        { "queue", required_argument, NULL, 'Q' },
        { "ipv6", no_argument, NULL, '6' },
        { "entropy-label", no_argument, NULL, 'e' },
        { "control-word", no_argument, NULL, 'c' },
        { "vm-oui", required_argument, NULL, 'O' },
        { "snaplen", required_argument, NULL, 'P' },
        { "seed", required_argument, NULL, 's' },
        { "run", required_argument, NULL, 'r' },
        { "engine", required_argument, NULL, 'g' },
        { "out", required_argument, NULL, 'o' },
        { "pcap", no_argument, NULL, 'p' },
        { "trace", no_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    uint64_t v;
    optind = 1;
    opterr = 0;                 /* nvo_cli_bad_option() says what is wrong */
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'E':
            o->encap = nvo_encap_lookup(optarg);
            if (!o->encap) {
                fprintf(stderr, "nvosim tunnel: --encap: unknown "
                        "encapsulation \"%s\" (vxlan, nvgre, stt, geneve, "
                        "mpls-gre, mpls-ip, mpls-udp, gre-udp, vxlan-gpe)\n",
                        optarg);
                return 2;
            }
            break;
        case 'T':
            if (parse_u64("--tenants", optarg, 1, MAX_TENANTS, &v)) {
                return 2;
            }
            o->tenants = (uint32_t) v;
            break;
        case 'F':
            if (parse_u64("--flows", optarg, 1, 1000000, &v)) {
                return 2;
            }
            o->flows = (uint32_t) v;
            break;
        case 'S':
            if (parse_u64("--frame-size", optarg, 64, 9018, &v)) {
                return 2;
            }
            o->frame_size = (uint32_t) v;
            break;
        case 'L': {
            char *end;
            o->load = strtod(optarg, &end);
            if (end == optarg || *end || !(o->load > 0 && o->load < 1)) {
                fprintf(stderr, "nvosim tunnel: --load: \"%s\" must be a "
                        "number between 0 and 1, exclusive\n", optarg);
                return 2;
            }
            break;
        }
        case 'N':
            if (parse_u64("--frames", optarg, 1, UINT64_MAX / 2, &o->frames)) {
                return 2;
            }
            break;
        case 'R':
            if (nvo_rate_parse(optarg, &o->link.rate_bps)) {
                fprintf(stderr, "nvosim tunnel: --rate: \"%s\" is not a "
                        "rate with a unit (e.g. 10Gbps)\n", optarg);
                return 2;
            }
            break;
        case 'D':
            if (nvo_time_parse(optarg, &o->link.delay) || o->link.delay < 0) {
                fprintf(stderr, "nvosim tunnel: --delay: \"%s\" is not a "
                        "time with a unit (e.g. 1us)\n", optarg);
                return 2;
            }
            break;
        case 'M':
            if (parse_u64("--mtu", optarg, 68, 65535, &v)) {
                return 2;
            }
            o->link.mtu = (uint32_t) v;
            break;
        case 'Q':
            if (nvo_size_parse(optarg, &o->link.queue_bytes)) {
                fprintf(stderr, "nvosim tunnel: --queue: \"%s\" is not a "
                        "size (e.g. 1MiB)\n", optarg);
                return 2;
            }
            break;
        case '6':
            o->ipv6 = true;
            break;
        case 'e':
            o->entropy_label = true;
            break;
        case 'c':
            o->control_word = true;
            break;
        case 'O':
            if (nvo_vm_oui_lookup(optarg, &o->vm_oui)) {
                fprintf(stderr, "nvosim tunnel: --vm-oui: unknown OUI \"%s\" "
                        "(vmware, xen, hyperv)\n", optarg);
                return 2;
            }
            break;
        case 'P':
            if (parse_u64("--snaplen", optarg, 0, NVO_PCAP_SNAPLEN_MAX, &v)) {
                return 2;
            }
            o->snaplen = (uint32_t) v;
            break;
        case 's':
            if (parse_u64("--seed", optarg, 0, UINT64_MAX, &o->seed)) {
                return 2;
            }
            break;
        case 'r':
            if (parse_u64("--run", optarg, 0, UINT64_MAX, &o->run)) {
                return 2;
            }
            break;
        case 'g':
            if (!nvo_engine_lookup(optarg)) {
                fprintf(stderr, "nvosim tunnel: --engine: unknown engine "
                        "\"%s\" (built in: %s)\n", optarg, nvo_engine_names());
                return 2;
            }
            o->engine = optarg;
            break;
        case 'o':
            if (!*optarg) {
                fprintf(stderr, "nvosim tunnel: --out: an empty path\n");
                return 2;
            }
            o->out_dir = optarg;
            break;
        case 'p':
            o->pcap = true;
            break;
        case 't':
            o->trace = true;
            break;
        case 'h':
            usage(stdout);
            return -1;
        default:
            nvo_cli_bad_option("tunnel", argv, longopts, "h");
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "nvosim tunnel: unexpected argument \"%s\"\n",
                argv[optind]);
        return 2;
    }
    if ((o->control_word || o->entropy_label)
        && strncmp(o->encap->name, "mpls", 4)) {
        fprintf(stderr, "nvosim tunnel: --%s applies to the MPLS "
                "encapsulations only, not to %s\n",
                o->control_word ? "control-word" : "entropy-label",
                o->encap->name);
        return 2;
    }
    if (o->encap->n_segments) {
        /* STT segments carry MTU - IP - TCP bytes each; the first also
         * carries the 18-byte STT header. */
        uint32_t need;
        uint32_t n = o->encap->n_segments(o->ipv6, o->frame_size,
                                          o->link.mtu, &need);
        if (!n) {
            fprintf(stderr, "nvosim tunnel: --mtu %" PRIu32 " leaves no room "
                    "for STT segments (needs more than %" PRIu32 " bytes)\n",
                    o->link.mtu, need);
            return 2;
        }
        if (n > MAX_SEGMENTS) {
            fprintf(stderr, "nvosim tunnel: a %" PRIu32 "-byte frame would "
                    "be cut into more than %d STT segments at MTU %" PRIu32
                    "; raise --mtu\n", o->frame_size, MAX_SEGMENTS,
                    o->link.mtu);
            return 2;
        }
    }
    if (o->link.queue_bytes < (uint64_t) o->link.mtu + 18) {
        fprintf(stderr, "nvosim tunnel: --queue must hold at least one "
                "frame of the MTU (%" PRIu32 " bytes + 18)\n", o->link.mtu);
        return 2;
    }
    return 0;
}

/* Tenant t's identifier: a VNI for VXLAN/Geneve/NVGRE/STT, an MPLS label
 * for the MPLS encapsulations. */
static uint32_t
tenant_id(const struct sim *s, uint32_t t)
{
    return strncmp(s->o.encap->name, "mpls", 4) ? 5001 + t : 1001 + t;
}

/* The MAC of tenant t's VM on PE 'host' (1 or 2): VM number
 * 2 t + host - 1 of the chosen OUI, unique per VM. */
static void
vm_mac(const struct sim *s, uint8_t mac[6], uint32_t host, uint32_t t)
{
    if (nvo_vm_mac(mac, s->o.vm_oui, 2 * t + host - 1)) {
        abort();                /* t < MAX_TENANTS: the index fits */
    }
}

static void on_encap(void *s_, struct nvo_pe_node *pe, uint32_t tenant,
                     const struct nvo_tunnel *t, const struct nvo_pkt *p);
static void deliver(void *s_, struct nvo_pe_node *pe, uint32_t tenant,
                    uint32_t vm, const struct nvo_pkt *p);

/* The network: PE nodes pe1 (node 0: underlay address 10.0.0.1 or
 * fd00::1) and pe2 (node 1: 10.0.0.2, fd00::2) joined by one link with
 * the command's link options.  pe1 hosts VM 0 of every tenant, pe2 VM 1;
 * each tenant's flood list is the two PEs, and each PE has a static MAC
 * entry for the tenant's VM on the other, so no frame is ever flooded.
 * Returns 0, 1 (a model error, said) or 2 (impossible link settings). */
static int
build_net(struct sim *s)
{
    struct nvo_net_cfg nc;
    memset(&nc, 0, sizeof nc);
    nc.ipv6 = s->o.ipv6;
    nc.seed = s->o.seed;
    nc.run = s->o.run;
    s->net = nvo_net_create(s->e, &nc);
    struct nvo_pe_node_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.encap = s->o.encap;
    cfg.entropy_label = s->o.entropy_label;
    cfg.control_word = s->o.control_word;
    cfg.mtu = s->o.link.mtu;
    cfg.mac_aging = NVO_TIME_MAX;       /* entries are static or refreshed
                                         * by every frame: no aging timer */
    cfg.deliver = deliver;
    cfg.on_encap = on_encap;
    cfg.ctx = s;
    struct nvo_pe_node **pes[2] = { &s->pe1, &s->pe2 };
    for (uint32_t h = 0; h < 2; h++) {
        const char *name = h ? "pe2" : "pe1";
        *pes[h] = nvo_pe_node_create(s->net, name, &cfg);
        if (!*pes[h]) {
            fprintf(stderr, "nvosim tunnel: cannot create %s: %s\n", name,
                    strerror(errno));
            return 1;
        }
    }
    uint32_t idx[2] = { nvo_pe_node_index(s->pe1),
                        nvo_pe_node_index(s->pe2) };
    s->pe2_index = idx[1];
    for (uint32_t t = 0; t < s->o.tenants; t++) {
        for (uint32_t h = 0; h < 2; h++) {
            uint32_t ix, vm;
            uint8_t mac[6];
            int error = nvo_pe_node_add_tenant(*pes[h], tenant_id(s, t), &ix);
            if (error) {
                fprintf(stderr, "nvosim tunnel: cannot build the %s tunnel "
                        "for tenant %" PRIu32 ": %s\n", s->o.encap->name, t,
                        strerror(error));
                return 1;
            }
            vm_mac(s, mac, h + 1, t);
            /* VM h + 1 of tenant T: 10.T.T.(h + 1), T in two octets. */
            error = nvo_pe_node_add_vm(*pes[h], ix, mac,
                                       0x0a000000 | (t << 8) | (h + 1), &vm);
            if (!error) {
                error = nvo_pe_node_set_flood(*pes[h], ix, idx, 2);
            }
            if (error) {
                fprintf(stderr, "nvosim tunnel: tenant %" PRIu32 " on %s: "
                        "%s\n", t, h ? "pe2" : "pe1", strerror(error));
                return 1;
            }
        }
    }
    if (nvo_net_add_link(s->net, idx[0], idx[1], &s->o.link)
        || nvo_net_finalize(s->net)) {
        fprintf(stderr, "nvosim tunnel: impossible link settings\n");
        return 2;
    }
    for (uint32_t t = 0; t < s->o.tenants; t++) {
        for (uint32_t h = 0; h < 2; h++) {
            uint8_t mac[6];
            vm_mac(s, mac, 2 - h, t);   /* the other PE's VM */
            if (nvo_pe_node_add_static_mac(*pes[h], t, mac, idx[1 - h])) {
                abort();                /* tenant t and the PE exist */
            }
        }
    }
    s->port1 = &nvo_pe_node_base(s->pe1)->ports[0];
    s->port2 = &nvo_pe_node_base(s->pe2)->ports[0];
    s->tunnel = nvo_pe_node_tunnel(s->pe1, 0, idx[1]);
    if (!s->tunnel) {
        abort();                        /* tenant 0 and pe2 exist */
    }
    return 0;
}

static void send_frame(void *s_);

static void
entropy_add(struct sim *s, uint32_t value)
{
    uint64_t key = (uint64_t) value + 1;
    uint32_t mask = s->entropy_cap - 1;
    for (uint32_t i = (value * 2654435761u) & mask; ; i = (i + 1) & mask) {
        if (s->entropy_set[i] == key) {
            return;
        }
        if (!s->entropy_set[i]) {
            s->entropy_set[i] = key;
            s->n_entropy_values++;
            return;
        }
    }
}

static void
send_frame(void *s_)
{
    struct sim *s = s_;
    uint32_t flow = (uint32_t) nvo_rng_below(&s->rng, s->o.flows);
    uint32_t tenant = flow % s->o.tenants;

    struct nvo_pkt *p = nvo_pkt_alloc(&s->pool, NVO_PKT_HEADROOM, 128);
    struct nvo_frame_spec f;
    memset(&f, 0, sizeof f);
    vm_mac(s, f.src_mac, 1, tenant);
    vm_mac(s, f.dst_mac, 2, tenant);
    f.src_ip4 = 0x0a000000 | (tenant << 8) | 1;   /* 10.T.T.1 */
    f.dst_ip4 = 0x0a000000 | (tenant << 8) | 2;
    f.proto = 17;
    f.sport = (uint16_t) (10000 + flow);
    f.dport = 5001;
    /* Ethernet 14 + IPv4 20 + UDP 8 = 42 real bytes; the rest is virtual. */
    p->payload_size = s->o.frame_size - 42;
    int error = nvo_wire_build_frame(p, &f);
    if (error) {
        abort();                /* sizes were checked in parse_opts() */
    }
    p->flow_id = flow + 1;
    p->created = nvo_engine_now(s->e);

    if (nvo_pe_node_vm_send(s->pe1, tenant, 0, p)) {
        abort();                /* tenant and VM 0 exist */
    }

    if (nvo_pe_node_counters(s->pe1)->vm_frames < s->o.frames) {
        /* The run's expected length fits in a time (checked before it
         * starts); one gap of the exponential's tail may still not: it
         * saturates. */
        nvo_time_t now = nvo_engine_now(s->e);
        nvo_time_t gap = nvo_time_from_ps_clamp(
            nvo_rng_exponential(&s->rng, s->mean_gap_ps), 0,
            NVO_TIME_MAX - now);
        nvo_engine_schedule(s->e, gap, send_frame, s);
    }
}

/* pe1 reads the entropy field of every frame it encapsulates. */
static void
on_encap(void *s_, struct nvo_pe_node *pe, uint32_t tenant,
         const struct nvo_tunnel *t, const struct nvo_pkt *p)
{
    struct sim *s = s_;
    (void) pe;
    (void) tenant;
    uint32_t value;
    if (!nvo_tunnel_entropy_value(t, p, &value)) {
        entropy_add(s, value);
    }
}

/* The VM that receives a tenant frame measures its latency. */
static void
deliver(void *s_, struct nvo_pe_node *pe, uint32_t tenant, uint32_t vm,
        const struct nvo_pkt *p)
{
    struct sim *s = s_;
    (void) pe;
    (void) tenant;
    (void) vm;
    nvo_time_t lat = nvo_engine_now(s->e) - p->created;
    s->latency_sum += (double) lat;
    nvo_hist_add(&s->latency, lat);
    if (lat > s->latency_max) {
        s->latency_max = lat;
    }
}

/* Appends ",VALUE" with 'fmt', or "," alone (a missing value: no
 * sample) when 'have' is false. */
static void
csv_num(FILE *f, bool have, const char *fmt, double v)
{
    fputc(',', f);
    if (have) {
        fprintf(f, fmt, v);
    }
}

/* The counters the command reports, from the PE nodes' (struct
 * nvo_pe_node_counters): every tenant frame is known unicast, so the
 * frames sent are pe1's VM frames (each encapsulated once); pe2's drops
 * of a VNI it does not host or a MAC of no VM there are the "wrong
 * tenant" frames. */
static uint64_t
sent(const struct sim *s)
{
    return nvo_pe_node_counters(s->pe1)->vm_frames;
}

static uint64_t
frames_out(const struct sim *s)
{
    return nvo_pe_node_counters(s->pe1)->frames_out;
}

static uint64_t
delivered(const struct sim *s)
{
    return nvo_pe_node_counters(s->pe2)->delivered;
}

static uint64_t
decap_errors(const struct sim *s)
{
    return nvo_pe_node_counters(s->pe2)->drops[NVO_PE_DROP_DECAP];
}

static uint64_t
wrong_tenant(const struct sim *s)
{
    const struct nvo_pe_node_counters *c = nvo_pe_node_counters(s->pe2);
    return c->drops[NVO_PE_DROP_NO_TENANT] + c->drops[NVO_PE_DROP_NO_VM];
}

/* Tenant frames not delivered, for any reason. */
static uint64_t
frames_lost(const struct sim *s)
{
    return sent(s) - delivered(s);
}

/* The tunnel's summary.csv: the run's column names (frames_generated,
 * frames_delivered, frames_dropped, drop_rate, latency_*_us, events,
 * fingerprint, wall_s) for the same quantities, the scheme of the other
 * CSV files for the rest; an empty cell for a value without samples. */
static int
write_summary_csv(const struct sim *s, const char *path, double wq,
                  double wq_theory, double wall)
{
    struct nvo_atomic_file af;
    int error = nvo_atomic_open(&af, path);
    if (error) {
        return error;
    }
    FILE *f = af.f;
    const struct nvo_port_stats *st = &s->port1->st;
    uint64_t drops = 0;
    for (int r = 0; r < NVO_DROP_N; r++) {
        drops += st->drop_frames[r];
    }
    bool lat = delivered(s) > 0;
    enum nvo_entropy ent = nvo_tunnel_entropy(s->tunnel);
    fprintf(f, "encap,ipv6,control_word,vm_oui,tenants,flows,"
            "frame_size_bytes,overhead_bytes,load,rate_bps,mtu_bytes,seed,"
            "run,sim_time_s,events,frames_generated,frames_delivered,"
            "frames_dropped,drop_rate,underlay_frames_sent,"
            "underlay_frames_dropped,underlay_frames_dropped_queue,"
            "underlay_frames_dropped_mtu,frames_decap_errors,"
            "frames_wrong_tenant,latency_mean_us,latency_p50_us,"
            "latency_p99_us,latency_max_us,qdelay_mean_us,qdelay_md1_us,"
            "entropy_field,entropy_values,fingerprint,wall_s\n");
    fprintf(f, "%s,%d,%d,%s,%" PRIu32 ",%" PRIu32 ",%" PRIu32 ",%u,%.4f,"
            "%" PRIu64 ",%" PRIu32 ",%" PRIu64 ",%" PRIu64 ",%.12f,%" PRIu64
            ",%" PRIu64 ",%" PRIu64 ",%" PRIu64,
            s->o.encap->name, s->o.ipv6, s->o.control_word,
            nvo_vm_oui_name(s->o.vm_oui), s->o.tenants, s->o.flows,
            s->o.frame_size, (unsigned) nvo_tunnel_overhead(s->tunnel),
            s->o.load, s->o.link.rate_bps, s->o.link.mtu, s->o.seed,
            s->o.run, (double) nvo_engine_now(s->e) / NVO_SEC,
            s->e->n_executed, sent(s), delivered(s), frames_lost(s));
    csv_num(f, sent(s) > 0, "%.6f",
            (double) frames_lost(s) / (double) sent(s));
    fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
            ",%" PRIu64, frames_out(s), drops,
            st->drop_frames[NVO_DROP_QUEUE], st->drop_frames[NVO_DROP_MTU],
            decap_errors(s), wrong_tenant(s));
    csv_num(f, lat, "%.6f", lat ? s->latency_sum / (double) delivered(s)
                                  / 1e6 : 0);
    csv_num(f, lat, "%.6f", nvo_hist_quantile(&s->latency, 0.5) / 1e6);
    csv_num(f, lat, "%.6f", nvo_hist_quantile(&s->latency, 0.99) / 1e6);
    csv_num(f, lat, "%.6f", (double) s->latency_max / 1e6);
    csv_num(f, s->port1->st.n_qdelay > 0, "%.6f", wq / 1e6);
    csv_num(f, !isnan(wq_theory), "%.6f", wq_theory / 1e6);
    fprintf(f, ",%s", nvo_entropy_name(ent));
    csv_num(f, ent != NVO_ENTROPY_NONE, "%.0f", s->n_entropy_values);
    fprintf(f, ",%016" PRIx64 ",%.6f\n", s->e->fingerprint, wall);
    return nvo_atomic_commit(&af);
}

/* Frees the network (its PEs, link, ports and their frames), the pool,
 * the engine and the entropy set. */
static void
teardown(struct sim *s)
{
    nvo_net_destroy(s->net);
    nvo_pkt_pool_destroy(&s->pool);
    nvo_engine_destroy(s->e);
    free(s->entropy_set);
}

int
nvo_cmd_tunnel_main(int argc, char **argv)
{
    static struct sim sim;
    struct sim *s = &sim;
    memset(s, 0, sizeof *s);
    int rc = parse_opts(argc, argv, &s->o);
    if (rc) {
        return rc < 0 ? 0 : rc;
    }
    int error = nvo_engine_create(s->o.engine, NULL, &s->e);
    if (error) {
        fprintf(stderr, "nvosim tunnel: cannot create the %s engine: %s\n",
                s->o.engine, strerror(error));
        return 1;
    }
    nvo_pkt_pool_init(&s->pool);
    nvo_hist_init(&s->latency);
    s->entropy_cap = 2;
    while (s->entropy_cap < 2 * s->o.flows) {
        s->entropy_cap *= 2;
    }
    s->entropy_set = calloc(s->entropy_cap, sizeof *s->entropy_set);
    if (!s->entropy_set) {
        teardown(s);
        return 1;
    }
    rc = build_net(s);
    if (rc) {
        teardown(s);
        return rc;
    }

    uint32_t n_segs;
    uint64_t cost = nvo_pe_node_wire_cost(s->pe1, 0, s->pe2_index,
                                          s->o.frame_size, s->o.link.framing,
                                          &s->pool, &n_segs);
    double service = (double) nvo_tx_time(cost, s->o.link.rate_bps);
    s->mean_gap_ps = service / s->o.load;
    /* The expected duration paces the progress line; the run then drains
     * whatever is still queued or on the wire. */
    nvo_time_t expected;
    if (!nvo_time_from_ps((double) s->o.frames * s->mean_gap_ps, &expected)
        || expected > NVO_TIME_MAX / 2) {
        fprintf(stderr, "nvosim tunnel: --frames %" PRIu64 " at --load %g: "
                "the run would last %.3g s, longer than the longest "
                "simulated time (2^62 ps, 53 days, with room to drain); "
                "send fewer frames or raise the load\n", s->o.frames,
                s->o.load, (double) s->o.frames * s->mean_gap_ps / 1e12);
        teardown(s);
        return 2;
    }

    error = nvo_mkdir_p(s->o.out_dir);
    if (error) {
        fprintf(stderr, "nvosim tunnel: %s: %s\n", s->o.out_dir,
                strerror(error));
        teardown(s);
        return 1;
    }
    char path[4200];
    struct nvo_trace *trace = NULL;
    struct nvo_pcap_out *pcap = NULL;
    if (s->o.trace) {
        snprintf(path, sizeof path, "%s/trace.txt", s->o.out_dir);
        error = nvo_trace_open(path, &trace);
        if (error) {
            fprintf(stderr, "nvosim tunnel: %s: %s\n", path, strerror(error));
            teardown(s);
            return 1;
        }
        nvo_trace_attach(trace, s->port1);
        nvo_trace_attach(trace, s->port2);
    }
    if (s->o.pcap) {
        snprintf(path, sizeof path, "%s/pe1-1.pcap", s->o.out_dir);
        char err[512];
        error = nvo_pcap_out_open(path, s->o.snaplen, &pcap, err, sizeof err);
        if (error) {
            fprintf(stderr, "nvosim tunnel: %s\n", err);
            nvo_trace_abort(trace);
            teardown(s);
            return 1;
        }
        nvo_pcap_out_attach(pcap, s->port1);
    }

    nvo_rng_init(&s->rng, s->o.seed, s->o.run, "pe1/traffic");
    nvo_engine_schedule(s->e, 0, send_frame, s);

    nvo_net_start(s->net);
    double t0 = nvo_wall_seconds();
    nvo_run_with_progress(s->e, expected, "tunnel", true);
    nvo_engine_run(s->e, NVO_TIME_MAX);
    double wall = nvo_wall_seconds() - t0;
    nvo_net_stop(s->net);

    /* Conservation: every frame sent is delivered, dropped, or rejected. */
    const struct nvo_port_stats *st = &s->port1->st;
    uint64_t dropped = 0;
    for (int r = 0; r < NVO_DROP_N; r++) {
        dropped += st->drop_frames[r];
    }
    uint64_t out_frames_ok = frames_out(s) - dropped;
    bool conserved = s->port2->st.rx_frames[NVO_TC_DATA] == out_frames_ok
                     && nvo_port_queued_frames(s->port1) == 0
                     && s->pool.n_live == 0;

    double wq = nvo_port_mean_qdelay(s->port1);
    double wq_theory = n_segs == 1
        ? s->o.load * service / (2 * (1 - s->o.load)) : NAN;
    char b1[NVO_TIME_STRLEN], b2[64];
    printf("nvosim tunnel: %s over %s, %s link, MTU %" PRIu32 ", load %.2f\n",
           s->o.encap->name, s->o.ipv6 ? "IPv6" : "IPv4",
           nvo_rate_format(s->o.link.rate_bps, b2, sizeof b2), s->o.link.mtu,
           s->o.load);
    printf("  tenant frames sent      %" PRIu64 " (%" PRIu32 " bytes each, "
           "%" PRIu32 " tenants, %" PRIu32 " flows)\n", sent(s),
           s->o.frame_size, s->o.tenants, s->o.flows);
    printf("  encapsulation overhead  %u bytes per frame%s (%.1f%% of the "
           "tenant frame)\n", (unsigned) nvo_tunnel_overhead(s->tunnel),
           n_segs > 1 ? " (first STT segment)" : "",
           100.0 * nvo_tunnel_overhead(s->tunnel) / s->o.frame_size);
    printf("  underlay frames         %" PRIu64 " sent, %" PRIu64 " dropped "
           "(queue %" PRIu64 ", mtu %" PRIu64 ")\n", frames_out(s),
           dropped, st->drop_frames[NVO_DROP_QUEUE],
           st->drop_frames[NVO_DROP_MTU]);
    printf("  delivered to tenants    %" PRIu64 " (decap errors %" PRIu64
           ", wrong tenant %" PRIu64 ")\n", delivered(s),
           decap_errors(s), wrong_tenant(s));
    if (delivered(s)) {
        char b3[NVO_TIME_STRLEN], b4[NVO_TIME_STRLEN];
        printf("  latency                 mean %s, p50 %s, p99 %s, max %s\n",
               nvo_time_format((nvo_time_t) (s->latency_sum
                                             / (double) delivered(s)),
                               b1, sizeof b1),
               nvo_time_format((nvo_time_t) nvo_hist_quantile(&s->latency,
                                                              0.5),
                               b3, sizeof b3),
               nvo_time_format((nvo_time_t) nvo_hist_quantile(&s->latency,
                                                              0.99),
                               b4, sizeof b4),
               nvo_time_format(s->latency_max, b2, sizeof b2));
    } else {
        printf("  latency                 none: no frame was delivered\n");
    }
    if (!s->port1->st.n_qdelay) {
        printf("  queueing delay (pe1)    none: no frame was sent\n");
    } else if (n_segs == 1) {
        printf("  queueing delay (pe1)    mean %.1f ns, M/D/1 theory %.1f ns "
               "(%+.1f%%)\n", wq / 1000, wq_theory / 1000,
               100 * (wq - wq_theory) / wq_theory);
    } else {
        printf("  queueing delay (pe1)    mean %.1f ns (frames cut into %"
               PRIu32 " STT segments: not M/D/1)\n", wq / 1000, n_segs);
    }
    enum nvo_entropy ent = nvo_tunnel_entropy(s->tunnel);
    if (ent != NVO_ENTROPY_NONE) {
        printf("  outer entropy           %s, %" PRIu32 " distinct values "
               "for %" PRIu32 " flows\n", nvo_entropy_name(ent),
               s->n_entropy_values, s->o.flows);
    } else {
        printf("  outer entropy           none (every flow has the same "
               "outer header)\n");
    }
    printf("  events                  %" PRIu64 " in %.2f s (%.2f M/s), "
           "fingerprint %016" PRIx64 "\n", s->e->n_executed, wall,
           wall > 0 ? (double) s->e->n_executed / wall / 1e6 : 0.0,
           s->e->fingerprint);

    rc = 0;
    if (!conserved) {
        fprintf(stderr, "nvosim tunnel: conservation check failed: %" PRIu64
                " frames left pe1, %" PRIu64 " arrived at pe2\n",
                out_frames_ok, s->port2->st.rx_frames[NVO_TC_DATA]);
        rc = 1;
    }
    if (!delivered(s)) {
        fprintf(stderr, "nvosim tunnel: nothing was delivered: all %" PRIu64
                " tenant frames were lost (underlay drops: queue %" PRIu64
                ", mtu %" PRIu64 "; decap errors %" PRIu64 ", wrong tenant %"
                PRIu64 ")\n", sent(s), st->drop_frames[NVO_DROP_QUEUE],
                st->drop_frames[NVO_DROP_MTU], decap_errors(s),
                wrong_tenant(s));
        rc = 1;
    }
    if (trace) {
        nvo_trace_detach(trace, s->port1);
        nvo_trace_detach(trace, s->port2);
        error = nvo_trace_close(trace);
        if (error) {
            fprintf(stderr, "nvosim tunnel: trace: %s\n", strerror(error));
            rc = 1;
        }
    }
    if (pcap) {
        char err[512];
        nvo_pcap_out_detach(pcap, s->port1);
        error = nvo_pcap_out_close(pcap, err, sizeof err);
        if (error) {
            fprintf(stderr, "nvosim tunnel: %s\n", err);
            rc = 1;
        }
    }
    snprintf(path, sizeof path, "%s/summary.csv", s->o.out_dir);
    error = write_summary_csv(s, path, wq, wq_theory, wall);
    if (error) {
        fprintf(stderr, "nvosim tunnel: %s: %s\n", path, strerror(error));
        rc = 1;
    } else {
        printf("  wrote                   %s%s%s\n", path,
               s->o.pcap ? ", pe1-1.pcap" : "", s->o.trace ? ", trace.txt" : "");
    }

    teardown(s);
    return rc;
}
