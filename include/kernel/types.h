/* Basic kernel types: lib/'s shared ones, and the kernel's own. */
#ifndef RVOS_KERNEL_TYPES_H
#define RVOS_KERNEL_TYPES_H

#include <lib/types.h>

typedef uintptr_t paddr_t;   /* physical address */
typedef uintptr_t vaddr_t;   /* virtual address */
typedef int32_t   pid_t;     /* process id; 0 is the kernel */

#endif
