/* bgp_rib.c: the BGP speaker's RIBs (ctrl/bgp_speaker.h): interned
 * attribute sets, destinations keyed by (AFI, SAFI, NLRI) with their
 * paths (the Adj-RIBs-In) and best path (the Loc-RIB), the decision
 * process, and advertisement: what each peer gets (iBGP and route
 * reflection rules, RT-constrain filtering by the peer's RT membership
 * routes, RFC 4684), batched per peer (MRAI) and packed into UPDATEs. */
#include "ctrl/bgp_speaker_priv.h"

#include <stdlib.h>

#include "wire/bgp_nlri.h"
#include "wire/bgp_pack.h"

/* ---- Memory types ------------------------------------------------------- */

nvo_mem_type nvo_bgp_mt_dest, nvo_bgp_mt_path, nvo_bgp_mt_attrs;
nvo_mem_type nvo_bgp_mt_adj_out, nvo_bgp_mt_hash;

static void
mem_types__(void)
{
    nvo_bgp_mt_dest = nvo_mem_type_register("bgp-dest");
    nvo_bgp_mt_path = nvo_mem_type_register("bgp-path");
    nvo_bgp_mt_attrs = nvo_mem_type_register("bgp-attrs");
    nvo_bgp_mt_adj_out = nvo_mem_type_register("bgp-adj-out");
    nvo_bgp_mt_hash = nvo_mem_type_register("bgp-hash");
}

/* ---- Interned attribute sets -------------------------------------------- */

static guint
aset_hash(gconstpointer p)
{
    return ((const struct aset *) p)->hash;
}

static gboolean
aset_equal(gconstpointer a_, gconstpointer b_)
{
    const struct aset *a = a_, *b = b_;
    return a->nh_len == b->nh_len && a->msg_len == b->msg_len
           && !memcmp(a->msg, b->msg, (size_t) a->msg_len + a->nh_len);
}

/* ---- RIB entries -------------------------------------------------------- */


static guint
dest_hash(gconstpointer p)
{
    return ((const struct dest *) p)->hash;
}

static gboolean
dest_equal(gconstpointer a_, gconstpointer b_)
{
    const struct dest *a = a_, *b = b_;
    return a->key.len == b->key.len && !memcmp(a->key.k, b->key.k, a->key.len);
}

static guint
bytes_hash(const uint8_t *p, size_t n, guint h)
{
    for (size_t i = 0; i < n; i++) {
        h = (h ^ p[i]) * 16777619u;
    }
    return h;
}

/* ---- Attribute sets ----------------------------------------------------- */

/* Interns 'in' (MP attributes dropped, next hop kept).  Returns a
 * referenced set, or NULL (EINVAL: cannot be encoded). */
struct aset *
nvo_bgp_aset_intern__(struct nvo_bgp_speaker *s,
                      const struct nvo_bgp_attrs *in)
{
    struct nvo_bgp_attrs a = *in;
    a.present &= ~((1u << NVO_BGP_ATTR_MP_REACH)
                   | (1u << NVO_BGP_ATTR_MP_UNREACH));
    uint8_t tmp[NVO_BGP_EXT_MAX_LEN];
    struct nvo_bgp_buf b = nvo_bgp_buf_init(tmp, sizeof tmp);
    size_t len = nvo_bgp_attrs_encode(&b, &a);
    /* As in an UPDATE without routes: header, two length fields. */
    if (b.err || NVO_BGP_HDR_LEN + 4 + len > NVO_BGP_EXT_MAX_LEN
        || in->mp_nh_len > 32) {
        return NULL;
    }
    /* Look up with a temporary set: on the stack when small (the
     * receive path interns a set per UPDATE). */
    size_t size = sizeof(struct aset) + len + in->mp_nh_len;
    union {
        struct aset a;
        uint8_t raw[sizeof(struct aset) + 480];
    } probe;
    struct aset *k = size <= sizeof probe ? &probe.a : g_malloc(size);
    memset(k, 0, sizeof *k);
    k->nh_len = in->mp_nh_len;
    k->msg_len = (uint16_t) len;
    memcpy(k->msg, tmp, len);
    if (k->nh_len) {
        memcpy(k->msg + len, in->mp_nh, k->nh_len);
    }
    k->hash = bytes_hash(k->msg, len, bytes_hash(k->msg + len, k->nh_len,
                                                 2166136261u));
    struct aset *found = g_hash_table_lookup(s->attrs, k);
    if (found) {
        if (k != &probe.a) {
            g_free(k);
        }
        found->refs++;
        return found;
    }
    struct aset *n = nvo_mem_alloc(&s->mem, nvo_bgp_mt_attrs, size);
    memcpy(n, k, size);
    if (k != &probe.a) {
        g_free(k);
    }
    n->size = (uint32_t) size;
    struct nvo_bgp_attrs ud;
    struct nvo_bgp_error e;
    if (nvo_bgp_attrs_decode(n->msg, n->msg_len, &ud, &e) != 0) {
        nvo_mem_free(&s->mem, nvo_bgp_mt_attrs, n, size);
        return NULL;
    }
    const struct nvo_bgp_attrs *ua = &ud;
    n->present = ua->present;
    n->local_pref = ua->local_pref;
    n->med = ua->med;
    n->originator_id = ua->originator_id;
    n->as_path_hops = (uint16_t) NVO_MIN(
        nvo_bgp_as_path_length(ua->as_path, ua->as_path_len), 65535u);
    n->n_clusters = ua->n_clusters;
    n->origin = ua->origin;
    n->n_ext_comm = NVO_BGP_HAS(ua, NVO_BGP_ATTR_EXT_COMM) ? ua->n_ext_comm
                                                          : 0;
    n->ec_off = n->n_ext_comm ? (uint16_t) (ua->ext_comm - n->msg) : 0;
    n->refs = 1;
    n->id = s->next_aset_id++;
    g_hash_table_add(s->attrs, n);
    nvo_mem_count__(&s->mem, nvo_bgp_mt_hash, (int64_t) HASH_ENTRY, 0);
    return n;
}

void
nvo_bgp_aset_attrs__(const struct aset *a, struct nvo_bgp_attrs *out)
{
    struct nvo_bgp_error e;
    /* Decoded once without error when interned: the same bytes again. */
    int rc = nvo_bgp_attrs_decode(a->msg, a->msg_len, out, &e);
    g_assert(rc == 0);
    out->mp_nh_len = a->nh_len;
    if (a->nh_len) {
        memcpy(out->mp_nh, aset_nh(a), a->nh_len);
    }
}

void
nvo_bgp_aset_unref__(struct nvo_bgp_speaker *s, struct aset *a)
{
    if (a && --a->refs == 0) {
        g_hash_table_remove(s->attrs, a);
        nvo_mem_count__(&s->mem, nvo_bgp_mt_hash, -(int64_t) HASH_ENTRY, 0);
        nvo_mem_free(&s->mem, nvo_bgp_mt_attrs, a, a->size);
    }
}

struct aset *
nvo_bgp_aset_ref__(struct aset *a)
{
    a->refs++;
    return a;
}

/* ---- Destinations ------------------------------------------------------- */

static void
key_build(uint8_t *k, uint16_t afi, uint8_t safi, const uint8_t *nlri,
          size_t len)
{
    nvo_wr16(k, afi);
    k[2] = safi;
    if (len) {
        memcpy(k + 3, nlri, len);
    }
}

/* The destination of a key, created if 'create'. */
struct dest *
nvo_bgp_dest_get__(struct nvo_bgp_speaker *s, uint16_t afi, uint8_t safi,
         const uint8_t *nlri, size_t len, bool create)
{
    union {
        struct dest d;
        uint8_t raw[sizeof(struct dest) + 3 + 256];
    } probe;
    memset(&probe.d, 0, sizeof probe.d);
    probe.d.key.len = (uint16_t) (3 + len);
    key_build(probe.d.key.k, afi, safi, nlri, len);
    probe.d.hash = bytes_hash(probe.d.key.k, probe.d.key.len, 2166136261u);
    struct dest *d = g_hash_table_lookup(s->rib, &probe.d);
    if (d || !create) {
        return d;
    }
    size_t size = sizeof(struct dest) + probe.d.key.len;
    d = nvo_mem_alloc0(&s->mem, nvo_bgp_mt_dest, size);
    memcpy(d, &probe.d, size);
    d->best = -1;
    g_hash_table_add(s->rib, d);
    nvo_mem_count__(&s->mem, nvo_bgp_mt_hash, (int64_t) HASH_ENTRY, 0);
    return d;
}

