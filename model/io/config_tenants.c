/* config_tenants.c: a scenario's explicit tenants (<overlay><tenant>, each
 * with a VNI, an optional MPLS label, <vm> children placed by name and/or
 * vms="N" placed by a policy) and the <tenants tenants-per-hypervisor>
 * policy's checks.  Every problem is reported as "FILE:LINE: what is
 * wrong" (duplicate VNI or label, duplicate MAC or IP in a tenant, unknown
 * hypervisor, malformed MAC or IP, too many VMs).  The placement itself is
 * run/overlay_place.c's.  See docs/scenarios.md (<overlay>). */
#include "io/config_priv.h"
#include "overlay/encap.h"
#include "wire/wire.h"

#include <stdio.h>
#include <string.h>

/* An MPLS label a tenant may take: 0..15 are reserved (RFC 3032). */
#define LABEL_MIN 16u
#define LABEL_MAX 1048575u

/* A tenant's generated VM j has IPv4 10.0.0.0 + j + 1 (as <tenants>). */
#define VM_NET 0x0a000000u
#define VM_MAX_PER_TENANT ((1u << 24) - 2)

void
cfg_overlay_tenants_free(struct nvo_overlay_cfg *o)
{
    for (size_t i = 0; i < o->n_tenant_cfgs; i++) {
        g_free(o->tenant_cfgs[i].vms);
    }
    g_free(o->tenant_cfgs);
    o->tenant_cfgs = NULL;
    o->n_tenant_cfgs = 0;
}

static bool
is_mpls__(const struct nvo_encap_ops *ops)
{
    return ops && !strncmp(ops->name, "mpls", 4);
}

/* True if 'id' is an id 'ops' carries (its build() with dummy addresses). */
static bool
id_ok__(const struct nvo_encap_ops *ops, bool ipv6, uint32_t id)
{
    struct nvo_tunnel_cfg tc;
    memset(&tc, 0, sizeof tc);
    tc.ipv6 = ipv6;
    tc.vni = id;
    tc.labels[0] = id;
    tc.n_labels = 1;
    struct nvo_tunnel t;
    return nvo_tunnel_build(&t, ops, &tc) == 0;
}

/* "xx:xx:xx:xx:xx:xx", hexadecimal: true and mac[], or false. */
static bool
parse_mac__(const char *s, uint8_t mac[6])
{
    for (int i = 0; i < 6; i++) {
        const char *p = s + 3 * i;
        if (!g_ascii_isxdigit(p[0]) || !g_ascii_isxdigit(p[1])
            || p[2] != (i < 5 ? ':' : '\0')) {
            return false;
        }
        mac[i] = (uint8_t) (g_ascii_xdigit_value(p[0]) * 16
                            + g_ascii_xdigit_value(p[1]));
    }
    return true;
}

/* Dotted-quad IPv4 "a.b.c.d", each 0..255 in decimal: true and *ip (host
 * order), or false. */
static bool
parse_ip4__(const char *s, uint32_t *ip)
{
    uint32_t v = 0;
    const char *p = s;
    for (int i = 0; i < 4; i++) {
        if (!g_ascii_isdigit(*p)) {
            return false;
        }
        uint32_t o = 0;
        int digits = 0;
        while (g_ascii_isdigit(*p) && digits < 4) {
            o = o * 10 + (uint32_t) (*p++ - '0');
            digits++;
        }
        if (o > 255 || digits > 3 || *p != (i < 3 ? '.' : '\0')) {
            return false;
        }
        p += i < 3;
        v = v << 8 | o;
    }
    *ip = v;
    return true;
}

