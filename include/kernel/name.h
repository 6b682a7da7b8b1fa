/* The one rule for names the kernel is handed: program names in the
 * archive (kernel/proc/progs.c) and service names (kernel/ipc/svc_registry.c).
 * Inline so that host tests of either need no other file.
 */
#ifndef RVOS_KERNEL_NAME_H
#define RVOS_KERNEL_NAME_H

#include <kernel/types.h>

/* Is s a name for a buffer of size bytes: 1..size-1 printable, non-space
 * characters ('!'..'~') and then a NUL? Reads at most size bytes. */
static inline bool name_valid(const char *s, size_t size)
{
	size_t n = 0;

	for (; n < size && s[n]; n++)
		if (s[n] <= ' ' || s[n] > '~')
			return false;
	return n > 0 && n < size;
}

#endif
