/* switch.h: the switch role (nvo_switch_ops, node.h): a switch forwards
 * on the outer destination address: it decrements the TTL / hop limit
 * (fixing the IPv4 checksum, RFC 1624), rewrites the Ethernet addresses,
 * and picks among the equal-cost next hops with its ECMP hasher (ecmp.h),
 * recording which egress ports each flow used (port_flows). */
#ifndef NVO_SWITCH_H
#define NVO_SWITCH_H

#include "fabric/node.h"

/* Sends 'p' out of node 'n' (up) toward node 'dst' (not n) over the
 * current routes, or drops it as "no-route"; counts it forwarded.
 * 'track_flows': note the flow's egress port (switches). */
void nvo_switch_forward(struct nvo_node *n, struct nvo_pkt *p, uint32_t dst,
                        bool track_flows);

/* Decrements the TTL (RFC 791) / hop limit (RFC 8200) of the IP header at
 * p->data + rx->l3; false (and 'p' dropped as "ttl") if it ran out. */
bool nvo_switch_decrement_ttl(struct nvo_node *n, struct nvo_pkt *p,
                              const struct nvo_node_rx *rx);

#endif /* NVO_SWITCH_H */