/* One <vm>: fills 'v'. */
static void
vm__(struct cfg_doc *d, const xmlNode *n, const struct nvo_topo_cfg *t,
     struct nvo_vm_cfg *v)
{
    memset(v, 0, sizeof *v);
    v->node = NVO_NODE_NONE;
    v->line = cfg_line(d, n);
    const char *mac = cfg_attr(d, n, "mac");
    if (mac && !parse_mac__(mac, v->mac)) {
        cfg_err_attr(d, n, "mac", "expected a MAC address as six "
                     "hexadecimal pairs separated by colons, e.g. "
                     "00:50:56:00:00:01");
    } else if (mac && (v->mac[0] & 1)) {
        cfg_err_attr(d, n, "mac", "a group (multicast) address: a VM's MAC "
                     "is unicast");
    } else if (mac && !memcmp(v->mac, "\0\0\0\0\0\0", 6)) {
        cfg_err_attr(d, n, "mac", "the all-zero MAC is no station's");
    } else if (mac) {
        v->has_mac = true;
    }
    const char *ip = cfg_attr(d, n, "ip");
    if (ip && !parse_ip4__(ip, &v->ip4)) {
        cfg_err_attr(d, n, "ip", "expected an IPv4 address a.b.c.d");
    } else if (ip && (v->ip4 == 0 || v->ip4 == UINT32_MAX
                      || (v->ip4 >> 28) == 0xe)) {
        cfg_err_attr(d, n, "ip", "not a unicast address (0.0.0.0, "
                     "224.0.0.0/4 and 255.255.255.255 are not a VM's)");
    } else if (ip) {
        v->has_ip = true;
    }
    const char *hv = cfg_attr(d, n, "hypervisor");
    if (hv && t) {
        uint32_t i = nvo_topo_cfg_find_node(t, hv);
        if (i == NVO_NODE_NONE) {
            cfg_err_attr(d, n, "hypervisor", "unknown hypervisor: the "
                         "topology has no node of that name");
        } else if (t->nodes[i].role != NVO_ROLE_HYPERVISOR) {
            cfg_err_attr(d, n, "hypervisor", "\"%s\" is a %s, not a "
                         "hypervisor", hv, nvo_role_name(t->nodes[i].role));
        } else {
            v->node = i;
        }
    }
}

/* Duplicate MACs and IPs within tenant 'tc' (VM numbers: explicit first,
 * then generated; a VM without mac / ip has the default of its number).
 * 'first_vm' is its first global VM number (the generated MACs' index). */
static void
tenant_dups__(struct cfg_doc *d, const xmlNode *tn,
              const struct nvo_tenant_cfg *tc, uint64_t first_vm,
              enum nvo_vm_oui oui)
{
    uint64_t n_vms = tc->n_explicit + tc->n_generated;
    GHashTable *macs = g_hash_table_new(g_int64_hash, g_int64_equal);
    GHashTable *ips = g_hash_table_new(g_direct_hash, g_direct_equal);
    uint64_t *keys = g_new(uint64_t, tc->n_explicit ? tc->n_explicit : 1);
    const xmlNode *vn = cfg_child(tn, "vm");
    for (size_t j = 0; j < tc->n_explicit; j++, vn = cfg_next(vn, "vm")) {
        const struct nvo_vm_cfg *v = &tc->vms[j];
        uint8_t mac[6];
        if (v->has_mac) {
            memcpy(mac, v->mac, 6);
        } else {
            nvo_vm_mac(mac, oui, (uint32_t) (first_vm + j));
        }
        keys[j] = 0;
        for (int i = 0; i < 6; i++) {
            keys[j] = keys[j] << 8 | mac[i];
        }
        gpointer line = g_hash_table_lookup(macs, &keys[j]);
        if (line) {
            cfg_err(d, vn, "mac", "<vm>: MAC %02x:%02x:%02x:%02x:%02x:%02x "
                    "is also the tenant's VM at line %d", mac[0], mac[1],
                    mac[2], mac[3], mac[4], mac[5], GPOINTER_TO_INT(line));
        } else {
            g_hash_table_insert(macs, &keys[j],
                                GINT_TO_POINTER(v->line ? v->line : -1));
        }
        /* A generated VM (number >= n_explicit) whose MAC this is. */
        uint64_t gen = 0;
        uint8_t base[6];
        nvo_vm_mac(base, oui, 0);
        if (v->has_mac && !memcmp(mac, base, 3)) {
            gen = ((uint64_t) mac[3] << 16 | (uint64_t) mac[4] << 8
                   | mac[5]);
            if (gen >= first_vm + tc->n_explicit && gen < first_vm + n_vms) {
                cfg_err(d, vn, "mac", "<vm>: MAC %02x:%02x:%02x:%02x:%02x:"
                        "%02x is also the tenant's generated VM %" 
                        G_GUINT64_FORMAT " (vms=\"%u\")", mac[0], mac[1],
                        mac[2], mac[3], mac[4], mac[5], gen - first_vm,
                        tc->n_generated);
            }
        }
        uint32_t ip = v->has_ip ? v->ip4 : VM_NET + (uint32_t) j + 1;
        line = g_hash_table_lookup(ips, GUINT_TO_POINTER(ip));
        if (line) {
            cfg_err(d, vn, "ip", "<vm>: IP %u.%u.%u.%u is also the "
                    "tenant's VM at line %d", ip >> 24, (ip >> 16) & 255,
                    (ip >> 8) & 255, ip & 255, GPOINTER_TO_INT(line));
        } else {
            g_hash_table_insert(ips, GUINT_TO_POINTER(ip),
                                GINT_TO_POINTER(v->line ? v->line : -1));
        }
        if (v->has_ip && ip > VM_NET + tc->n_explicit && ip <= VM_NET + n_vms) {
            cfg_err(d, vn, "ip", "<vm>: IP %u.%u.%u.%u is also the "
                    "tenant's generated VM %u (vms=\"%u\")", ip >> 24,
                    (ip >> 16) & 255, (ip >> 8) & 255, ip & 255,
                    ip - VM_NET - 1, tc->n_generated);
        }
    }
    g_hash_table_destroy(macs);
    g_hash_table_destroy(ips);
    g_free(keys);
}

