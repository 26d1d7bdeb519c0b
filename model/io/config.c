/* config.c: reading and validating topology and scenario files.  See
 * config.h for the API and docs/scenarios.md for the formats.
 *
 * This file holds what both kinds of file share: the error list, reading
 * a document with libxml2's messages captured, RelaxNG validation with the
 * messages reworded into "FILE:LINE: what is wrong", the grammar read from
 * a schema (which elements and attributes are allowed where: used to word
 * messages and to resolve --set paths), and the value parsers with their
 * messages.  config_topo.c and config_scenario.c check the meaning. */
#include "io/config.h"
#include "io/config_priv.h"
#include "core/fileio.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemastypes.h>

#ifndef NVO_SCHEMA_DIR
#define NVO_SCHEMA_DIR "."
#endif
#ifndef NVO_INSTALL_BINDIR
#define NVO_INSTALL_BINDIR "bin"
#endif
#ifndef NVO_INSTALL_DATA
#define NVO_INSTALL_DATA "share/nvosim"
#endif
#ifndef NVO_INSTALL_FULL_DATA
#define NVO_INSTALL_FULL_DATA "/usr/local/share/nvosim"
#endif

#define RNG_NS "http://relaxng.org/ns/structure/1.0"
#define XSD_NS "http://www.w3.org/2001/XMLSchema"

G_DEFINE_QUARK(nvo-config-error-quark, nvo_config_error)

const char *
nvo_link_class_name(enum nvo_link_class c)
{
    static const char *const names[NVO_LINK_CLASS_N] = {
        [NVO_LINK_ACCESS] = "access",
        [NVO_LINK_FABRIC] = "fabric",
        [NVO_LINK_SUPER] = "super",
    };
    return (unsigned) c < NVO_LINK_CLASS_N ? names[c] : "?";
}

const char *
nvo_topo_event_kind_name(enum nvo_topo_event_kind k)
{
    switch (k) {
    case NVO_EV_LINK_DOWN: return "link-down";
    case NVO_EV_LINK_UP: return "link-up";
    case NVO_EV_NODE_DOWN: return "node-down";
    case NVO_EV_NODE_UP: return "node-up";
    }
    return "?";
}

/* Does 'dir' hold the scenario schema? */
static bool
has_schemas__(const char *dir)
{
    char *p = g_build_filename(dir, "scenarios", "scenario.rng", NULL);
    bool ok = g_file_test(p, G_FILE_TEST_IS_REGULAR);
    g_free(p);
    return ok;
}

/* PREFIX/NVO_INSTALL_DATA for the running binary PREFIX/NVO_INSTALL_BINDIR/
 * nvosim (/proc/self/exe), or NULL.  g_free. */
static char *
installed_data_dir__(void)
{
    char *exe = g_file_read_link("/proc/self/exe", NULL);
    if (!exe || g_path_is_absolute(NVO_INSTALL_BINDIR)) {
        g_free(exe);
        return NULL;
    }
    char *dir = g_path_get_dirname(exe);
    g_free(exe);
    /* Up one level per component of the bin directory ("bin"). */
    char **parts = g_strsplit(NVO_INSTALL_BINDIR, "/", -1);
    for (char **p = parts; *p; p++) {
        if (**p) {
            char *up = g_path_get_dirname(dir);
            g_free(dir);
            dir = up;
        }
    }
    g_strfreev(parts);
    char *data = g_build_filename(dir, NVO_INSTALL_DATA, NULL);
    g_free(dir);
    return data;
}

const char *
nvo_config_schema_dir(void)
{
    const char *env = getenv("NVO_SCHEMA_DIR");
    if (env && *env) {
        return env;
    }
    /* Found once: the candidates do not change while the program runs. */
    static char *found;
    if (!found) {
        char *installed = installed_data_dir__();
        if (installed && has_schemas__(installed)) {
            found = installed;
        } else if (has_schemas__(NVO_SCHEMA_DIR)) {
            found = g_strdup(NVO_SCHEMA_DIR);
            g_free(installed);
        } else {
            found = g_strdup(NVO_INSTALL_FULL_DATA);
            g_free(installed);
        }
    }
    return found;
}

/* ---- Error list ------------------------------------------------------ */

void
cfg_errs_init(struct cfg_errs *e)
{
    e->msgs = g_ptr_array_new_with_free_func(g_free);
    e->seen = g_hash_table_new(g_str_hash, g_str_equal);
    e->schema_missing = false;
}

void
cfg_errs_destroy(struct cfg_errs *e)
{
    if (e->seen) {
        g_hash_table_destroy(e->seen);
        e->seen = NULL;
    }
    if (e->msgs) {
        g_ptr_array_free(e->msgs, TRUE);
        e->msgs = NULL;
    }
}

static void
errs_take__(struct cfg_errs *e, char *msg)
{
    if (g_hash_table_contains(e->seen, msg)) {
        g_free(msg);
        return;
    }
    g_ptr_array_add(e->msgs, msg);
    g_hash_table_add(e->seen, msg);
}

void
cfg_errs_add(struct cfg_errs *e, const char *loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *what = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    errs_take__(e, g_strdup_printf("%s: %s", loc, what));
    g_free(what);
}

void
cfg_errs_add_raw(struct cfg_errs *e, const char *msg)
{
    errs_take__(e, g_strdup(msg));
}

void
cfg_errs_to_gerror(const struct cfg_errs *e, GError **error)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < e->msgs->len; i++) {
        if (i) {
            g_string_append_c(s, '\n');
        }
        g_string_append(s, e->msgs->pdata[i]);
    }
    g_set_error_literal(error, NVO_CONFIG_ERROR,
                        e->schema_missing ? NVO_CONFIG_ERROR_SCHEMA
                                          : NVO_CONFIG_ERROR_INVALID,
                        s->str);
    g_string_free(s, TRUE);
}

/* ---- Small helpers --------------------------------------------------- */

static bool
is_rng__(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && !strcmp(cfg_name(n), name)
           && n->ns && n->ns->href
           && !strcmp((const char *) n->ns->href, RNG_NS);
}

/* An attribute's value as a g_malloc'ed string, or NULL. */
static char *
prop_dup__(const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *) name);
    if (!v) {
        return NULL;
    }
    char *s = g_strdup((const char *) v);
    xmlFree(v);
    return s;
}

/* "a, b or c" */
static char *
join_or__(const GPtrArray *words, const char *last_sep)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < words->len; i++) {
        if (i) {
            g_string_append(s, i + 1 == words->len ? last_sep : ", ");
        }
        g_string_append(s, words->pdata[i]);
    }
    return g_string_free(s, FALSE);
}

