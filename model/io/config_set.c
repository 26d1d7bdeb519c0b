/* config_set.c: "--set PATH=VALUE" overrides of scenario and topology
 * files.
 *
 * PATH is a dot-separated list of element names below the root element,
 * the last segment an attribute: "run.seed", "underlay.ecmp.function".
 * An element repeated in its parent takes a 1-based index:
 * "traffic.flows[2].pattern" (no index means the first).  A missing
 * element is created, as is the one just after the last of its name
 * ("traffic.flows[2].pattern" with one <flows> adds a second).  A single
 * segment is an attribute of the root ("name").  Paths beginning
 * "topology." apply
 * to the topology file (except "topology.file", the scenario's reference
 * to it): "topology.ATTR" is an attribute of the generator element
 * (<leaf-spine> or <five-stage>) or of the root <topology>,
 * "topology.ELEM...." starts at the root's child ELEM when the root may
 * have one (defaults, leaf-spine, five-stage, node, link) and at the
 * generator otherwise ("topology.uplink.rate").
 *
 * Overrides are applied to the XML document before validation, so the
 * schema and the semantic checks see the result; a problem with an
 * overridden value is reported at "--set PATH=VALUE".  Element and
 * attribute names are checked against the schema's grammar: an unknown
 * one is an error, a known element that is missing is created (at the
 * place the schema's order wants); the schema then says whether the
 * result is allowed. */
#include "io/config_priv.h"
#include "core/suggest.h"

#include <stdio.h>

#include <libxml/tree.h>

static bool
parse_seg__(const char *text, struct cfg_set_seg *seg)
{
    const char *br = strchr(text, '[');
    if (!br) {
        seg->name = g_strdup(text);
        seg->index = 0;
        return *text != '\0';
    }
    size_t len = strlen(br);
    if (br == text || len < 3 || br[len - 1] != ']') {
        return false;
    }
    char *digits = g_strndup(br + 1, len - 2);
    guint64 v;
    bool ok = g_ascii_isdigit(digits[0])
              && g_ascii_string_to_unsigned(digits, 10, 1, 1000000000, &v,
                                            NULL);
    g_free(digits);
    if (!ok) {
        return false;
    }
    seg->name = g_strndup(text, (gsize) (br - text));
    seg->index = (unsigned) v;
    return true;
}

bool
cfg_sets_parse(const char *const *sets, size_t n_sets, struct cfg_set **out,
               struct cfg_errs *errs)
{
    struct cfg_set *v = g_new0(struct cfg_set, n_sets ? n_sets : 1);
    bool ok = true;
    for (size_t i = 0; i < n_sets; i++) {
        struct cfg_set *s = &v[i];
        s->arg = g_strdup_printf("--set %s", sets[i]);
        const char *eq = strchr(sets[i], '=');
        if (!eq || eq == sets[i]) {
            cfg_errs_add(errs, s->arg, "expected PATH=VALUE, e.g. "
                         "run.seed=5");
            ok = false;
            continue;
        }
        s->value = g_strdup(eq + 1);
        char *path = g_strndup(sets[i], (gsize) (eq - sets[i]));
        char **parts = g_strsplit(path, ".", -1);
        s->n_segs = g_strv_length(parts);
        s->segs = g_new0(struct cfg_set_seg, s->n_segs);
        bool seg_ok = true;
        for (size_t j = 0; j < s->n_segs && seg_ok; j++) {
            if (!parse_seg__(parts[j], &s->segs[j])) {
                cfg_errs_add(errs, s->arg, "bad path segment \"%s\": "
                             "expected a name, or a name and a 1-based "
                             "index as in flows[2]", parts[j]);
                seg_ok = false;
            }
        }
        g_strfreev(parts);
        g_free(path);
        if (!seg_ok) {
            ok = false;
            continue;
        }
        if (s->segs[s->n_segs - 1].index) {
            cfg_errs_add(errs, s->arg, "the last path segment names an "
                         "attribute and takes no index");
            ok = false;
            continue;
        }
        if (s->n_segs >= 2 && !strcmp(s->segs[0].name, "topology")
            && !(s->n_segs == 2 && !strcmp(s->segs[1].name, "file"))) {
            if (s->segs[0].index) {
                cfg_errs_add(errs, s->arg, "\"topology\" takes no index");
                ok = false;
                continue;
            }
            g_free(s->segs[0].name);
            memmove(&s->segs[0], &s->segs[1],
                    (s->n_segs - 1) * sizeof s->segs[0]);
            s->n_segs--;
            s->topology = true;
        }
    }
    *out = v;
    return ok;
}

