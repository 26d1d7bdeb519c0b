/* pe.h: the hypervisor PE's data plane, first form.
 *
 * A PE hosts tenants' VMs and connects them over one underlay port
 * (fabric/link.h).  Each tenant has an identifier (VXLAN / Geneve VNI,
 * NVGRE VSID, STT context, or MPLS label: the one value the encapsulation
 * carries), the MACs (and IPv4 addresses) of its VMs on this PE, and one
 * tunnel to the remote PE that hosts its other VMs.  nvo_pe_send()
 * encapsulates a VM's frame through the encapsulation's ops table
 * (overlay/encap.h), lets the NIC cut it into segments when the ops table
 * says the encapsulation segments (STT's TSO), and puts the frames on the
 * port.  nvo_pe_rx() takes every frame the port receives: it decapsulates,
 * finds the tenant by the identifier, checks that the inner destination is
 * one of that tenant's VMs here, and hands the tenant frame to the
 * deliver callback.  Counters per PE and per tenant say what happened to
 * every frame.
 *
 * The overlay issue turns this into a node role (struct nvo_node base,
 * receive / start / stop / report / destroy ops): create / destroy, rx and
 * send are already its shape.  Not yet here: MAC learning (the remote VM
 * is reached by the tenant's one tunnel), BUM flooding, several remote
 * PEs per tenant, STT reassembly (see docs/pe.md). */
#ifndef NVO_PE_H
#define NVO_PE_H

#include "core/nvo.h"
#include "fabric/link.h"
#include "overlay/encap.h"
#include "wire/pkt.h"

struct nvo_pe;

/* The most segments one tenant frame may become (nvo_pe_send()). */
#define NVO_PE_MAX_SEGMENTS 64

/* Called with each tenant frame the PE delivers to VM 'vm' of tenant
 * 'tenant' (indices as nvo_pe_add_tenant() / nvo_pe_add_vm() returned);
 * the callback owns 'p' (l2/l3/l4 set on the tenant frame). */
typedef void nvo_pe_deliver_fn(void *ctx, struct nvo_pe *pe, uint32_t tenant,
                               uint32_t vm, struct nvo_pkt *p);

/* Called by nvo_pe_send() with each frame just encapsulated, before it is
 * segmented and sent (for example to read its entropy field); must not
 * keep or change 'p'. */
typedef void nvo_pe_encap_fn(void *ctx, struct nvo_pe *pe, uint32_t tenant,
                             const struct nvo_tunnel *t,
                             const struct nvo_pkt *p);

struct nvo_pe_cfg {
    const char *name;                   /* the node (and port) name; kept */
    const struct nvo_encap_ops *encap;  /* the same for every tenant */
    bool ipv6;                          /* outer IPv6 */
    uint32_t ip4;                       /* underlay address, host order */
    uint8_t ip6[16];
    uint8_t mac[6];                     /* underlay MAC of the port */
    bool entropy_label;                 /* MPLS: ELI + EL */
    bool control_word;                  /* MPLS: RFC 4448 control word, sent
                                         * and expected */
    uint32_t mtu;                       /* IP MTU segments are cut to */
    nvo_pe_deliver_fn *deliver;         /* NULL: delivered frames freed */
    nvo_pe_encap_fn *on_encap;          /* optional */
    void *ctx;                          /* for the callbacks */
};

/* The remote PE a tenant's tunnel goes to: its underlay address (the
 * family of the PE's cfg.ipv6) and the next hop's MAC. */
struct nvo_pe_peer {
    uint32_t ip4;
    uint8_t ip6[16];
    uint8_t mac[6];
};

/* What happened to frames, per PE and per tenant.  Every tenant frame
 * given to nvo_pe_send() is 'sent'; every frame the port hands to
 * nvo_pe_rx() is 'rx_frames' and exactly one of: a later segment
 * (rx_segments), a decap error, wrong tenant, or delivered. */
