/* test_mem.c: memory accounts (core/mem.h): exact object and byte counts
 * after sequences of alloc / realloc / free, per type and per owner and
 * in the parent, back to zero when everything is freed; and the routing
 * state of a small leaf-spine (routes.c) counted exactly as allocated,
 * per switch and per network, through a failure and after freeing; the
 * <memory> section of a run's results.xml. */
#include <stdio.h>
#include <stdlib.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "core/mem.h"
#include "fabric/net.h"
#include "io/config.h"
#include "run/sim.h"
#include "testutil.h"

#define CNT(a, t) nvo_mem_acct_get((a), (t))

START_TEST(types_register_once)
{
    nvo_mem_type a = nvo_mem_type_register("test-a");
    nvo_mem_type b = nvo_mem_type_register("test-b");
    ck_assert_uint_ne(a, b);
    ck_assert_uint_eq(nvo_mem_type_register("test-a"), a);
    ck_assert_uint_eq(b, a + 1);
    ck_assert_uint_ge(nvo_mem_n_types(), b + 1);
    ck_assert_str_eq(nvo_mem_type_name(a), "test-a");
    ck_assert_str_eq(nvo_mem_type_name(b), "test-b");
    ck_assert_str_eq(nvo_mem_type_name(NVO_MEM_TYPES_MAX), "?");
}
END_TEST

START_TEST(counts_exact)
{
    nvo_mem_type a = nvo_mem_type_register("test-a");
    nvo_mem_type b = nvo_mem_type_register("test-b");
    struct nvo_mem_acct top, n1, n2;
    nvo_mem_acct_init(&top, NULL);
    nvo_mem_acct_init(&n1, &top);
    nvo_mem_acct_init(&n2, &top);

    uint32_t *x = nvo_mem_new(&n1, a, uint32_t, 10);          /* 40 */
    uint8_t *y = nvo_mem_alloc0(&n1, b, 7);                  /* 7 */
    uint64_t *z = nvo_mem_new0(&n2, a, uint64_t, 3);          /* 24 */
    ck_assert_uint_eq(y[6], 0);
    ck_assert_uint_eq(z[2], 0);
    ck_assert_uint_eq(CNT(&n1, a).bytes, 40);
    ck_assert_uint_eq(CNT(&n1, a).objects, 1);
    ck_assert_uint_eq(CNT(&n1, b).bytes, 7);
    ck_assert_uint_eq(CNT(&n2, a).bytes, 24);
    ck_assert_uint_eq(CNT(&n2, b).bytes, 0);
    ck_assert_uint_eq(CNT(&n2, b).objects, 0);
    ck_assert_uint_eq(CNT(&top, a).bytes, 64);
    ck_assert_uint_eq(CNT(&top, a).objects, 2);
    ck_assert_uint_eq(CNT(&top, b).bytes, 7);
    ck_assert_uint_eq(nvo_mem_acct_bytes(&top), 71);
    ck_assert_uint_eq(nvo_mem_acct_objects(&top), 3);
    ck_assert_uint_eq(nvo_mem_acct_bytes(&n1), 47);

    /* Grow, shrink: bytes follow, the object count does not. */
    for (int i = 0; i < 10; i++) {
        x[i] = (uint32_t) i;
    }
    x = nvo_mem_renew(&n1, a, uint32_t, x, 10, 100);
    ck_assert_uint_eq(x[9], 9);
    ck_assert_uint_eq(CNT(&n1, a).bytes, 400);
    ck_assert_uint_eq(CNT(&n1, a).objects, 1);
    x = nvo_mem_renew(&n1, a, uint32_t, x, 100, 5);
    ck_assert_uint_eq(CNT(&n1, a).bytes, 20);
    ck_assert_uint_eq(CNT(&top, a).bytes, 44);
    /* Realloc from NULL is a new object; to 0 frees it. */
    char *w = nvo_mem_realloc(&n2, b, NULL, 0, 33);
    ck_assert_ptr_nonnull(w);
    ck_assert_uint_eq(CNT(&n2, b).bytes, 33);
    ck_assert_uint_eq(CNT(&n2, b).objects, 1);
    ck_assert_uint_eq(CNT(&top, b).objects, 2);
    ck_assert_ptr_null(nvo_mem_realloc(&n2, b, w, 33, 0));
    ck_assert_uint_eq(CNT(&n2, b).bytes, 0);
    ck_assert_uint_eq(CNT(&n2, b).objects, 0);
    /* Zero bytes: NULL and uncounted; freeing NULL counts nothing. */
    ck_assert_ptr_null(nvo_mem_alloc(&n2, b, 0));
    nvo_mem_free(&n2, b, NULL, 0);
    ck_assert_uint_eq(CNT(&n2, b).objects, 0);

    nvo_mem_delete(&n1, a, uint32_t, x, 5);
    ck_assert_uint_eq(CNT(&n1, a).bytes, 0);
    ck_assert_uint_eq(CNT(&n1, a).objects, 0);
    ck_assert_uint_eq(CNT(&top, a).bytes, 24);
    nvo_mem_free(&n1, b, y, 7);
    nvo_mem_free(&n2, a, z, 24);
    ck_assert_uint_eq(nvo_mem_acct_bytes(&top), 0);
    ck_assert_uint_eq(nvo_mem_acct_objects(&top), 0);
    ck_assert(nvo_mem_acct_fini(&n1));
    ck_assert(nvo_mem_acct_fini(&n2));
    ck_assert(nvo_mem_acct_fini(&top));
    ck_assert(nvo_mem_acct_fini(NULL));
    /* An account finished with memory still counted says so. */
    struct nvo_mem_acct lone;
    nvo_mem_acct_init(&lone, NULL);
    void *v = nvo_mem_alloc(&lone, b, 5);
    ck_assert(!nvo_mem_acct_fini(&lone));
    nvo_mem_free(NULL, b, v, 5);
}
END_TEST

