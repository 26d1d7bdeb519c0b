/* fuzz_topo.c: libFuzzer harness for the topology loader
 * (nvo_topo_load(), config_topo.c, config.c): the input is written to a
 * file and loaded.  A load either fails with a message or gives a
 * topology whose invariants hold: node counts per role add up, every
 * link joins two distinct nodes at ports within their port counts, every
 * node is found by its name, and every link by its pair of nodes.
 *
 * Bounded: the generators may legitimately make up to 10 million nodes
 * (config_topo.c's MAX_ELEMS), which would make one input take seconds
 * and gigabytes; an input whose count attributes (spines, leaves,
 * hypervisors-per-leaf, pods, spines-per-pod, leaves-per-pod,
 * super-spines) multiply to more than
 * COUNT_MAX is skipped.  The check reads the document with entities
 * substituted, as the loader sees it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "io/config.h"
#include "fuzz_util.h"

#define COUNT_MAX 20000ull

static const char *const count_attrs__[] = {
    "spines", "leaves", "hypervisors-per-leaf", "pods", "spines-per-pod",
    "leaves-per-pod", "super-spines",
};

/* Multiplies into *product every count attribute below 'n' (a value that
 * is not a plain decimal number counts as 1: the loader refuses it). */
static void
counts__(const xmlNode *n, unsigned long long *product)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) {
            continue;
        }
        for (size_t i = 0; i < sizeof count_attrs__ / sizeof *count_attrs__;
             i++) {
            xmlChar *v = xmlGetProp(n, (const xmlChar *) count_attrs__[i]);
            if (!v) {
                continue;
            }
            char *t = g_strstrip(g_strdup((const char *) v));
            const char *p = t[0] == '+' ? t + 1 : t;
            guint64 x;
            if (*p && g_ascii_isdigit(*p)
                && g_ascii_string_to_unsigned(p, 10, 0, G_MAXUINT64, &x,
                                              NULL)) {
                *product = x > COUNT_MAX ? COUNT_MAX + 1
                           : NVO_MIN(*product * NVO_MAX(x, 1), COUNT_MAX + 1);
            }
            g_free(t);
            xmlFree(v);
        }
        counts__(n->children, product);
    }
}

static void
silent__(void *ctx, const char *fmt, ...)
{
    (void) ctx;
    (void) fmt;
}

static bool
small_enough__(const uint8_t *data, size_t size)
{
    if (size > INT32_MAX) {
        return false;
    }
    /* Quiet: the loader reports what is wrong with the input. */
    xmlSetGenericErrorFunc(NULL, silent__);
    xmlDoc *doc = xmlReadMemory((const char *) data, (int) size, "in.xml",
                                NULL, XML_PARSE_NONET | XML_PARSE_NOENT
                                      | XML_PARSE_NOERROR
                                      | XML_PARSE_NOWARNING);
    xmlSetGenericErrorFunc(NULL, NULL);
    if (!doc) {
        return true;            /* the loader refuses it */
    }
    unsigned long long product = 1;
    counts__(xmlDocGetRootElement(doc), &product);
    xmlFreeDoc(doc);
    return product <= COUNT_MAX;
}

static void
check__(const struct nvo_topo_cfg *t)
{
    size_t per_role = 0;
    for (int r = 0; r < NVO_ROLE_N; r++) {
        per_role += t->n_role[r];
    }
    size_t per_class = 0;
    for (int c = 0; c < NVO_LINK_CLASS_N; c++) {
        per_class += t->n_class[c];
    }
    if (per_role != t->n_nodes || per_class != t->n_links) {
        fprintf(stderr, "counts: %zu nodes, %zu by role; %zu links, %zu by "
                "class\n", t->n_nodes, per_role, t->n_links, per_class);
        abort();
    }
    for (size_t i = 0; i < t->n_nodes; i++) {
        if (nvo_topo_cfg_find_node(t, t->nodes[i].name) != i) {
            fprintf(stderr, "node %zu (%s) not found by name\n", i,
                    t->nodes[i].name);
            abort();
        }
    }
    for (size_t i = 0; i < t->n_links; i++) {
        const struct nvo_topo_link_cfg *l = &t->links[i];
        if (l->a >= t->n_nodes || l->b >= t->n_nodes || l->a == l->b
            || l->a_port < 1 || l->a_port > t->nodes[l->a].n_ports
            || l->b_port < 1 || l->b_port > t->nodes[l->b].n_ports
            || nvo_topo_cfg_find_link(t, l->a, l->b) != (long) i) {
            fprintf(stderr, "link %zu (%u:%u - %u:%u) is inconsistent\n", i,
                    l->a, l->a_port, l->b, l->b_port);
            abort();
        }
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!small_enough__(data, size)) {
        return 0;
    }
    const char *path = nvo_fuzz_write("topo.xml", data, size);
    GError *error = NULL;
    struct nvo_topo_cfg *t = nvo_topo_load(path, NULL, 0, &error);
    if (!t) {
        if (!error || !error->message[0]) {
            fprintf(stderr, "load failed without a message\n");
            abort();
        }
        g_error_free(error);
        return 0;
    }
    check__(t);
    nvo_topo_cfg_destroy(t);
    return 0;
}
