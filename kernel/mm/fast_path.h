/* What the allocators' fast paths (heap_cache.c: kmalloc, kfree;
 * page_cache.c: one-page page_alloc, page_free) share, private to
 * kernel/mm.
 *
 * The fast paths are leaves with no frame: nothing in them calls (every
 * other case is a tail call to a slow path), so a frame pointer would
 * only cost its save and restore, and they read the caller's address
 * for the slow path's reports straight from ra (__builtin_return_address
 * makes GCC save ra on the stack). A fault in one still unwinds from
 * its caller's frame. GCC documents optimize() as not meant for
 * production code; it is used on these entry points only. Host builds
 * (clang's fuzzer has no optimize attribute) keep the portable ways.
 */
#ifndef RVOS_KERNEL_MM_FAST_PATH_H
#define RVOS_KERNEL_MM_FAST_PATH_H

#include <kernel/types.h>

#if defined(__riscv) && !defined(__clang__)
#define MM_FAST_PATH __attribute__((optimize("omit-frame-pointer")))

/* The fast path's caller: ra, which a leaf never changes. */
static inline uintptr_t mm_caller(void)
{
	uintptr_t ra;

	__asm__("mv %0, ra" : "=r"(ra));
	return ra;
}
#else
#define MM_FAST_PATH
#define mm_caller() ((uintptr_t)__builtin_return_address(0))
#endif

#endif
