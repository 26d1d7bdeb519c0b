/* vpls.c: LDP-signalled VPLS on one PE: VSIs, per-pseudowire labels,
 * Label Mapping / Withdraw / Release and MAC Address Withdraw handling
 * (sent on a VM move, relayed by an H-VPLS hub), and the PE data plane's
 * signalled labels (see vpls.h, docs/vpls.md). */
#include "ctrl/vpls.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "fabric/net.h"

struct member {
    uint32_t node;
    uint32_t local;             /* label assigned (0: none yet) */
    uint32_t remote;            /* label the peer signalled (0: none) */
    bool rx_installed;          /* 'local' is in the PE's receive map */
    bool spoke;                 /* H-VPLS: a spoke pseudowire */
};

struct vsi {
    uint32_t tenant, pw_id, vni;
    bool removed;
    struct member *m;           /* other PEs, ascending node index */
    uint32_t n;
};

/* A Label Mapping for a PW ID with no VSI here (yet): kept (liberal
 * retention, RFC 4447 6.2 / RFC 5036 2.6.2.2) and used when the VSI is
 * added. */
struct retained {
    uint32_t peer;
    struct nvo_ldp_label l;
};

struct nvo_vpls {
    struct nvo_pe_node *pe;
    GArray *retained;           /* struct retained, in arrival order */
    struct nvo_ldp_speaker *sp;
    struct nvo_vpls_cfg cfg;
    struct vsi *vsis;           /* in the order added */
    uint32_t n_vsis;
    GHashTable *by_tenant;      /* tenant + 1 -> VSI index + 1 */
    GHashTable *by_pw;          /* PW ID -> VSI index + 1 */
    uint32_t next_label;
    struct nvo_vpls_counters c;
    nvo_vpls_change_fn *change;
    void *change_ctx;
};

void
nvo_vpls_cfg_default(struct nvo_vpls_cfg *c)
{
    memset(c, 0, sizeof *c);
    c->label_base = 16;
    c->mtu = 1500;
}

static struct vsi *
vsi_of_tenant(const struct nvo_vpls *v, uint32_t tenant)
{
    uintptr_t ix = GPOINTER_TO_UINT(g_hash_table_lookup(
        v->by_tenant, GUINT_TO_POINTER(tenant + 1)));
    return ix ? &v->vsis[ix - 1] : NULL;
}

static struct vsi *
vsi_of_pw(const struct nvo_vpls *v, uint32_t pw_id)
{
    uintptr_t ix = GPOINTER_TO_UINT(g_hash_table_lookup(
        v->by_pw, GUINT_TO_POINTER(pw_id)));
    return ix ? &v->vsis[ix - 1] : NULL;
}

/* The member 'node' of 's' (members ascend by node): O(log n). */
static struct member *
member_of(const struct vsi *s, uint32_t node)
{
    uint32_t lo = 0, hi = s->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (s->m[mid].node < node) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo < s->n && s->m[lo].node == node ? &s->m[lo] : NULL;
}

static struct nvo_ldp_fec
fec_of(const struct nvo_vpls *v, const struct vsi *s)
{
    struct nvo_ldp_fec f;
    memset(&f, 0, sizeof f);
    f.kind = NVO_LDP_FEC_PWID;
    f.control_word = v->cfg.control_word;
    f.pw_type = NVO_LDP_PW_ETH;
    f.group_id = v->cfg.group_id;
    f.has_pw_id = true;
    f.pw_id = s->pw_id;
    f.has_mtu = v->cfg.mtu != 0;
    f.mtu = v->cfg.mtu;
    return f;
}

/* Removes the remote MACs of the VSI learned at PE 'at' (all but those
 * at 'except' when 'at' is UINT32_MAX); returns how many. */
static uint64_t
flush_macs(struct nvo_vpls *v, const struct vsi *s, uint32_t at,
           uint32_t except)
{
    struct nvo_mac_table *t = nvo_pe_node_mac_table(v->pe);
    uint64_t n = 0, k = 0;
    struct nvo_mac_entry *e = nvo_mac_table_sorted(t, &n);
    for (uint64_t i = 0; i < n; i++) {
        if (e[i].vni != s->vni || !(e[i].flags & NVO_MAC_REMOTE)
            || (e[i].flags & NVO_MAC_STATIC)) {
            continue;
        }
        bool hit = at == UINT32_MAX ? e[i].loc != except : e[i].loc == at;
        if (hit && nvo_mac_table_remove(t, s->vni, e[i].mac)) {
            k++;
        }
    }
    g_free(e);
    v->c.macs_flushed += k;
    return k;
}