uint16_t
nvo_bgp_dest_afi__(const struct dest *d)
{
    return nvo_rd16(d->key.k);
}

uint8_t
nvo_bgp_dest_safi__(const struct dest *d)
{
    return d->key.k[2];
}

void
nvo_bgp_dest_maybe_free__(struct nvo_bgp_speaker *s, struct dest *d)
{
    if (d->n_paths || d->refs) {
        return;
    }
    g_hash_table_remove(s->rib, d);
    nvo_mem_count__(&s->mem, nvo_bgp_mt_hash, -(int64_t) HASH_ENTRY, 0);
    nvo_mem_free(&s->mem, nvo_bgp_mt_path, d->paths,
                 d->cap_paths * path_bytes(s->cfg.is_rr));
    nvo_mem_free(&s->mem, nvo_bgp_mt_dest, d,
                 sizeof(struct dest) + d->key.len);
}

int
nvo_bgp_dest_cmp__(const void *a_, const void *b_)
{
    const struct dest *a = *(const struct dest *const *) a_;
    const struct dest *b = *(const struct dest *const *) b_;
    size_t n = NVO_MIN(a->key.len, b->key.len);
    int c = memcmp(a->key.k, b->key.k, n);
    if (c) {
        return c;
    }
    return (int) a->key.len - (int) b->key.len;
}

/* ---- The decision process ----------------------------------------------- */

static uint32_t
path_local_pref(const struct path *x)
{
    const struct aset *a = x->a;
    return NVO_BGP_HAS(a, NVO_BGP_ATTR_LOCAL_PREF) ? a->local_pref : 100;
}

uint32_t
nvo_bgp_path_originator__(const struct nvo_bgp_speaker *s,
                          const struct path *x)
{
    const struct aset *a = x->a;
    if (NVO_BGP_HAS(a, NVO_BGP_ATTR_ORIGINATOR_ID)) {
        return a->originator_id;
    }
    if (x->peer < 0) {
        return s->cfg.router_id;
    }
    return ((const struct peer *) s->peers->pdata[x->peer])->bgp_id;
}

/* < 0 when x is better than y (RFC 4271 9.1.2.2, RFC 4456 9). */
static int
path_cmp(const struct nvo_bgp_speaker *s, const struct path *x,
         const struct path *y)
{
    /* The speaker's own originations first (FRR: weight 32768). */
    if ((x->peer < 0) != (y->peer < 0)) {
        return x->peer < 0 ? -1 : 1;
    }
    uint32_t lx = path_local_pref(x), ly = path_local_pref(y);
    if (lx != ly) {
        return lx > ly ? -1 : 1;
    }
    const struct aset *a = x->a, *b = y->a;
    if (a->as_path_hops != b->as_path_hops) {
        return a->as_path_hops < b->as_path_hops ? -1 : 1;
    }
    if (a->origin != b->origin) {
        return a->origin < b->origin ? -1 : 1;
    }
    uint32_t mx = NVO_BGP_HAS(a, NVO_BGP_ATTR_MED) ? a->med : 0;
    uint32_t my = NVO_BGP_HAS(b, NVO_BGP_ATTR_MED) ? b->med : 0;
    if (mx != my) {
        return mx < my ? -1 : 1;
    }
    if (a->n_clusters != b->n_clusters) {
        return a->n_clusters < b->n_clusters ? -1 : 1;
    }
    uint32_t ox = nvo_bgp_path_originator__(s, x);
    uint32_t oy = nvo_bgp_path_originator__(s, y);
    if (ox != oy) {
        return ox < oy ? -1 : 1;
    }
    if (x->peer >= 0 && y->peer >= 0) {
        uint32_t ax = ((const struct peer *) s->peers->pdata[x->peer])->addr;
        uint32_t ay = ((const struct peer *) s->peers->pdata[y->peer])->addr;
        if (ax != ay) {
            return ax < ay ? -1 : 1;
        }
    }
    return 0;
}

static bool rtc_skip(struct nvo_bgp_speaker *, struct peer *,
                     struct dest *, bool held);
static bool mark_pending_vpn(struct nvo_bgp_speaker *, struct dest *,
                             const struct aset *old_a);

static void
mark_pending(struct nvo_bgp_speaker *s, struct dest *d,
             const struct aset *old_a)
{
    bool vpn = nvo_bgp_dest_is_vpn__(d);
    if (vpn && mark_pending_vpn(s, d, old_a)) {
        return;
    }
    /* A reflector sending only the default RT membership exports no
     * other membership route to anyone: nothing to queue. */
    if (s->cfg.is_rr && s->cfg.rtc_advertise_default
        && nvo_bgp_dest_is_rtc__(d) && !(d->key.len == 4 && d->key.k[3] == 0)
        && d->refs == 0) {
        return;
    }
    /* No reference: in no peer's Adj-RIB-Out nor pending set. */
    bool held = d->refs > 0;
    for (guint i = 0; i < s->peers->len; i++) {
        struct peer *p = s->peers->pdata[i];
        if (p->state != NVO_BGP_ESTABLISHED) {
            continue;
        }
        if (vpn && p->rtc && rtc_skip(s, p, d, held)) {
            continue;
        }
        if (g_hash_table_add(p->pending, d)) {
            d->refs++;
            nvo_mem_count__(&s->mem, nvo_bgp_mt_hash, (int64_t) HASH_ENTRY, 0);
        }
        nvo_bgp_schedule_flush__(p, false);
    }
}

static void rt_idx_update(struct nvo_bgp_speaker *, struct dest *,
                          const struct aset *old_a, const struct aset *new_a);

/* The VPN AFI/SAFI slot of the peer index: 0 EVPN, 1 VPLS (any other
 * AFI 25 SAFI shares 1: none is negotiated). */
static int
vpn_slot(const struct dest *d)
{
    return nvo_bgp_dest_safi__(d) == NVO_BGP_SAFI_EVPN ? 0 : 1;
}

/* Counts a VPN dest's best path from 'peer' (-1: ours, -2: none). */
static void
vb_count(struct nvo_bgp_speaker *s, const struct dest *d, int32_t peer,
         int delta)
{
    int k = vpn_slot(d);
    if (peer == -1) {
        s->vb_own[k] += (uint32_t) delta;
    } else if (peer >= 0) {
        struct peer *p = s->peers->pdata[peer];
        p->vb_from[k] += (uint32_t) delta;
        if (p->rr_client) {
            s->vb_client[k] += (uint32_t) delta;
        } else {
            s->vb_nonclient[k] += (uint32_t) delta;
        }
    }
}

int
nvo_bgp_af_slot__(uint16_t afi, uint8_t safi)
{
    if (afi == NVO_BGP_AFI_L2VPN && safi == NVO_BGP_SAFI_EVPN) {
        return 0;
    }
    if (afi == NVO_BGP_AFI_L2VPN && safi == NVO_BGP_SAFI_VPLS) {
        return 1;
    }
    if (afi == NVO_BGP_AFI_IPV4 && safi == NVO_BGP_SAFI_RTC) {
        return 2;
    }
    return -1;
}

/* The Loc-RIB count of d's AFI/SAFI, so that a per-AFI/SAFI size does
 * not walk the RIB. */
static void
loc_rib_af_count(struct nvo_bgp_speaker *s, const struct dest *d, int delta)
{
    int k = nvo_bgp_af_slot__(nvo_bgp_dest_afi__(d), nvo_bgp_dest_safi__(d));
    if (k >= 0) {
        s->loc_rib_af[k] += (uint32_t) delta;
    }
}

