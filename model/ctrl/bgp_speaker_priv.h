/* bgp_speaker_priv.h: what the two files of the BGP speaker share
 * (ctrl/bgp_speaker.c: sessions, FSM, messages; ctrl/bgp_rib.c: RIBs,
 * decision, advertisement): its structures and internal helpers.  Not for
 * other modules: use ctrl/bgp_speaker.h. */
#ifndef NVO_CTRL_BGP_SPEAKER_PRIV_H
#define NVO_CTRL_BGP_SPEAKER_PRIV_H

#include "core/engine.h"
#include "core/mem.h"
#include "core/u64map.h"
#include "ctrl/bgp_speaker.h"
#include "wire/bgp_pack.h"

#define MAX_AFS 4

/* Bytes counted per entry of a GHashTable: key, value and hash arrays
 * (glib keeps them as three arrays; its spare capacity is not counted). */
#define HASH_ENTRY (2 * sizeof(void *) + sizeof(guint))

/* Memory types (registered by nvo_bgp_rib_init__). */
extern nvo_mem_type nvo_bgp_mt_dest, nvo_bgp_mt_path, nvo_bgp_mt_attrs;
extern nvo_mem_type nvo_bgp_mt_adj_out, nvo_bgp_mt_hash;

/* The attributes (without MP_REACH / MP_UNREACH) encoded as in an
 * UPDATE's path attributes field (nvo_bgp_attrs_encode: no header, no
 * length fields), and the MP_REACH next hop.  Only what the decision
 * process and the route-target filters read is kept decoded (the rest of
 * a 384-byte struct nvo_bgp_attrs per set was most of a PE's memory);
 * nvo_bgp_aset_attrs__() decodes the whole set when it is needed (a best
 * path handed to its owner, a reflected copy, an UPDATE to pack). */
struct aset {
    uint32_t refs;
    uint32_t id;                /* in order of interning: for sorting */
    guint hash;
    uint32_t size;              /* of this allocation */
    uint32_t present;           /* struct nvo_bgp_attrs.present */
    uint32_t local_pref, med, originator_id;
    uint16_t as_path_hops;      /* nvo_bgp_as_path_length() */
    uint16_t n_clusters;
    uint16_t ec_off;            /* the extended communities in msg[] */
    uint16_t n_ext_comm;
    uint8_t origin;
    uint8_t nh_len;             /* the next hop's bytes follow msg's */
    uint16_t msg_len;
    uint8_t msg[];
};

static inline const uint8_t *
aset_nh(const struct aset *a)
{
    return a->msg + a->msg_len;
}

/* The set's attributes decoded into 'out' (its pointers into a->msg,
 * valid while the set lives), the MP next hop set. */
void nvo_bgp_aset_attrs__(const struct aset *a, struct nvo_bgp_attrs *out);

/* Key: AFI 2 | SAFI 1 | NLRI. */
struct rkey {
    uint16_t len;               /* of k[] */
    uint8_t k[];
};

struct path {
    int32_t peer;               /* index in spk->peers, -1: originated */
    struct aset *a;
};

/* At a reflector the allocation of a dest's paths holds, after its
 * cap_paths paths, as many struct aset *: each path's set as reflected
 * (made on first use), so that a PE's paths (two per route with two
 * reflectors) are 16 bytes, not 24. */
static inline size_t
path_bytes(bool is_rr)
{
    return sizeof(struct path) + (is_rr ? sizeof(struct aset *) : 0);
}

struct dest {
    uint32_t n_paths, cap_paths;
    struct path *paths;         /* and at a reflector the reflected sets */
    int32_t best;               /* index in paths, -1 */
    uint32_t refs;              /* Adj-RIB-Out and pending entries */
    guint hash;
    struct rkey key;            /* last: its bytes follow */
};

/* ---- Peers and the speaker ---------------------------------------------- */

struct rxmsg;