bool
cfg_name_ok(const char *s)
{
    /* Names become file and directory names: "." and ".." would point
     * outside the directory they name. */
    if (!s || !*s || !strcmp(s, ".") || !strcmp(s, "..")) {
        return false;
    }
    for (; *s; s++) {
        if (!g_ascii_isalnum(*s) && *s != '.' && *s != '_' && *s != '-') {
            return false;
        }
    }
    return true;
}

char *
cfg_path_join(const char *base, const char *rel)
{
    char *joined;
    if (g_path_is_absolute(rel)) {
        joined = g_strdup(rel);
    } else {
        char *dir = g_path_get_dirname(base);
        joined = g_build_filename(dir, rel, NULL);
        g_free(dir);
    }
    bool absolute = joined[0] == '/';
    char **parts = g_strsplit(joined, "/", -1);
    GPtrArray *out = g_ptr_array_new();
    for (char **p = parts; *p; p++) {
        if (!**p || !strcmp(*p, ".")) {
            continue;
        }
        if (!strcmp(*p, "..") && out->len
            && strcmp(out->pdata[out->len - 1], "..")) {
            g_ptr_array_remove_index(out, out->len - 1);
            continue;
        }
        if (!strcmp(*p, "..") && absolute) {
            continue;                   /* "/.." is "/" */
        }
        g_ptr_array_add(out, *p);
    }
    GString *s = g_string_new(absolute ? "/" : "");
    for (guint i = 0; i < out->len; i++) {
        if (i) {
            g_string_append_c(s, '/');
        }
        g_string_append(s, out->pdata[i]);
    }
    if (!s->len) {
        g_string_append_c(s, '.');
    }
    g_ptr_array_free(out, TRUE);
    g_strfreev(parts);
    g_free(joined);
    return g_string_free(s, FALSE);
}

/* ---- Grammar ---------------------------------------------------------- */

static void
gram_attr_free__(void *p)
{
    struct cfg_gram_attr *a = p;
    g_free(a->name);
    g_free(a->type);
    if (a->values) {
        g_ptr_array_free(a->values, TRUE);
    }
    g_free(a);
}

static void
gram_elem_free__(void *p)
{
    struct cfg_gram_elem *g = p;
    g_free(g->name);
    g_ptr_array_free(g->children, TRUE);
    g_ptr_array_free(g->required, TRUE);
    g_ptr_array_free(g->attrs, TRUE);
    g_free(g);
}

static struct cfg_gram_elem *gram_elem_of__(struct cfg_schema *,
                                            const xmlNode *rng_element);

/* Reads an <attribute>'s value pattern: <value>s and <data type>. */
static void
gram_attr_content__(struct cfg_gram_attr *a, const xmlNode *n)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (is_rng__(c, "value")) {
            if (!a->values) {
                a->values = g_ptr_array_new_with_free_func(g_free);
            }
            xmlChar *v = xmlNodeGetContent(c);
            char *s = g_strdup(v ? (const char *) v : "");
            xmlFree(v);
            g_ptr_array_add(a->values, g_strstrip(s));
        } else if (is_rng__(c, "data") && !a->type) {
            a->type = prop_dup__(c, "type");
        } else if (is_rng__(c, "choice")) {
            gram_attr_content__(a, c);
        }
    }
}

/* Collects the attributes and child elements of element 'g' from the
 * pattern 'n'.  'required': not under optional/zeroOrMore/choice;
 * 'choice': the <choice> whose direct alternatives we are walking;
 * 'many': under zeroOrMore/oneOrMore (the elements found may repeat). */
static void
gram_walk__(struct cfg_schema *s, struct cfg_gram_elem *g, const xmlNode *n,
            bool required, const xmlNode *choice, bool choice_required,
            bool many, int depth)
{
    if (depth > 64) {
        return;                         /* a cycle through <ref>s */
    }
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) {
            continue;
        }
        if (is_rng__(c, "element")) {
            struct cfg_gram_elem *child = gram_elem_of__(s, c);
            if (child) {
                bool have = false;
                for (guint i = 0; i < g->children->len; i++) {
                    have |= g->children->pdata[i] == child;
                }
                if (!have) {
                    g_ptr_array_add(g->children, child);
                }
                child->repeats |= many;
                if (required && !choice) {
                    g_ptr_array_add(g->required, child->name);
                }
            }
        } else if (is_rng__(c, "attribute")) {
            char *name = prop_dup__(c, "name");
            if (!name) {
                continue;
            }
            struct cfg_gram_attr *a = g_new0(struct cfg_gram_attr, 1);
            a->name = name;
            a->required = required && !choice;
            a->choice = choice;
            a->choice_required = choice && choice_required;
            gram_attr_content__(a, c);
            g_ptr_array_add(g->attrs, a);
        } else if (is_rng__(c, "optional") || is_rng__(c, "zeroOrMore")) {
            gram_walk__(s, g, c, false, NULL, false,
                        many || is_rng__(c, "zeroOrMore"), depth + 1);
        } else if (is_rng__(c, "choice")) {
            gram_walk__(s, g, c, false, c, required && !choice, many,
                        depth + 1);
        } else if (is_rng__(c, "group") || is_rng__(c, "oneOrMore")
                   || is_rng__(c, "interleave") || is_rng__(c, "mixed")) {
            gram_walk__(s, g, c, required && !choice, NULL, false,
                        many || is_rng__(c, "oneOrMore"), depth + 1);
        } else if (is_rng__(c, "ref")) {
            char *name = prop_dup__(c, "name");
            const xmlNode *def = name ? g_hash_table_lookup(s->defines, name)
                                      : NULL;
            g_free(name);
            if (def) {
                gram_walk__(s, g, def, required, choice, choice_required,
                            many, depth + 1);
            }
        }
    }
}

static struct cfg_gram_elem *
gram_elem_of__(struct cfg_schema *s, const xmlNode *e)
{
    struct cfg_gram_elem *g = g_hash_table_lookup(s->elems, e);
    if (g) {
        return g;
    }
    char *name = prop_dup__(e, "name");
    if (!name) {
        return NULL;                    /* <element><name>: not used here */
    }
    g = g_new0(struct cfg_gram_elem, 1);
    g->name = name;
    g->children = g_ptr_array_new();
    g->required = g_ptr_array_new();
    g->attrs = g_ptr_array_new_with_free_func(gram_attr_free__);
    g_hash_table_insert(s->elems, (void *) e, g);
    gram_walk__(s, g, e, true, NULL, false, false, 0);
    return g;
}

static void
gram_collect_defines__(struct cfg_schema *s, const xmlNode *n)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (is_rng__(c, "define")) {
            char *name = prop_dup__(c, "name");
            if (name) {
                g_hash_table_insert(s->defines, name, (void *) c);
            }
        } else if (is_rng__(c, "div") || is_rng__(c, "grammar")) {
            gram_collect_defines__(s, c);
        }
    }
}