START_TEST(null_account)
{
    nvo_mem_type a = nvo_mem_type_register("test-a");
    uint32_t *x = nvo_mem_new(NULL, a, uint32_t, 4);
    x[3] = 7;
    x = nvo_mem_renew(NULL, a, uint32_t, x, 4, 8);
    ck_assert_uint_eq(x[3], 7);
    nvo_mem_delete(NULL, a, uint32_t, x, 8);
    struct nvo_mem_acct e;
    nvo_mem_acct_init(&e, NULL);
    ck_assert_uint_eq(CNT(&e, a).bytes, 0);
    ck_assert_uint_eq(nvo_mem_acct_bytes(&e), 0);
    ck_assert(nvo_mem_acct_fini(&e));
}
END_TEST

/* ---- Routes ------------------------------------------------------------ */

struct fab {
    struct nvo_engine *e;
    struct nvo_net *net;
};

/* 2 spines, 4 leaves, 2 hypervisors per leaf; with 'dual' the first
 * hypervisor of leaf 0 also hangs off leaf 1. */
static void
fab_build(struct fab *f, bool dual)
{
    ck_assert_int_eq(nvo_engine_create(nvo_test_engine(),
                                       nvo_test_scheduler(), &f->e), 0);
    struct nvo_net_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.ecmp.fields = NVO_ECMP_5TUPLE;
    cfg.ecmp.parser_depth = 128;
    cfg.seed = cfg.run = 1;
    f->net = nvo_net_create(f->e, &cfg);
    struct nvo_link_cfg l;
    nvo_link_cfg_default(&l);
    char name[32];
    int spine[2], leaf[4];
    for (int i = 0; i < 2; i++) {
        snprintf(name, sizeof name, "spine%d", i);
        spine[i] = nvo_net_add_node(f->net, name, NVO_ROLE_SPINE);
    }
    for (int i = 0; i < 4; i++) {
        snprintf(name, sizeof name, "leaf%d", i);
        leaf[i] = nvo_net_add_node(f->net, name, NVO_ROLE_LEAF);
    }
    for (int i = 0; i < 4; i++) {
        for (int s = 0; s < 2; s++) {
            ck_assert_int_eq(nvo_net_add_link(f->net, (uint32_t) leaf[i],
                                              (uint32_t) spine[s], &l), 0);
        }
        for (int h = 0; h < 2; h++) {
            snprintf(name, sizeof name, "hv%d-%d", i, h);
            int hv = nvo_net_add_node(f->net, name, NVO_ROLE_HYPERVISOR);
            ck_assert_int_eq(nvo_net_add_link(f->net, (uint32_t) hv,
                                              (uint32_t) leaf[i], &l), 0);
            if (dual && i == 0 && h == 0) {
                ck_assert_int_eq(nvo_net_add_link(f->net, (uint32_t) hv,
                                                  (uint32_t) leaf[1], &l), 0);
            }
        }
    }
    ck_assert_int_eq(nvo_net_finalize(f->net), 0);
}

