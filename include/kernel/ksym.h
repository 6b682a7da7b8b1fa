/* Kernel symbol lookup, for backtraces and misuse reports. */
#ifndef RVOS_KERNEL_KSYM_H
#define RVOS_KERNEL_KSYM_H

#include <kernel/types.h>

/* Name of the function containing addr and the offset into it, or NULL
 * when addr is not in kernel text. */
const char *ksym_lookup(uintptr_t addr, uintptr_t *offset);

#endif
