/* Kernel command line (/chosen bootargs, QEMU -append). */
#ifndef RVOS_KERNEL_BOOTARGS_H
#define RVOS_KERNEL_BOOTARGS_H

#include <kernel/types.h>

/* Words are separated by any white space (space, tab, newline, CR). */
static inline bool bootargs_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Is the word key present, as "key" or "key=value"? If so and val is
 * not NULL, copy the value ("" for a bare key) into val[0..n). */
bool bootarg(const char *key, char *val, size_t n);

#endif