/* Every count of the routing state against the sizes of the arrays. */
static void
check_route_counts(const struct nvo_net *net)
{
    nvo_mem_type fib = nvo_mem_type_register("fib");
    nvo_mem_type sets = nvo_mem_type_register("nh-sets");
    nvo_mem_type pool = nvo_mem_type_register("nh-pool");
    nvo_mem_type hash = nvo_mem_type_register("nh-set-hash");
    nvo_mem_type groups = nvo_mem_type_register("route-groups");
    nvo_mem_type keys = nvo_mem_type_register("group-keys");
    nvo_mem_type dists = nvo_mem_type_register("group-dists");
    nvo_mem_type index = nvo_mem_type_register("route-index");
    const struct nvo_routes *rt = &net->rt;
    uint64_t sum[4] = { 0 };
    uint32_t n_nodes = nvo_net_n_nodes(net), n_sw = 0;
    for (uint32_t i = 0; i < n_nodes; i++) {
        const struct nvo_node *n = nvo_net_node(net, i);
        if (n->sw == NVO_SW_NONE) {
            ck_assert_uint_eq(nvo_mem_acct_bytes(&n->mem), 0);
            ck_assert_uint_eq(nvo_mem_acct_objects(&n->mem), 0);
            continue;
        }
        n_sw++;
        ck_assert_uint_eq(CNT(&n->mem, fib).bytes,
                          rt->groups_cap * sizeof(uint32_t));
        ck_assert_uint_eq(CNT(&n->mem, fib).objects, 1);
        ck_assert_uint_eq(CNT(&n->mem, sets).bytes,
                          n->nhs_cap * sizeof(struct nvo_nhs));
        ck_assert_uint_eq(CNT(&n->mem, pool).bytes,
                          n->pool_cap * sizeof(uint16_t));
        ck_assert_uint_eq(CNT(&n->mem, hash).bytes,
                          (n->nhs_mask + 1) * sizeof(uint32_t));
        ck_assert_uint_eq(nvo_mem_acct_objects(&n->mem), 4);
        sum[0] += CNT(&n->mem, fib).bytes;
        sum[1] += CNT(&n->mem, sets).bytes;
        sum[2] += CNT(&n->mem, pool).bytes;
        sum[3] += CNT(&n->mem, hash).bytes;
    }
    ck_assert_uint_eq(n_sw, 6);
    ck_assert_uint_eq(CNT(&net->mem, fib).bytes, sum[0]);
    ck_assert_uint_eq(CNT(&net->mem, fib).objects, 6);
    ck_assert_uint_eq(CNT(&net->mem, sets).bytes, sum[1]);
    ck_assert_uint_eq(CNT(&net->mem, pool).bytes, sum[2]);
    ck_assert_uint_eq(CNT(&net->mem, hash).bytes, sum[3]);
    uint64_t key_bytes = 0, live = 0;
    for (uint32_t g = 0; g < rt->n_groups; g++) {
        if (rt->groups[g].key) {
            key_bytes += (rt->groups[g].key[0] + 1) * sizeof(uint32_t);
            live++;
        }
    }
    ck_assert_uint_eq(CNT(&net->mem, keys).bytes, key_bytes);
    ck_assert_uint_eq(CNT(&net->mem, keys).objects, live);
    ck_assert_uint_eq(CNT(&net->mem, dists).bytes,
                      live * rt->n_sw * sizeof(int32_t));
    ck_assert_uint_eq(CNT(&net->mem, groups).bytes,
                      rt->groups_cap * sizeof(struct nvo_route_group));
    uint64_t n_adj = rt->adj_off[rt->n_sw], n_att = rt->att_off[rt->n_sw];
    uint64_t ix = n_nodes * (sizeof(uint32_t) + sizeof(bool))
                  + net->links->len * sizeof(bool)
                  + rt->n_sw * sizeof(uint32_t)
                  + 2 * (rt->n_sw + 1) * sizeof(uint32_t)
                  + (n_adj + n_att) * (2 * sizeof(uint32_t)
                                       + sizeof(uint16_t))
                  + rt->groups_cap * (sizeof(bool) + sizeof(uint32_t))
                  + rt->scratch_cap * sizeof(uint16_t);
    ck_assert_uint_eq(CNT(&net->mem, index).bytes, ix);
    ck_assert_uint_eq(CNT(&net->mem, index).objects, 15);
}

