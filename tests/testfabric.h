/* testfabric.h: the fabrics the Check suites build by hand: the engine
 * and net every suite starts from, a star of BGP speakers around one leaf
 * (test_bgp_speaker, test_bgp_rtc), PEs with one VM per tenant on a leaf
 * (test_vpls_ldp, test_vpls_bgp), and tshark's output. */
#ifndef NVO_TESTFABRIC_H
#define NVO_TESTFABRIC_H

#include <stdbool.h>
#include <stdint.h>

#include "fabric/net.h"
#include "overlay/pe_node.h"

struct nvo_bgp_speaker;
struct nvo_bgp_speaker_cfg;
struct nvo_tcp_stack;

/* ---- The net ------------------------------------------------------------ */

/* The suites' net configuration: ECMP with CRC32 over the 5-tuple and a
 * 128-byte parser, a 50 us convergence delay, seed = run = 1, every other
 * field zero (so seed_mode global, IPv4). */
void nvo_test_net_cfg(struct nvo_net_cfg *cfg);

/* A fresh engine in *e (nvo_test_engine(), nvo_test_scheduler()) and an
 * empty net on it with 'cfg' (NULL: nvo_test_net_cfg()).  Fails the test
 * if the engine cannot be made. */
struct nvo_net *nvo_test_net(const struct nvo_net_cfg *cfg,
                             struct nvo_engine **e);

/* Spines "spine<first>".. then leaves "leaf<first>"..., each leaf joined
 * by 'l' to every spine as it is added; their node indices into spine[]
 * and leaf[]. */
void nvo_test_leaf_spine(struct nvo_net *net, int first, int n_spines,
                         int n_leaves, const struct nvo_link_cfg *l,
                         int *spine, int *leaf);

/* ---- A star of BGP speakers --------------------------------------------- */

#define NVO_TEST_STAR_MAX 16

/* Nodes: "leaf1" (index 0), then slots 0 .. n_rr - 1 the reflectors
 * "rr1".., then the PEs "pe1".. (hypervisors), each joined to the leaf by
 * a 1 Gb/s link of 10 us; a TCP stack and a BGP speaker on every slot.
 * A suite embeds it as the first member of its bench. */
struct nvo_test_star {
    struct nvo_engine *e;
    struct nvo_net *net;
    int leaf;
    uint32_t n, n_rr;           /* slots, reflectors among them */
    int idx[NVO_TEST_STAR_MAX]; /* slot -> node index */
    struct nvo_tcp_stack *st[NVO_TEST_STAR_MAX];
    struct nvo_bgp_speaker *spk[NVO_TEST_STAR_MAX];
};

#define NVO_TEST_STAR_RATE 1000000000ull        /* 1 Gb/s */
#define NVO_TEST_STAR_DELAY (10 * NVO_US)

/* Slot 'slot''s speaker configuration: called with the default
 * (nvo_bgp_speaker_cfg_default()) and is_rr set for a reflector slot,
 * before the speaker is made. */
typedef void nvo_test_star_cfg_fn(void *ctx, uint32_t slot,
                                  struct nvo_bgp_speaker_cfg *c);

/* Builds the star (clearing *s first) with n_rr reflectors and n_pe PEs
 * (n_rr + n_pe <= NVO_TEST_STAR_MAX); 'fn' may be NULL.  No peers, no
 * observers; the engine has not run. */
void nvo_test_star_build(struct nvo_test_star *s, uint32_t n_rr,
                         uint32_t n_pe, nvo_test_star_cfg_fn *fn, void *ctx);
/* Slot i's loopback (IPv4). */
uint32_t nvo_test_star_loop4(const struct nvo_test_star *s, uint32_t i);
/* Slot i's speaker peers with slot j's ('client': j is i's RR client). */
void nvo_test_star_peer(struct nvo_test_star *s, uint32_t i, uint32_t j,
                        bool client);
/* The reflectors with every PE slot as client and each other as
 * non-clients; every PE peers with each of them. */
void nvo_test_star_peer_rr(struct nvo_test_star *s);
/* Destroys the speakers (a NULL one is skipped), stacks, net and engine. */
void nvo_test_star_free(struct nvo_test_star *s);

/* ---- PEs with one VM per tenant ----------------------------------------- */

#define NVO_TEST_PES_MAX 8      /* PEs */
#define NVO_TEST_PES_MAXV 4     /* tenants per PE */
#define NVO_TEST_PES_VNI0 100   /* tenant v's VNI: 100 + v */

struct nvo_test_pes {
    struct nvo_engine *e;
    struct nvo_net *net;
    int leaf;                   /* "leaf1" */
    uint32_t n, V;              /* PEs, tenants on each */
    struct nvo_pe_node *pe[NVO_TEST_PES_MAX];
    uint32_t node[NVO_TEST_PES_MAX];
    uint32_t tenant[NVO_TEST_PES_MAX][NVO_TEST_PES_MAXV];
};

/* Clears *f, makes the engine and net (nvo_test_net()) and "leaf1", and
 * records n and V; the suite may add nodes before nvo_test_pes_add(). */
void nvo_test_pes_begin(struct nvo_test_pes *f, uint32_t n, uint32_t V);
/* Adds PEs "pe0" .. "pe<n-1>" with 'pc', PE i joined by 'l' to node up[i]
 * (up NULL: to the leaf); on each, tenants VNI NVO_TEST_PES_VNI0 + v for
 * v < V, and with 'vms' in each one VM of MAC nvo_test_pes_vm_mac(i, v).
 * Then finalizes the net. */
void nvo_test_pes_add(struct nvo_test_pes *f, const struct nvo_pe_node_cfg *pc,
                      const struct nvo_link_cfg *l, const uint32_t *up,
                      bool vms);
/* The MAC of PE 'pe''s VM of tenant v: 02:00:00:00:v:pe+1. */
void nvo_test_pes_vm_mac(int pe, uint32_t v, uint8_t mac[6]);
/* A 100-byte UDP frame (192.168.0.1 + from -> 192.168.0.255, ports 1000
 * -> 80) from the VM of tenant v on PE 'from' to 'dst'. */
void nvo_test_pes_vm_send(struct nvo_test_pes *f, int from, uint32_t v,
                          const uint8_t dst[6]);
/* The PE number of node 'node', or -1. */
int nvo_test_pes_ix(const struct nvo_test_pes *f, uint32_t node);

/* ---- tshark ------------------------------------------------------------- */

/* Fails the test when tshark is not installed or does not run. */
void nvo_test_require_tshark(void);

#define NVO_TEST_TSHARK_STRIP 1u    /* each line without its newline */
#define NVO_TEST_TSHARK_BARS 2u     /* (with STRIP) its tabs as '|' */
#define NVO_TEST_TSHARK_ECHO 4u     /* with $NVO_TEST_KEEP, to stderr too */

/* Runs "tshark -r 'path' ARGS" (its standard error dropped) and fails the
 * test if it exits non-zero.  Its first 'max' lines into lines, 'size'
 * bytes each (lines + i * size; a longer line is split), treated as
 * 'flags' says.  Returns how many lines it printed, max or more
 * included.  A suite with char lines[K][N] passes lines[0], sizeof
 * lines[0]. */
size_t nvo_test_tshark(const char *path, const char *args, char *lines,
                       size_t size, size_t max, unsigned flags);
/* The standard output of shell command 'cmd' (fails the test if it exits
 * non-zero); the caller g_free()s it. */
char *nvo_test_cmd_out(const char *cmd);
/* How many times 'needle' occurs in 's' (without overlaps). */
uint32_t nvo_test_count_substr(const char *s, const char *needle);

#endif
