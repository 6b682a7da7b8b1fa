/* Tests of the kernel page table's permissions: they must trap. */
#include "ktest.h"
#include <kernel/vm.h>
#include <kernel/trap.h>
#include <kernel/riscv.h>

static uint64_t data_word = 0x00008067;   /* "ret": harmless if it ran */

KTEST(vm_text_not_writable)
{
	uintptr_t text = (uintptr_t)__text_start + 64;
	uint64_t before = *(volatile uint64_t *)text;
	KT_EQ(probe_write(text, before), EXC_STORE_PAGE_FAULT);
	KT_EQ(*(volatile uint64_t *)text, before);
}

KTEST(vm_rodata_not_writable)
{
	KT_EQ(probe_write((uintptr_t)__rodata_start, 0), EXC_STORE_PAGE_FAULT);
}

KTEST(vm_data_not_executable)
{
	KT_EQ(probe_exec((uintptr_t)&data_word), EXC_INST_PAGE_FAULT);
}

KTEST(vm_data_writable_and_readable)
{
	KT_EQ(probe_write((uintptr_t)&data_word, 0x00008067), 0);
	KT_EQ(probe_read((uintptr_t)&data_word), 0);
}

KTEST(vm_firmware_unmapped)
{
	/* OpenSBI's region below the kernel is not mapped at all */
	KT_EQ(probe_read((uintptr_t)__kernel_start - PAGE_SIZE), EXC_LOAD_PAGE_FAULT);
}

KTEST(vm_no_writable_executable_leaf)
{
	/* walk the kernel's mappings of its own image: never W and X */
	for (uintptr_t va = (uintptr_t)__kernel_start; va < (uintptr_t)__kernel_end;
	     va += PAGE_SIZE) {
		pte_t *pte = vm_lookup(kernel_pagetable, va);
		KT_ASSERT(pte != NULL);
		KT_ASSERT(!((*pte & PTE_W) && (*pte & PTE_X)));
		KT_ASSERT(!(*pte & PTE_U));
	}
}
