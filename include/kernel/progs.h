/* The user programs linked into the kernel image, found by name.
 *
 * The archive (format in <uapi/progs.h>, docs/programs.md) is embedded
 * by kernel/proc/progs_blob.S between progs_start and progs_end.
 * progs_init() validates it once at boot; after that it is read-only, so
 * the lookups below take no lock.
 */
#ifndef RVOS_KERNEL_PROGS_H
#define RVOS_KERNEL_PROGS_H

#include <kernel/types.h>
#include <uapi/progs.h>

extern const char progs_start[], progs_end[];

/* Validate the archive at ar (len bytes) and use it for the lookups
 * below. Returns 0, or -ENOEXEC and leaves no archive in use. Called
 * once at boot, before any lookup: progs_init(progs_start,
 * progs_end - progs_start). */
int progs_init(const void *ar, size_t len);

/* Find the program called name: its ELF image and length (not yet
 * checked: pass them to elf_check). Returns 0, or -ENOENT. */
int progs_find(const char *name, const void **img, size_t *len);

/* Number of programs; their names are progs_name(0..count-1). */
int progs_count(void);

/* Name of program i, or NULL when i is out of range. */
const char *progs_name(int i);

#endif