static void
gram_build__(struct cfg_schema *s)
{
    const xmlNode *root = xmlDocGetRootElement(s->rng_doc);
    const xmlNode *start = NULL;
    if (root && is_rng__(root, "grammar")) {
        gram_collect_defines__(s, root);
        for (const xmlNode *c = root->children; c && !start; c = c->next) {
            if (is_rng__(c, "start")) {
                start = c;
            }
        }
    } else if (root && is_rng__(root, "element")) {
        s->root = gram_elem_of__(s, root);
        return;
    }
    for (const xmlNode *c = start ? start->children : NULL; c; c = c->next) {
        if (is_rng__(c, "element")) {
            s->root = gram_elem_of__(s, c);
            return;
        }
    }
}

GPtrArray *
cfg_gram_lookup(const struct cfg_schema *s, const xmlNode *node)
{
    GPtrArray *out = g_ptr_array_new();
    if (!node || node->type != XML_ELEMENT_NODE || !s->root) {
        return out;
    }
    if (!node->parent || node->parent->type != XML_ELEMENT_NODE) {
        if (!strcmp(s->root->name, cfg_name(node))) {
            g_ptr_array_add(out, s->root);
        }
        return out;
    }
    GPtrArray *parents = cfg_gram_lookup(s, node->parent);
    g_ptr_array_unref(out);
    out = cfg_gram_children(parents, cfg_name(node));
    g_ptr_array_unref(parents);
    return out;
}

const struct cfg_gram_attr *
cfg_gram_attr(const GPtrArray *cands, const char *name)
{
    for (guint i = 0; i < cands->len; i++) {
        const struct cfg_gram_elem *g = cands->pdata[i];
        for (guint j = 0; j < g->attrs->len; j++) {
            const struct cfg_gram_attr *a = g->attrs->pdata[j];
            if (!strcmp(a->name, name)) {
                return a;
            }
        }
    }
    return NULL;
}

GPtrArray *
cfg_gram_children(const GPtrArray *cands, const char *name)
{
    GPtrArray *out = g_ptr_array_new();
    for (guint i = 0; i < cands->len; i++) {
        const struct cfg_gram_elem *g = cands->pdata[i];
        for (guint j = 0; j < g->children->len; j++) {
            const struct cfg_gram_elem *c = g->children->pdata[j];
            if (!strcmp(c->name, name)) {
                g_ptr_array_add(out, (void *) c);
            }
        }
    }
    return out;
}

int
cfg_gram_child_pos(const GPtrArray *cands, const char *name)
{
    for (guint i = 0; i < cands->len; i++) {
        const struct cfg_gram_elem *g = cands->pdata[i];
        for (guint j = 0; j < g->children->len; j++) {
            const struct cfg_gram_elem *c = g->children->pdata[j];
            if (!strcmp(c->name, name)) {
                return (int) j;
            }
        }
    }
    return -1;
}

/* ---- Capturing libxml2's messages ------------------------------------ */

/* A RelaxNG message waiting for the end of validation. */
struct pending__ {
    int code;
    long line;                  /* for ordering; 0 for --set locations */
    char *text;
};

static void
pending_free__(void *p)
{
    struct pending__ *m = p;
    g_free(m->text);
    g_free(m);
}

static char *
trim_msg__(const char *msg)
{
    char *s = g_strdup(msg ? msg : "error");
    return g_strstrip(s);
}

static void capture_relaxng__(struct cfg_capture *, const xmlError *);

static void
capture_handler__(void *ctx, xmlErrorPtr e)
{
    struct cfg_capture *cap = ctx;
    if (!e || e->level == XML_ERR_WARNING || e->level == XML_ERR_NONE) {
        return;
    }
    if (e->domain == XML_FROM_RELAXNGV && cap->pending && cap->doc) {
        capture_relaxng__(cap, e);
        return;
    }
    char *msg = trim_msg__(e->message);
    char loc[CFG_LOC_SIZE];
    if (cap->doc && e->line > 0) {
        snprintf(loc, sizeof loc, "%s:%d", cap->doc->display, e->line);
    } else if (cap->doc) {
        snprintf(loc, sizeof loc, "%s", cap->doc->display);
    } else if (e->file && e->line > 0) {
        snprintf(loc, sizeof loc, "%s:%d", e->file, e->line);
    } else {
        snprintf(loc, sizeof loc, "%s", e->file ? e->file : "libxml2");
    }
    cfg_errs_add(cap->errs, loc, "%s", msg);
    g_free(msg);
}

void
cfg_capture_begin(struct cfg_capture *cap, struct cfg_errs *errs)
{
    memset(cap, 0, sizeof *cap);
    cap->errs = errs;
    cap->old_handler = xmlStructuredError;
    cap->old_ctx = xmlStructuredErrorContext;
    xmlSetStructuredErrorFunc(cap, capture_handler__);
}

void
cfg_capture_end(struct cfg_capture *cap)
{
    xmlSetStructuredErrorFunc(cap->old_ctx, cap->old_handler);
}

/* ---- Documents ------------------------------------------------------- */

static void tag_lines_free__(void *);

void
cfg_doc_init(struct cfg_doc *d, const char *display, const char *abs,
             const struct cfg_schema *schema, struct cfg_errs *errs)
{
    memset(d, 0, sizeof *d);
    d->display = g_strdup(display);
    d->abs = g_strdup(abs);
    d->schema = schema;
    d->set_nodes = g_hash_table_new_full(g_direct_hash, g_direct_equal,
                                         NULL, g_free);
    d->set_attrs = g_hash_table_new_full(g_str_hash, g_str_equal,
                                         g_free, g_free);
    d->strs = g_ptr_array_new_with_free_func(g_free);
    d->lines = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                     tag_lines_free__);
    d->errs = errs;
}

void
cfg_doc_destroy(struct cfg_doc *d)
{
    if (!d) {
        return;
    }
    g_free(d->display);
    g_free(d->abs);
    if (d->xml) {
        xmlFreeDoc(d->xml);
    }
    g_hash_table_destroy(d->set_nodes);
    g_hash_table_destroy(d->set_attrs);
    g_ptr_array_free(d->strs, TRUE);
    g_hash_table_destroy(d->lines);
    memset(d, 0, sizeof *d);
}

/* Where a start tag and its attributes are: libxml2 gives an element the
 * line where its start tag ends, which for a tag written over several
 * lines is neither the line of the tag nor of the attribute in question.
 * So the text is scanned once for the lines of each start tag and each
 * attribute; start tags come in the order of a pre-order walk of the
 * elements. */
struct attr_line__ {
    char *name;
    int line;
};

struct tag_lines__ {
    int line;
    size_t n_attrs;
    struct attr_line__ *attrs;
};