void
cfg_overlay_tenant_list(struct cfg_doc *d, const xmlNode *ov,
                        struct nvo_scenario_cfg *s,
                        const struct nvo_topo_cfg *t,
                        const struct nvo_encap_ops *ops)
{
    struct nvo_overlay_cfg *o = &s->overlay;
    size_t n = 0;
    CFG_FOR_CHILD(c, ov, "tenant") {
        n++;
    }
    o->n_tenant_cfgs = n;
    o->tenant_cfgs = g_new0(struct nvo_tenant_cfg, n ? n : 1);
    o->first_vni = 0;
    o->vms_per_tenant = 0;
    bool ipv6 = s->underlay.ip == NVO_IP_V6;
    bool mpls = is_mpls__(ops);
    GHashTable *vnis = g_hash_table_new(g_direct_hash, g_direct_equal);
    GHashTable *labels = g_hash_table_new(g_direct_hash, g_direct_equal);
    uint64_t total = 0;
    size_t i = 0;
    const xmlNode **nodes = g_new(const xmlNode *, n ? n : 1);
    CFG_FOR_CHILD(tn, ov, "tenant") {
        nodes[i] = tn;
        struct nvo_tenant_cfg *tc = &o->tenant_cfgs[i++];
        tc->line = cfg_line(d, tn);
        tc->placement = NVO_PLACE_ROUND_ROBIN;
        uint64_t v = 0;
        bool vni_ok = cfg_get_uint(d, tn, "vni", 0, UINT32_MAX, &v);
        tc->vni = (uint32_t) v;
        if (vni_ok && xmlHasProp(tn, (const xmlChar *) "vni")) {
            gpointer at = g_hash_table_lookup(vnis, GUINT_TO_POINTER(tc->vni));
            if (at) {
                cfg_err_attr(d, tn, "vni", "duplicate VNI: also the "
                             "tenant's at line %d", GPOINTER_TO_INT(at));
            } else {
                g_hash_table_insert(vnis, GUINT_TO_POINTER(tc->vni),
                                    GINT_TO_POINTER(tc->line ? tc->line
                                                             : -1));
            }
        }
        if (xmlHasProp(tn, (const xmlChar *) "label")
            && cfg_get_uint(d, tn, "label", LABEL_MIN, LABEL_MAX, &v)) {
            tc->has_label = true;
            tc->label = (uint32_t) v;
            gpointer at = g_hash_table_lookup(labels,
                                              GUINT_TO_POINTER(tc->label));
            if (at) {
                cfg_err_attr(d, tn, "label", "duplicate label: also the "
                             "tenant's at line %d", GPOINTER_TO_INT(at));
            } else {
                g_hash_table_insert(labels, GUINT_TO_POINTER(tc->label),
                                    GINT_TO_POINTER(tc->line ? tc->line
                                                             : -1));
            }
        }
        /* What the encapsulation carries: the label (MPLS, if given) or
         * the VNI. */
        uint32_t id = mpls && tc->has_label ? tc->label : tc->vni;
        if (ops && vni_ok && !id_ok__(ops, ipv6, id)) {
            cfg_err(d, tn, mpls && tc->has_label ? "label" : "vni",
                    "<tenant>: %u is not an id %s carries (VXLAN, Geneve, "
                    "GRE-in-UDP, VXLAN-GPE, STT: 24 bits; NVGRE: "
                    "0x1000..0xfffffe; MPLS: labels 16..1048575)", id,
                    ops->name);
        }
        uint64_t gen = 0;
        if (cfg_get_uint(d, tn, "vms", 1, UINT32_MAX, &gen)) {
            tc->n_generated = gen > UINT32_MAX ? UINT32_MAX : (uint32_t) gen;
        }
        const char *pl = cfg_attr(d, tn, "placement");
        if (pl && !strcmp(pl, "random")) {
            tc->placement = NVO_PLACE_RANDOM;
        } else if (pl && !strcmp(pl, "packed-per-leaf")) {
            tc->placement = NVO_PLACE_PACKED_PER_LEAF;
        }
        if (pl && !xmlHasProp(tn, (const xmlChar *) "vms")) {
            cfg_err_attr(d, tn, "placement", "only with vms=\"N\" (it "
                         "places the generated VMs; a <vm> names its "
                         "hypervisor)");
        }
        size_t n_vm = 0;
        CFG_FOR_CHILD(c, tn, "vm") {
            n_vm++;
        }
        tc->n_explicit = n_vm;
        tc->vms = g_new(struct nvo_vm_cfg, n_vm ? n_vm : 1);
        size_t j = 0;
        CFG_FOR_CHILD(vn, tn, "vm") {
            vm__(d, vn, t, &tc->vms[j++]);
        }
        uint64_t n_vms = (uint64_t) tc->n_explicit + tc->n_generated;
        if (n_vms == 0) {
            cfg_err(d, tn, NULL, "<tenant>: no VMs: give <vm> children or "
                    "vms=\"N\"");
        } else if (n_vms > VM_MAX_PER_TENANT) {
            cfg_err(d, tn, NULL, "<tenant>: %" G_GUINT64_FORMAT " VMs; at "
                    "most %u (a tenant's VMs are numbered in 10.0.0.0/8)",
                    n_vms, VM_MAX_PER_TENANT);
        } else if (total + n_vms <= (uint64_t) NVO_VM_MAC_MAX_INDEX + 1) {
            tenant_dups__(d, tn, tc, total, (enum nvo_vm_oui) o->vm_oui);
        }
        total += n_vms;
    }
    /* With an MPLS encapsulation a tenant without a label carries its VNI
     * as the label: it must not be another tenant's label. */
    for (size_t k = 0; mpls && k < n; k++) {
        const struct nvo_tenant_cfg *tc = &o->tenant_cfgs[k];
        gpointer at = tc->has_label ? NULL
                      : g_hash_table_lookup(labels, GUINT_TO_POINTER(tc->vni));
        if (at) {
            cfg_err_attr(d, nodes[k], "vni", "with %s this tenant's label is "
                         "its VNI, which is also the label of the tenant at "
                         "line %d", ops->name, GPOINTER_TO_INT(at));
        }
    }
    g_free(nodes);
    g_hash_table_destroy(vnis);
    g_hash_table_destroy(labels);
    if (total > (uint64_t) NVO_VM_MAC_MAX_INDEX + 1) {
        cfg_err(d, ov, NULL, "<overlay>: %" G_GUINT64_FORMAT " VMs; the VM "
                "MACs (an OUI and a 24-bit number) allow at most %u", total,
                NVO_VM_MAC_MAX_INDEX + 1);
    }
    o->n_tenants = (uint32_t) n;
}

