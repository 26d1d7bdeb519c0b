/* vm_index.h: a hypervisor PE's index of its local VMs by (tenant, MAC),
 * so that a unicast frame from the overlay finds its VM in O(1) instead
 * of a scan of the tenant's VMs.
 *
 * An open-addressing hash table (linear probing, at most half full,
 * doubled when it would be more) of 16-byte slots: the MAC (48 bits), the
 * PE's tenant number and the VM's number in that tenant; removal by
 * backward shift (no tombstones), for a VM that leaves.  Its memory is counted in an account
 * (core/mem.h) as type "pe-vm-index". */
#ifndef NVO_VM_INDEX_H
#define NVO_VM_INDEX_H

#include <stdint.h>

#include "core/mem.h"

struct nvo_vm_index_slot {
    uint64_t mac;               /* UINT64_MAX: empty */
    uint32_t tenant, vm;
};

struct nvo_vm_index {
    struct nvo_vm_index_slot *slots;
    uint32_t n, cap;            /* entries; slots (0 or a power of 2) */
    struct nvo_mem_acct *acct;  /* may be NULL */
};

/* An empty index counted in 'acct' (NULL: not counted). */
void nvo_vm_index_init(struct nvo_vm_index *, struct nvo_mem_acct *acct);
void nvo_vm_index_fini(struct nvo_vm_index *);

/* Adds (tenant, mac) -> vm.  Returns 0, EEXIST (the pair is there: *vm
 * untouched in the index) or ENOMEM (a table over 2^31 slots). */
int nvo_vm_index_add(struct nvo_vm_index *, uint32_t tenant, uint64_t mac,
                     uint32_t vm);

/* Removes (tenant, mac) (for a VM that leaves the PE).  Returns 0 or
 * ENOENT.  The table does not shrink. */
int nvo_vm_index_remove(struct nvo_vm_index *, uint32_t tenant, uint64_t mac);

/* The VM of (tenant, mac), or -1. */
int64_t nvo_vm_index_find(const struct nvo_vm_index *, uint32_t tenant,
                          uint64_t mac);

#endif