static void
tag_lines_free__(void *p)
{
    struct tag_lines__ *t = p;
    if (!t) {
        return;
    }
    for (size_t i = 0; i < t->n_attrs; i++) {
        g_free(t->attrs[i].name);
    }
    g_free(t->attrs);
    g_free(t);
}

/* Advances *i past the first 'end' at or after it, counting lines. */
static void
skip_past__(const char *s, size_t len, size_t *i, const char *end, int *line)
{
    size_t n = strlen(end);
    while (*i < len) {
        if (*i + n <= len && !memcmp(s + *i, end, n)) {
            *i += n;
            return;
        }
        *line += s[(*i)++] == '\n';
    }
}

static bool
is_space__(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Scans a start tag at s[*i] == '<'. */
static struct tag_lines__ *
scan_start_tag__(const char *s, size_t len, size_t *i, int *line)
{
    struct tag_lines__ *t = g_new0(struct tag_lines__, 1);
    GArray *attrs = g_array_new(FALSE, FALSE, sizeof t->attrs[0]);
    t->line = *line;
    (*i)++;
    while (*i < len && !is_space__(s[*i]) && s[*i] != '>' && s[*i] != '/') {
        (*i)++;
    }
    while (*i < len) {
        char c = s[*i];
        if (is_space__(c)) {
            *line += c == '\n';
            (*i)++;
        } else if (c == '>') {
            (*i)++;
            break;
        } else if (c == '/') {
            (*i)++;
        } else {
            size_t start = *i;
            while (*i < len && s[*i] != '=' && !is_space__(s[*i])
                   && s[*i] != '>') {
                (*i)++;
            }
            struct attr_line__ a = {
                g_strndup(s + start, *i - start), *line,
            };
            g_array_append_val(attrs, a);
            while (*i < len && (is_space__(s[*i]) || s[*i] == '=')) {
                *line += s[(*i)++] == '\n';
            }
            if (*i < len && (s[*i] == '"' || s[*i] == '\'')) {
                char q = s[(*i)++];
                while (*i < len && s[*i] != q) {
                    *line += s[(*i)++] == '\n';
                }
                (*i)++;
            }
        }
    }
    t->n_attrs = attrs->len;
    t->attrs = (void *) g_array_free(attrs, FALSE);
    return t;
}

static void
assign_lines__(struct cfg_doc *d, xmlNode *n, GPtrArray *tags, guint *next)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) {
            continue;
        }
        if (*next < tags->len) {
            g_hash_table_insert(d->lines, n, tags->pdata[*next]);
            tags->pdata[(*next)++] = NULL;
        }
        assign_lines__(d, n->children, tags, next);
    }
}

static void
map_lines__(struct cfg_doc *d, const char *s, size_t len)
{
    GPtrArray *tags = g_ptr_array_new_with_free_func(tag_lines_free__);
    int line = 1;
    size_t i = 0;
    while (i < len) {
        if (s[i] == '\n') {
            line++;
            i++;
        } else if (s[i] != '<') {
            i++;
        } else if (!strncmp(s + i, "<!--", 4)) {
            skip_past__(s, len, &i, "-->", &line);
        } else if (!strncmp(s + i, "<![CDATA[", 9)) {
            skip_past__(s, len, &i, "]]>", &line);
        } else if (!strncmp(s + i, "<?", 2)) {
            skip_past__(s, len, &i, "?>", &line);
        } else if (!strncmp(s + i, "<!", 2)) {
            /* <!DOCTYPE ...>, with an internal subset in [...]. */
            int depth = 0;
            for (i += 2; i < len; i++) {
                line += s[i] == '\n';
                depth += (s[i] == '[') - (s[i] == ']');
                if (s[i] == '>' && depth <= 0) {
                    i++;
                    break;
                }
            }
        } else if (!strncmp(s + i, "</", 2)) {
            skip_past__(s, len, &i, ">", &line);
        } else {
            g_ptr_array_add(tags, scan_start_tag__(s, len, &i, &line));
        }
    }
    guint next = 0;
    assign_lines__(d, d->xml->children, tags, &next);
    if (next != tags->len) {
        g_hash_table_remove_all(d->lines);  /* no match: use libxml2's */
    }
    g_ptr_array_free(tags, TRUE);
}

static struct cfg_doc *loading_doc__;  /* for no_external__() */

/* The external entity loader while a document is parsed: a scenario or
 * topology is one file, so an external entity or DTD is not read (it
 * could name any file, and results.xml would echo it). */
static xmlParserInputPtr
no_external__(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    (void) id;
    char loc[CFG_LOC_SIZE];
    int line = ctxt ? xmlSAX2GetLineNumber(ctxt) : 0;
    if (line > 0) {
        snprintf(loc, sizeof loc, "%s:%d", loading_doc__->display, line);
    } else {
        snprintf(loc, sizeof loc, "%s", loading_doc__->display);
    }
    cfg_errs_add(loading_doc__->errs, loc, "the external entity or DTD "
                 "\"%s\" is not read: declare entities in the file itself",
                 url ? url : "?");
    return NULL;
}

bool
cfg_doc_read(struct cfg_doc *d, struct cfg_capture *cap, const char *ioloc,
             const char *root)
{
    size_t len = 0;
    char *text = NULL;
    int error = nvo_file_read(d->abs, INT_MAX, &text, &len);
    if (error) {
        const char *why = nvo_file_strerror(d->abs, error);
        if (ioloc) {
            cfg_errs_add(d->errs, ioloc, "cannot read %s: %s", d->display,
                         why);
        } else {
            cfg_errs_add(d->errs, d->display, "cannot read: %s", why);
        }
        return false;
    }
    cap->doc = d;
    guint n_before = d->errs->msgs->len;
    /* Entities are substituted (XML_PARSE_NOENT): the checks and the
     * document echoed in results.xml see their values, not "&name;". */
    xmlExternalEntityLoader old_loader = xmlGetExternalEntityLoader();
    loading_doc__ = d;
    xmlSetExternalEntityLoader(no_external__);
    d->xml = xmlReadMemory(text, (int) len, d->abs, NULL,
                           XML_PARSE_NONET | XML_PARSE_BIG_LINES
                           | XML_PARSE_NOENT);
    xmlSetExternalEntityLoader(old_loader);
    loading_doc__ = NULL;
    if (d->xml && d->errs->msgs->len == n_before) {
        map_lines__(d, text, len);
    }
    g_free(text);
    if (!d->xml || d->errs->msgs->len != n_before) {
        if (d->errs->msgs->len == n_before) {
            cfg_errs_add(d->errs, d->display, "not a well-formed XML file");
        }
        return false;
    }
    xmlNode *r = xmlDocGetRootElement(d->xml);
    if (!r) {
        cfg_errs_add(d->errs, d->display, "no root element");
        return false;
    }
    if (root && strcmp(cfg_name(r), root)) {
        char loc[CFG_LOC_SIZE];
        cfg_errs_add(d->errs, cfg_loc(d, r, NULL, loc, sizeof loc),
                     "the root element is <%s>; expected <%s>",
                     cfg_name(r), root);
        return false;
    }
    return true;
}