void
cfg_sets_free(struct cfg_set *sets, size_t n_sets)
{
    if (!sets) {
        return;
    }
    for (size_t i = 0; i < n_sets; i++) {
        g_free(sets[i].arg);
        g_free(sets[i].value);
        for (size_t j = 0; j < sets[i].n_segs; j++) {
            g_free(sets[i].segs[j].name);
        }
        g_free(sets[i].segs);
    }
    g_free(sets);
}

/* Inserts a new element 'name' into 'parent': after 'last' (the last
 * element of that name) if not NULL, else where the schema's order of
 * children ('cands') wants it. */
static xmlNode *
create_child__(struct cfg_doc *d, xmlNode *parent, const GPtrArray *cands,
               const char *name, xmlNode *last, const char *arg)
{
    xmlNode *n = xmlNewDocNode(d->xml, NULL, (const xmlChar *) name, NULL);
    int pos = cfg_gram_child_pos(cands, name);
    xmlNode *before = NULL;
    CFG_FOR_CHILD(c, parent, NULL) {
        if (cfg_gram_child_pos(cands, cfg_name(c)) > pos) {
            before = c;
            break;
        }
    }
    if (last) {
        xmlAddNextSibling(last, n);
    } else if (before) {
        xmlAddPrevSibling(before, n);
    } else {
        xmlAddChild(parent, n);
    }
    g_hash_table_insert(d->set_nodes, n, g_strdup(arg));
    return n;
}

static xmlNode *
find_generator__(xmlNode *root)
{
    CFG_FOR_CHILD(c, root, NULL) {
        if (!strcmp(cfg_name(c), "leaf-spine")
            || !strcmp(cfg_name(c), "five-stage")) {
            return c;
        }
    }
    return NULL;
}

/* "; did you mean PATH?" for the unknown segment 'seg' (index 'k' of the
 * path in s->arg) among the element and attribute names 'cands' allows
 * there (children only if 'elems_only'), or "" if none is near.
 * g_free(). */
static char *
did_you_mean__(const struct cfg_set *s, size_t k, const GPtrArray *cands,
               bool elems_only)
{
    GPtrArray *names = g_ptr_array_new();
    for (guint i = 0; i < cands->len; i++) {
        const struct cfg_gram_elem *g = cands->pdata[i];
        for (guint j = 0; j < g->children->len; j++) {
            g_ptr_array_add(names, ((const struct cfg_gram_elem *)
                                    g->children->pdata[j])->name);
        }
        for (guint j = 0; !elems_only && j < g->attrs->len; j++) {
            g_ptr_array_add(names, ((const struct cfg_gram_attr *)
                                    g->attrs->pdata[j])->name);
        }
    }
    const char *near[NVO_SUGGEST_MAX];
    size_t n_near = nvo_suggest_pick(s->segs[k].name, (const char *const *)
                                     names->pdata, names->len, near);
    /* Each the path as written with segment k replaced: "topology.spines". */
    GString *out = g_string_new(NULL);
    for (size_t w = 0; w < n_near; w++) {
        g_string_append(out, w == 0 ? "; did you mean "
                             : w + 1 == n_near ? " or " : ", ");
        g_string_append(out, s->topology ? "topology." : "");
        for (size_t i = 0; i < s->n_segs; i++) {
            const char *name = i == k ? near[w] : s->segs[i].name;
            g_string_append_printf(out, "%s%s", i ? "." : "", name);
            if (i != k && s->segs[i].index) {
                g_string_append_printf(out, "[%u]", s->segs[i].index);
            }
        }
    }
    if (n_near) {
        g_string_append_c(out, '?');
    }
    g_ptr_array_free(names, TRUE);
    return g_string_free(out, FALSE);
}

