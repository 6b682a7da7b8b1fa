/* Kernel command line (/chosen bootargs, QEMU -append). */
#ifndef RVOS_KERNEL_BOOTARGS_H
#define RVOS_KERNEL_BOOTARGS_H

#include <kernel/types.h>

/* Is the word key present, as "key" or "key=value"? If so and val is
 * not NULL, copy the value ("" for a bare key) into val[0..n). */
bool bootarg(const char *key, char *val, size_t n);

#endif
