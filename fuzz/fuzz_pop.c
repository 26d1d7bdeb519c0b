/* fuzz_pop.c: libFuzzer harness for every encapsulation's decapsulation
 * (the pop hook of encap_vxlan.c, encap_nvgre.c, encap_stt.c,
 * encap_geneve.c, encap_mpls.c's MPLS over GRE, IP and UDP,
 * encap_greudp.c and encap_vxlan_gpe.c, through
 * encap.c's shared outer-header checks).
 *
 * The input is an outer Ethernet frame (the corpus holds frames of each
 * encapsulation, captured from "nvosim tunnel --pcap").  Each of the
 * nine pops gets it as a packet, in four forms: every byte real, or
 * the trailing zeros as the virtual payload; and each as given, or with
 * the outer lengths and the IPv4 header checksum made right and the UDP
 * checksum cleared (so that mutations get past those checks to the
 * encapsulation header).  Checks (encap.h): a pop returns 0, EBADMSG or
 * EPROTONOSUPPORT; on error the packet is unchanged; on success it is
 * shorter (STT: at most 65535 bytes, as a first segment pops as the whole
 * frame), its data starts at the inner frame (l2 offset = data), and the
 * frame walkers run on the inner frame. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "overlay/encap.h"
#include "fuzz_util.h"
#include "wire/pkt.h"
#include "wire/wire.h"

static const struct nvo_encap_ops *const encaps__[] = {
    &nvo_encap_vxlan_ops, &nvo_encap_nvgre_ops, &nvo_encap_stt_ops,
    &nvo_encap_geneve_ops, &nvo_encap_mpls_gre_ops, &nvo_encap_mpls_ip_ops,
    &nvo_encap_mpls_udp_ops, &nvo_encap_greudp_ops, &nvo_encap_vxlan_gpe_ops,
};

/* Makes the outer IPv4 total length / IPv6 payload length and the UDP
 * length match a frame of 'wire' bytes, recomputes the IPv4 header
 * checksum and clears the UDP checksum, in the 'real' bytes at 'b'. */
static void
fix_outer__(uint8_t *b, size_t real, size_t wire)
{
    struct nvo_l2_info l2;
    if (nvo_l2_decode(b, real, &l2)) {
        return;
    }
    uint8_t *l3 = b + l2.len;
    size_t l3_real = real - l2.len, l3_wire = wire - l2.len;
    uint8_t *l4;
    size_t l4_real, l4_wire;
    uint8_t proto;
    if (l2.type == NVO_ETH_TYPE_IPV4 && l3_real >= 20) {
        size_t ihl = (size_t) (l3[0] & 0xf) * 4;
        if (ihl < 20 || ihl > l3_real || l3_wire > 65535) {
            return;
        }
        nvo_wr16(l3 + 2, (uint16_t) l3_wire);
        nvo_wr16(l3 + 10, 0);
        nvo_wr16(l3 + 10, nvo_inet_csum(l3, ihl));
        proto = l3[9];
        l4 = l3 + ihl;
        l4_real = l3_real - ihl;
        l4_wire = l3_wire - ihl;
    } else if (l2.type == NVO_ETH_TYPE_IPV6 && l3_real >= NVO_IPV6_LEN) {
        if (l3_wire - NVO_IPV6_LEN > 65535) {
            return;
        }
        nvo_wr16(l3 + 4, (uint16_t) (l3_wire - NVO_IPV6_LEN));
        proto = l3[6];
        l4 = l3 + NVO_IPV6_LEN;
        l4_real = l3_real - NVO_IPV6_LEN;
        l4_wire = l3_wire - NVO_IPV6_LEN;
    } else {
        return;
    }
    if (proto == 17 && l4_real >= 8) {
        nvo_wr16(l4 + 4, (uint16_t) l4_wire);
        nvo_wr16(l4 + 6, 0);
    }
}

static struct nvo_pkt *
make__(struct nvo_pkt_pool *pool, const uint8_t *b, size_t real,
       size_t virt)
{
    struct nvo_pkt *p = nvo_pkt_alloc(pool, NVO_PKT_HEADROOM,
                                      (uint32_t) real);
    memcpy(nvo_pkt_put(p, (uint32_t) real), b, real);
    p->payload_size = (uint32_t) virt;
    p->l2_ofs = nvo_pkt_data_ofs(p);
    return p;
}

static void
pop_one__(struct nvo_pkt_pool *pool, const struct nvo_encap_ops *ops,
          const uint8_t *b, size_t real, size_t virt)
{
    struct nvo_pkt *p = make__(pool, b, real, virt);
    struct nvo_pkt before = *p;
    uint8_t *copy = malloc(real ? real : 1);
    memcpy(copy, p->data, real);
    uint32_t id = 0;
    int error = ops->pop(p, &id);
    if (error) {
        if (error != EBADMSG && error != EPROTONOSUPPORT) {
            fprintf(stderr, "%s: pop returned %d\n", ops->name, error);
            abort();
        }
        if (p->data != before.data || p->size != before.size
            || p->payload_size != before.payload_size
            || p->l2_ofs != before.l2_ofs || memcmp(p->data, copy, real)) {
            fprintf(stderr, "%s: a failed pop changed the packet\n",
                    ops->name);
            abort();
        }
    } else {
        /* A segmenting encapsulation (STT) pops the first segment of a
         * segmented frame as the whole inner frame, of the STT frame
         * length (16 bits). */
        bool longer_ok = ops->segment != NULL;
        if ((longer_ok ? nvo_pkt_len(p) > 65535
                       : nvo_pkt_len(p) >= real + virt)
            || p->l2_ofs != nvo_pkt_data_ofs(p)) {
            fprintf(stderr, "%s: popped to %u bytes of %zu, l2 at %u, data "
                    "at %u\n", ops->name, nvo_pkt_len(p), real + virt,
                    p->l2_ofs, nvo_pkt_data_ofs(p));
            abort();
        }
        char line[512];
        nvo_wire_summary(p, line, sizeof line);
        nvo_wire_set_offsets(p);
    }
    free(copy);
    nvo_pkt_free(p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 16384) {
        return 0;
    }
    size_t real = size;
    while (real && !data[real - 1]) {
        real--;
    }
    uint8_t *fixed = malloc(size ? size : 1);
    struct nvo_pkt_pool pool;
    nvo_pkt_pool_init(&pool);
    for (size_t e = 0; e < sizeof encaps__ / sizeof *encaps__; e++) {
        pop_one__(&pool, encaps__[e], data, size, 0);
        memcpy(fixed, data, size);
        fix_outer__(fixed, size, size);
        pop_one__(&pool, encaps__[e], fixed, size, 0);
        if (real != size) {
            pop_one__(&pool, encaps__[e], data, real, size - real);
            memcpy(fixed, data, size);
            fix_outer__(fixed, real, size);
            pop_one__(&pool, encaps__[e], fixed, real, size - real);
        }
    }
    nvo_pkt_pool_destroy(&pool);
    free(fixed);
    return 0;
}