static void
apply_one__(struct cfg_doc *d, const struct cfg_set *s)
{
    struct cfg_errs *errs = d->errs;
    xmlNode *cur = xmlDocGetRootElement(d->xml);
    GPtrArray *cands = cfg_gram_lookup(d->schema, cur);
    size_t i = 0;

    if (s->topology) {
        const char *first = s->segs[0].name;
        bool from_root = s->n_segs == 1 ? cfg_gram_attr(cands, first) != NULL
                         : cfg_gram_child_pos(cands, first) >= 0;
        if (!from_root) {
            xmlNode *gen = find_generator__(cur);
            if (!gen) {
                cfg_errs_add(errs, s->arg, "the topology has no generator "
                             "(<leaf-spine> or <five-stage>)");
                goto out;
            }
            cur = gen;
            g_ptr_array_unref(cands);
            cands = cfg_gram_lookup(d->schema, cur);
        }
    }

    for (; i + 1 < s->n_segs; i++) {
        const struct cfg_set_seg *seg = &s->segs[i];
        GPtrArray *gc = cfg_gram_children(cands, seg->name);
        if (!gc->len) {
            char *hint = did_you_mean__(s, i, cands, true);
            cfg_errs_add(errs, s->arg, "no such element <%s> in <%s>%s",
                         seg->name, cfg_name(cur), hint);
            g_free(hint);
            g_ptr_array_unref(gc);
            goto out;
        }
        unsigned want = seg->index ? seg->index : 1, count = 0;
        xmlNode *found = NULL, *last = NULL;
        CFG_FOR_CHILD(c, cur, seg->name) {
            last = c;
            if (++count == want) {
                found = c;
            }
        }
        if (!found && want == count + 1) {
            found = create_child__(d, cur, cands, seg->name, last, s->arg);
        } else if (!found) {
            cfg_errs_add(errs, s->arg, "no such element: <%s> has %u <%s>",
                         cfg_name(cur), count, seg->name);
            g_ptr_array_unref(gc);
            goto out;
        }
        cur = found;
        g_ptr_array_unref(cands);
        cands = gc;
    }

    const char *attr = s->segs[s->n_segs - 1].name;
    if (!cfg_gram_attr(cands, attr)) {
        GPtrArray *gc = cfg_gram_children(cands, attr);
        if (gc->len) {
            const struct cfg_gram_elem *g = gc->pdata[0];
            const struct cfg_gram_attr *a = g->attrs->len ? g->attrs->pdata[0]
                                                          : NULL;
            const char *path = s->arg + strlen("--set ");
            int path_len = (int) (strchr(path, '=') - path);
            if (a) {
                cfg_errs_add(errs, s->arg, "<%s> is an element; a path "
                             "ends with an attribute, e.g. %.*s.%s", attr,
                             path_len, path, a->name);
            } else {
                cfg_errs_add(errs, s->arg, "<%s> is an element; a path "
                             "ends with an attribute", attr);
            }
        } else {
            char *hint = did_you_mean__(s, s->n_segs - 1, cands, false);
            cfg_errs_add(errs, s->arg, "no such element or attribute "
                         "\"%s\" in <%s>%s", attr, cfg_name(cur), hint);
            g_free(hint);
        }
        g_ptr_array_unref(gc);
        goto out;
    }
    xmlSetProp(cur, (const xmlChar *) attr, (const xmlChar *) s->value);
    g_hash_table_insert(d->set_attrs,
                        g_strdup_printf("%p/%s", (void *) cur, attr),
                        g_strdup(s->arg));
out:
    g_ptr_array_unref(cands);
}

void
cfg_sets_apply(struct cfg_doc *d, const struct cfg_set *sets, size_t n_sets,
               bool topology_doc, bool standalone_topology)
{
    for (size_t i = 0; i < n_sets; i++) {
        const struct cfg_set *s = &sets[i];
        if (s->topology != topology_doc) {
            if (standalone_topology) {
                cfg_errs_add(d->errs, s->arg, "a topology file takes only "
                             "topology.* paths");
            }
            continue;
        }
        apply_one__(d, s);
    }
}