START_TEST(routes_counted)
{
    struct fab f;
    fab_build(&f, false);
    const struct nvo_routes *rt = &f.net->rt;
    /* 6 switch groups (a single-homed hypervisor shares its leaf's):
     * the group table is 16 slots, so each FIB is 16 x 4 bytes. */
    ck_assert_uint_eq(rt->n_groups, 6);
    ck_assert_uint_eq(rt->groups_cap, 16);
    nvo_mem_type fib = nvo_mem_type_register("fib");
    nvo_mem_type keys = nvo_mem_type_register("group-keys");
    for (uint32_t i = 0; i < nvo_net_n_nodes(f.net); i++) {
        const struct nvo_node *n = nvo_net_node(f.net, i);
        ck_assert_uint_eq(CNT(&n->mem, fib).bytes,
                          n->sw == NVO_SW_NONE ? 0 : 64);
    }
    ck_assert_uint_eq(CNT(&f.net->mem, fib).bytes, 6 * 64);
    ck_assert_uint_eq(CNT(&f.net->mem, keys).bytes, 6 * 8);
    ck_assert_uint_eq(CNT(&f.net->mem, keys).objects, 6);
    /* 14 nodes, 16 links, 8 leaf-spine adjacencies each way, 8 attached
     * hypervisors, scratch of 1. */
    ck_assert_uint_eq(CNT(&f.net->mem, nvo_mem_type_register("route-index"))
                      .bytes, 14 * 5 + 16 + 6 * 4 + 2 * 7 * 4 + 24 * 10
                              + 16 * 5 + 1 * 2);
    check_route_counts(f.net);
    nvo_net_compute_routes(f.net);
    check_route_counts(f.net);
    nvo_routes_destroy__(f.net);
    ck_assert_uint_eq(nvo_mem_acct_bytes(&f.net->mem), 0);
    ck_assert_uint_eq(nvo_mem_acct_objects(&f.net->mem), 0);
    nvo_net_destroy(f.net);
    nvo_engine_destroy(f.e);
}
END_TEST