/* Runs the decision for 'd' after its paths changed. */
static void
decide(struct nvo_bgp_speaker *s, struct dest *d, int32_t old_peer,
       const struct aset *old_a)
{
    int32_t best = -1;
    for (uint32_t i = 0; i < d->n_paths; i++) {
        if (best < 0 || path_cmp(s, &d->paths[i], &d->paths[best]) < 0) {
            best = (int32_t) i;
        }
    }
    d->best = best;
    int32_t new_peer = best >= 0 ? d->paths[best].peer : -2;
    const struct aset *new_a = best >= 0 ? d->paths[best].a : NULL;
    if (new_a != old_a) {
        rt_idx_update(s, d, old_a, new_a);
    }
    if (new_peer != old_peer && nvo_bgp_dest_is_vpn__(d)) {
        vb_count(s, d, old_peer, -1);
        vb_count(s, d, new_peer, 1);
    }
    if (new_peer == old_peer && new_a == old_a) {
        return;
    }
    if (old_a && !new_a) {
        s->loc_rib--;
        loc_rib_af_count(s, d, -1);
    } else if (!old_a && new_a) {
        s->loc_rib++;
        loc_rib_af_count(s, d, 1);
    }
    s->last_change = nvo_engine_now(s->e);
    if (s->best_cb && (old_peer >= 0 || new_peer >= 0)) {
        const uint8_t *nlri = d->key.k + 3;
        size_t len = d->key.len - 3u;
        uint16_t afi = nvo_bgp_dest_afi__(d);
        uint8_t safi = nvo_bgp_dest_safi__(d);
        if (best >= 0) {
            struct nvo_bgp_attrs ba;
            nvo_bgp_aset_attrs__(d->paths[best].a, &ba);
            s->best_cb(s->best_ctx, afi, safi, nlri, len, &ba,
                       nvo_bgp_path_originator__(s, &d->paths[best]));
        } else {
            s->best_cb(s->best_ctx, afi, safi, nlri, len, NULL, 0);
        }
    }
    mark_pending(s, d, old_a);
}

/* ---- RT-constrain (RFC 4684) -------------------------------------------- */

bool
nvo_bgp_dest_is_rtc__(const struct dest *d)
{
    return nvo_bgp_dest_afi__(d) == NVO_BGP_AFI_IPV4
           && nvo_bgp_dest_safi__(d) == NVO_BGP_SAFI_RTC;
}

bool
nvo_bgp_dest_is_vpn__(const struct dest *d)
{
    return nvo_bgp_dest_afi__(d) == NVO_BGP_AFI_L2VPN;
}

/* Whether an extended community is a route target (RFC 4360 3.1, 4.1,
 * RFC 5668: transitive 2-octet AS, IPv4, 4-octet AS; sub-type 0x02). */
static bool
ec_is_rt(const uint8_t *ec)
{
    return (ec[0] == 0x00 || ec[0] == 0x01 || ec[0] == 0x02) && ec[1] == 0x02;
}

/* The extended communities of a set (8 bytes each, a->n_ext_comm). */
static const uint8_t *
aset_ec(const struct aset *a)
{
    return a->msg + a->ec_off;
}

/* Whether a route with 'a' matches the peer's RT membership. */
static bool
rt_wanted(const struct peer *p, const struct aset *a)
{
    for (uint16_t i = 0; i < a->n_ext_comm; i++) {
        const uint8_t *ec = aset_ec(a) + 8u * i;
        if (!ec_is_rt(ec)) {
            continue;
        }
        if (nvo_u64map_get(&p->rt_in, nvo_rd64(ec))) {
            return true;
        }
        for (guint j = 0; j < p->rt_pfx->len; j++) {
            const struct rt_pfx *x = &g_array_index(p->rt_pfx, struct rt_pfx,
                                                    j);
            struct nvo_rtc_nlri n = { .plen = x->plen };
            memcpy(n.rt, x->rt, 8);
            if (nvo_rtc_nlri_match(&n, ec)) {
                return true;
            }
        }
    }
    return false;
}

/* The RT index (s->rt_idx): for each route target, the VPN destinations
 * whose best path carries it, kept by decide() as best paths change, so
 * that a membership change visits only the destinations of its RT. */

/* Whether the i-th extended community of 'a' is a route target not seen
 * earlier in the list (a set naming an RT twice is indexed once). */
static bool
rt_first(const struct aset *a, uint16_t i)
{
    const uint8_t *ec = aset_ec(a) + 8u * i;
    if (!ec_is_rt(ec)) {
        return false;
    }
    for (uint16_t j = 0; j < i; j++) {
        if (!memcmp(aset_ec(a) + 8u * j, ec, 8)) {
            return false;
        }
    }
    return true;
}

static void
rt_idx_update(struct nvo_bgp_speaker *s, struct dest *d,
              const struct aset *old_a, const struct aset *new_a)
{
    if (!nvo_bgp_dest_is_vpn__(d)) {
        return;
    }
    /* The same extended communities (a PE's two reflectors' copies of a
     * route): the same RTs, nothing to move. */
    if (old_a && new_a && old_a->n_ext_comm == new_a->n_ext_comm
        && !memcmp(aset_ec(old_a), aset_ec(new_a), 8u * old_a->n_ext_comm)) {
        return;
    }
    const struct aset *a;
    if (old_a) {
        a = old_a;
        for (uint16_t i = 0; i < a->n_ext_comm; i++) {
            if (!rt_first(a, i)) {
                continue;
            }
            uint64_t v = nvo_rd64(aset_ec(a) + 8u * i);
            GPtrArray *v_ds = nvo_u64map_get(&s->rt_idx, v);
            if (v_ds && g_ptr_array_remove_fast(v_ds, d)) {
                nvo_mem_count__(&s->mem, nvo_bgp_mt_hash,
                                -(int64_t) sizeof(void *), 0);
                if (v_ds->len == 0) {
                    nvo_u64map_remove(&s->rt_idx, v);
                    g_ptr_array_unref(v_ds);
                    nvo_mem_count__(&s->mem, nvo_bgp_mt_hash,
                                    -(int64_t) (HASH_ENTRY + sizeof(gint64)
                                                + sizeof(GPtrArray)), 0);
                }
            }
        }
    }
    if (new_a) {
        a = new_a;
        for (uint16_t i = 0; i < a->n_ext_comm; i++) {
            if (!rt_first(a, i)) {
                continue;
            }
            uint64_t v = nvo_rd64(aset_ec(a) + 8u * i);
            GPtrArray *v_ds = nvo_u64map_get(&s->rt_idx, v);
            if (!v_ds) {
                v_ds = g_ptr_array_new();
                nvo_u64map_set(&s->rt_idx, v, v_ds);
                nvo_mem_count__(&s->mem, nvo_bgp_mt_hash,
                                (int64_t) (HASH_ENTRY + sizeof(gint64)
                                           + sizeof(GPtrArray)), 0);
            }
            g_ptr_array_add(v_ds, d);
            nvo_mem_count__(&s->mem, nvo_bgp_mt_hash,
                            (int64_t) sizeof(void *), 0);
        }
    }
}

/* Adds 'd' to p's pending set. */
static bool
pend(struct nvo_bgp_speaker *s, struct peer *p, struct dest *d)
{
    if (g_hash_table_add(p->pending, d)) {
        d->refs++;
        nvo_mem_count__(&s->mem, nvo_bgp_mt_hash, (int64_t) HASH_ENTRY, 0);
        return true;
    }
    return false;
}

static bool may_send(const struct nvo_bgp_speaker *, const struct peer *,
                     const struct path *);

/* Whether the peer negotiated the destination's AFI/SAFI. */
static bool
peer_has_af(const struct peer *p, const struct dest *d)
{
    for (uint32_t i = 0; i < p->n_afs; i++) {
        if (p->afs[i].afi == nvo_bgp_dest_afi__(d)
            && p->afs[i].safi == nvo_bgp_dest_safi__(d)) {
            return true;
        }
    }
    return false;
}

/* Whether the VPN dest 'd' may go to the RT-constrain peer 'p' but for
 * its membership: its 1/132 End-of-RIB came, d has a best path, p
 * negotiated d's AFI/SAFI and the reflection rules let the path go. */
static bool
rtc_may_get(const struct nvo_bgp_speaker *s, const struct peer *p,
            const struct dest *d)
{
    return p->rtc_eor_in && d->best >= 0 && peer_has_af(p, d)
           && may_send(s, p, &d->paths[d->best]);
}

/* For a VPN destination 'd' whose best path changed and an RT-constrain
 * peer 'p': true when queueing it for p is not needed because the flush
 * would send nothing (not 'may': rtc_may_get) or only count it as
 * RT-filtered, which is then done here.  Not when p has it in its
 * Adj-RIB-Out (a withdrawal may be due) or already pending ('holds').
 * 'wanted': the caller knows that p's membership wants the best path's
 * set (p is indexed under one of its RTs), so rt_wanted() need not
 * look. */