/* ---- Listing the settings (nvosim run --list-settings) ----------------- */

/* What the schema does not say about an attribute: its kind of value,
 * unit and default.  Keyed "ELEMENT/ATTRIBUTE"; "*" as the element is
 * the fallback for the link parameters, which many elements share.  The
 * defaults are those of config_scenario.c and config_topo.c (and
 * nvo_link_cfg_default() for links: the built-in ones, before a
 * topology's <defaults>); docs/scenarios.md lists the same.  A NULL
 * default is computed (cpu_dflt__()). */
struct setting_info__ {
    const char *key, *type, *unit, *dflt;
};

#define UNIT_TIME "ps, ns, us, ms, s"
#define UNIT_RATE "bps, kbps, Mbps, Gbps, Tbps"
#define UNIT_SIZE "bytes (KB, MB, GB, KiB, MiB, GiB)"

static const struct setting_info__ setting_info__[] = {
    /* Scenario. */
    { "scenario/name", "name", "", "(required)" },
    { "topology/file", "file", "", "(required)" },
    { "run/duration", "time", UNIT_TIME, "10ms" },
    { "run/drain", "boolean", "", "false" },
    { "run/drain-limit", "time", UNIT_TIME, "1s" },
    { "run/seed", "integer", "", "1" },
    { "run/run", "integer", "", "1" },
    { "run/engine", "choice", "", "native" },
    { "run/scheduler", "choice", "", "the engine's default" },
    { "underlay/ip", "choice", "", "ipv4" },
    { "underlay/convergence-delay", "time", UNIT_TIME, "1ms" },
    { "underlay/flow-stats", "boolean", "", "true" },
    { "overlay/encap", "choice", "", "vxlan" },
    { "overlay/flood", "choice", "", "ingress-replication" },
    { "overlay/flood-list", "choice", "", "vni-pes" },
    { "overlay/vm-oui", "choice", "", "vmware" },
    { "overlay/sport-min", "port", "", "49152" },
    { "overlay/sport-max", "port", "", "65535" },
    { "overlay/entropy", "boolean", "", "true" },
    { "overlay/flowid", "boolean", "", "true" },
    { "overlay/entropy-label", "boolean", "", "false" },
    { "overlay/control-word", "boolean", "", "false" },
    { "overlay/geneve-options", "size", UNIT_SIZE, "0" },
    { "overlay/addresses", "integer", "", "1" },
    { "overlay/label", "choice", "", "vni" },
    { "overlay/label-base", "integer", "", "16" },
    { "overlay/vtep", "choice", "", "hypervisor" },
    { "overlay/groups", "per-vni or integer", "", "per-vni" },
    { "overlay/group-base", "IPv4 multicast address", "", "239.1.0.0" },
    { "overlay/pim", "choice", "", "sm" },
    { "overlay/rp", "node", "", "the first spine" },
    { "overlay/control", "choice", "", "none" },
    { "bgp/as", "integer", "", "65000" },
    { "bgp/reflectors", "node names or none", "",
      "the route-reflector nodes, else the first spine" },
    { "bgp/cluster-id", "choice", "", "per-rr" },
    { "bgp/hold-time", "time", UNIT_TIME, "180s" },
    { "bgp/keepalive", "time", UNIT_TIME, "60s" },
    { "bgp/mrai", "time", UNIT_TIME, "0s" },
    { "bgp/proc-delay", "time", UNIT_TIME, "0s" },
    { "bgp/extended-messages", "boolean", "", "false" },
    { "bgp/routes", "choice", "", "mac-ip" },
    { "bgp/arp-suppression", "boolean", "", "true" },
    { "bgp/mrt", "boolean", "", "false" },
    { "bgp/rt-constrain", "boolean", "", "false" },
    { "bgp/rt-constrain-default", "boolean", "", "false" },
    { "ldp/hello", "time", UNIT_TIME, "15s" },
    { "ldp/hold", "integer", "s", "45" },
    { "ldp/keepalive", "integer", "s", "180" },
    { "ldp/proc-delay", "time", UNIT_TIME, "0s" },
    { "ldp/pack", "boolean", "", "true" },
    { "ldp/mac-withdraw", "choice", "", "list" },
    { "ldp/hubs", "node names or none", "", "none (a full mesh)" },
    { "tcp/delack", "time", UNIT_TIME, "0s" },
    { "spoke/pe", "node", "", "(required)" },
    { "spoke/hub", "node", "", "(required)" },
    { "tenants/count", "integer", "", "(required)" },
    { "tenants/vms-per-tenant", "integer", "", "(required)" },
    { "tenants/first-vni", "integer", "", "5000" },
    { "tenants/placement", "choice", "", "round-robin" },
    { "cpu/tso", "choice", "", "on" },
    { "cpu/csum-offload", "choice", "", "on" },
    { "cpu/ghz", "number", "GHz", "-" },
    /* The costs' defaults depend on the encapsulation: cpu_dflt__(). */
    { "cpu/encap-frame-cycles", "number", "cycles per frame", NULL },
    { "cpu/encap-byte-cycles", "number", "cycles per byte", NULL },
    { "cpu/decap-frame-cycles", "number", "cycles per frame", NULL },
    { "cpu/decap-byte-cycles", "number", "cycles per byte", NULL },
    { "cpu/replica-frame-cycles", "number", "cycles per frame", NULL },
    { "cpu/replica-byte-cycles", "number", "cycles per byte", NULL },
    { "cpu/csum-byte-cycles", "number", "cycles per byte", NULL },
    { "arp/cache-timeout", "time", UNIT_TIME, "30s" },
    { "arp/retransmit", "time", UNIT_TIME, "1s" },
    { "arp/queue", "integer", "frames", "101" },
    { "bum/broadcast-rate", "number", "frames/s per VM", "0" },
    { "bum/multicast-rate", "number", "frames/s per VM", "0" },
    { "bum/broadcast-size", "integer", "bytes (IP)", "78" },
    { "bum/multicast-size", "integer", "bytes (IP)", "62" },
    { "nlb/tenant", "integer", "", "(required)" },
    { "nlb/vms", "integer", "", "(required)" },
    { "move/vm", "integer", "", "(required)" },
    { "move/to", "node", "", "(required)" },
    { "move/at", "time", UNIT_TIME, "(required)" },
    { "move/announce", "choice", "", "rarp" },
    { "tenants/tenants-per-hypervisor", "integer", "", "-" },
    { "tenant/vni", "integer", "", "(required)" },
    { "tenant/label", "integer", "", "the VNI" },
    { "tenant/vms", "integer", "", "0" },
    { "tenant/placement", "choice", "", "round-robin" },
    { "vm/mac", "MAC address", "", "OUI and the VM's number" },
    { "vm/ip", "IPv4 address", "", "10.0.0.0 + the VM's number + 1" },
    { "vm/hypervisor", "node", "", "(required)" },
    { "ecmp/function", "choice", "", "crc32" },
    { "ecmp/seed", "fabric, per-switch or integer", "", "per-switch" },
    { "ecmp/fields", "list of fields", "", "5-tuple" },
    { "ecmp/parser-depth", "size", UNIT_SIZE, "128" },
    { "flows/pattern", "choice", "", "(required)" },
    { "flows/target", "node", "", "the first hypervisor" },
    { "flows/fan-in", "integer", "", "every other hypervisor" },
    { "flows/protocol", "choice", "", "udp" },
    { "flows/src-port", "random or port", "", "random" },
    { "flows/dst-port", "port", "", "5001" },
    { "flows/start", "time", UNIT_TIME, "0s" },
    { "flows/stop", "time", UNIT_TIME, "the run's duration" },
    { "size/fixed", "size", UNIT_SIZE, "64000" },
    { "size/exponential-mean", "size", UNIT_SIZE, "-" },
    { "size/cdf", "file", "", "-" },
    { "arrival/rate", "number", "flows/s per sending host", "-" },
    { "arrival/load", "number", "fraction of the access link rate",
      "0.5" },
    { "packet/size", "size", UNIT_SIZE, "1500" },
    { "packet/mix", "choice", "", "-" },
    { "link-down/at", "time", UNIT_TIME, "(required)" },
    { "link-up/at", "time", UNIT_TIME, "(required)" },
    { "node-down/at", "time", UNIT_TIME, "(required)" },
    { "node-up/at", "time", UNIT_TIME, "(required)" },
    { "link-down/a", "node", "", "(required)" },
    { "link-down/b", "node", "", "(required)" },
    { "link-up/a", "node", "", "(required)" },
    { "link-up/b", "node", "", "(required)" },
    { "node-down/node", "node", "", "(required)" },
    { "node-up/node", "node", "", "(required)" },
    { "output/dir", "directory", "", "results/NAME" },
    { "output/trace", "boolean", "", "false" },
    { "output/series", "time", UNIT_TIME, "off" },
    { "output/flows", "boolean", "", "false" },
    { "pcap/node", "node", "", "(required)" },
    { "pcap/port", "integer", "", "every port" },
    { "pcap/peer", "node", "", "-" },
    { "sweep/runs", "integer", "", "1" },
    { "vary/path", "--set path", "", "(required)" },
    { "vary/values", "list of values and ranges", "", "(required)" },
    /* Topology. */
    { "topology/name", "name", "", "(required)" },
    { "leaf-spine/spines", "integer", "", "(required)" },
    { "leaf-spine/leaves", "integer", "", "(required)" },
    { "leaf-spine/hypervisors-per-leaf", "integer", "", "(required)" },
    { "leaf-spine/dual-homed", "boolean", "", "false" },
    { "five-stage/pods", "integer", "", "(required)" },
    { "five-stage/spines-per-pod", "integer", "", "(required)" },
    { "five-stage/leaves-per-pod", "integer", "", "(required)" },
    { "five-stage/hypervisors-per-leaf", "integer", "", "(required)" },
    { "five-stage/super-spines", "integer", "", "(required)" },
    { "five-stage/dual-homed", "boolean", "", "false" },
    { "node/name", "name", "", "(required)" },
    { "node/role", "choice", "", "(required)" },
    { "link/a", "node", "", "(required)" },
    { "link/b", "node", "", "(required)" },
    { "link/class", "choice", "", "from the ends" },
    { "*/rate", "rate", UNIT_RATE, "10Gbps" },
    { "*/delay", "time", UNIT_TIME, "1us" },
    { "*/mtu", "size", "bytes (IP packet)", "1500" },
    { "*/queue", "size", UNIT_SIZE, "1MiB" },
    { "*/ctrl-queue", "size", UNIT_SIZE, "64KiB" },
    { "*/framing", "size", "bytes", "24" },
};