/* Removes the listed remote MACs of the VSI (n, 6 bytes each) except
 * those learned at 'sender': the MAC is there now (the move's RARP,
 * flooded by the same PE, may have come first).  Returns how many. */
static uint64_t
flush_listed(struct nvo_vpls *v, const struct vsi *s, const uint8_t *macs,
             uint16_t n_macs, uint32_t sender)
{
    struct nvo_mac_table *t = nvo_pe_node_mac_table(v->pe);
    uint64_t n = 0, k = 0;
    struct nvo_mac_entry *e = nvo_mac_table_sorted(t, &n);
    for (uint64_t i = 0; i < n; i++) {
        if (e[i].vni != s->vni || !(e[i].flags & NVO_MAC_REMOTE)
            || (e[i].flags & NVO_MAC_STATIC) || e[i].loc == sender) {
            continue;
        }
        bool listed = false;
        for (uint16_t j = 0; j < n_macs && !listed; j++) {
            listed = nvo_mac_from_bytes(macs + 6u * j) == e[i].mac;
        }
        if (listed && nvo_mac_table_remove(t, s->vni, e[i].mac)) {
            k++;
        }
    }
    g_free(e);
    v->c.macs_flushed += k;
    return k;
}

/* RFC 4762 6.2.1: the FEC of an Address Withdraw names the VSI (no MTU). */
static struct nvo_ldp_fec
withdraw_fec(const struct nvo_vpls *v, const struct vsi *s)
{
    struct nvo_ldp_fec f = fec_of(v, s);
    f.has_mtu = false;
    return f;
}

/* Sends the Address Withdraw (FEC 'f', n MACs) to every member of 's'
 * with a session, or only to the mesh ones; returns how many went. */
static uint64_t
send_withdraws(struct nvo_vpls *v, const struct vsi *s,
               const struct nvo_ldp_fec *f, const uint8_t *macs, uint16_t n,
               bool mesh_only)
{
    uint64_t k = 0;
    for (uint32_t i = 0; i < s->n; i++) {
        if (mesh_only && s->m[i].spoke) {
            continue;
        }
        if (!nvo_ldp_speaker_send_mac_withdraw(v->sp, s->m[i].node, f, macs,
                                               n)) {
            k++;
        }
    }
    v->c.mac_withdraws_sent += k;
    return k;
}

/* The pseudowire toward 'mb' of 's' is down in the sending direction. */
static void
pw_tx_down(struct nvo_vpls *v, struct vsi *s, struct member *mb)
{
    if (mb->remote) {
        mb->remote = 0;
        v->c.pws_up--;
        (void) nvo_pe_node_set_pw_label(v->pe, s->tenant, mb->node, 0);
    }
}

static void
rx_uninstall(struct nvo_vpls *v, struct member *mb)
{
    if (mb->rx_installed) {
        (void) nvo_pe_node_set_pw_rx(v->pe, mb->local, UINT32_MAX, 0);
        mb->rx_installed = false;
    }
}

/* Assigns (once), installs and advertises this PE's label of the
 * pseudowire of 's' with 'mb' (its session is up). */
static void
advertise(struct nvo_vpls *v, struct vsi *s, struct member *mb)
{
    if (!mb->local) {
        if (v->next_label > NVO_LDP_LABEL_MAX) {
            return;             /* the label space is used up */
        }
        mb->local = v->next_label++;
        v->c.labels_assigned++;
    }
    if (!mb->rx_installed) {
        if (nvo_pe_node_set_pw_rx(v->pe, mb->local, s->tenant, mb->node)) {
            abort();            /* labels stay within 20 bits (create) */
        }
        mb->rx_installed = true;
    }
    struct nvo_ldp_fec f = fec_of(v, s);
    if (!nvo_ldp_speaker_send_mapping(v->sp, mb->node, &f, mb->local)) {
        v->c.mappings_sent++;
    }
}

static void
release(struct nvo_vpls *v, uint32_t peer, const struct nvo_ldp_fec *f,
        uint32_t label)
{
    if (!nvo_ldp_speaker_send_release(v->sp, peer, f, label)) {
        v->c.releases_sent++;
    }
}