struct nvo_pe_counters {
    uint64_t sent;              /* tenant frames encapsulated */
    uint64_t sent_bytes;        /* their tenant bytes (before encap) */
    uint64_t frames_out;        /* underlay frames given to the port
                                 * (STT: segments) */
    uint64_t bytes_out;         /* their bytes, outer headers included */
    uint64_t rx_frames;         /* underlay frames received */
    uint64_t rx_segments;       /* later STT segments: counted and freed,
                                 * the frame came with its first */
    uint64_t decap_errors;      /* pop() refused the frame */
    uint64_t wrong_tenant;      /* unknown identifier, or inner destination
                                 * not a VM of that tenant here */
    uint64_t delivered;         /* tenant frames handed to a VM */
    uint64_t delivered_bytes;   /* their tenant bytes */
};

/* Creates a PE with its port (unconnected; nvo_pe_port()) on engine 'e'.
 * Returns 0, EINVAL (no encapsulation or name, or an MTU of 0 for an
 * encapsulation that segments) or ENOMEM. */
int nvo_pe_create(const struct nvo_pe_cfg *cfg, struct nvo_engine *e,
                  struct nvo_pe **out);

/* Frees the PE, its tenants and its port's queued frames; NULL is a
 * no-op.  Disconnect or stop using the link first. */
void nvo_pe_destroy(struct nvo_pe *);

/* The PE's underlay port, to connect (nvo_link_connect()) and tap. */
struct nvo_port *nvo_pe_port(struct nvo_pe *);

/* Adds a tenant with identifier 'id' (VNI / VSID / STT context / MPLS
 * label) and builds its tunnel to 'peer'.  Returns 0 and *index (0, 1,
 * ... in the order added), EEXIST (the id is taken), ENOMEM, or the errno
 * of the encapsulation's build() (EINVAL: an id the encapsulation
 * refuses). */
int nvo_pe_add_tenant(struct nvo_pe *, uint32_t id,
                      const struct nvo_pe_peer *peer, uint32_t *index);

/* Adds a VM of tenant 'tenant' on this PE: its MAC and IPv4 address (0 =
 * not checked on delivery).  Returns 0 and *vm (per tenant, 0, 1, ...),
 * EINVAL (no such tenant) or ENOMEM. */
int nvo_pe_add_vm(struct nvo_pe *, uint32_t tenant, const uint8_t mac[6],
                  uint32_t ip4, uint32_t *vm);

/* Sends the tenant Ethernet frame 'p' (l2 set, and l3/l4 for the
 * entropy hash; at least NVO_PKT_HEADROOM headroom) from VM 'vm' of
 * 'tenant' to the tenant's remote PE: encapsulates it, segments it when
 * the encapsulation does, sends every frame on the port.  Returns 0 (p
 * is gone), EINVAL (no such tenant or VM) or EMSGSIZE (more segments than
 * NVO_PE_MAX_SEGMENTS, or the MTU leaves no room); on error p is
 * unchanged and still the caller's. */
int nvo_pe_send(struct nvo_pe *, uint32_t tenant, uint32_t vm,
                struct nvo_pkt *p);

/* Receives underlay frame 'p' (takes it): decapsulates and delivers, or
 * counts and frees it. */
void nvo_pe_rx(struct nvo_pe *, struct nvo_pkt *p);

/* The wire bytes (each frame's length plus 'framing') and the number of
 * underlay frames one tenant frame of 'frame_len' bytes costs on the
 * tunnel of 'tenant', measured by pushing (and segmenting) a frame from
 * 'pool' and freeing it.  Returns 0 if there is no such tenant or the
 * frame cannot be sent. */
uint64_t nvo_pe_wire_cost(struct nvo_pe *, uint32_t tenant,
                          uint32_t frame_len, uint32_t framing,
                          struct nvo_pkt_pool *pool, uint32_t *n_frames);

const struct nvo_pe_counters *nvo_pe_counters(const struct nvo_pe *);
/* Counters of one tenant (NULL if there is no such tenant). */
const struct nvo_pe_counters *nvo_pe_tenant_counters(const struct nvo_pe *,
                                                      uint32_t tenant);
uint32_t nvo_pe_n_tenants(const struct nvo_pe *);
/* The tunnel of 'tenant' (NULL if none). */
const struct nvo_tunnel *nvo_pe_tunnel(const struct nvo_pe *,
                                       uint32_t tenant);
const char *nvo_pe_name(const struct nvo_pe *);

#endif /* NVO_PE_H */
