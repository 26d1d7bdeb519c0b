/* flow.h: flow keys of Ethernet frames, and the flow hash.
 *
 * Scope: the fields a hypervisor or a switch takes from a frame to tell
 * flows apart: Ethernet addresses, the EtherType after up to two VLAN
 * tags, the outer VLAN id, IPv4/IPv6 addresses and protocol (after IPv6
 * extension headers), and TCP/UDP/SCTP ports (none for a non-first
 * fragment).  nvo_flow_hash() is the hash a tunnel endpoint computes over
 * the inner frame to pick the outer source port, NVGRE FlowID or MPLS
 * entropy label, as Open vSwitch's hash_5tuple() / the Linux
 * skb_get_hash() do.  The switch ECMP hash functions (CRC, Toeplitz, ...)
 * live in ecmp.c, not here. */
#ifndef NVO_FLOW_H
#define NVO_FLOW_H

#include "core/nvo.h"
#include "wire/pkt.h"

struct nvo_flow {
    uint8_t dl_src[6], dl_dst[6];
    uint16_t dl_type;           /* EtherType after the VLAN tags */
    uint16_t vlan_vid;          /* outermost tag's VLAN id, 0 = none */
    uint8_t ip_version;         /* 0 (not IP), 4 or 6 */
    uint8_t nw_proto;           /* IP protocol (after IPv6 ext headers) */
    uint8_t nw_tos;             /* IPv4 TOS / IPv6 traffic class */
    bool later_frag;            /* a non-first fragment: no ports */
    uint32_t ip4_src, ip4_dst;  /* host order, when ip_version 4 */
    uint8_t ip6_src[16], ip6_dst[16];   /* when ip_version 6 */
    uint16_t tp_src, tp_dst;    /* TCP/UDP/SCTP ports, 0 if none */
};

/* Extracts the flow key of the Ethernet frame of 'len' bytes at 'frame'
 * into *flow (fields not present are 0).  Returns 0, or EBADMSG if a
 * header is truncated or malformed: *flow then holds the fields of the
 * headers before it. */
int nvo_flow_extract(const void *frame, size_t len, struct nvo_flow *flow);

/* The same for the frame in 'p' starting at its l2 offset (p->data if
 * none), over the real bytes. */
int nvo_flow_extract_pkt(const struct nvo_pkt *p, struct nvo_flow *flow);

/* A 32-bit hash of the flow with 'basis' as seed.  IP frames: the 5-tuple
 * (addresses, protocol, ports), so both directions differ and the frame's
 * MACs and VLAN do not matter; other frames: MAC addresses, EtherType and
 * VLAN id.  MurmurHash3-style mixing (Appleby), as Open vSwitch's
 * hash_add()/hash_finish(): every input bit affects every output bit. */
uint32_t nvo_flow_hash(const struct nvo_flow *, uint32_t basis);

#endif /* NVO_FLOW_H */