/* ---- Speaker callbacks ------------------------------------------------------ */

static void unretain(struct nvo_vpls *v, uint32_t peer, uint32_t pw_id);

static void
session_up(void *ctx, struct nvo_ldp_speaker *sp, uint32_t peer)
{
    struct nvo_vpls *v = ctx;
    (void) sp;
    for (uint32_t i = 0; i < v->n_vsis; i++) {
        struct vsi *s = &v->vsis[i];
        struct member *mb = member_of(s, peer);
        if (mb && !s->removed) {
            advertise(v, s, mb);
        }
    }
}

static void
session_down(void *ctx, struct nvo_ldp_speaker *sp, uint32_t peer,
             uint32_t status)
{
    struct nvo_vpls *v = ctx;
    (void) sp;
    (void) status;
    unretain(v, peer, 0);       /* the session's labels go with it */
    for (uint32_t i = 0; i < v->n_vsis; i++) {
        struct vsi *s = &v->vsis[i];
        struct member *mb = member_of(s, peer);
        if (!mb) {
            continue;
        }
        pw_tx_down(v, s, mb);
        rx_uninstall(v, mb);
        flush_macs(v, s, peer, 0);
    }
}

static void
retain(struct nvo_vpls *v, uint32_t peer, const struct nvo_ldp_label *l)
{
    struct retained r = { .peer = peer, .l = *l };
    for (guint i = 0; i < v->retained->len; i++) {
        struct retained *o = &g_array_index(v->retained, struct retained, i);
        if (o->peer == peer && o->l.fec.pw_id == l->fec.pw_id) {
            *o = r;             /* a newer mapping replaces it */
            return;
        }
    }
    g_array_append_val(v->retained, r);
    v->c.mappings_retained++;
}

/* Drops the retained mappings from 'peer' (pw_id 0: all of them). */
static void
unretain(struct nvo_vpls *v, uint32_t peer, uint32_t pw_id)
{
    for (guint i = v->retained->len; i-- > 0;) {
        struct retained *o = &g_array_index(v->retained, struct retained, i);
        if (o->peer == peer && (!pw_id || o->l.fec.pw_id == pw_id)) {
            g_array_remove_index(v->retained, i);
        }
    }
}

static void
apply_mapping(struct nvo_vpls *v, uint32_t peer,
              const struct nvo_ldp_label *l, bool retainable)
{
    const struct nvo_ldp_fec *f = &l->fec;
    struct vsi *s = f->kind == NVO_LDP_FEC_PWID && f->has_pw_id
                    ? vsi_of_pw(v, f->pw_id) : NULL;
    if (retainable && f->kind == NVO_LDP_FEC_PWID && f->has_pw_id
        && l->has_label && l->label && (!s || s->removed)) {
        retain(v, peer, l);
        return;
    }
    struct member *mb = s && !s->removed ? member_of(s, peer) : NULL;
    bool mtu_ok = !v->cfg.mtu || !f->has_mtu || f->mtu == v->cfg.mtu;
    if (!mb || f->pw_type != NVO_LDP_PW_ETH || !mtu_ok
        || f->control_word != v->cfg.control_word || !l->has_label
        || !l->label) {
        v->c.mappings_refused++;
        release(v, peer, f, l->has_label ? l->label : 0);
        return;
    }
    if (!mb->remote) {
        v->c.pws_up++;
    }
    mb->remote = l->label;
    (void) nvo_pe_node_set_pw_label(v->pe, s->tenant, peer, l->label);
}

static void
on_mapping(struct nvo_vpls *v, uint32_t peer, const struct nvo_ldp_label *l)
{
    v->c.mappings_rcvd++;
    apply_mapping(v, peer, l, true);
}