static bool
rtc_skip_(struct nvo_bgp_speaker *s, struct peer *p, struct dest *d,
          bool holds, bool may, bool wanted)
{
    if (holds) {
        return false;
    }
    if (!may) {
        return true;
    }
    if (wanted || rt_wanted(p, d->paths[d->best].a)) {
        return false;
    }
    p->c.routes_rt_filtered++;
    s->c.routes_rt_filtered++;
    return true;
}

/* rtc_skip_() with the lookups: 'held' is whether 'd' had any reference
 * before this marking began (else p cannot hold it: no lookup). */
static bool
rtc_skip(struct nvo_bgp_speaker *s, struct peer *p, struct dest *d,
         bool held)
{
    bool holds = held && (g_hash_table_contains(p->adj_out, d)
                          || g_hash_table_contains(p->pending, d));
    return rtc_skip_(s, p, d, holds, rtc_may_get(s, p, d), false);
}

/* ---- The RT-constrain peer index ---------------------------------------- */

/* Whether the peer negotiated the VPN AFI/SAFI of slot k. */
static bool
peer_has_slot(const struct peer *p, int k)
{
    uint8_t safi = k == 0 ? NVO_BGP_SAFI_EVPN : NVO_BGP_SAFI_VPLS;
    for (uint32_t i = 0; i < p->n_afs; i++) {
        if (p->afs[i].afi == NVO_BGP_AFI_L2VPN && p->afs[i].safi == safi) {
            return true;
        }
    }
    return false;
}

static bool
peer_ready(const struct peer *p, int k)
{
    return p->state == NVO_BGP_ESTABLISHED && p->rtc && p->rtc_eor_in
           && peer_has_slot(p, k);
}

/* Rebuilds the peer sets of the speaker after a change of state. */
static void
peers_rebuild(struct nvo_bgp_speaker *s)
{
    if (!s->peers_dirty) {
        return;
    }
    s->peers_dirty = false;
    g_ptr_array_set_size(s->est_plain, 0);
    g_ptr_array_set_size(s->est_pfx, 0);
    memset(s->ready, 0, sizeof s->ready);
    for (guint i = 0; i < s->peers->len; i++) {
        struct peer *p = s->peers->pdata[i];
        if (p->state != NVO_BGP_ESTABLISHED) {
            continue;
        }
        if (!p->rtc) {
            g_ptr_array_add(s->est_plain, p);
            continue;
        }
        if (p->rt_pfx->len) {
            g_ptr_array_add(s->est_pfx, p);
        }
        for (int k = 0; k < 2; k++) {
            s->ready[k][p->rr_client] += peer_ready(p, k);
        }
    }
}

/* The RT-constrain peers a VPN dest with best path 'b' may go to by the
 * AFI/SAFI, End-of-RIB and reflection rules (rtc_skip's conditions but
 * the membership), from the counts. */
static uint32_t
eligible_peers(const struct nvo_bgp_speaker *s, const struct dest *d)
{
    if (d->best < 0) {
        return 0;
    }
    int k = vpn_slot(d);
    uint32_t rc = s->ready[k][1], rn = s->ready[k][0];
    int32_t src = d->paths[d->best].peer;
    if (src < 0) {
        return rc + rn;
    }
    if (!s->cfg.is_rr) {
        return 0;
    }
    const struct peer *sp = s->peers->pdata[src];
    if (sp->rr_client) {
        return rc + rn - (peer_ready(sp, k) ? 1u : 0u);
    }
    return rc;
}

/* The VPN dests (of the slots p negotiated) whose best path may go to p
 * by the reflection rules, from the counts. */
static uint64_t
eligible_dests(const struct nvo_bgp_speaker *s, const struct peer *p)
{
    uint64_t n = 0;
    for (int k = 0; k < 2; k++) {
        if (!peer_has_slot(p, k)) {
            continue;
        }
        n += s->vb_own[k];
        if (s->cfg.is_rr) {
            n += s->vb_client[k];
            if (p->rr_client) {
                n += s->vb_nonclient[k] - p->vb_from[k];
            }
        }
    }
    return n;
}

/* p's length-96 membership of RT v came (delta 1) or went (-1). */
static void
rt_peers_update(struct nvo_bgp_speaker *s, struct peer *p, uint64_t v,
                int delta)
{
    GPtrArray *ps = nvo_u64map_get(&s->rt_peers, v);
    if (delta > 0) {
        if (!ps) {
            ps = g_ptr_array_new();
            nvo_u64map_set(&s->rt_peers, v, ps);
            nvo_mem_count__(&s->mem, nvo_bgp_mt_hash,
                            (int64_t) (HASH_ENTRY + sizeof(gint64)
                                       + sizeof(GPtrArray)), 0);
        }
        g_ptr_array_add(ps, p);
        nvo_mem_count__(&s->mem, nvo_bgp_mt_hash, (int64_t) sizeof(void *), 0);
    } else if (ps && g_ptr_array_remove_fast(ps, p)) {
        nvo_mem_count__(&s->mem, nvo_bgp_mt_hash, -(int64_t) sizeof(void *),
                        0);
        if (ps->len == 0) {
            nvo_u64map_remove(&s->rt_peers, v);
            g_ptr_array_unref(ps);
            nvo_mem_count__(&s->mem, nvo_bgp_mt_hash,
                            -(int64_t) (HASH_ENTRY + sizeof(gint64)
                                        + sizeof(GPtrArray)), 0);
        }
    }
}

/* Visits p for the VPN dest d whose best path changed (mark_pending's
 * step for one peer); counts the references p holds (before it was
 * visited) and whether d may go to p but for its membership ('wanted':
 * p's membership is known to want the best path, see rtc_skip_). */
static void
visit_vpn(struct nvo_bgp_speaker *s, struct peer *p, struct dest *d,
          bool held, bool wanted, uint32_t *refs, uint32_t *elig)
{
    if (p->stamp == s->stamp || p->state != NVO_BGP_ESTABLISHED) {
        return;
    }
    p->stamp = s->stamp;
    uint32_t h = 0;
    if (held) {
        h = (uint32_t) g_hash_table_contains(p->adj_out, d)
            + (uint32_t) g_hash_table_contains(p->pending, d);
        *refs += h;
    }
    if (p->rtc) {
        bool may = rtc_may_get(s, p, d);
        *elig += may;
        if (rtc_skip_(s, p, d, h > 0, may, wanted)) {
            return;
        }
    }
    pend(s, p, d);
    nvo_bgp_schedule_flush__(p, false);
}

/* Visits the peers indexed under the RTs of 'a' (d's new best path's
 * set, 'best', or its old one). */
static void
visit_rts(struct nvo_bgp_speaker *s, const struct aset *a, struct dest *d,
          bool best, bool held, uint32_t *refs, uint32_t *elig)
{
    for (uint16_t i = 0; a && i < a->n_ext_comm; i++) {
        if (!rt_first(a, i)) {
            continue;
        }
        GPtrArray *ps = nvo_u64map_get(&s->rt_peers,
                                       nvo_rd64(aset_ec(a) + 8u * i));
        for (guint j = 0; ps && j < ps->len; j++) {
            visit_vpn(s, ps->pdata[j], d, held, best, refs, elig);
        }
    }
}

/* mark_pending for a VPN dest, visiting only the peers that may want or
 * hold it: those without RT-constrain, those with a membership of one
 * of its old or new best path's RTs (the index), those with memberships
 * of other lengths.  Every other RT-constrain peer wants neither, so the
 * full scan would only have counted it as filtered if the rules let the
 * route go to it: counted from eligible_peers().  Unless a peer outside
 * those holds a reference to d (its membership changed and d waits in
 * its pending set): then the others are visited too, as before.
 * Returns false (nothing done) when the speaker has no RT-constrain
 * peer: the plain scan is as cheap. */
