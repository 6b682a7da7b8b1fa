/* User address spaces: creation, mapping, checked copies, the break.
 *
 * A user address space is a root table whose slot USER_ROOT_SLOT (the
 * window [USER_BASE, USER_END)) is the process's own and whose other
 * slots are the kernel's, shared. Every page and table in it is owned by
 * the process in the page tracker, so proc_free reclaims it all.
 *
 * The kernel never dereferences a user pointer: uvm_copyin/copyout walk
 * the process's page table, check the U bit and the permission, and copy
 * through the kernel's identity map. A bad pointer is -EFAULT, never a
 * kernel fault.
 */
#ifndef RVOS_KERNEL_UVM_H
#define RVOS_KERNEL_UVM_H

#include <kernel/types.h>
#include <kernel/vm.h>

/* A new address space for pid: the kernel's mappings, an empty user window. */
pagetable_t uvm_create(pid_t pid);

/* Map npages fresh zeroed pages at va (page aligned, inside the user
 * window) with perm (PTE_R/W/X; U is added). 0 or -ENOMEM/-EINVAL/-EEXIST;
 * on error pages mapped so far stay (they are the owner's, reclaimed with it). */
int uvm_alloc(pagetable_t pt, pid_t pid, uintptr_t va, size_t npages, uint64_t perm);

/* Unmap and free npages pages at va that pid owns. */
void uvm_dealloc(pagetable_t pt, pid_t pid, uintptr_t va, size_t npages);

/* Is [va, va+len) user memory the process may read (write: and write)?
 * 0 or -EFAULT; touches nothing. */
int uvm_check(pagetable_t pt, uintptr_t va, size_t len, bool write);

/* Checked copies between kernel memory and user addresses: 0 or -EFAULT.
 * A copy out (and uvm_fill) is all or nothing: if any byte of the range
 * is not writable user memory, nothing is written. */
int uvm_copyin(pagetable_t pt, void *dst, uintptr_t src, size_t len);
int uvm_copyout(pagetable_t pt, uintptr_t dst, const void *src, size_t len);

/* Copy a NUL-terminated string of at most max bytes (with the NUL);
 * returns its length, -EFAULT, or -E2BIG when no NUL came in time. */
long uvm_copyinstr(pagetable_t pt, char *dst, uintptr_t src, size_t max);

/* Kernel-side write into pages that pid has just mapped (loader): like
 * copyout but ignores the W bit (text is filled before it runs). */
int uvm_fill(pagetable_t pt, uintptr_t dst, const void *src, size_t len);

#endif