static void
on_withdraw(struct nvo_vpls *v, uint32_t peer, const struct nvo_ldp_label *l)
{
    v->c.withdraws_rcvd++;
    const struct nvo_ldp_fec *f = &l->fec;
    if (f->kind == NVO_LDP_FEC_PWID && f->has_pw_id) {
        unretain(v, peer, f->pw_id);
    }
    for (uint32_t i = 0; i < v->n_vsis; i++) {
        struct vsi *s = &v->vsis[i];
        struct member *mb = member_of(s, peer);
        bool match = f->kind == NVO_LDP_FEC_WILDCARD
                     || (f->has_pw_id ? f->pw_id == s->pw_id
                                      : f->group_id == v->cfg.group_id);
        if (!mb || !match || !mb->remote) {
            continue;
        }
        uint32_t label = mb->remote;
        pw_tx_down(v, s, mb);
        flush_macs(v, s, peer, 0);
        struct nvo_ldp_fec rf = fec_of(v, s);
        release(v, peer, &rf, label);
    }
}

static void
on_release(struct nvo_vpls *v, uint32_t peer, const struct nvo_ldp_label *l)
{
    v->c.releases_rcvd++;
    const struct nvo_ldp_fec *f = &l->fec;
    for (uint32_t i = 0; i < v->n_vsis; i++) {
        struct vsi *s = &v->vsis[i];
        struct member *mb = member_of(s, peer);
        if (mb && f->has_pw_id && f->pw_id == s->pw_id
            && (!l->has_label || l->label == mb->local)) {
            rx_uninstall(v, mb);
        }
    }
}

static void
on_mac_withdraw(struct nvo_vpls *v, uint32_t peer,
                const struct nvo_ldp_addr *a)
{
    if (!a->has_fec || !a->has_macs || !a->fec.has_pw_id) {
        return;                 /* an ordinary Address Withdraw */
    }
    struct vsi *s = vsi_of_pw(v, a->fec.pw_id);
    if (!s || !member_of(s, peer)) {
        return;
    }
    v->c.mac_withdraws_rcvd++;
    if (!a->macs.n) {
        /* RFC 4762 6.2: flush every MAC of the VSI but the sender's. */
        flush_macs(v, s, UINT32_MAX, peer);
    } else {
        flush_listed(v, s, a->macs.raw, a->macs.n, peer);
    }
    /* H-VPLS (RFC 4762 10.2): a hub relays what came on a spoke
     * pseudowire to its mesh pseudowires (a spoke PE has none). */
    struct member *from = member_of(s, peer);
    if (from->spoke) {
        struct nvo_ldp_fec f = withdraw_fec(v, s);
        uint64_t k = send_withdraws(v, s, &f, a->macs.raw, a->macs.n, true);
        v->c.mac_withdraws_relayed += k;
    }
}

static void
on_message(void *ctx, struct nvo_ldp_speaker *sp, uint32_t peer,
           const struct nvo_ldp_msg *m)
{
    struct nvo_vpls *v = ctx;
    (void) sp;
    switch (m->type) {
    case NVO_LDP_MSG_LABEL_MAPPING:
        on_mapping(v, peer, &m->label);
        break;
    case NVO_LDP_MSG_LABEL_WITHDRAW:
        on_withdraw(v, peer, &m->label);
        break;
    case NVO_LDP_MSG_LABEL_RELEASE:
        on_release(v, peer, &m->label);
        break;
    case NVO_LDP_MSG_ADDRESS_WITHDRAW:
        on_mac_withdraw(v, peer, &m->addr);
        break;
    default:
        return;                 /* Address, Label Request, Notifications */
    }
    if (v->change) {
        v->change(v->change_ctx, v);
    }
}

static const struct nvo_ldp_speaker_ops vpls_ops = {
    .session_up = session_up,
    .session_down = session_down,
    .message = on_message,
};

/* ---- The PE's hook: a VM added (a move onto this PE) --------------------- */

static void
vm_added(void *ctx, struct nvo_pe_node *pe, uint32_t tenant, uint64_t mac,
         uint32_t ip4, uint32_t vm, bool configured)
{
    struct nvo_vpls *v = ctx;
    (void) pe;
    (void) ip4;
    (void) vm;
    if (!configured || v->cfg.on_move == NVO_VPLS_MW_NONE) {
        return;
    }
    uint8_t b[6];
    nvo_mac_to_bytes(mac, b);
    if (v->cfg.on_move == NVO_VPLS_MW_LIST) {
        (void) nvo_vpls_mac_withdraw(v, tenant, b, 1);
    } else {
        (void) nvo_vpls_mac_withdraw(v, tenant, NULL, 0);
    }
}

static const struct nvo_pe_ctrl_ops vpls_pe_ops = {
    .local_learned = vm_added,
};