static const struct setting_info__ *
setting_info_find__(const char *elem, const char *attr)
{
    char key[256], any[256];
    snprintf(key, sizeof key, "%s/%s", elem, attr);
    snprintf(any, sizeof any, "*/%s", attr);
    const struct setting_info__ *fallback = NULL;
    for (size_t i = 0; i < NVO_ARRAY_SIZE(setting_info__); i++) {
        if (!strcmp(setting_info__[i].key, key)) {
            return &setting_info__[i];
        }
        if (!strcmp(setting_info__[i].key, any)) {
            fallback = &setting_info__[i];
        }
    }
    return fallback;
}

/* A <cpu> cost's default for the encapsulation 'encap', from the table
 * of cited defaults (overlay/cpu_cost.c): its value ("48.5"), else
 * "(required for ENCAP)" if another encapsulation has one, else
 * "(required)".  g_free(). */
static char *
cpu_dflt__(const char *attr, const char *encap)
{
    enum nvo_cpu_param p = nvo_cpu_param_lookup(attr);
    const struct nvo_cpu_default *d = nvo_cpu_default_find(p, encap);
    if (d) {
        char buf[32];
        nvo_cpu_format_mc(d->mc, buf, sizeof buf);
        /* Three decimals, without the trailing zeros: 48.500 -> 48.5. */
        size_t len = strlen(buf);
        while (buf[len - 1] == '0') {
            buf[--len] = '\0';
        }
        if (buf[len - 1] == '.') {
            buf[--len] = '\0';
        }
        return g_strdup(buf);
    }
    size_t n;
    const struct nvo_cpu_default *all = nvo_cpu_defaults(&n);
    for (size_t i = 0; i < n; i++) {
        if (all[i].param == p) {
            return g_strdup_printf("(required for %s)", encap);
        }
    }
    return g_strdup("(required)");
}

