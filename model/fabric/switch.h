/* switch.h: the switch role (nvo_switch_ops, node.h): a switch forwards
 * on the outer destination address: it decrements the TTL / hop limit
 * (fixing the IPv4 checksum, RFC 1624), rewrites the Ethernet addresses,
 * and picks among the equal-cost next hops with its ECMP hasher (ecmp.h),
 * recording which egress ports each flow used (port_flows) when the
 * network keeps flow statistics (nvo_net_cfg.flow_stats). */
#ifndef NVO_SWITCH_H
#define NVO_SWITCH_H

#include "fabric/node.h"

/* Sends 'p', parsed into 'rx' (its destination rx->dst, not n), out of
 * node 'n' (up) over the current routes, or drops it as "no-route"; counts
 * it forwarded.  ECMP hashes from rx->h, the link's MTU check takes its
 * L2 length from it.  'track_flows': note the flow's egress port if the
 * network records flows (nvo_net_cfg.flow_stats; switches). */
void nvo_switch_forward(struct nvo_node *n, struct nvo_pkt *p,
                        const struct nvo_node_rx *rx, bool track_flows);

/* Decrements the TTL (RFC 791) / hop limit (RFC 8200) of the IP header
 * parsed into rx->h (nvo_hdrs_ttl_dec()); false (and 'p' dropped as "ttl") if it ran out. */
bool nvo_switch_decrement_ttl(struct nvo_node *n, struct nvo_pkt *p,
                              const struct nvo_node_rx *rx);

#endif /* NVO_SWITCH_H */