/* ---- API ------------------------------------------------------------------- */

int
nvo_vpls_create(struct nvo_pe_node *pe, struct nvo_tcp_stack *tcp,
                const struct nvo_ldp_speaker_cfg *lcfg,
                const struct nvo_vpls_cfg *cfg, struct nvo_vpls **out)
{
    struct nvo_vpls_cfg c;
    if (cfg) {
        c = *cfg;
    } else {
        nvo_vpls_cfg_default(&c);
    }
    if (!c.label_base) {
        c.label_base = 16;
    }
    if (c.label_base < 16 || c.label_base > NVO_LDP_LABEL_MAX
        || c.on_move > NVO_VPLS_MW_EMPTY
        || nvo_tcp_stack_node(tcp) != nvo_pe_node_base(pe)
        || nvo_pe_node_set_pw_mode(pe)) {
        return EINVAL;
    }
    struct nvo_vpls *v = g_new0(struct nvo_vpls, 1);
    v->pe = pe;
    v->cfg = c;
    v->next_label = c.label_base;
    v->retained = g_array_new(FALSE, FALSE, sizeof(struct retained));
    v->by_tenant = g_hash_table_new(g_direct_hash, g_direct_equal);
    v->by_pw = g_hash_table_new(g_direct_hash, g_direct_equal);
    int e = nvo_ldp_speaker_create(tcp, lcfg, &vpls_ops, v, &v->sp);
    if (e) {
        g_array_free(v->retained, TRUE);
        g_hash_table_destroy(v->by_tenant);
        g_hash_table_destroy(v->by_pw);
        g_free(v);
        return e;
    }
    /* Data-plane learning stays on: only the VMs added are watched. */
    nvo_pe_node_set_ctrl_ops(pe, &vpls_pe_ops, v, true);
    *out = v;
    return 0;
}

void
nvo_vpls_destroy(struct nvo_vpls *v)
{
    if (!v) {
        return;
    }
    nvo_pe_node_set_ctrl_ops(v->pe, NULL, NULL, true);
    nvo_ldp_speaker_destroy(v->sp);
    for (uint32_t i = 0; i < v->n_vsis; i++) {
        g_free(v->vsis[i].m);
    }
    g_free(v->vsis);
    g_array_free(v->retained, TRUE);
    g_hash_table_destroy(v->by_tenant);
    g_hash_table_destroy(v->by_pw);
    g_free(v);
}

static int
cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;
    return x < y ? -1 : x > y;
}

int
nvo_vpls_add_vsi(struct nvo_vpls *v, uint32_t tenant, uint32_t pw_id,
                 const uint32_t *members, uint32_t n)
{
    uint32_t vni = nvo_pe_node_vni(v->pe, tenant);
    if (tenant >= nvo_pe_node_n_tenants(v->pe)) {
        return EINVAL;
    }
    if (!pw_id) {
        pw_id = vni;
    }
    if (!pw_id) {
        return EINVAL;          /* FEC 128 PW IDs are non-zero */
    }
    if (vsi_of_tenant(v, tenant) || vsi_of_pw(v, pw_id)) {
        return EEXIST;
    }
    struct nvo_net *net = nvo_pe_node_base(v->pe)->net;
    uint32_t self = nvo_pe_node_index(v->pe);
    uint32_t *a = g_new(uint32_t, n ? n : 1);
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (members[i] >= nvo_net_n_nodes(net)
            || !nvo_pe_node_of(nvo_net_node(net, members[i]))) {
            g_free(a);
            return EINVAL;
        }
        if (members[i] != self) {
            a[k++] = members[i];
        }
    }
    qsort(a, k, sizeof *a, cmp_u32);
    v->vsis = g_renew(struct vsi, v->vsis, v->n_vsis + 1);
    struct vsi *s = &v->vsis[v->n_vsis++];
    memset(s, 0, sizeof *s);
    s->tenant = tenant;
    s->pw_id = pw_id;
    s->vni = vni;
    g_hash_table_insert(v->by_tenant, GUINT_TO_POINTER(tenant + 1),
                        GUINT_TO_POINTER(v->n_vsis));
    g_hash_table_insert(v->by_pw, GUINT_TO_POINTER(pw_id),
                        GUINT_TO_POINTER(v->n_vsis));
    s->m = g_new0(struct member, k ? k : 1);
    for (uint32_t i = 0; i < k; i++) {
        if (i && a[i] == a[i - 1]) {
            continue;
        }
        s->m[s->n++].node = a[i];
    }
    g_free(a);
    for (uint32_t i = 0; i < s->n; i++) {
        struct member *mb = &s->m[i];
        int e = nvo_ldp_speaker_add_peer(v->sp, mb->node);
        if (e && e != EEXIST) {
            abort();            /* checked above */
        }
        if (nvo_ldp_speaker_state(v->sp, mb->node) == NVO_LDP_OPERATIONAL) {
            advertise(v, s, mb);
        }
        for (guint j = 0; j < v->retained->len; j++) {
            struct retained *o = &g_array_index(v->retained, struct retained,
                                                j);
            if (o->peer == mb->node && o->l.fec.pw_id == pw_id) {
                struct nvo_ldp_label l = o->l;
                g_array_remove_index(v->retained, j);
                apply_mapping(v, mb->node, &l, false);
                break;
            }
        }
    }
    return 0;
}