void
cfg_overlay_tenants_per_pe(struct cfg_doc *d, const xmlNode *tn,
                           struct nvo_scenario_cfg *s,
                           const struct nvo_topo_cfg *t)
{
    struct nvo_overlay_cfg *o = &s->overlay;
    uint64_t k = 0;
    if (!xmlHasProp(tn, (const xmlChar *) "tenants-per-hypervisor")
        || !cfg_get_uint(d, tn, "tenants-per-hypervisor", 1, UINT32_MAX,
                         &k)) {
        return;
    }
    uint64_t T = o->n_tenants, V = o->vms_per_tenant;
    uint64_t H = t ? t->n_role[NVO_ROLE_HYPERVISOR] : 0;
    if (!T || !V || !H) {
        return;                 /* reported elsewhere */
    }
    if (k > T) {
        cfg_err_attr(d, tn, "tenants-per-hypervisor", "at most the number "
                     "of tenants (count=\"%" G_GUINT64_FORMAT "\")", T);
        return;
    }
    if (H * k < T) {
        cfg_err_attr(d, tn, "tenants-per-hypervisor", "%" G_GUINT64_FORMAT
                     " hypervisors x %" G_GUINT64_FORMAT " tenants each host "
                     "fewer than the %" G_GUINT64_FORMAT " tenants: at least "
                     "%" G_GUINT64_FORMAT, H, k, T, (T + H - 1) / H);
        return;
    }
    uint64_t most = (H * k + T - 1) / T;    /* hypervisors of a tenant */
    if (V < most) {
        cfg_err_attr(d, tn, "tenants-per-hypervisor", "%" G_GUINT64_FORMAT
                     " hypervisors x %" G_GUINT64_FORMAT " tenants each put a "
                     "tenant on up to %" G_GUINT64_FORMAT " hypervisors, "
                     "more than its vms-per-tenant=\"%" G_GUINT64_FORMAT "\"",
                     H, k, most, V);
        return;
    }
    o->tenants_per_pe = (uint32_t) k;
}
