/* Allocation tags: the names shared by the kernel and user space.
 *
 * A tag is four printable ASCII characters naming what a heap block or a
 * physical page is for ("IPC_", "PGTB", ...). Untagged memory is "????".
 *
 * Byte order: as a 32-bit value the FIRST character is the LEAST
 * significant byte (TAG_VALUE('I','P','C','_') == 0x5f435049). Stored
 * little-endian (RISC-V) the bytes therefore sit in memory in reading
 * order, so a tag prints as "IPC_" both from TAG_CHAR(v, 0..3) and from
 * its four bytes in memory, never reversed as "_CPI".
 *
 * TAG_LIST is the one list of the kernel's tags: each entry X(ID, NAME)
 * becomes the compile-time slot TAG_ID (include/kernel/tag.h), in list
 * order. docs/tags.md must describe every NAME here
 * (tools/testing/check_tags.py fails the build otherwise).
 */
#ifndef RVOS_UAPI_TAGS_H
#define RVOS_UAPI_TAGS_H

#define TAG_NAME_LEN 4

#define TAG_VALUE(a, b, c, d)                                          \
	((unsigned int)(unsigned char)(a) |                            \
	 (unsigned int)(unsigned char)(b) << 8 |                       \
	 (unsigned int)(unsigned char)(c) << 16 |                      \
	 (unsigned int)(unsigned char)(d) << 24)

/* Character i (0 = first, as read) of a tag value. */
#define TAG_CHAR(v, i) ((char)(((unsigned int)(v) >> (8 * (i))) & 0xff))

/* Every kernel tag, once. Slot 0 must stay NONE ("????"). */
#define TAG_LIST(X)                                                    \
	X(NONE, "????")  /* untagged allocations */                    \
	X(IPC,  "IPC_")  /* channel queues and messages */             \
	X(HNDL, "HNDL")  /* handle tables */                           \
	X(SCHD, "SCHD")  /* process table and scheduler */             \
	X(PGTB, "PGTB")  /* page-table pages and their bookkeeping */  \
	X(INIT, "INIT")  /* ELF loading buffers */                     \
	X(TRAC, "TRAC")  /* trace snapshots */                         \
	X(KSTK, "KSTK")  /* kernel stacks */                           \
	X(USER, "USER")  /* user pages: text, data, stack, heap */     \
	X(HEAP, "HEAP")  /* pages backing the kernel heap's arenas */  \
	X(SVC,  "SVC_")  /* kernel service state (sysinfo, ...) */     \
	X(TEST, "TEST")  /* self-tests (ktest and host tests) */     \
	X(AUDT, "AUDT")  /* the allocation history (mm_audit) */     \
	X(HIST, "HIST")  /* sysinfo's history ring (mem -H) */

#endif