/* Is 'v' a valid value for attribute 'a' by the schema? */
static bool
gram_value_ok__(const struct cfg_gram_attr *a, const char *v)
{
    if (a->values) {
        char *t = g_strstrip(g_strdup(v));
        bool ok = false;
        for (guint i = 0; i < a->values->len && !ok; i++) {
            ok = !strcmp(t, a->values->pdata[i]);
        }
        g_free(t);
        return ok;
    }
    if (a->type) {
        xmlSchemaTypePtr t = xmlSchemaGetPredefinedType(
            (const xmlChar *) a->type, (const xmlChar *) XSD_NS);
        return !t || !xmlSchemaValidatePredefinedType(
                          t, (const xmlChar *) v, NULL);
    }
    return true;
}

/* What the schema expects of attribute 'a', for messages. */
static char *
gram_expect__(const struct cfg_gram_attr *a)
{
    if (a->values) {
        char *list = join_or__(a->values, " or ");
        char *s = g_strdup_printf("expected %s", list);
        g_free(list);
        return s;
    }
    static const struct { const char *type, *text; } types[] = {
        { "nonNegativeInteger", "expected a whole number, 0 or more" },
        { "positiveInteger", "expected a whole number, 1 or more" },
        { "boolean", "expected true or false" },
        { "double", "expected a number" },
    };
    for (size_t i = 0; a->type && i < NVO_ARRAY_SIZE(types); i++) {
        if (!strcmp(a->type, types[i].type)) {
            return g_strdup(types[i].text);
        }
    }
    return g_strdup_printf("expected a %s", a->type ? a->type : "value");
}

static void
pending_add__(struct cfg_capture *cap, int code, const char *loc,
              const char *fmt, ...) NVO_PRINTF(4, 5);

static void
pending_add__(struct cfg_capture *cap, int code, const char *loc,
              const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *what = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    struct pending__ *m = g_new(struct pending__, 1);
    m->code = code;
    const char *colon = strrchr(loc, ':');
    m->line = colon ? strtol(colon + 1, NULL, 10) : 0;
    m->text = g_strdup_printf("%s: %s", loc, what);
    g_free(what);
    g_ptr_array_add(cap->pending, m);
}

/* The distinct names of the attributes (or, if 'children', the child
 * elements) that the grammar elements 'cands' allow, in schema order,
 * joined for messages; "none" if there are none. */
static char *
gram_names__(const GPtrArray *cands, bool children)
{
    GPtrArray *names = g_ptr_array_new();
    for (guint i = 0; i < cands->len; i++) {
        const struct cfg_gram_elem *g = cands->pdata[i];
        const GPtrArray *list = children ? g->children : g->attrs;
        for (guint j = 0; j < list->len; j++) {
            const char *name = children
                ? ((const struct cfg_gram_elem *) list->pdata[j])->name
                : ((const struct cfg_gram_attr *) list->pdata[j])->name;
            bool dup = false;
            for (guint k = 0; k < names->len; k++) {
                dup |= !strcmp(names->pdata[k], name);
            }
            if (!dup) {
                g_ptr_array_add(names, (gpointer) name);
            }
        }
    }
    char *s = names->len ? join_or__(names, ", ") : g_strdup("none");
    g_ptr_array_free(names, TRUE);
    return s;
}

/* Names of the alternatives of choice group 'choice'. */
static char *
choice_names__(const GPtrArray *cands, const xmlNode *choice)
{
    GPtrArray *names = g_ptr_array_new();
    for (guint i = 0; i < cands->len; i++) {
        const struct cfg_gram_elem *g = cands->pdata[i];
        for (guint j = 0; j < g->attrs->len; j++) {
            const struct cfg_gram_attr *a = g->attrs->pdata[j];
            if (a->choice == choice) {
                g_ptr_array_add(names, a->name);
            }
        }
    }
    char *s = join_or__(names, " or ");
    g_ptr_array_free(names, TRUE);
    return s;
}

/* Explains what is wrong with the attributes of 'e' by the grammar.
 * Returns the number of problems found. */
static int
explain_attrs__(struct cfg_capture *cap, const xmlNode *e, int code)
{
    struct cfg_doc *d = cap->doc;
    GPtrArray *cands = cfg_gram_lookup(d->schema, e);
    char loc[CFG_LOC_SIZE];
    int n = 0;
    if (!cands->len) {
        g_ptr_array_unref(cands);
        return 0;
    }
    /* Unknown attributes and bad values. */
    for (const xmlAttr *p = e->properties; p; p = p->next) {
        const char *name = (const char *) p->name;
        xmlChar *v = xmlNodeGetContent((const xmlNode *) p);
        const char *val = v ? (const char *) v : "";
        const struct cfg_gram_attr *a = cfg_gram_attr(cands, name);
        cfg_loc(d, e, name, loc, sizeof loc);
        if (!a) {
            char *names = gram_names__(cands, false);
            pending_add__(cap, code, loc,
                          "<%s %s=\"%s\">: unknown attribute (<%s> takes: %s)",
                          cfg_name(e), name, val, cfg_name(e), names);
            g_free(names);
            n++;
        } else if (!gram_value_ok__(a, val)) {
            char *expect = gram_expect__(a);
            pending_add__(cap, code, loc, "<%s %s=\"%s\">: %s",
                          cfg_name(e), name, val, expect);
            g_free(expect);
            n++;
        }
        xmlFree(v);
    }
    /* Missing attributes and choices. */
    GHashTable *choices_done = g_hash_table_new(g_direct_hash,
                                                g_direct_equal);
    cfg_loc(d, e, NULL, loc, sizeof loc);
    for (guint i = 0; i < cands->len; i++) {
        const struct cfg_gram_elem *g = cands->pdata[i];
        for (guint j = 0; j < g->attrs->len; j++) {
            const struct cfg_gram_attr *a = g->attrs->pdata[j];
            if (a->required && !xmlHasProp(e, (const xmlChar *) a->name)) {
                pending_add__(cap, code, loc, "<%s>: missing attribute %s",
                              cfg_name(e), a->name);
                n++;
            }
            if (!a->choice
                || g_hash_table_contains(choices_done, a->choice)) {
                continue;
            }
            g_hash_table_add(choices_done, (void *) a->choice);
            int present = 0;
            for (guint k = 0; k < g->attrs->len; k++) {
                const struct cfg_gram_attr *b = g->attrs->pdata[k];
                present += b->choice == a->choice
                           && xmlHasProp(e, (const xmlChar *) b->name);
            }
            if (present > 1 || (present == 0 && a->choice_required)) {
                char *names = choice_names__(cands, a->choice);
                pending_add__(cap, code, loc, present
                              ? "<%s>: give only one of the attributes %s"
                              : "<%s>: missing attribute %s",
                              cfg_name(e), names);
                g_free(names);
                n++;
            }
        }
    }
    g_hash_table_destroy(choices_done);
    g_ptr_array_unref(cands);
    return n;
}


