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
#include "config_priv.h"

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
            cfg_errs_add(errs, s->arg, "no such element <%s> in <%s>",
                         seg->name, cfg_name(cur));
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
            cfg_errs_add(errs, s->arg, "no such element or attribute "
                         "\"%s\" in <%s>", attr, cfg_name(cur));
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
