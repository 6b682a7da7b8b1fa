/* The program archive: user programs packed into the kernel image.
 *
 * Written by tools/mkprogs on the build host, read by kernel/proc/progs.c;
 * a program's name here is the name user space passes to spawn().
 * docs/programs.md describes the format. All fields little endian.
 *
 *   offset 0   struct progs_header      (24 bytes)
 *   offset 24  struct progs_entry[count] (32 bytes each)
 *   then       program images, each starting at a multiple of 8,
 *              zero padding between them
 */
#ifndef RVOS_UAPI_PROGS_H
#define RVOS_UAPI_PROGS_H

#include <stdint.h>

#define PROGS_MAGIC      "RVPROGS"  /* 7 characters and a NUL: 8 bytes */
#define PROGS_VERSION    1
#define PROGS_ALIGN      8          /* image offsets are multiples of this */
#define PROGS_MAX        64         /* most programs an archive may hold */
#define PROG_NAME_MAX    15         /* longest program name, NUL not counted */

struct progs_header {
	char     magic[8];       /* PROGS_MAGIC with its NUL */
	uint32_t version;        /* PROGS_VERSION */
	uint32_t count;          /* directory entries, at most PROGS_MAX */
	uint64_t size;           /* archive bytes, header included */
};

struct progs_entry {
	char     name[PROG_NAME_MAX + 1];  /* NUL-terminated, printable ASCII */
	uint64_t offset;                   /* from archive start, PROGS_ALIGN-aligned */
	uint64_t size;                     /* image bytes */
};

_Static_assert(sizeof(struct progs_header) == 24, "progs_header layout");
_Static_assert(sizeof(struct progs_entry) == 32, "progs_entry layout");

#endif