static bool
mark_pending_vpn(struct nvo_bgp_speaker *s, struct dest *d,
                 const struct aset *old_a)
{
    if (!s->cfg.rt_constrain) {
        return false;
    }
    peers_rebuild(s);
    bool held = d->refs > 0;
    /* A non-reflector passes no iBGP-learned route to anyone (may_send):
     * with the best path a peer's (or none), no peer holding d and every
     * Established peer an RT-constrain one, each visit below would stop
     * at may_send without queueing or counting (a PE receiving the
     * reflectors' routes: most of the run's UPDATEs). */
    if (!s->cfg.is_rr && !held && s->est_plain->len == 0
        && (d->best < 0 || d->paths[d->best].peer >= 0)) {
        return true;
    }
    uint32_t refs0 = d->refs, refs = 0, elig = 0;
    s->stamp++;
    for (guint i = 0; i < s->est_plain->len; i++) {
        visit_vpn(s, s->est_plain->pdata[i], d, held, false, &refs, &elig);
    }
    for (guint i = 0; i < s->est_pfx->len; i++) {
        visit_vpn(s, s->est_pfx->pdata[i], d, held, false, &refs, &elig);
    }
    visit_rts(s, d->best >= 0 ? d->paths[d->best].a : NULL, d, true, held,
              &refs, &elig);
    visit_rts(s, old_a, d, false, held, &refs, &elig);
    if (refs != refs0) {
        for (guint i = 0; i < s->peers->len; i++) {
            visit_vpn(s, s->peers->pdata[i], d, held, false, &refs, &elig);
        }
        return true;
    }
    uint32_t all = eligible_peers(s, d);
    g_assert(all >= elig);
    s->c.routes_rt_filtered += all - elig;
    return true;
}

/* The peer's 1/132 End-of-RIB when all its memberships are of length 96:
 * what the walk of the whole RIB below does, from the RT index.  Queued:
 * the VPN dests of its RTs (wanted) and those it holds (pending or in
 * its Adj-RIB-Out: the flush decides); counted as filtered: every other
 * dest whose best path may go to it, from the counts (eligible_dests). */
static void
rtc_eor_indexed(struct peer *p)
{
    struct nvo_bgp_speaker *s = p->spk;
    GHashTable *seen = g_hash_table_new(NULL, NULL);
    GPtrArray *q = g_ptr_array_new();
    GHashTableIter it;
    gpointer k;
    uint32_t pos = 0;
    uint64_t rt;
    while (nvo_u64map_next(&p->rt_in, &pos, &rt, NULL)) {
        GPtrArray *ds = nvo_u64map_get(&s->rt_idx, rt);
        for (guint i = 0; ds && i < ds->len; i++) {
            if (g_hash_table_add(seen, ds->pdata[i])) {
                g_ptr_array_add(q, ds->pdata[i]);
            }
        }
    }
    GHashTable *held[2] = { p->pending, p->adj_out };
    for (int h = 0; h < 2; h++) {
        g_hash_table_iter_init(&it, held[h]);
        while (g_hash_table_iter_next(&it, &k, NULL)) {
            struct dest *d = k;
            if (nvo_bgp_dest_is_vpn__(d) && d->best >= 0
                && g_hash_table_add(seen, d)) {
                g_ptr_array_add(q, d);
            }
        }
    }
    uint64_t elig = 0;
    for (guint i = 0; i < q->len; i++) {
        struct dest *d = q->pdata[i];
        elig += peer_has_af(p, d) && may_send(s, p, &d->paths[d->best]);
        pend(s, p, d);
    }
    uint64_t all = eligible_dests(s, p);
    g_assert(all >= elig);
    p->c.routes_rt_filtered += all - elig;
    s->c.routes_rt_filtered += all - elig;
    if (q->len) {
        nvo_bgp_schedule_flush__(p, false);
    }
    g_ptr_array_free(q, TRUE);
    g_hash_table_destroy(seen);
}

/* Marks every VPN destination whose best path carries an RT matching 'n'
 * pending for 'p'; 'n' NULL: the peer's End-of-RIB, every VPN destination
 * its membership wants.  A length-96 membership marks the destinations of
 * its RT from the index; other lengths and the End-of-RIB walk the RIB.
 * At the End-of-RIB a destination the peer does not want and would
 * otherwise get is counted as RT-filtered here (as the flush would count
 * it) instead of being queued only to be dropped. */
static void
rtc_mark_vpn(struct peer *p, const struct nvo_rtc_nlri *n)
{
    struct nvo_bgp_speaker *s = p->spk;
    if (p->state != NVO_BGP_ESTABLISHED) {
        return;
    }
    bool any = false;
    if (n && n->plen == 96) {
        GPtrArray *v_ds = nvo_u64map_get(&s->rt_idx, nvo_rd64(n->rt));
        for (guint i = 0; v_ds && i < v_ds->len; i++) {
            pend(s, p, v_ds->pdata[i]);
            any = true;
        }
        if (any) {
            nvo_bgp_schedule_flush__(p, false);
        }
        return;
    }
    if (n == NULL && p->rt_pfx->len == 0) {
        rtc_eor_indexed(p);
        return;
    }
    GHashTableIter it;
    gpointer k;
    g_hash_table_iter_init(&it, s->rib);
    while (g_hash_table_iter_next(&it, &k, NULL)) {
        struct dest *d = k;
        if (!nvo_bgp_dest_is_vpn__(d) || d->best < 0) {
            continue;
        }
        const struct aset *a = d->paths[d->best].a;
        bool m;
        if (n == NULL) {
            m = rt_wanted(p, a);
            if (!m && !g_hash_table_contains(p->pending, d)
                && !g_hash_table_contains(p->adj_out, d)
                && peer_has_af(p, d)
                && may_send(s, p, &d->paths[d->best])) {
                p->c.routes_rt_filtered++;
                s->c.routes_rt_filtered++;
            } else if (!m) {
                m = true;       /* the flush decides, as before */
            }
        } else {
            m = false;
            for (uint16_t i = 0; !m && i < a->n_ext_comm; i++) {
                const uint8_t *ec = aset_ec(a) + 8u * i;
                m = ec_is_rt(ec) && nvo_rtc_nlri_match(n, ec);
            }
        }
        if (m) {
            pend(s, p, d);
        }
        any |= m;
    }
    if (any) {
        nvo_bgp_schedule_flush__(p, false);
    }
}

/* A membership path from peer index 'pi' came (delta 1) or went (-1). */
static void
rtc_member(struct nvo_bgp_speaker *s, const struct dest *d, int32_t pi,
           int delta)
{
    if (pi < 0) {
        return;
    }
    struct peer *p = s->peers->pdata[pi];
    struct nvo_rtc_nlri n;
    struct nvo_rd r = nvo_rd_init(d->key.k + 3, d->key.len - 3u);
    if (nvo_rtc_nlri_decode(&r, d->key.k + 3, &n, NULL) != 0) {
        return;
    }
    bool changed = false;
    if (n.plen == 96) {
        uint64_t v = nvo_rd64(n.rt);
        guint c = GPOINTER_TO_UINT(nvo_u64map_get(&p->rt_in, v));
        if (delta > 0) {
            if (c == 0) {
                nvo_u64map_set(&p->rt_in, v, GUINT_TO_POINTER(1));
                nvo_mem_count__(&s->mem, nvo_bgp_mt_hash,
                                (int64_t) (HASH_ENTRY + sizeof(gint64)), 0);
                rt_peers_update(s, p, v, 1);
                changed = true;
            } else {
                nvo_u64map_set(&p->rt_in, v, GUINT_TO_POINTER(c + 1));
            }
        } else if (c == 1) {
            nvo_u64map_remove(&p->rt_in, v);
            nvo_mem_count__(&s->mem, nvo_bgp_mt_hash,
                            -(int64_t) (HASH_ENTRY + sizeof(gint64)), 0);
            rt_peers_update(s, p, v, -1);
            changed = true;
        } else if (c > 1) {
            nvo_u64map_set(&p->rt_in, v, GUINT_TO_POINTER(c - 1));
        }
    } else {
        guint j;
        for (j = 0; j < p->rt_pfx->len; j++) {
            struct rt_pfx *x = &g_array_index(p->rt_pfx, struct rt_pfx, j);
            if (x->plen == n.plen && !memcmp(x->rt, n.rt, 8)) {
                break;
            }
        }
        if (delta > 0 && j == p->rt_pfx->len) {
            struct rt_pfx x = { .plen = n.plen, .refs = 1 };
            memcpy(x.rt, n.rt, 8);
            g_array_append_val(p->rt_pfx, x);
            s->peers_dirty = true;
            changed = true;
        } else if (delta > 0) {
            g_array_index(p->rt_pfx, struct rt_pfx, j).refs++;
        } else if (j < p->rt_pfx->len
                   && --g_array_index(p->rt_pfx, struct rt_pfx, j).refs == 0) {
            g_array_remove_index(p->rt_pfx, j);
            s->peers_dirty = true;
            changed = true;
        }
    }
    if (changed && p->rtc) {
        rtc_mark_vpn(p, &n);
    }
}