START_TEST(routes_counted_through_failure)
{
    struct fab f;
    fab_build(&f, true);
    const struct nvo_routes *rt = &f.net->rt;
    nvo_mem_type keys = nvo_mem_type_register("group-keys");
    /* 6 switch groups and {leaf0, leaf1} of the dual-homed one. */
    ck_assert_uint_eq(rt->n_groups, 7);
    ck_assert_uint_eq(CNT(&f.net->mem, keys).bytes, 6 * 8 + 12);
    check_route_counts(f.net);
    /* hv0-0's link to leaf1 fails: it joins leaf0's group, and the pair
     * group is freed (its key and distances no longer counted). */
    int hv = nvo_net_find(f.net, "hv0-0");
    int l1 = nvo_net_find(f.net, "leaf1");
    int li = nvo_net_find_link(f.net, (uint32_t) hv, (uint32_t) l1);
    ck_assert_int_ge(li, 0);
    nvo_net_set_link_up(f.net, (uint32_t) li, false);
    nvo_net_update_routes(f.net);
    ck_assert_uint_eq(rt->n_free, 1);
    ck_assert_uint_eq(CNT(&f.net->mem, keys).bytes, 6 * 8);
    ck_assert_uint_eq(CNT(&f.net->mem, keys).objects, 6);
    check_route_counts(f.net);
    nvo_net_set_link_up(f.net, (uint32_t) li, true);
    nvo_net_update_routes(f.net);
    ck_assert_uint_eq(rt->n_free, 0);
    ck_assert_uint_eq(CNT(&f.net->mem, keys).bytes, 6 * 8 + 12);
    check_route_counts(f.net);
    nvo_routes_destroy__(f.net);
    ck_assert_uint_eq(nvo_mem_acct_bytes(&f.net->mem), 0);
    nvo_net_destroy(f.net);
    nvo_engine_destroy(f.e);
}
END_TEST

/* The number an XPath expression gives on 'doc'. */
static double
xnum(xmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr obj = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    ck_assert_ptr_nonnull(obj);
    double v = xmlXPathCastToNumber(obj);
    xmlXPathFreeObject(obj);
    xmlXPathFreeContext(ctx);
    return v;
}

START_TEST(results_memory)
{
    struct nvo_scenario_cfg *cfg;
    struct nvo_sim *sim;
    char *dir;
    nvo_test_scenario(nvo_test_src("scenarios/spine-failure.xml"), NULL, 0,
                      "mem", true, &cfg, &sim, &dir);
    const struct nvo_net *net = sim->net;
    char *path = g_build_filename(dir, "results.xml", NULL);
    xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    ck_assert_ptr_nonnull(doc);
    /* 2 spines, 4 leaves: 6 groups in 16 slots, a 64-byte FIB each. */
    ck_assert_uint_eq(net->rt.groups_cap, 16);
    ck_assert_double_eq(xnum(doc, "/results/memory/type[@name='fib']/@bytes"),
                        6 * 64);
    ck_assert_double_eq(
        xnum(doc, "/results/memory/type[@name='fib']/@objects"), 6);
    ck_assert_double_eq(
        xnum(doc, "/results/memory/type[@name='fib']/role[@name='leaf']"
                  "/@max-bytes"), 64);
    ck_assert_double_eq(
        xnum(doc, "/results/memory/type[@name='fib']/role[@name='leaf']"
                  "/@nodes"), 4);
    ck_assert_double_eq(
        xnum(doc, "count(/results/memory/type[@name='fib']/role)"), 2);
    ck_assert_double_eq(
        xnum(doc, "count(/results/memory/type[@name='group-dists']/role)"),
        0);
    /* The totals are the network's account, and the sum of the types. */
    ck_assert_double_eq(xnum(doc, "/results/memory/@bytes"),
                        (double) nvo_mem_acct_bytes(&net->mem));
    ck_assert_double_eq(xnum(doc, "sum(/results/memory/type/@bytes)"),
                        (double) nvo_mem_acct_bytes(&net->mem));
    ck_assert_double_eq(xnum(doc, "sum(/results/memory/type/@objects)"),
                        (double) nvo_mem_acct_objects(&net->mem));
    ck_assert_double_eq(xnum(doc, "/results/memory/@objects"), 52);
    xmlFreeDoc(doc);
    g_free(path);
    nvo_test_scenario_free(cfg, sim, dir);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("mem");
    TCase *tc = tcase_create("mem");
    tcase_add_test(tc, types_register_once);
    tcase_add_test(tc, counts_exact);
    tcase_add_test(tc, null_account);
    tcase_add_test(tc, routes_counted);
    tcase_add_test(tc, routes_counted_through_failure);
    tcase_add_test(tc, results_memory);
    suite_add_tcase(s, tc);
    return nvo_test_run(s);
}
