/* Sv39 page tables: the kernel's address space.
 *
 * The kernel is identity mapped (virtual = physical) with the G bit and
 * without the U bit: text R+X, rodata R, data and bss R+W, the rest of
 * RAM R+W (2 MiB leaves where aligned), devices R+W. Nothing is both
 * writable and executable.
 */
#include <kernel/vm.h>
#include <kernel/cpu.h>
#include <kernel/fdt.h>
#include <kernel/param.h>
#include <kernel/riscv.h>
#include <kernel/printf.h>
#include <kernel/page.h>
#include <kernel/tag.h>
#include <uapi/layout.h>
#include <lib/string.h>
#include <uapi/errno.h>

pagetable_t kernel_pagetable;

/* A zeroed page-table page owned by owner (charged to PGTB), or NULL. */
static pagetable_t vm_table_alloc(pid_t owner)
{
	pagetable_t pt = page_alloc(0, owner, TAG_PGTB);
	if (pt)
		memset(pt, 0, PAGE_SIZE);
	return pt;
}

/* Walk to the PTE for va at level 'want' (0 = 4 KiB leaf, 1 = 2 MiB),
 * creating missing tables for owner when owner >= 0. NULL if absent or
 * out of memory, or if a larger leaf is in the way. */
static pte_t *walk(pagetable_t root, uintptr_t va, int want, pid_t owner)
{
	pagetable_t pt = root;
	for (int level = 2; level > want; level--) {
		pte_t *pte = &pt[VPN(va, level)];
		if (*pte & PTE_V) {
			if (*pte & (PTE_R | PTE_W | PTE_X))
				return NULL;          /* a leaf: no table below */
			pt = (pagetable_t)PTE_PA(*pte);
			continue;
		}
		if (owner < 0)
			return NULL;
		pagetable_t next = vm_table_alloc(owner);
		if (!next)
			return NULL;
		*pte = PA_PTE(next) | PTE_V;
		pt = next;
	}
	return &pt[VPN(va, want)];
}

pte_t *vm_lookup(pagetable_t root, uintptr_t va)
{
	if (va >= SV39_TOP)
		return NULL;
	pagetable_t pt = root;
	for (int level = 2; level >= 0; level--) {
		pte_t *pte = &pt[VPN(va, level)];
		if (!(*pte & PTE_V))
			return NULL;
		if (*pte & (PTE_R | PTE_W | PTE_X))
			return pte;
		pt = (pagetable_t)PTE_PA(*pte);
	}
	return NULL;
}

/* The kernel's map is made before the other harts start and never
 * changes after: so no hart can hold a stale kernel entry, and no remote
 * fence is ever needed for it (docs/smp.md, "TLB"). A change once they
 * run would need one on every hart: refuse it loudly. */
static void kernel_map_fixed(pagetable_t root)
{
	if (root == kernel_pagetable && ncpu_online > 1)
		panic("vm: the kernel map changed with %d harts running (no remote "
		      "fence is done for it)", ncpu_online);
}

int vm_map(pagetable_t root, uintptr_t va, uintptr_t pa, size_t size,
	   uint64_t perm, pid_t owner, bool huge)
{
	kernel_map_fixed(root);
	if ((perm & PTE_W) && (perm & PTE_X))
		return -EINVAL;
	if ((va | pa | size) & (PAGE_SIZE - 1) || va + size > SV39_TOP || va + size < va)
		return -EINVAL;
	/* accessed/dirty preset: no A/D update faults on any implementation */
	uint64_t bits = perm | PTE_V | PTE_A | ((perm & PTE_W) ? PTE_D : 0);
	uintptr_t end = va + size;
	while (va < end) {
		bool mega = huge && !(va & (MEGAPAGE - 1)) && !(pa & (MEGAPAGE - 1)) &&
			    end - va >= MEGAPAGE;
		pte_t *pte = walk(root, va, mega ? 1 : 0, owner);
		if (!pte)
			return -ENOMEM;
		if (*pte & PTE_V)
			return -EEXIST;
		*pte = PA_PTE(pa) | bits;
		va += mega ? MEGAPAGE : PAGE_SIZE;
		pa += mega ? MEGAPAGE : PAGE_SIZE;
	}
	return 0;
}

/* Map a device's registers, if the device tree named one. */
static void map_device(const char *what, const struct mem_range *r)
{
	if (r->base == 0)
		return;
	uintptr_t base = ALIGN_DOWN(r->base, PAGE_SIZE);
	size_t size = ALIGN_UP(r->base + MAX(r->size, 1UL), PAGE_SIZE) - base;
	if (vm_map(kernel_pagetable, base, base, size, PTE_R | PTE_W | PTE_G, 0, true) < 0)
		panic("vm_init: cannot map %s at %p", what, (void *)base);
}

/* Map one part of the kernel image or RAM, or panic: boot cannot go on. */
static void map_kernel(uintptr_t start, uintptr_t end, uint64_t perm)
{
	start = ALIGN_DOWN(start, PAGE_SIZE);
	end = ALIGN_UP(end, PAGE_SIZE);
	if (end > start &&
	    vm_map(kernel_pagetable, start, start, end - start, perm | PTE_G, 0, true) < 0)
		panic("vm_init: cannot map %p-%p", (void *)start, (void *)end);
}

void vm_init(void)
{
	kernel_pagetable = vm_table_alloc(0);
	if (!kernel_pagetable)
		panic("vm_init: no page for the root table");

	uintptr_t ram_end = platform.mem.base + platform.mem.size;
	map_kernel((uintptr_t)__text_start, (uintptr_t)__text_end, PTE_R | PTE_X);
	map_kernel((uintptr_t)__rodata_start, (uintptr_t)__rodata_end, PTE_R);
	map_kernel((uintptr_t)__data_start, (uintptr_t)__kernel_end, PTE_R | PTE_W);
	map_kernel((uintptr_t)__kernel_end, ram_end, PTE_R | PTE_W);
	map_device("uart", &platform.uart);
	map_device("plic", &platform.plic);
	map_device("test device", &platform.test);
	map_device("htif", &platform.htif);

	/* user space owns root slot USER_ROOT_SLOT in every address space */
	if (kernel_pagetable[USER_ROOT_SLOT] & PTE_V)
		panic("vm_init: a kernel mapping lies in the user window");
}

/* Clear the leaf mapping of va; returns the page it mapped, or 0. Tables
 * stay (they are reclaimed with their owner). */
uintptr_t vm_unmap(pagetable_t root, uintptr_t va)
{
	kernel_map_fixed(root);
	pte_t *pte = walk(root, va, 0, -1);
	if (!pte || !(*pte & PTE_V))
		return 0;
	uintptr_t pa = PTE_PA(*pte);
	*pte = 0;
	return pa;
}

void vm_enable(void)
{
	sfence_vma();
	csr_write(satp, MAKE_SATP(kernel_pagetable));
	sfence_vma();
}