int
nvo_vpls_remove_vsi(struct nvo_vpls *v, uint32_t tenant)
{
    struct vsi *s = vsi_of_tenant(v, tenant);
    if (!s || s->removed) {
        return ENOENT;
    }
    s->removed = true;
    struct nvo_ldp_fec f = fec_of(v, s);
    for (uint32_t i = 0; i < s->n; i++) {
        struct member *mb = &s->m[i];
        pw_tx_down(v, s, mb);
        flush_macs(v, s, mb->node, 0);
        if (mb->rx_installed
            && !nvo_ldp_speaker_send_withdraw(v->sp, mb->node, &f,
                                              mb->local)) {
            v->c.withdraws_sent++;
        }
    }
    return 0;
}

int
nvo_vpls_mac_withdraw(struct nvo_vpls *v, uint32_t tenant,
                      const uint8_t *macs, uint16_t n)
{
    struct vsi *s = vsi_of_tenant(v, tenant);
    if (!s) {
        return -1;
    }
    struct nvo_ldp_fec f = withdraw_fec(v, s);
    return (int) send_withdraws(v, s, &f, macs, n, false);
}

int
nvo_vpls_set_spoke(struct nvo_vpls *v, uint32_t tenant, uint32_t peer,
                   bool spoke)
{
    struct vsi *s = vsi_of_tenant(v, tenant);
    if (!s) {
        return ENOENT;
    }
    struct member *mb = member_of(s, peer);
    if (!mb) {
        return EINVAL;
    }
    int e = nvo_pe_node_set_pw_spoke(v->pe, tenant, peer, spoke);
    if (!e) {
        mb->spoke = spoke;
    }
    return e;
}

uint32_t
nvo_vpls_n_spoke_pws(const struct nvo_vpls *v)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < v->n_vsis; i++) {
        for (uint32_t j = 0; j < v->vsis[i].n; j++) {
            n += v->vsis[i].m[j].spoke;
        }
    }
    return n;
}

void
nvo_vpls_set_change_cb(struct nvo_vpls *v, nvo_vpls_change_fn *fn, void *ctx)
{
    v->change = fn;
    v->change_ctx = ctx;
}

void
nvo_vpls_start(struct nvo_vpls *v)
{
    nvo_ldp_speaker_start(v->sp);
}

struct nvo_ldp_speaker *
nvo_vpls_speaker(struct nvo_vpls *v)
{
    return v->sp;
}

struct nvo_pe_node *
nvo_vpls_pe(struct nvo_vpls *v)
{
    return v->pe;
}

const struct nvo_vpls_counters *
nvo_vpls_counters(const struct nvo_vpls *v)
{
    return &v->c;
}

uint32_t
nvo_vpls_local_label(const struct nvo_vpls *v, uint32_t tenant, uint32_t peer)
{
    const struct vsi *s = vsi_of_tenant(v, tenant);
    const struct member *mb = s ? member_of(s, peer) : NULL;
    return mb ? mb->local : 0;
}

uint32_t
nvo_vpls_remote_label(const struct nvo_vpls *v, uint32_t tenant,
                      uint32_t peer)
{
    const struct vsi *s = vsi_of_tenant(v, tenant);
    const struct member *mb = s ? member_of(s, peer) : NULL;
    return mb ? mb->remote : 0;
}