void
nvo_setting_free(struct nvo_setting *s)
{
    if (s) {
        g_free(s->path);
        g_free(s->type);
        g_free(s->dflt);
        g_free(s->value);
        g_free(s);
    }
}

struct list_ctx__ {
    GPtrArray *out;             /* struct nvo_setting * */
    const struct cfg_schema *schema;
    const char *encap;          /* the scenario's encapsulation */
};

static void
list_attrs__(struct list_ctx__ *lc, const GPtrArray *cands,
             const xmlNode *node, const char *prefix)
{
    GHashTable *done = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < cands->len; i++) {
        const struct cfg_gram_elem *g = cands->pdata[i];
        for (guint j = 0; j < g->attrs->len; j++) {
            const struct cfg_gram_attr *a = g->attrs->pdata[j];
            if (!g_hash_table_add(done, a->name)) {
                continue;
            }
            struct nvo_setting *s = g_new0(struct nvo_setting, 1);
            s->path = g_strconcat(prefix, a->name, NULL);
            const struct setting_info__ *info =
                setting_info_find__(g->name, a->name);
            if (a->values) {
                GString *t = g_string_new(NULL);
                for (guint k = 0; k < a->values->len; k++) {
                    g_string_append_printf(t, "%s%s", k ? "|" : "",
                                           (const char *) a->values->pdata[k]);
                }
                s->type = g_string_free(t, FALSE);
            } else {
                s->type = g_strdup(info ? info->type : "");
            }
            s->unit = info ? info->unit : "";
            if (info && !info->dflt) {
                s->dflt = cpu_dflt__(a->name, lc->encap);
            } else {
                s->dflt = g_strdup(info ? info->dflt : "");
            }
            s->documented = info != NULL;
            if (node) {
                xmlChar *v = xmlGetProp(node, (const xmlChar *) a->name);
                s->value = v ? g_strdup((const char *) v) : NULL;
                xmlFree(v);
            }
            g_ptr_array_add(lc->out, s);
        }
    }
    g_hash_table_destroy(done);
}

