/* config_priv.h: internals shared by config.c, config_set.c,
 * config_topo.c and config_scenario.c.  Not part of the library's API.
 *
 *   config.c           errors, reading and validating documents, the
 *                      grammar read from a schema, value parsers
 *   config_set.c       --set PATH=VALUE overrides
 *   config_topo.c      topology checks and generator expansion
 *   config_scenario.c  scenario checks */
#ifndef NVO_CONFIG_PRIV_H
#define NVO_CONFIG_PRIV_H

#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "io/config.h"

/* ---- Error list ------------------------------------------------------ */

/* Messages "LOCATION: what is wrong", in the order found, each once. */
struct cfg_errs {
    GPtrArray *msgs;            /* char *, owned */
    GHashTable *seen;           /* the same strings, for deduplication */
    bool schema_missing;        /* a schema could not be read */
};

void cfg_errs_init(struct cfg_errs *);
void cfg_errs_destroy(struct cfg_errs *);
static inline bool cfg_errs_any(const struct cfg_errs *e)
{ return e->msgs->len > 0; }
/* Adds "LOC: MESSAGE". */
void cfg_errs_add(struct cfg_errs *, const char *loc, const char *fmt, ...)
    NVO_PRINTF(3, 4);
/* Adds 'msg' as it is (it names its own location). */
void cfg_errs_add_raw(struct cfg_errs *, const char *msg);
/* Sets 'error' to every message, one per line. */
void cfg_errs_to_gerror(const struct cfg_errs *, GError **error);

/* ---- Grammar: which elements and attributes a schema allows where ---- */

struct cfg_gram_attr {
    char *name;
    bool required;              /* must be present */
    const xmlNode *choice;      /* the <choice> it is an alternative of */
    bool choice_required;       /* one alternative of 'choice' is needed */
    GPtrArray *values;          /* allowed values (char *), or NULL */
    char *type;                 /* XSD datatype name, or NULL for text */
};

struct cfg_gram_elem {
    char *name;
    GPtrArray *children;        /* struct cfg_gram_elem *, schema order */
    GPtrArray *required;        /* names of the children that must be
                                 * present (not owned) */
    GPtrArray *attrs;           /* struct cfg_gram_attr *, owned */
    bool repeats;               /* under zeroOrMore/oneOrMore somewhere:
                                 * may occur more than once */
};

struct cfg_schema {
    char *path;
    xmlDoc *rng_doc;
    void *rng;                  /* xmlRelaxNGPtr */
    GHashTable *elems;          /* RNG <element> node -> cfg_gram_elem */
    GHashTable *defines;        /* name -> RNG <define> node */
    struct cfg_gram_elem *root;
};

/* Loads DIR/'rel' (see nvo_config_schema_dir()); NULL with an error in
 * 'errs' (and errs->schema_missing) on failure. */
struct cfg_schema *cfg_schema_load(const char *rel, struct cfg_errs *);
void cfg_schema_destroy(struct cfg_schema *);

/* The grammar elements an instance element may be (several when the
 * schema defines the same name twice in one place); NULL-free array,
 * empty if the element is unknown.  Free with g_ptr_array_unref(). */
GPtrArray *cfg_gram_lookup(const struct cfg_schema *, const xmlNode *);
/* The attribute 'name' of any of 'cands', or NULL. */
const struct cfg_gram_attr *cfg_gram_attr(const GPtrArray *cands,
                                          const char *name);
/* The child elements named 'name' of any of 'cands' (new array). */
GPtrArray *cfg_gram_children(const GPtrArray *cands, const char *name);
/* Position of child 'name' in the schema order of 'cands' (or -1). */
int cfg_gram_child_pos(const GPtrArray *cands, const char *name);

/* ---- Documents ------------------------------------------------------- */