void
nvo_bgp_rtc_eor_in__(struct peer *p)
{
    if (!p->rtc || p->rtc_eor_in) {
        return;
    }
    p->rtc_eor_in = true;
    p->spk->peers_dirty = true;
    rtc_mark_vpn(p, NULL);
    nvo_bgp_schedule_flush__(p, true);
}

void
nvo_bgp_rtc_peer_clear__(struct peer *p)
{
    struct nvo_bgp_speaker *s = p->spk;
    nvo_mem_count__(&s->mem, nvo_bgp_mt_hash,
                    -(int64_t) (nvo_u64map_size(&p->rt_in)
                                * (HASH_ENTRY + sizeof(gint64))), 0);
    uint32_t pos = 0;
    uint64_t rt;
    while (nvo_u64map_next(&p->rt_in, &pos, &rt, NULL)) {
        rt_peers_update(s, p, rt, -1);
    }
    nvo_u64map_clear(&p->rt_in);
    s->peers_dirty = true;
    g_array_set_size(p->rt_pfx, 0);
    p->rtc = p->rtc_eor_in = p->vpn_eor_pending = false;
}

static void
best_of(const struct dest *d, int32_t *peer, const struct aset **a)
{
    *peer = d->best >= 0 ? d->paths[d->best].peer : -2;
    *a = d->best >= 0 ? d->paths[d->best].a : NULL;
}

/* Sets the path of 'peer' (-1: own) to 'a' (a reference is taken over). */
void
nvo_bgp_rib_set_path__(struct nvo_bgp_speaker *s, struct dest *d, int32_t peer,
             struct aset *a)
{
    int32_t op;
    const struct aset *oa;
    best_of(d, &op, &oa);
    for (uint32_t i = 0; i < d->n_paths; i++) {
        struct path *x = &d->paths[i];
        if (x->peer == peer) {
            if (x->a == a) {
                nvo_bgp_aset_unref__(s, a);
                return;
            }
            /* Keep the old set alive until the decision compared it. */
            struct aset *old = x->a;
            if (s->cfg.is_rr) {
                nvo_bgp_aset_unref__(s, dest_refl(d)[i]);
                dest_refl(d)[i] = NULL;
            }
            x->a = a;
            decide(s, d, op, oa);
            if (nvo_bgp_dest_is_rtc__(d)) {
                mark_pending(s, d, NULL); /* what each peer gets may change */
            }
            nvo_bgp_aset_unref__(s, old);
            return;
        }
    }
    bool rr = s->cfg.is_rr;
    if (d->n_paths == d->cap_paths) {
        uint32_t cap = d->cap_paths ? d->cap_paths * 2 : 1;
        d->paths = nvo_mem_realloc(&s->mem, nvo_bgp_mt_path, d->paths,
                                   d->cap_paths * path_bytes(rr),
                                   cap * path_bytes(rr));
        if (rr && d->n_paths) {
            /* The reflected sets move behind the larger path array. */
            memmove(d->paths + cap, d->paths + d->cap_paths,
                    d->n_paths * sizeof(struct aset *));
        }
        d->cap_paths = cap;
    }
    if (rr) {
        dest_refl(d)[d->n_paths] = NULL;
    }
    d->paths[d->n_paths++] = (struct path) { .peer = peer, .a = a };
    if (peer >= 0) {
        ((struct peer *) s->peers->pdata[peer])->adj_in++;
    }
    decide(s, d, op, oa);
    if (nvo_bgp_dest_is_rtc__(d)) {
        mark_pending(s, d, NULL);
        rtc_member(s, d, peer, 1);
    }
}

void
nvo_bgp_rib_remove_path__(struct nvo_bgp_speaker *s, struct dest *d,
                          int32_t peer)
{
    int32_t op;
    const struct aset *oa;
    best_of(d, &op, &oa);
    for (uint32_t i = 0; i < d->n_paths; i++) {
        if (d->paths[i].peer == peer) {
            struct path x = d->paths[i];
            struct aset *x_refl = NULL;
            memmove(&d->paths[i], &d->paths[i + 1],
                    (d->n_paths - i - 1) * sizeof(struct path));
            if (s->cfg.is_rr) {
                struct aset **r = dest_refl(d);
                x_refl = r[i];
                memmove(&r[i], &r[i + 1],
                        (d->n_paths - i - 1) * sizeof(struct aset *));
            }
            d->n_paths--;
            if (peer >= 0) {
                ((struct peer *) s->peers->pdata[peer])->adj_in--;
            }
            decide(s, d, op, oa);
            if (nvo_bgp_dest_is_rtc__(d)) {
                mark_pending(s, d, NULL);
                rtc_member(s, d, peer, -1);
            }
            nvo_bgp_aset_unref__(s, x.a);
            nvo_bgp_aset_unref__(s, x_refl);
            break;
        }
    }
    nvo_bgp_dest_maybe_free__(s, d);
}

/* ---- Advertisement ------------------------------------------------------ */

/* The path i of 'd' (from a peer) as this reflector sends it:
 * ORIGINATOR_ID added if absent, the cluster id prepended (made on first
 * use). */
static struct aset *
reflected(struct nvo_bgp_speaker *s, struct dest *d, uint32_t i)
{
    struct path *b = &d->paths[i];
    struct aset **refl = &dest_refl(d)[i];
    if (!*refl) {
        const struct peer *src = s->peers->pdata[b->peer];
        struct nvo_bgp_attrs a;
        nvo_bgp_aset_attrs__(b->a, &a);
        if (!NVO_BGP_HAS(&a, NVO_BGP_ATTR_ORIGINATOR_ID)) {
            a.present |= 1u << NVO_BGP_ATTR_ORIGINATOR_ID;
            a.originator_id = src->bgp_id;
        }
        uint8_t cl[4 + 4 * 255];
        uint16_t n = NVO_MIN(a.n_clusters, (uint16_t) 254);
        nvo_wr32(cl, cluster_id(s));
        if (n) {
            memcpy(cl + 4, a.cluster_list, 4u * n);
        }
        a.present |= 1u << NVO_BGP_ATTR_CLUSTER_LIST;
        a.cluster_list = cl;
        a.n_clusters = (uint16_t) (n + 1);
        *refl = nvo_bgp_aset_intern__(s, &a);
    }
    return *refl;
}

/* Whether the reflection rules let the path 'b' go to 'p' (RFC 4456 8:
 * own originations to all; a client's to all; a non-client's to clients;
 * a non-reflector passes no iBGP-learned route). */
static bool
may_send(const struct nvo_bgp_speaker *s, const struct peer *p,
         const struct path *b)
{
    if (b->peer == (int32_t) p->index) {
        return false;
    }
    if (b->peer < 0) {
        return true;
    }
    if (!s->cfg.is_rr) {
        return false;
    }
    const struct peer *src = s->peers->pdata[b->peer];
    return src->rr_client || p->rr_client;
}

/* An RT membership route at a reflector: the best of the paths that may
 * go to 'p', not counting p's own nor those p originated (so a PE learns
 * the interest of the others even when its own path is the best one;
 * RFC 4684 3.2 builds the filter from all paths, not the best only). */
static struct aset *
export_rtc_rr(struct nvo_bgp_speaker *s, struct peer *p, struct dest *d)
{
    /* The best path, if it may go to p, is the best of those that may
     * (decide() and the scan below break ties alike: the first). */
    int32_t best = -1;
    if (d->best >= 0) {
        struct path *x = &d->paths[d->best];
        if (may_send(s, p, x)
            && !(x->peer >= 0 && p->bgp_id
                 && nvo_bgp_path_originator__(s, x) == p->bgp_id)) {
            return x->peer < 0 ? x->a
                               : reflected(s, d, (uint32_t) d->best);
        }
    }
    for (uint32_t i = 0; i < d->n_paths; i++) {
        struct path *x = &d->paths[i];
        if (!may_send(s, p, x)
            || (x->peer >= 0 && p->bgp_id
                && nvo_bgp_path_originator__(s, x) == p->bgp_id)) {
            continue;
        }
        if (best < 0 || path_cmp(s, x, &d->paths[best]) < 0) {
            best = (int32_t) i;
        }
    }
    if (best < 0) {
        return NULL;
    }
    struct path *b = &d->paths[best];
    return b->peer < 0 ? b->a : reflected(s, d, (uint32_t) best);
}