/* Lists the attributes of 'node' (may be NULL: not in the document) whose
 * grammar elements are 'cands', and below it, each with 'prefix'.  An
 * element the schema lets repeat is listed with its index. */
static void
list_walk__(struct list_ctx__ *lc, const GPtrArray *cands,
            const xmlNode *node, const char *prefix, int depth)
{
    if (depth > 16) {
        return;
    }
    list_attrs__(lc, cands, node, prefix);
    GHashTable *done = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < cands->len; i++) {
        const struct cfg_gram_elem *g = cands->pdata[i];
        for (guint j = 0; j < g->children->len; j++) {
            const struct cfg_gram_elem *c = g->children->pdata[j];
            if (!g_hash_table_add(done, c->name)) {
                continue;
            }
            GPtrArray *cc = cfg_gram_children(cands, c->name);
            unsigned count = 0;
            CFG_FOR_CHILD(x, node, c->name) {
                count++;
            }
            if (!c->repeats) {
                char *p = g_strconcat(prefix, c->name, ".", NULL);
                list_walk__(lc, cc, node ? cfg_child(node, c->name) : NULL,
                            p, depth + 1);
                g_free(p);
            } else {
                unsigned k = 0;
                CFG_FOR_CHILD(x, node, c->name) {
                    char *p = g_strdup_printf("%s%s[%u].", prefix, c->name,
                                              ++k);
                    list_walk__(lc, cc, x, p, depth + 1);
                    g_free(p);
                }
                if (!count) {
                    char *p = g_strdup_printf("%s%s[1].", prefix, c->name);
                    list_walk__(lc, cc, NULL, p, depth + 1);
                    g_free(p);
                }
            }
            g_ptr_array_unref(cc);
        }
    }
    g_hash_table_destroy(done);
}