struct cfg_doc {
    char *display;              /* path for messages, as the user wrote it */
    char *abs;                  /* absolute path */
    xmlDoc *xml;
    const struct cfg_schema *schema;
    GHashTable *set_nodes;      /* xmlNode * -> "--set ARG" (created) */
    GHashTable *set_attrs;      /* "PTR/NAME" -> "--set ARG" */
    GPtrArray *strs;            /* strings handed out by cfg_attr() */
    GHashTable *lines;          /* xmlNode * -> where its start tag and
                                 * its attributes are in the file */
    struct cfg_errs *errs;
};

/* Captures libxml2's messages for the current document while alive.
 * Installed by cfg_capture_begin() as libxml2's structured error handler;
 * cfg_capture_end() restores the previous handler. */
struct cfg_capture {
    struct cfg_doc *doc;        /* messages are about this document */
    struct cfg_errs *errs;
    GPtrArray *pending;         /* RelaxNG messages being collected */
    xmlStructuredErrorFunc old_handler;
    void *old_ctx;
};

void cfg_capture_begin(struct cfg_capture *, struct cfg_errs *);
void cfg_capture_end(struct cfg_capture *);

void cfg_doc_init(struct cfg_doc *, const char *display, const char *abs,
                  const struct cfg_schema *, struct cfg_errs *);
void cfg_doc_destroy(struct cfg_doc *);

/* Reads and parses doc->abs.  If it cannot be read: "IOLOC: cannot read
 * DISPLAY: REASON" (or "DISPLAY: cannot read: REASON" if 'ioloc' is NULL).
 * Checks that the root element is 'root'.  Returns true if parsed. */
bool cfg_doc_read(struct cfg_doc *, struct cfg_capture *, const char *ioloc,
                  const char *root);

/* Validates against doc->schema; returns true if valid. */
bool cfg_doc_validate(struct cfg_doc *, struct cfg_capture *);

/* The effective document's root element, serialized (g_free). */
char *cfg_doc_serialize(const struct cfg_doc *);

/* Location of 'node' (attribute 'attr' if not NULL): "--set ARG" if the
 * override created or set it, else "DISPLAY:LINE".  Writes 'buf'. */
const char *cfg_loc(const struct cfg_doc *, const xmlNode *,
                    const char *attr, char *buf, size_t size);
#define CFG_LOC_SIZE 4352

/* Adds an error at 'node' (and its attribute 'attr' if not NULL). */
void cfg_err(const struct cfg_doc *, const xmlNode *, const char *attr,
             const char *fmt, ...) NVO_PRINTF(4, 5);
/* Adds an error "<NODE ATTR="VALUE">: MESSAGE" at the attribute. */
void cfg_err_attr(const struct cfg_doc *, const xmlNode *, const char *attr,
                  const char *fmt, ...) NVO_PRINTF(4, 5);

/* The value of attribute 'name' of 'node', or NULL; valid while the doc
 * lives. */
const char *cfg_attr(struct cfg_doc *, const xmlNode *, const char *name);

/* First element child of 'node' named 'name' (any name if NULL), and the
 * next sibling element with the same rule. */
xmlNode *cfg_child(const xmlNode *, const char *name);
xmlNode *cfg_next(const xmlNode *, const char *name);
#define CFG_FOR_CHILD(c, parent, name) \
    for (xmlNode *c = cfg_child(parent, name); c; c = cfg_next(c, name))

static inline const char *cfg_name(const xmlNode *n)
{ return (const char *) n->name; }
/* The line of the start tag of 'node' (0 if an override created it). */
int cfg_line(const struct cfg_doc *, const xmlNode *node);

/* Value parsers.  Each reads attribute 'attr' of 'node'; if it is absent
 * leaves *out alone and returns true; if it is wrong, reports
 * "LOC: <node attr="value">: what is wrong" and returns false. */
bool cfg_get_time(struct cfg_doc *, const xmlNode *, const char *attr,
                  bool allow_zero, nvo_time_t *out);
bool cfg_get_rate(struct cfg_doc *, const xmlNode *, const char *attr,
                  uint64_t *bps_out);
bool cfg_get_size(struct cfg_doc *, const xmlNode *, const char *attr,
                  uint64_t min, uint64_t max, uint64_t *out);