/* Reports the required children missing from 'e'; returns how many. */
static int
explain_missing__(struct cfg_capture *cap, const xmlNode *e, int code)
{
    struct cfg_doc *d = cap->doc;
    GPtrArray *cands = cfg_gram_lookup(d->schema, e);
    char loc[CFG_LOC_SIZE];
    cfg_loc(d, e, NULL, loc, sizeof loc);
    int n = 0;
    for (guint i = 0; i < cands->len; i++) {
        const struct cfg_gram_elem *g = cands->pdata[i];
        for (guint j = 0; j < g->required->len; j++) {
            const char *name = g->required->pdata[j];
            if (!cfg_child(e, name)) {
                pending_add__(cap, code, loc, "<%s>: missing element <%s>",
                              cfg_name(e), name);
                n++;
            }
        }
    }
    g_ptr_array_unref(cands);
    return n;
}

/* An element that RelaxNG did not expect where it is. */
static void
explain_element__(struct cfg_capture *cap, const xmlNode *e, int code)
{
    struct cfg_doc *d = cap->doc;
    char loc[CFG_LOC_SIZE];
    cfg_loc(d, e, NULL, loc, sizeof loc);
    const xmlNode *parent = e->parent;
    if (!parent || parent->type != XML_ELEMENT_NODE) {
        pending_add__(cap, code, loc, "unexpected root element <%s>",
                      cfg_name(e));
        return;
    }
    GPtrArray *pc = cfg_gram_lookup(d->schema, parent);
    char *names = gram_names__(pc, true);
    if (cfg_gram_child_pos(pc, cfg_name(e)) >= 0
        && explain_missing__(cap, parent, code)) {
        /* RelaxNG tripped over the element after a missing one. */
    } else if (cfg_gram_child_pos(pc, cfg_name(e)) < 0) {
        pending_add__(cap, code, loc,
                      "unknown element <%s> in <%s> (it may contain: %s)",
                      cfg_name(e), cfg_name(parent), names);
    } else {
        pending_add__(cap, code, loc,
                      "<%s> is repeated or out of order in <%s> (order: %s)",
                      cfg_name(e), cfg_name(parent), names);
    }
    g_free(names);
    g_ptr_array_unref(pc);
}

static void
capture_relaxng__(struct cfg_capture *cap, const xmlError *e)
{
    struct cfg_doc *d = cap->doc;
    const xmlNode *node = e->node;
    if (node && node->type != XML_ELEMENT_NODE) {
        node = node->parent;
    }
    char loc[CFG_LOC_SIZE];
    if (node && node->type == XML_ELEMENT_NODE) {
        cfg_loc(d, node, NULL, loc, sizeof loc);
    } else if (e->line > 0) {
        snprintf(loc, sizeof loc, "%s:%d", d->display, e->line);
    } else {
        snprintf(loc, sizeof loc, "%s", d->display);
    }
    bool elem = node && node->type == XML_ELEMENT_NODE;
    switch (e->code) {
    case XML_RELAXNG_ERR_ATTRVALID:
    case XML_RELAXNG_ERR_INVALIDATTR:
        if (elem && explain_attrs__(cap, node, e->code)) {
            return;
        }
        break;
    case XML_RELAXNG_ERR_ELEMWRONG:
    case XML_RELAXNG_ERR_ELEMNAME:
    case XML_RELAXNG_ERR_ELEMEXTRANS:
    case XML_RELAXNG_ERR_EXTRACONTENT:
        if (elem) {
            explain_element__(cap, node, e->code);
            return;
        }
        break;
    case XML_RELAXNG_ERR_NOELEM:
        if (elem && explain_missing__(cap, node, e->code)) {
            return;
        }
        if (elem && e->str1 && *e->str1) {
            pending_add__(cap, e->code, loc, "<%s>: missing element <%s>",
                          cfg_name(node), e->str1);
            return;
        }
        break;
    case XML_RELAXNG_ERR_TEXTWRONG:
    case XML_RELAXNG_ERR_NOTELEM:
        if (elem) {
            pending_add__(cap, e->code, loc, "<%s>: unexpected text",
                          cfg_name(node));
            return;
        }
        break;
    default:
        break;
    }
    char *msg = trim_msg__(e->message);
    pending_add__(cap, e->code, loc, "%s", msg);
    g_free(msg);
}

static bool
secondary__(int code)
{
    switch (code) {
    case XML_RELAXNG_ERR_CONTENTVALID:
    case XML_RELAXNG_ERR_TYPE:
    case XML_RELAXNG_ERR_TYPEVAL:
    case XML_RELAXNG_ERR_TYPECMP:
    case XML_RELAXNG_ERR_DATATYPE:
    case XML_RELAXNG_ERR_VALUE:
    case XML_RELAXNG_ERR_LIST:
    case XML_RELAXNG_ERR_LISTEXTRA:
    case XML_RELAXNG_ERR_LISTEMPTY:
    case XML_RELAXNG_ERR_DATAELEM:
    case XML_RELAXNG_ERR_VALELEM:
    case XML_RELAXNG_ERR_LISTELEM:
        return true;
    default:
        return false;
    }
}

bool
cfg_doc_validate(struct cfg_doc *d, struct cfg_capture *cap)
{
    cap->doc = d;
    cap->pending = g_ptr_array_new_with_free_func(pending_free__);
    xmlRelaxNGValidCtxtPtr v = xmlRelaxNGNewValidCtxt(d->schema->rng);
    int rc = -1;
    if (v) {
        xmlRelaxNGSetValidStructuredErrors(v, capture_handler__, cap);
        rc = xmlRelaxNGValidateDoc(v, d->xml);
        xmlRelaxNGFreeValidCtxt(v);
    }
    /* Some messages repeat a problem reported better by another ("failed
     * to validate content" of the parent, "Type X doesn't allow value"
     * before the attribute's own message); keep them only when they are
     * all there is. */
    bool specific = false;
    for (guint i = 0; i < cap->pending->len; i++) {
        const struct pending__ *m = cap->pending->pdata[i];
        specific |= !secondary__(m->code);
    }
    /* In file order: a stable insertion sort by line. */
    for (guint i = 0; i < cap->pending->len; i++) {
        for (guint j = i; j > 0; j--) {
            struct pending__ **v = (struct pending__ **) cap->pending->pdata;
            if (v[j - 1]->line <= v[j]->line) {
                break;
            }
            struct pending__ *tmp = v[j - 1];
            v[j - 1] = v[j];
            v[j] = tmp;
        }
    }
    guint n_before = d->errs->msgs->len;
    for (guint i = 0; i < cap->pending->len; i++) {
        struct pending__ *m = cap->pending->pdata[i];
        if (!specific || !secondary__(m->code)) {
            errs_take__(d->errs, m->text);
            m->text = NULL;
        }
    }
    g_ptr_array_free(cap->pending, TRUE);
    cap->pending = NULL;
    if (rc != 0 && d->errs->msgs->len == n_before) {
        cfg_errs_add(d->errs, d->display, "does not match the schema %s",
                     d->schema->path);
    }
    return rc == 0;
}