/* What 'd' should be advertised to 'p' with (a set not referenced), or
 * NULL (RFC 4271 9.2, RFC 4456 8, RFC 4684).  'filtered' is set when RT
 * membership alone kept a route from the peer. */
static struct aset *
export(struct nvo_bgp_speaker *s, struct peer *p, struct dest *d,
       bool *filtered)
{
    *filtered = false;
    if (d->best < 0) {
        return NULL;
    }
    bool af = false;
    for (uint32_t i = 0; i < p->n_afs; i++) {
        af |= p->afs[i].afi == nvo_bgp_dest_afi__(d)
              && p->afs[i].safi == nvo_bgp_dest_safi__(d);
    }
    if (!af) {
        return NULL;
    }
    if (s->cfg.is_rr && nvo_bgp_dest_is_rtc__(d)) {
        if (s->cfg.rtc_advertise_default) {
            /* Only its own default membership, nothing more specific. */
            if (d->key.len != 4 || d->key.k[3] != 0) {
                return NULL;
            }
            for (uint32_t i = 0; i < d->n_paths; i++) {
                if (d->paths[i].peer < 0) {
                    return d->paths[i].a;
                }
            }
            return NULL;
        }
        return export_rtc_rr(s, p, d);
    }
    struct path *b = &d->paths[d->best];
    if (!may_send(s, p, b)) {
        return NULL;
    }
    /* RFC 4684 6: no VPN route before the peer's membership is known
     * (its 1/132 End-of-RIB); then only those of its RTs. */
    if (p->rtc && nvo_bgp_dest_is_vpn__(d)) {
        if (!p->rtc_eor_in) {
            return NULL;
        }
        if (!rt_wanted(p, b->a)) {
            *filtered = true;
            return NULL;
        }
    }
    return b->peer < 0 ? b->a : reflected(s, d, (uint32_t) d->best);
}

struct ann {
    struct dest *d;
    struct aset *a;
};

static int
ann_cmp(const void *x_, const void *y_)
{
    const struct ann *x = x_, *y = y_;
    int c = (int) nvo_bgp_dest_afi__(x->d) - (int) nvo_bgp_dest_afi__(y->d);
    if (c) {
        return c;
    }
    c = (int) nvo_bgp_dest_safi__(x->d) - (int) nvo_bgp_dest_safi__(y->d);
    if (c) {
        return c;
    }
    if (x->a && y->a && x->a->id != y->a->id) {
        return x->a->id < y->a->id ? -1 : 1;
    }
    return nvo_bgp_dest_cmp__(&x->d, &y->d);
}

static int pack__(const struct ann *, size_t n, bool withdraw,
                  size_t max_len, struct nvo_bgp_msgs *);

/* Whether the memo holds the pack of these routes (afi, safi and each
 * key's size and NLRI, as in pack_memo.nlri) with this set and size. */
static struct pack_memo *
memo_slot(struct nvo_bgp_speaker *s, const struct ann *v, bool withdraw)
{
    return &s->pack_memo[withdraw ? 0 : v[0].a->id % PACK_MEMO_N];
}

static bool
memo_hit(const struct pack_memo *m, const struct ann *v, size_t n,
         bool withdraw, size_t max_len)
{
    if (!m->valid || m->withdraw != withdraw || m->max_len != max_len
        || (!withdraw && m->aset_id != v[0].a->id)) {
        return false;
    }
    const uint8_t *q = m->nlri->data, *end = q + m->nlri->len;
    if (end - q < 3 || nvo_rd16(q) != nvo_bgp_dest_afi__(v[0].d)
        || q[2] != nvo_bgp_dest_safi__(v[0].d)) {
        return false;
    }
    q += 3;
    for (size_t i = 0; i < n; i++) {
        size_t l = v[i].d->key.len - 3u;
        if ((size_t) (end - q) < 2 + l || nvo_rd16(q) != l
            || memcmp(q + 2, v[i].d->key.k + 3, l)) {
            return false;
        }
        q += 2 + l;
    }
    return q == end;
}

static void
memo_store(struct pack_memo *m, const struct ann *v, size_t n,
           bool withdraw, size_t max_len, struct nvo_bgp_msgs *msgs)
{
    nvo_bgp_msgs_free(&m->m);
    m->m = *msgs;
    m->valid = true;
    m->withdraw = withdraw;
    m->aset_id = withdraw ? 0 : v[0].a->id;
    m->max_len = max_len;
    if (!m->nlri) {
        m->nlri = g_byte_array_new();
    }
    g_byte_array_set_size(m->nlri, 3);
    nvo_wr16(m->nlri->data, nvo_bgp_dest_afi__(v[0].d));
    m->nlri->data[2] = nvo_bgp_dest_safi__(v[0].d);
    for (size_t i = 0; i < n; i++) {
        uint8_t l[2];
        nvo_wr16(l, (uint16_t) (v[i].d->key.len - 3u));
        g_byte_array_append(m->nlri, l, 2);
        g_byte_array_append(m->nlri, v[i].d->key.k + 3,
                            (guint) (v[i].d->key.len - 3u));
    }
}

static void
send_packed(struct peer *p, const struct ann *v, size_t n, bool withdraw)
{
    struct nvo_bgp_speaker *s = p->spk;
    struct nvo_bgp_msgs own = { 0 };
    const struct nvo_bgp_msgs *mm = &own;
    if (!s->pack_memo) {
        if (pack__(v, n, withdraw, p->max_len, &own) != 0) {
            return;             /* a route too big alone: not sent */
        }
    } else {
        struct pack_memo *slot = memo_slot(s, v, withdraw);
        if (!memo_hit(slot, v, n, withdraw, p->max_len)) {
            struct nvo_bgp_msgs m;
            if (pack__(v, n, withdraw, p->max_len, &m) != 0) {
                return;
            }
            memo_store(slot, v, n, withdraw, p->max_len, &m);
        }
        mm = &slot->m;
    }
    /* Sending hands the bytes to TCP (copied into its send buffer or the
     * peer's queue) and to the observer; neither packs again, so the
     * slot's messages stay as they are during the loop. */
    const struct nvo_bgp_msgs m = *mm;
    for (size_t i = 0; i < m.n; i++) {
        nvo_bgp_send_msg__(p, m.buf + m.ofs[i], m.ofs[i + 1] - m.ofs[i]);
    }
    if (withdraw) {
        p->c.routes_withdrawn_out += m.n_routes;
        s->c.routes_withdrawn_out += m.n_routes;
    } else {
        p->c.routes_announced_out += m.n_routes;
        s->c.routes_announced_out += m.n_routes;
    }
    nvo_bgp_msgs_free(&own);
}

/* nvo_bgp_pack() of the routes of 'v' (one AFI/SAFI and, announced, one
 * set). */
static int
pack__(const struct ann *v, size_t n, bool withdraw, size_t max_len,
       struct nvo_bgp_msgs *out)
{
    size_t bytes = 0;
    for (size_t i = 0; i < n; i++) {
        bytes += v[i].d->key.len - 3u;
    }
    uint8_t *nlri = g_malloc(bytes);
    uint16_t *sizes = g_malloc(n * sizeof *sizes);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        sizes[i] = (uint16_t) (v[i].d->key.len - 3u);
        memcpy(nlri + o, v[i].d->key.k + 3, sizes[i]);
        o += sizes[i];
    }
    struct nvo_bgp_attrs attrs;
    if (withdraw) {
        memset(&attrs, 0, sizeof attrs);
    } else {
        nvo_bgp_aset_attrs__(v[0].a, &attrs);
    }
    int rc = nvo_bgp_pack(&attrs, withdraw,
                          nvo_bgp_dest_afi__(v[0].d),
                          nvo_bgp_dest_safi__(v[0].d), nlri, sizes,
                          n, max_len, out);
    g_free(nlri);
    g_free(sizes);
    return rc;
}

