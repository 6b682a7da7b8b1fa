/* What the kernel/mm sources the host tests and the fuzzer compile
 * (tools/testing/host/mm.mk's HOST_MM_KSRCS) call outside them: the
 * heap debugging modes' switch and guard pages, and the OOM report, need
 * the kernel's page tables and processes (kernel/mm/mm_debug.c,
 * heap_guard.c, oom.c; the ktests test them). Stand-ins here. */
#include <kernel/heap.h>
#include <kernel/mm_debug.h>
#include <uapi/errno.h>

unsigned mm_debug_flags;
unsigned host_oom_calls;                /* mm_oom calls, for the tests */

/* Heap caches off while any mode is on (mm_debug.c's rule). */
void mm_debug_caches_update(void)
{
	heap_cache_set_depth(mm_debug_flags ? 0 : HEAP_CACHE_DEPTH);
}

void *mm_guard_alloc(size_t size, int tag, struct alloc_site *site)
{
	(void)size, (void)tag, (void)site;
	return NULL;
}
bool mm_guard_owns(const void *p) { (void)p; return false; }
int mm_guard_free(void *p, int want_tag, const char *what, uintptr_t ra)
{
	(void)p, (void)want_tag, (void)what, (void)ra;
	return -EINVAL;
}
int mm_guard_info(const void *p, struct heap_block_info *out)
{
	(void)p, (void)out;
	return -EINVAL;
}
void mm_oom(const char *what, size_t bytes, int tag, uintptr_t ra)
{
	(void)what, (void)bytes, (void)tag, (void)ra;
	host_oom_calls++;
}
