/* crash KIND: misbehave in one chosen way. The kernel must kill the
 * program (faults) or refuse the call (bad system call arguments), and
 * stay up with nothing leaked.
 *
 *   null       store through a null pointer          -> killed: page fault
 *   text       store into its own code               -> killed: page fault
 *   exec       jump into its own writable data       -> killed: page fault
 *   illegal    execute an illegal instruction        -> killed: illegal instruction
 *   breakpoint execute ebreak                        -> killed: breakpoint
 *   misaligned atomic add at an odd address          -> killed: misaligned access
 *   stack      recurse into the stack guard page     -> killed: page fault
 *   kernel     read kernel memory directly           -> killed: page fault
 *   kaddr      pass kernel addresses to system calls -> each refused, exit 0
 *   unmapped   pass unmapped buffers to system calls -> each refused, exit 0
 */
#include <rvos.h>

static volatile unsigned int data_word = 0x00008067;   /* "ret" */

/* Recurse until the stack runs into the guard page (the depth limit is
 * far beyond the stack's 16 KiB: it only keeps the compiler content). */
static int recurse(volatile char *prev, long depth)
{
	volatile char frame[512];
	frame[0] = prev ? prev[0] + 1 : 0;
	if (depth > 1000000)
		return frame[0];
	return recurse(frame, depth + 1) + frame[1];
}

/* Expect a system call result to be -EFAULT; say so either way. */
static int refused(const char *what, long r)
{
	printf("crash: %s -> %ld (%s)\n", what, r, r < 0 ? errstr((int)r) : "accepted!");
	return r == -EFAULT ? 0 : 1;
}

/* Bad pointers given to system calls: refused, never a kernel fault. */
static int bad_pointers(uintptr_t bad)
{
	int fails = 0;
	char *bad_argv[] = { (char *)bad, NULL };
	fails += refused("console_write", console_write((const void *)bad, 16));
	fails += refused("console_write wrap", console_write((const void *)(bad | 0xfff), ~0UL >> 1));
	fails += refused("wait status", wait(WAIT_ANY, (int *)bad));
	fails += refused("spawn name", spawn((const char *)bad, NULL));
	fails += refused("spawn argv", spawn("status", (char *const *)bad));
	fails += refused("spawn argv[0]", spawn("status", bad_argv));
	return fails;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		printf("usage: crash null|text|exec|illegal|breakpoint|misaligned|stack|kernel|kaddr|unmapped\n");
		return 2;
	}
	const char *k = argv[1];
	stdout_flush();
	if (!strcmp(k, "null"))
		*(volatile int *)0 = 1;
	else if (!strcmp(k, "text"))
		*(volatile unsigned int *)(uintptr_t)main = 0;
	else if (!strcmp(k, "exec"))
		((void (*)(void))(uintptr_t)&data_word)();
	else if (!strcmp(k, "illegal"))
		__asm__ volatile(".word 0");
	else if (!strcmp(k, "breakpoint"))
		__asm__ volatile("ebreak");
	else if (!strcmp(k, "misaligned"))
		__asm__ volatile("amoadd.w zero, zero, (%0)"
				 :: "r"((uintptr_t)&data_word + 1) : "memory");
	else if (!strcmp(k, "stack"))
		return recurse(NULL, 0);
	else if (!strcmp(k, "kernel"))
		return *(volatile int *)0x80200000UL;
	else if (!strcmp(k, "kaddr"))
		return bad_pointers(0x80200000UL);
	else if (!strcmp(k, "unmapped"))
		return bad_pointers(0x50000000UL);
	else {
		printf("crash: unknown kind %s\n", k);
		return 2;
	}
	printf("crash: %s did not crash!\n", k);
	return 1;
}
