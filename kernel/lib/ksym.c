/* Kernel symbol table lookup.
 *
 * The table is generated from the linked kernel by tools/ksyms.py
 * (addresses sorted, names in one string block) and linked in a second
 * pass; see the Makefile. Binary search: O(log n).
 */
#include <kernel/ksym.h>

struct ksym {
	uint64_t addr;
	uint32_t name;     /* offset into ksym_strings */
	uint32_t pad;
};

extern const uint64_t ksym_count;
extern const struct ksym ksym_table[];
extern const char ksym_strings[];
extern char __text_start[], __text_end[];

const char *ksym_lookup(uintptr_t addr, uintptr_t *offset)
{
	*offset = 0;
	if (ksym_count == 0 || addr < (uintptr_t)__text_start ||
	    addr >= (uintptr_t)__text_end)
		return NULL;
	uint64_t lo = 0, hi = ksym_count;
	while (hi - lo > 1) {   /* largest entry with addr <= the address */
		uint64_t mid = (lo + hi) / 2;
		if (ksym_table[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (ksym_table[lo].addr > addr)
		return NULL;
	*offset = addr - ksym_table[lo].addr;
	return ksym_strings + ksym_table[lo].name;
}