char *
cfg_doc_serialize(const struct cfg_doc *d)
{
    xmlBufferPtr buf = xmlBufferCreate();
    xmlNodeDump(buf, d->xml, xmlDocGetRootElement(d->xml), 0, 0);
    char *s = g_strdup((const char *) xmlBufferContent(buf));
    xmlBufferFree(buf);
    return s;
}

/* ---- Schemas ---------------------------------------------------------- */

struct cfg_schema *
cfg_schema_load(const char *rel, struct cfg_errs *errs)
{
    struct cfg_schema *s = g_new0(struct cfg_schema, 1);
    s->path = g_build_filename(nvo_config_schema_dir(), rel, NULL);
    s->elems = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                     gram_elem_free__);
    s->defines = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                       NULL);
    struct cfg_errs tmp;
    cfg_errs_init(&tmp);
    struct cfg_capture cap;
    cfg_capture_begin(&cap, &tmp);
    s->rng_doc = xmlReadFile(s->path, NULL, XML_PARSE_NONET);
    if (s->rng_doc) {
        xmlRelaxNGParserCtxtPtr p = xmlRelaxNGNewDocParserCtxt(s->rng_doc);
        if (p) {
            xmlRelaxNGSetParserStructuredErrors(p, capture_handler__, &cap);
            s->rng = xmlRelaxNGParse(p);
            xmlRelaxNGFreeParserCtxt(p);
        }
    }
    cfg_capture_end(&cap);
    if (!s->rng) {
        errs->schema_missing = true;
        const char *why = tmp.msgs->len ? tmp.msgs->pdata[0] : "invalid";
        cfg_errs_add(errs, s->path, "cannot load the schema (%s); set "
                     "NVO_SCHEMA_DIR to the directory that holds "
                     "scenarios/scenario.rng (the source tree, or "
                     "PREFIX/share/nvosim)", why);
        cfg_errs_destroy(&tmp);
        cfg_schema_destroy(s);
        return NULL;
    }
    cfg_errs_destroy(&tmp);
    gram_build__(s);
    return s;
}

void
cfg_schema_destroy(struct cfg_schema *s)
{
    if (!s) {
        return;
    }
    if (s->rng) {
        xmlRelaxNGFree(s->rng);
    }
    if (s->rng_doc) {
        xmlFreeDoc(s->rng_doc);
    }
    g_hash_table_destroy(s->elems);
    g_hash_table_destroy(s->defines);
    g_free(s->path);
    g_free(s);
}

/* ---- Locations and messages ------------------------------------------ */

const char *
cfg_loc(const struct cfg_doc *d, const xmlNode *node, const char *attr,
        char *buf, size_t size)
{
    if (attr) {
        char key[512];
        snprintf(key, sizeof key, "%p/%s", (const void *) node, attr);
        const char *arg = g_hash_table_lookup(d->set_attrs, key);
        if (arg) {
            snprintf(buf, size, "%s", arg);
            return buf;
        }
    }
    for (const xmlNode *n = node; n; n = n->parent) {
        const char *arg = g_hash_table_lookup(d->set_nodes, n);
        if (arg) {
            snprintf(buf, size, "%s", arg);
            return buf;
        }
    }
    long line = node ? xmlGetLineNo(node) : -1;
    const struct tag_lines__ *t = node ? g_hash_table_lookup(d->lines, node)
                                       : NULL;
    if (t) {
        line = t->line;
        for (size_t i = 0; attr && i < t->n_attrs; i++) {
            if (!strcmp(t->attrs[i].name, attr)) {
                line = t->attrs[i].line;
            }
        }
    }
    if (line > 0) {
        snprintf(buf, size, "%s:%ld", d->display, line);
    } else {
        snprintf(buf, size, "%s", d->display);
    }
    return buf;
}

int
cfg_line(const struct cfg_doc *d, const xmlNode *node)
{
    const struct tag_lines__ *t = g_hash_table_lookup(d->lines, node);
    long line = t ? t->line : xmlGetLineNo(node);
    return line > 0 && line <= INT_MAX ? (int) line : 0;
}

void
cfg_err(const struct cfg_doc *d, const xmlNode *node, const char *attr,
        const char *fmt, ...)
{
    char loc[CFG_LOC_SIZE];
    va_list ap;
    va_start(ap, fmt);
    char *what = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    cfg_errs_add(d->errs, cfg_loc(d, node, attr, loc, sizeof loc), "%s",
                 what);
    g_free(what);
}

void
cfg_err_attr(const struct cfg_doc *d, const xmlNode *node, const char *attr,
             const char *fmt, ...)
{
    char loc[CFG_LOC_SIZE];
    va_list ap;
    va_start(ap, fmt);
    char *what = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    xmlChar *v = xmlGetProp(node, (const xmlChar *) attr);
    cfg_errs_add(d->errs, cfg_loc(d, node, attr, loc, sizeof loc),
                 "<%s %s=\"%s\">: %s", cfg_name(node), attr,
                 v ? (const char *) v : "", what);
    xmlFree(v);
    g_free(what);
}

const char *
cfg_attr(struct cfg_doc *d, const xmlNode *node, const char *name)
{
    char *s = prop_dup__(node, name);
    if (s) {
        g_ptr_array_add(d->strs, s);
    }
    return s;
}

xmlNode *
cfg_child(const xmlNode *n, const char *name)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE
            && (!name || !strcmp(cfg_name(c), name))) {
            return c;
        }
    }
    return NULL;
}

xmlNode *
cfg_next(const xmlNode *n, const char *name)
{
    for (xmlNode *c = n->next; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE
            && (!name || !strcmp(cfg_name(c), name))) {
            return c;
        }
    }
    return NULL;
}

/* ---- Value parsers ---------------------------------------------------- */