/* Sends the runs of 'v' that share AFI/SAFI (and, announced, the set). */
static void
send_groups(struct peer *p, const struct ann *v, size_t n, bool withdraw)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i + 1;
        while (j < n
               && nvo_bgp_dest_afi__(v[j].d) == nvo_bgp_dest_afi__(v[i].d)
               && nvo_bgp_dest_safi__(v[j].d) == nvo_bgp_dest_safi__(v[i].d)
               && (withdraw || v[j].a == v[i].a)) {
            j++;
        }
        send_packed(p, v + i, j - i, withdraw);
        i = j;
    }
}

void
nvo_bgp_flush__(void *arg)
{
    struct peer *p = arg;
    struct nvo_bgp_speaker *s = p->spk;
    if (p->state != NVO_BGP_ESTABLISHED) {
        return;
    }
    guint n = g_hash_table_size(p->pending);
    struct dest **ds = g_malloc((n ? n : 1) * sizeof *ds);
    GHashTableIter it;
    gpointer k;
    guint i = 0;
    g_hash_table_iter_init(&it, p->pending);
    while (g_hash_table_iter_next(&it, &k, NULL)) {
        ds[i++] = k;
    }
    g_hash_table_steal_all(p->pending);
    nvo_mem_count__(&s->mem, nvo_bgp_mt_hash, -(int64_t) (n * HASH_ENTRY), 0);
    qsort(ds, n, sizeof *ds, nvo_bgp_dest_cmp__);
    struct ann *wd = g_malloc((n ? n : 1) * sizeof *wd);
    struct ann *an = g_malloc((n ? n : 1) * sizeof *an);
    size_t n_wd = 0, n_an = 0;
    for (i = 0; i < n; i++) {
        struct dest *d = ds[i];
        bool filtered;
        struct aset *want = export(s, p, d, &filtered);
        if (filtered) {
            p->c.routes_rt_filtered++;
            s->c.routes_rt_filtered++;
        }
        struct aset *cur = g_hash_table_lookup(p->adj_out, d);
        if (want == cur) {
            continue;
        }
        if (!want) {
            g_hash_table_remove(p->adj_out, d);
            nvo_mem_count__(&s->mem, nvo_bgp_mt_adj_out,
                            -(int64_t) HASH_ENTRY, 0);
            nvo_bgp_aset_unref__(s, cur);
            d->refs--;
            wd[n_wd++] = (struct ann) { d, NULL };
            /* Held by the withdrawal until sent. */
            d->refs++;
        } else {
            if (!cur) {
                d->refs++;
                nvo_mem_count__(&s->mem, nvo_bgp_mt_adj_out,
                                (int64_t) HASH_ENTRY, 0);
            }
            g_hash_table_insert(p->adj_out, d, nvo_bgp_aset_ref__(want));
            nvo_bgp_aset_unref__(s, cur);
            an[n_an++] = (struct ann) { d, want };
        }
    }
    /* Each pending entry held a reference. */
    for (i = 0; i < n; i++) {
        ds[i]->refs--;
    }
    qsort(an, n_an, sizeof *an, ann_cmp);
    send_groups(p, wd, n_wd, true);
    send_groups(p, an, n_an, false);
    if (n_wd || n_an) {
        p->adv_sent = true;
        p->last_adv = nvo_engine_now(s->e);
    }
    if (p->dump_pending || (p->vpn_eor_pending && p->rtc_eor_in)) {
        /* End-of-RIB per AFI/SAFI; with RT-constrain 1/132 first (afs[0])
         * and the VPN ones once the VPN routes went (after the peer's
         * 1/132 End-of-RIB, RFC 4684 6). */
        bool dump = p->dump_pending;
        p->dump_pending = false;
        for (uint32_t a = 0; a < p->n_afs; a++) {
            bool rtc_af = p->afs[a].afi == NVO_BGP_AFI_IPV4
                          && p->afs[a].safi == NVO_BGP_SAFI_RTC;
            if (p->rtc && !rtc_af && !p->rtc_eor_in) {
                p->vpn_eor_pending = true;
                continue;
            }
            if (rtc_af && !dump) {
                continue;
            }
            uint8_t m[64];
            struct nvo_bgp_buf b = nvo_bgp_buf_init(m, sizeof m);
            size_t len = nvo_bgp_eor_encode(&b, p->afs[a].afi,
                                            p->afs[a].safi);
            nvo_bgp_send_msg__(p, m, len);
            p->c.eor_out++;
            s->c.eor_out++;
        }
        if (p->rtc_eor_in) {
            p->vpn_eor_pending = false;
        }
    }
    for (size_t j = 0; j < n_wd; j++) {
        wd[j].d->refs--;
    }
    for (i = 0; i < n; i++) {
        nvo_bgp_dest_maybe_free__(s, ds[i]);
    }
    g_free(ds);
    g_free(wd);
    g_free(an);
}

/* Flushes 'p''s pending changes after the current event, or at the end of
 * the advertisement interval (RFC 4271 9.2.1.1). */
void
nvo_bgp_schedule_flush__(struct peer *p, bool now)
{
    struct nvo_bgp_speaker *s = p->spk;
    if (p->state != NVO_BGP_ESTABLISHED || nvo_timer_is_armed(&p->t_flush)) {
        return;
    }
    nvo_time_t t = nvo_engine_now(s->e);
    if (!now && s->cfg.mrai && p->adv_sent && t < p->last_adv + s->cfg.mrai) {
        t = p->last_adv + s->cfg.mrai;
    }
    nvo_timer_start_at(&p->t_flush, t);
}

void
nvo_bgp_rib_init__(struct nvo_bgp_speaker *s)
{
    mem_types__();
    s->attrs = g_hash_table_new(aset_hash, aset_equal);
    s->rib = g_hash_table_new(dest_hash, dest_equal);
    nvo_u64map_init(&s->rt_idx);
    nvo_u64map_init(&s->rt_peers);
    s->est_plain = g_ptr_array_new();
    s->est_pfx = g_ptr_array_new();
    s->peers_dirty = true;
    if (s->cfg.is_rr) {
        s->pack_memo = g_new0(struct pack_memo, PACK_MEMO_N);
    }
}

static void
free_dest_cb(gpointer d_, gpointer s_)
{
    struct nvo_bgp_speaker *s = s_;
    struct dest *d = d_;
    for (uint32_t i = 0; i < d->n_paths; i++) {
        nvo_bgp_aset_unref__(s, d->paths[i].a);
        if (s->cfg.is_rr) {
            nvo_bgp_aset_unref__(s, dest_refl(d)[i]);
        }
    }
    nvo_mem_free(&s->mem, nvo_bgp_mt_path, d->paths,
                 d->cap_paths * path_bytes(s->cfg.is_rr));
    nvo_mem_free(&s->mem, nvo_bgp_mt_dest, d,
                 sizeof(struct dest) + d->key.len);
}

void
nvo_bgp_rib_fini__(struct nvo_bgp_speaker *s)
{
    nvo_mem_count__(&s->mem, nvo_bgp_mt_hash,
                    -(int64_t) (g_hash_table_size(s->rib) * HASH_ENTRY), 0);
    GList *ds = g_hash_table_get_keys(s->rib);
    g_hash_table_steal_all(s->rib);
    g_list_foreach(ds, free_dest_cb, s);
    g_list_free(ds);
    g_hash_table_destroy(s->rib);
    uint32_t pos = 0;
    void *v;
    while (nvo_u64map_next(&s->rt_peers, &pos, NULL, &v)) {
        g_ptr_array_unref(v);
    }
    nvo_u64map_fini(&s->rt_peers);
    g_ptr_array_free(s->est_plain, TRUE);
    g_ptr_array_free(s->est_pfx, TRUE);
    g_hash_table_destroy(s->attrs);
    for (int i = 0; s->pack_memo && i < PACK_MEMO_N; i++) {
        nvo_bgp_msgs_free(&s->pack_memo[i].m);
        if (s->pack_memo[i].nlri) {
            g_byte_array_free(s->pack_memo[i].nlri, TRUE);
        }
    }
    g_free(s->pack_memo);
    pos = 0;
    while (nvo_u64map_next(&s->rt_idx, &pos, NULL, &v)) {
        nvo_mem_count__(&s->mem, nvo_bgp_mt_hash,
                        -(int64_t) (HASH_ENTRY + sizeof(gint64)
                                    + sizeof(GPtrArray)
                                    + ((GPtrArray *) v)->len
                                      * sizeof(void *)), 0);
        g_ptr_array_unref(v);
    }
    nvo_u64map_fini(&s->rt_idx);
}