struct peer {
    /* First, in one cache line: what marking a change for the peer reads
     * (mark_pending, visit_vpn, may_send; a reflector visits thousands of
     * peers whose structs are not in the cache). */
    uint64_t stamp;             /* bgp_rib.c: visited in this marking */
    uint32_t index;             /* in spk->peers */
    enum nvo_bgp_state state;
    bool rr_client;
    /* RT-constrain (RFC 4684), when the session negotiated MP 1/132. */
    bool rtc;
    bool rtc_eor_in;            /* the peer's 1/132 End-of-RIB arrived */
    bool vpn_eor_pending;       /* our VPN End-of-RIBs wait for it */
    uint32_t n_afs;
    struct nvo_bgp_afi_safi afs[MAX_AFS];   /* negotiated */
    GHashTable *adj_out;        /* dest* -> aset* */
    GHashTable *pending;        /* dest* set */
    struct nvo_u64map rt_in;    /* RT -> count of the peer's membership
                                 * paths of length 96 (GUINT_TO_POINTER) */
    struct nvo_bgp_speaker *spk;
    uint32_t node;              /* remote node index */
    uint32_t addr;              /* its loopback */
    bool active;                /* this end connects */
    struct nvo_tcp_conn *conn;
    uint32_t gen;               /* session generation (stale rx messages) */
    GByteArray *rx;             /* framing */
    GByteArray *outq;           /* bytes TCP's send buffer did not take */
    size_t outq_head;           /* of outq: bytes already handed to TCP */
    struct nvo_timer t_hold, t_keepalive, t_retry, t_flush;
    nvo_time_t hold, keepalive; /* negotiated */
    uint32_t bgp_id;            /* the peer's, from its OPEN */
    bool ext_msg;               /* both advertised capability 6 */
    size_t max_len;
    bool dump_pending;          /* End-of-RIB after the next flush */
    bool adv_sent;
    nvo_time_t last_adv;
    uint32_t adj_in;            /* paths from this peer */
    struct nvo_bgp_counters c;
    GArray *rt_pfx;             /* struct rt_pfx: its other lengths */
    uint32_t vb_from[2];        /* VPN dests (EVPN, VPLS) whose best path
                                 * is this peer's (bgp_rib.c) */
};

/* A membership path of a length other than 96 from a peer. */
struct rt_pfx {
    uint8_t plen;
    uint8_t rt[8];
    uint32_t refs;
};

struct rxmsg {
    struct peer *p;
    uint32_t gen;
    nvo_time_t done;
    size_t len;
    uint8_t data[];
};

/* A packing's inputs and its messages (bgp_rib.c, send_packed), kept in
 * PACK_MEMO_N slots by the set's id (withdrawals in slot 0). */
#define PACK_MEMO_N 8192
struct pack_memo {
    bool valid, withdraw;
    uint32_t aset_id;           /* the set's (never reused) */
    size_t max_len;
    GByteArray *nlri;           /* AFI, SAFI, then each key's size (2
                                 * bytes) and NLRI */
    struct nvo_bgp_msgs m;
};

struct nvo_bgp_speaker {
    struct nvo_bgp_speaker_cfg cfg;
    struct nvo_tcp_stack *stack;
    struct nvo_node *node;
    struct nvo_net *net;
    struct nvo_engine *e;
    struct nvo_mem_acct mem;
    GPtrArray *peers;           /* struct peer * */
    GHashTable *attrs;          /* interned aset* set */
    uint32_t next_aset_id;
    GHashTable *rib;            /* dest* set */
    uint32_t loc_rib;           /* dests with a best path */
    uint32_t loc_rib_af[3];     /* ... of EVPN, VPLS, RT membership
                                 * (nvo_bgp_af_slot__) */
    struct nvo_bgp_counters c;
    nvo_time_t last_change;
    nvo_bgp_best_fn *best_cb;
    void *best_ctx;
    nvo_bgp_msg_fn *obs;
    void *obs_ctx;
    GArray *import_rts;         /* uint64_t: the RTs imported, in order */
    struct nvo_u64map rt_idx;   /* RT-constrain index: RT -> GPtrArray of
                                 * the VPN dests whose best path carries
                                 * it (bgp_rib.c) */
    bool rtc_default;           /* originating the default RT membership */
    /* RT-constrain peer index (bgp_rib.c), so that a VPN best-path
     * change visits only the peers that want or hold it: */
    struct nvo_u64map rt_peers; /* RT -> GPtrArray of the peers with a
                                 * length-96 membership */
    uint32_t vb_own[2], vb_client[2], vb_nonclient[2];
                                /* VPN dests by their best path's source:
                                 * ours, a client's, a non-client's */
    bool peers_dirty;           /* a session's state, RT-constrain, 1/132
                                 * End-of-RIB or non-96 membership
                                 * changed: rebuild the sets below */
    GPtrArray *est_plain;       /* Established peers without RT-constrain */
    GPtrArray *est_pfx;         /* ... with it and a non-96 membership */
    uint32_t ready[2][2];       /* Established RT-constrain peers past
                                 * their 1/132 End-of-RIB, per VPN AFI/
                                 * SAFI negotiated, non-clients [0] and
                                 * clients [1] */
    uint64_t stamp;
    /* The last nvo_bgp_pack()s of send_packed (bgp_rib.c), kept for the
     * next peer that sends the same routes with the same set and message
     * size (a reflector sends a client's route to each PE of its VNIs in
     * turn): their inputs and their messages.  Not at a PE: 16 slots of
     * kept messages at each of 10,000 PEs were 53 MiB. */
    struct pack_memo *pack_memo;   /* PACK_MEMO_N, by set id; reflectors
                                    * only (a PE packs little) */
    GQueue rxq;                 /* struct rxmsg *, processing order */
    nvo_time_t busy_until;
    struct nvo_timer t_proc;
};

