/* Sv39 page tables. */
#ifndef RVOS_KERNEL_VM_H
#define RVOS_KERNEL_VM_H

#include <kernel/types.h>
#include <kernel/param.h>

typedef uint64_t pte_t;
typedef pte_t *pagetable_t;        /* PT_ENTRIES PTEs, one page */

#define PT_INDEX_BITS    9                          /* VPN bits per level */
#define PT_ENTRIES       (1 << PT_INDEX_BITS)       /* PTEs in a table: 512 */
_Static_assert(PT_ENTRIES * sizeof(pte_t) == PAGE_SIZE, "a page table is one page");

#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)

#define PTE_PA(pte)      (((pte) >> 10) << 12)
#define PA_PTE(pa)       (((uintptr_t)(pa) >> 12) << 10)
#define VPN(va, level)   (((va) >> (PAGE_SHIFT + PT_INDEX_BITS * (level))) & (PT_ENTRIES - 1))
#define MEGAPAGE         (1UL << 21)
#define SV39_TOP         (1UL << 38)   /* lower half: [0, SV39_TOP) */

extern pagetable_t kernel_pagetable;

/* Build the kernel's page table (boot hart) and turn paging on (each hart). */
void vm_init(void);
void vm_enable(void);

/* Map [va, va+size) to [pa, ...) with perm (PTE_R/W/X/U/G); 2 MiB leaves
 * where alignment allows and 'huge' is set. Missing tables are allocated
 * for owner (page tracker PID, tag PGTB). Returns 0, -ENOMEM, -EINVAL
 * (W+X or misaligned) or -EEXIST (already mapped). */
int vm_map(pagetable_t root, uintptr_t va, uintptr_t pa, size_t size,
	   uint64_t perm, pid_t owner, bool huge);

/* Remove the 4 KiB mapping of va; returns the physical page, or 0. */
uintptr_t vm_unmap(pagetable_t root, uintptr_t va);

/* Root-table slot that is user space in every address space. */
#define USER_ROOT_SLOT 1

/* The leaf PTE mapping va, or NULL. */
pte_t *vm_lookup(pagetable_t root, uintptr_t va);

/* Kernel image layout, from linker.ld. */
extern char __kernel_start[], __text_start[], __text_end[];
extern char __rodata_start[], __rodata_end[], __data_start[], __kernel_end[];

#endif