/* True if the number at the start of 's' is zero ("0", "0.00"). */
static bool
number_is_zero__(const char *s)
{
    bool digit = false;
    for (; *s && (g_ascii_isdigit(*s) || *s == '.'); s++) {
        if (*s != '0' && *s != '.') {
            return false;
        }
        digit |= *s == '0';
    }
    return digit;
}

bool
cfg_get_time(struct cfg_doc *d, const xmlNode *n, const char *attr,
             bool allow_zero, nvo_time_t *out)
{
    const char *s = cfg_attr(d, n, attr);
    if (!s) {
        return true;
    }
    nvo_time_t t;
    int error = nvo_time_parse(s, &t);
    if (error == EINVAL) {
        cfg_err_attr(d, n, attr, "bad time: expected a number and a unit "
                     "(ps, ns, us, ms or s), e.g. \"1.5us\"");
        return false;
    } else if (error) {
        cfg_err_attr(d, n, attr, "time out of range or finer than 1ps");
        return false;
    } else if (t < 0) {
        cfg_err_attr(d, n, attr, "must not be negative");
        return false;
    } else if (t == 0 && !allow_zero) {
        cfg_err_attr(d, n, attr, "must be more than 0");
        return false;
    }
    *out = t;
    return true;
}

bool
cfg_get_rate(struct cfg_doc *d, const xmlNode *n, const char *attr,
             uint64_t *bps_out)
{
    const char *s = cfg_attr(d, n, attr);
    if (!s) {
        return true;
    }
    uint64_t v;
    int error = nvo_rate_parse(s, &v);
    if (error == EINVAL) {
        cfg_err_attr(d, n, attr, "bad rate: expected a number and a unit "
                     "(bps, kbps, Mbps, Gbps or Tbps), e.g. \"10Gbps\"");
        return false;
    } else if (error && number_is_zero__(s)) {
        cfg_err_attr(d, n, attr, "must be more than 0");
        return false;
    } else if (error) {
        cfg_err_attr(d, n, attr, "rate out of range or not a whole "
                     "number of bits per second");
        return false;
    }
    *bps_out = v;
    return true;
}

bool
cfg_get_size(struct cfg_doc *d, const xmlNode *n, const char *attr,
             uint64_t min, uint64_t max, uint64_t *out)
{
    const char *s = cfg_attr(d, n, attr);
    if (!s) {
        return true;
    }
    uint64_t v;
    int error = nvo_size_parse(s, &v);
    if (error == EINVAL) {
        cfg_err_attr(d, n, attr, "bad size: expected a number of bytes "
                     "with an optional unit (B, KB, MB, GB, KiB, MiB or "
                     "GiB), e.g. \"64KB\"");
        return false;
    } else if (error || v > max) {
        cfg_err_attr(d, n, attr, "must be at most %" G_GUINT64_FORMAT
                     " bytes", max);
        return false;
    } else if (v < min) {
        cfg_err_attr(d, n, attr, "must be at least %" G_GUINT64_FORMAT
                     " bytes", min);
        return false;
    }
    *out = v;
    return true;
}

bool
cfg_get_uint(struct cfg_doc *d, const xmlNode *n, const char *attr,
             uint64_t min, uint64_t max, uint64_t *out)
{
    const char *s = cfg_attr(d, n, attr);
    if (!s) {
        return true;
    }
    char *t = g_strstrip(g_strdup(s));
    const char *p = t[0] == '+' ? t + 1 : t;
    guint64 v = 0;
    bool digits = *p && g_ascii_isdigit(*p);
    bool ok = digits
              && g_ascii_string_to_unsigned(p, 10, 0, G_MAXUINT64, &v, NULL);
    g_free(t);                  /* 'p' points into it: not used below */
    if (!ok || v < min || v > max) {
        if (!ok && digits) {
            cfg_err_attr(d, n, attr, "number too large");
        } else if (!ok) {
            cfg_err_attr(d, n, attr, "expected a whole number");
        } else if (v < min) {
            cfg_err_attr(d, n, attr, "must be at least %" G_GUINT64_FORMAT,
                         min);
        } else {
            cfg_err_attr(d, n, attr, "must be at most %" G_GUINT64_FORMAT,
                         max);
        }
        return false;
    }
    *out = v;
    return true;
}

bool
cfg_get_bool(struct cfg_doc *d, const xmlNode *n, const char *attr,
             bool *out)
{
    const char *s = cfg_attr(d, n, attr);
    if (!s) {
        return true;
    }
    char *t = g_strstrip(g_strdup(s));
    bool ok = true;
    if (!strcmp(t, "true") || !strcmp(t, "1")) {
        *out = true;
    } else if (!strcmp(t, "false") || !strcmp(t, "0")) {
        *out = false;
    } else {
        ok = false;
        cfg_err_attr(d, n, attr, "expected true or false");
    }
    g_free(t);
    return ok;
}

bool
cfg_get_double(struct cfg_doc *d, const xmlNode *n, const char *attr,
               double *out)
{
    const char *s = cfg_attr(d, n, attr);
    if (!s) {
        return true;
    }
    char *t = g_strstrip(g_strdup(s));
    char *end = NULL;
    double v = g_ascii_strtod(t, &end);
    bool ok = *t && end && !*end && isfinite(v);
    g_free(t);
    if (!ok) {
        cfg_err_attr(d, n, attr, "expected a finite number");
        return false;
    }
    *out = v;
    return true;
}

/* ---- Either kind of file --------------------------------------------- */

enum nvo_config_kind
nvo_config_kind_of(const char *path, GError **error)
{
    struct cfg_errs errs;
    cfg_errs_init(&errs);
    struct cfg_capture cap;
    cfg_capture_begin(&cap, &errs);
    struct cfg_doc d;
    char *abs = g_canonicalize_filename(path, NULL);
    cfg_doc_init(&d, path, abs, NULL, &errs);
    g_free(abs);
    enum nvo_config_kind kind = NVO_CONFIG_UNKNOWN;
    if (cfg_doc_read(&d, &cap, NULL, NULL)) {
        const xmlNode *r = xmlDocGetRootElement(d.xml);
        if (!strcmp(cfg_name(r), "scenario")) {
            kind = NVO_CONFIG_SCENARIO;
        } else if (!strcmp(cfg_name(r), "topology")) {
            kind = NVO_CONFIG_TOPOLOGY;
        } else {
            cfg_err(&d, r, NULL, "the root element is <%s>; expected "
                    "<scenario> or <topology>", cfg_name(r));
        }
    }
    cfg_capture_end(&cap);
    if (kind == NVO_CONFIG_UNKNOWN) {
        cfg_errs_to_gerror(&errs, error);
    }
    cfg_doc_destroy(&d);
    cfg_errs_destroy(&errs);
    return kind;
}