/* The reflected sets of a dest's paths (a reflector's only). */
static inline struct aset **
dest_refl(const struct dest *d)
{
    return (struct aset **) (void *) (d->paths + d->cap_paths);
}

static inline uint32_t
cluster_id(const struct nvo_bgp_speaker *s)
{
    return s->cfg.cluster_id ? s->cfg.cluster_id : s->cfg.router_id;
}

/* ---- bgp_rib.c ---------------------------------------------------------- */

/* The speaker's RIB tables (and the memory types); freeing them. */
void nvo_bgp_rib_init__(struct nvo_bgp_speaker *);
void nvo_bgp_rib_fini__(struct nvo_bgp_speaker *);
/* Interns an attribute set (MP attributes dropped, the next hop kept):
 * a referenced set, or NULL if it cannot be encoded. */
struct aset *nvo_bgp_aset_intern__(struct nvo_bgp_speaker *,
                                   const struct nvo_bgp_attrs *);
struct aset *nvo_bgp_aset_ref__(struct aset *);
void nvo_bgp_aset_unref__(struct nvo_bgp_speaker *, struct aset *);
/* The destination of (AFI, SAFI, NLRI), created if 'create' (else NULL
 * if none); freed by dest_maybe_free once it has no path and no
 * reference (Adj-RIB-Out, pending). */
struct dest *nvo_bgp_dest_get__(struct nvo_bgp_speaker *, uint16_t afi,
                                uint8_t safi,
                      const uint8_t *nlri, size_t len, bool create);
void nvo_bgp_dest_maybe_free__(struct nvo_bgp_speaker *, struct dest *);
uint16_t nvo_bgp_dest_afi__(const struct dest *);
uint8_t nvo_bgp_dest_safi__(const struct dest *);
/* qsort order of struct dest * by key. */
int nvo_bgp_dest_cmp__(const void *, const void *);
/* Sets the path from 'peer' (-1: own) to 'a' (its reference taken over),
 * removes it; both run the decision and queue the advertisements. */
void nvo_bgp_rib_set_path__(struct nvo_bgp_speaker *, struct dest *,
                            int32_t peer,
                  struct aset *a);
void nvo_bgp_rib_remove_path__(struct nvo_bgp_speaker *, struct dest *,
                               int32_t peer);
/* The path's ORIGINATOR_ID, else its peer's BGP identifier, else ours. */
uint32_t nvo_bgp_path_originator__(const struct nvo_bgp_speaker *,
                                   const struct path *);
/* The peer's flush timer callback; scheduling it (now: after the current
 * event whatever the MRAI). */
void nvo_bgp_flush__(void *peer);
void nvo_bgp_schedule_flush__(struct peer *, bool now);

/* The Loc-RIB count slot of an AFI/SAFI (s->loc_rib_af): 0 EVPN, 1 VPLS,
 * 2 RT membership, -1 any other (received routes are only of those
 * three: nlri_next splits no other). */
int nvo_bgp_af_slot__(uint16_t afi, uint8_t safi);

/* RT-constrain: true for a membership dest (AFI 1, SAFI 132), a VPN dest
 * (AFI 25: EVPN, VPLS). */
bool nvo_bgp_dest_is_rtc__(const struct dest *);
bool nvo_bgp_dest_is_vpn__(const struct dest *);
/* The peer's 1/132 End-of-RIB arrived: its VPN routes may go. */
void nvo_bgp_rtc_eor_in__(struct peer *);
/* A reflector with RT-constrain originates the default RT membership
 * (length 0) while it has an Established peer without it. */
void nvo_bgp_rtc_default_check__(struct nvo_bgp_speaker *);
/* Frees the peer's membership tables' entries (session loss). */
void nvo_bgp_rtc_peer_clear__(struct peer *);

/* ---- bgp_speaker.c ------------------------------------------------------ */

/* Sends one whole message to the peer (counters, observer, timers). */
void nvo_bgp_send_msg__(struct peer *, const uint8_t *msg, size_t len);

#endif /* NVO_CTRL_BGP_SPEAKER_PRIV_H */
