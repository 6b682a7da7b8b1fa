/* clash MODE: the stack cannot clash with the heap (docs/processes.md,
 * "Stack clash"). The heap is grown as far as sbrk allows, then a
 * function with a large frame, called near the bottom of the stack,
 * stores into the lowest byte of its frame. That store must land in the
 * unmapped gap under the stack and kill the program with a page fault;
 * it must never reach the heap.
 *
 *   frame    one 24 KiB frame, written at its lowest byte
 *   chain    a 30 KiB frame (left untouched) calling a 30 KiB leaf that
 *            writes its lowest byte: the worst case the build allows
 *            (user/user.mk refuses frames over USER_FRAME_MAX)
 *
 * If the store is not stopped the program says where it wrote, whether
 * that was heap, and "clash: MODE was not stopped" (the scenario forbids it).
 */
#include <rvos.h>

/* Grow the heap until sbrk refuses even one page; returns the break. */
static uintptr_t heap_fill(void)
{
	long chunk = 64L << 20;
	while (chunk >= (long)USER_PAGE_SIZE) {
		if (sbrk(chunk) < 0)
			chunk /= 2;
	}
	return (uintptr_t)sbrk(0);
}

/* A leaf with a 24 KiB frame: store into its lowest byte, return where. */
static __attribute__((noinline)) uintptr_t frame_24k(void)
{
	volatile char buf[24 * 1024];
	buf[0] = 'x';
	return (uintptr_t)&buf[0];
}

/* A leaf with a 30 KiB frame: store into its lowest byte, return where. */
static __attribute__((noinline)) uintptr_t leaf_30k(void)
{
	volatile char buf[30 * 1024];
	buf[0] = 'x';
	return (uintptr_t)&buf[0];
}

/* A 30 KiB frame whose lower part is never touched before the call. */
static __attribute__((noinline)) uintptr_t chain_30k(void)
{
	volatile char buf[30 * 1024];
	uintptr_t low = leaf_30k();
	buf[sizeof(buf) - 1] = 'y';
	return low + buf[sizeof(buf) - 1] - 'y';
}

int main(int argc, char **argv)
{
	if (argc != 2 || (strcmp(argv[1], "frame") && strcmp(argv[1], "chain"))) {
		printf("usage: clash frame|chain\n");
		return 2;
	}
	uintptr_t brk = heap_fill();
	printf("clash: heap grown to %p; the stack starts at %p\n", (void *)brk,
	       (void *)USER_STACK_BOTTOM);
	stdout_flush();
	uintptr_t at = !strcmp(argv[1], "frame") ? frame_24k() : chain_30k();
	printf("clash: wrote at %p, %s\n", (void *)at,
	       at < brk ? "inside the heap" : "outside the heap");
	printf("clash: %s was not stopped\n", argv[1]);
	return 1;
}
