/* User address spaces (see uvm.h). */
#include <kernel/uvm.h>
#include <kernel/page.h>
#include <kernel/tag.h>
#include <lib/string.h>
#include <kernel/riscv.h>
#include <uapi/layout.h>
#include <uapi/errno.h>

pagetable_t uvm_create(pid_t pid)
{
	pagetable_t pt = page_alloc(0, pid, TAG_PGTB);
	if (!pt)
		return NULL;
	/* share the kernel's subtrees; the user window starts empty */
	for (int i = 0; i < PT_ENTRIES; i++)
		pt[i] = i == USER_ROOT_SLOT ? 0 : kernel_pagetable[i];
	return pt;
}

/* Is [va, va+len) inside the user window, without wrapping? */
static bool user_range(uintptr_t va, size_t len)
{
	return va >= USER_BASE && va <= USER_END && len <= USER_END - va;
}

int uvm_alloc(pagetable_t pt, pid_t pid, uintptr_t va, size_t npages, uint64_t perm)
{
	if (va % PAGE_SIZE || !user_range(va, npages * PAGE_SIZE))
		return -EINVAL;
	for (size_t i = 0; i < npages; i++, va += PAGE_SIZE) {
		void *page = page_alloc(0, pid, TAG_USER);
		if (!page)
			return -ENOMEM;
		memset(page, 0, PAGE_SIZE);
		int r = vm_map(pt, va, (uintptr_t)page, PAGE_SIZE, perm | PTE_U, pid, false);
		if (r < 0) {
			page_free(page, pid);
			return r;
		}
	}
	return 0;
}

void uvm_dealloc(pagetable_t pt, pid_t pid, uintptr_t va, size_t npages)
{
	for (size_t i = 0; i < npages; i++, va += PAGE_SIZE) {
		uintptr_t pa = vm_unmap(pt, va);
		if (pa)
			page_free((void *)pa, pid);
	}
	sfence_vma();
}

/* The kernel address of user address va if its page is mapped for user
 * access with all of 'need' (PTE_R / PTE_W), else 0. */
static uintptr_t user_pa(pagetable_t pt, uintptr_t va, uint64_t need)
{
	if (va < USER_BASE || va >= USER_END)
		return 0;
	pte_t *pte = vm_lookup(pt, va);
	if (!pte || (*pte & (PTE_V | PTE_U | need)) != (PTE_V | PTE_U | need))
		return 0;
	return PTE_PA(*pte) + (va % PAGE_SIZE);
}

/* Is every page of [va, va+len) mapped for user access with 'need'?
 * The caller has checked the range with user_range. */
static bool user_pages_ok(pagetable_t pt, uintptr_t va, size_t len, uint64_t need)
{
	for (uintptr_t page = ALIGN_DOWN(va, PAGE_SIZE); page < va + len; page += PAGE_SIZE)
		if (!user_pa(pt, page < va ? va : page, need))
			return false;
	return true;
}

/* Copy len bytes between kernel buf and user va, a page at a time. A copy
 * into user memory that spans pages checks them all first, so a range
 * that is bad anywhere writes nothing (no half-written buffer). */
static int copy_user(pagetable_t pt, uintptr_t va, void *buf, size_t len,
		     uint64_t need, bool to_user)
{
	char *k = buf;
	if (!user_range(va, len))
		return -EFAULT;
	if (to_user && va % PAGE_SIZE + len > PAGE_SIZE && !user_pages_ok(pt, va, len, need))
		return -EFAULT;
	while (len) {
		uintptr_t pa = user_pa(pt, va, need);
		if (!pa)
			return -EFAULT;
		size_t n = MIN(len, PAGE_SIZE - va % PAGE_SIZE);
		if (to_user)
			memcpy((void *)pa, k, n);
		else
			memcpy(k, (void *)pa, n);
		k += n;
		va += n;
		len -= n;
	}
	return 0;
}

int uvm_check(pagetable_t pt, uintptr_t va, size_t len, bool write)
{
	if (!user_range(va, len) || !user_pages_ok(pt, va, len, write ? PTE_W : PTE_R))
		return -EFAULT;
	return 0;
}

int uvm_copyin(pagetable_t pt, void *dst, uintptr_t src, size_t len)
{
	return copy_user(pt, src, dst, len, PTE_R, false);
}

int uvm_copyout(pagetable_t pt, uintptr_t dst, const void *src, size_t len)
{
	return copy_user(pt, dst, (void *)src, len, PTE_W, true);
}

int uvm_fill(pagetable_t pt, uintptr_t dst, const void *src, size_t len)
{
	return copy_user(pt, dst, (void *)src, len, 0, true);
}

long uvm_copyinstr(pagetable_t pt, char *dst, uintptr_t src, size_t max)
{
	for (size_t i = 0; i < max; i++) {
		uintptr_t pa = user_pa(pt, src + i, PTE_R);
		if (!pa)
			return -EFAULT;
		dst[i] = *(const char *)pa;
		if (dst[i] == '\0')
			return (long)i;
	}
	return -E2BIG;
}