/* The topology's settings: "topology.ATTR" for the root's attributes,
 * "topology.ELEM..." for <defaults> (and <node>s and <link>s, if the
 * file has any), and the generator's own (the one in the file) without
 * its name, as --set takes them: "topology.spines". */
static void
list_topology__(struct list_ctx__ *lc, const xmlNode *root)
{
    GPtrArray *cands = cfg_gram_lookup(lc->schema, root);
    list_attrs__(lc, cands, root, "topology.");
    const char *const children[] = { "defaults", "node", "link" };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(children); i++) {
        GPtrArray *cc = cfg_gram_children(cands, children[i]);
        bool repeats = false;
        for (guint j = 0; j < cc->len; j++) {
            repeats |= ((const struct cfg_gram_elem *) cc->pdata[j])->repeats;
        }
        if (!repeats) {
            char *p = g_strconcat("topology.", children[i], ".", NULL);
            list_walk__(lc, cc, cfg_child(root, children[i]), p, 1);
            g_free(p);
        } else {
            unsigned k = 0;
            CFG_FOR_CHILD(x, root, children[i]) {
                char *p = g_strdup_printf("topology.%s[%u].", children[i],
                                          ++k);
                list_walk__(lc, cc, x, p, 1);
                g_free(p);
            }
        }
        g_ptr_array_unref(cc);
    }
    CFG_FOR_CHILD(g, root, NULL) {
        if (!strcmp(cfg_name(g), "leaf-spine")
            || !strcmp(cfg_name(g), "five-stage")) {
            GPtrArray *gc = cfg_gram_children(cands, cfg_name(g));
            list_walk__(lc, gc, g, "topology.", 1);
            g_ptr_array_unref(gc);
            break;
        }
    }
    g_ptr_array_unref(cands);
}

GPtrArray *
nvo_settings_list(const char *path, const char *const *sets, size_t n_sets,
                  GError **error)
{
    struct nvo_scenario_cfg *cfg = nvo_scenario_load(path, sets, n_sets,
                                                     error);
    if (!cfg) {
        return NULL;
    }
    struct cfg_errs errs;
    cfg_errs_init(&errs);
    struct cfg_capture cap;
    cfg_capture_begin(&cap, &errs);
    struct cfg_schema *ss = cfg_schema_load("scenarios/scenario.rng", &errs);
    struct cfg_schema *ts = ss ? cfg_schema_load("topologies/topology.rng",
                                                 &errs) : NULL;
    /* The effective documents, overrides applied, as the run sees them. */
    xmlDoc *sd = ts ? xmlReadMemory(cfg->xml, (int) strlen(cfg->xml),
                                    "scenario", NULL, XML_PARSE_NONET) : NULL;
    xmlDoc *td = sd ? xmlReadMemory(cfg->topo->xml,
                                    (int) strlen(cfg->topo->xml), "topology",
                                    NULL, XML_PARSE_NONET) : NULL;
    cfg_capture_end(&cap);
    GPtrArray *out = NULL;
    if (td) {
        out = g_ptr_array_new_with_free_func((GDestroyNotify)
                                             nvo_setting_free);
        struct list_ctx__ lc = { .out = out, .schema = ss,
                                 .encap = cfg->overlay.encap };
        const xmlNode *root = xmlDocGetRootElement(sd);
        GPtrArray *cands = cfg_gram_lookup(ss, root);
        list_walk__(&lc, cands, root, "", 0);
        g_ptr_array_unref(cands);
        lc.schema = ts;
        list_topology__(&lc, xmlDocGetRootElement(td));
    } else if (cfg_errs_any(&errs)) {
        cfg_errs_to_gerror(&errs, error);
    } else {
        g_set_error(error, NVO_CONFIG_ERROR, NVO_CONFIG_ERROR_INVALID,
                    "%s: cannot read back the effective document", path);
    }
    if (td) {
        xmlFreeDoc(td);
    }
    if (sd) {
        xmlFreeDoc(sd);
    }
    cfg_schema_destroy(ts);
    cfg_schema_destroy(ss);
    cfg_errs_destroy(&errs);
    nvo_scenario_cfg_destroy(cfg);
    return out;
}