bool cfg_get_uint(struct cfg_doc *, const xmlNode *, const char *attr,
                  uint64_t min, uint64_t max, uint64_t *out);
bool cfg_get_bool(struct cfg_doc *, const xmlNode *, const char *attr,
                  bool *out);
bool cfg_get_double(struct cfg_doc *, const xmlNode *, const char *attr,
                    double *out);

/* True if 's' is a valid node or scenario name: [A-Za-z0-9._-]+. */
bool cfg_name_ok(const char *s);

/* 'rel' resolved against the directory of 'base' (both as written by the
 * user), normalized lexically ("a/b/../c" -> "a/c").  g_free. */
char *cfg_path_join(const char *base, const char *rel);

/* ---- Overrides (config_set.c) ---------------------------------------- */

struct cfg_set_seg {
    char *name;
    unsigned index;             /* 1-based; 0 if none was written */
};

struct cfg_set {
    char *arg;                  /* "--set PATH=VALUE" */
    char *value;
    struct cfg_set_seg *segs;
    size_t n_segs;
    bool topology;              /* applies to the topology document; segs
                                 * then exclude the leading "topology" */
};

/* Parses "PATH=VALUE" strings; false (errors in 'errs') if any is bad. */
bool cfg_sets_parse(const char *const *sets, size_t n_sets,
                    struct cfg_set **out, struct cfg_errs *);
void cfg_sets_free(struct cfg_set *, size_t n_sets);

/* Applies the sets for this kind of document (topology or not) to 'doc',
 * in order.  'standalone_topology': the document is a topology file
 * loaded on its own, so other paths are errors. */
void cfg_sets_apply(struct cfg_doc *, const struct cfg_set *, size_t n_sets,
                    bool topology_doc, bool standalone_topology);

/* ---- Topology (config_topo.c) ---------------------------------------- */

/* Loads the topology at 'display' / 'abs' with the topology sets applied.
 * 'ioloc' as for cfg_doc_read().  NULL on errors (in 'errs'). */
struct nvo_topo_cfg *cfg_topo_load(const char *display, const char *abs,
                                   const struct cfg_set *, size_t n_sets,
                                   bool standalone, const char *ioloc,
                                   struct cfg_capture *, struct cfg_errs *);

/* ---- Overlay tenants (config_tenants.c) ------------------------------ */

struct nvo_encap_ops;

/* The <tenant> elements of <overlay> 'ov' (explicit tenants): checks them
 * against topology 't' (NULL if it failed) and encapsulation 'ops' (NULL
 * if unknown) and fills s->overlay's tenant fields; errors in 'd'. */
void cfg_overlay_tenant_list(struct cfg_doc *d, const xmlNode *ov,
                             struct nvo_scenario_cfg *s,
                             const struct nvo_topo_cfg *t,
                             const struct nvo_encap_ops *ops);

/* <tenants tenants-per-hypervisor> of 'tn' (count, vms-per-tenant already
 * in s->overlay): its checks against the topology's hypervisors. */
void cfg_overlay_tenants_per_pe(struct cfg_doc *d, const xmlNode *tn,
                                struct nvo_scenario_cfg *s,
                                const struct nvo_topo_cfg *t);

/* Frees what cfg_overlay_tenant_list() allocated. */
void cfg_overlay_tenants_free(struct nvo_overlay_cfg *);

/* control="..." of <overlay> 'ov' and its <bgp> / <ldp> children
 * (config_ctrl.c): defaults, values, checks against topology 't' (NULL
 * if it failed) and the overlay's encapsulation and options already in
 * s->overlay; errors in 'd'. */
void cfg_overlay_control(struct cfg_doc *d, const xmlNode *ov,
                         struct nvo_scenario_cfg *s,
                         const struct nvo_topo_cfg *t);
/* Frees what cfg_overlay_control() allocated. */
void cfg_overlay_control_free(struct nvo_overlay_cfg *);

#endif /* NVO_CONFIG_PRIV_H */
