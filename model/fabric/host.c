/* host.c: the host role (a hypervisor, nvo_host_ops): it forwards what it
 * originates over its uplinks (as a switch would, without recording
 * flows), and what is addressed to it goes to what is bound to its
 * protocols and ports (node.h).  A frame for someone else that reaches a
 * host (hosts carry no transit traffic in the routes, but a frame in
 * flight during a reroute may) is forwarded like a switch's. */
#include "fabric/node.h"

#include "fabric/switch.h"

static void
receive__(struct nvo_node *n, struct nvo_port *in, struct nvo_pkt *p,
          const struct nvo_node_rx *rx)
{
    if (in && !nvo_switch_decrement_ttl(n, p, rx)) {
        return;
    }
    nvo_switch_forward(n, p, rx, false);
}

const struct nvo_node_ops nvo_host_ops = {
    .name = "host",
    .size = sizeof(struct nvo_node),
    .receive = receive__,
};
