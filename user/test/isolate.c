/* isolate MODE: try to reach what belongs to the kernel or to another
 * process, for the hardening tests (docs/hardening.md).
 *
 * Modes that must be refused and exit 0:
 *   secret      write a secret in our data and heap, then let a child
 *               look at the same addresses: it sees its own memory (the
 *               heap address unmapped, then a fresh zeroed page), its
 *               writes do not reach us, and touching our heap page
 *               directly kills it
 *   handles     a child given our handle numbers cannot use them
 * Modes that must kill the program (the test checks the cause):
 *   kread       load from kernel RAM                 -> page fault
 *   kwrite      store into kernel text               -> page fault
 *   mmio        store into the UART's registers      -> page fault
 *   exec-heap   jump into a heap page we wrote code to  -> page fault
 *   exec-stack  jump into code written on our stack  -> page fault
 *   priv        write satp (the page table root)     -> illegal instruction
 * Spawned by the first two: peek DATA HEAP, poke ADDR, guess H0 H1.
 */
#include <rvos.h>

#define SECRET    0x5ec2e75ec2e7UL
#define INITIAL   0x1111UL
#define SCRIBBLE  0xbadUL
#define RET_INSN  0x00008067u        /* "ret", as crash.c writes it */

static volatile unsigned long secret = INITIAL;
static int fails;

/* Check one thing; print it either way. */
static void expect(const char *what, long got, long want)
{
	if (got == want) {
		printf("isolate: %s -> %ld\n", what, got);
	} else {
		printf("isolate: %s -> %ld, want %ld: FAIL\n", what, got, want);
		fails++;
	}
}

/* Spawn "isolate a b c" and return its wait status (or -E*). */
static int run(const char *a, const char *b, const char *c)
{
	char *argv[] = { "isolate", (char *)a, (char *)b, (char *)c, NULL };
	int status, pid = spawn("isolate", argv);
	if (pid < 0)
		return pid;
	return wait(pid, &status) == pid ? status : -ECHILD;
}

/* Our secrets against a child at the same addresses. */
static int secret_test(void)
{
	char d[24], h[24];
	volatile unsigned long *heap = (unsigned long *)sbrk(USER_PAGE_SIZE);
	secret = SECRET;
	*heap = SECRET;
	snprintf(d, sizeof(d), "%lu", (unsigned long)&secret);
	snprintf(h, sizeof(h), "%lu", (unsigned long)heap);
	expect("child looks at our addresses", run("peek", d, h), W_EXITCODE(0));
	expect("child touches our heap page", run("poke", h, NULL), W_KILLED(KILL_PAGE_FAULT));
	expect("our data secret intact", secret == SECRET, 1);
	expect("our heap secret intact", *heap == SECRET, 1);
	return fails ? 1 : 0;
}

/* In the child: the same virtual addresses are our own memory. */
static int peek(unsigned long d, unsigned long h)
{
	volatile unsigned long *data = (unsigned long *)d, *heap = (unsigned long *)h;
	expect("data at the parent's secret's address", *data, INITIAL);
	*data = SCRIBBLE;
	expect("the parent's heap address is not mapped here",
	       console_write((const void *)heap, 1), -EFAULT);
	expect("sbrk gives the same address", sbrk(USER_PAGE_SIZE), (long)h);
	expect("a fresh page there", *heap, 0);
	*heap = SCRIBBLE;
	return fails ? 1 : 0;
}

/* Our handle numbers in a child's hands. */
static int handles_test(void)
{
	int h0, h1;
	char a[12], b[12], buf[16];
	expect("chan_create", chan_create(&h0, &h1), 0);
	expect("queue a secret", chan_send(h0, "secret", 7, NULL, 0, 0), 0);
	snprintf(a, sizeof(a), "%d", h0);
	snprintf(b, sizeof(b), "%d", h1);
	expect("child guesses our handles", run("guess", a, b), W_EXITCODE(0));
	expect("the secret is still queued for us",
	       chan_recv(h1, buf, sizeof(buf), NULL, CHAN_NONBLOCK), 7);
	return fails ? 1 : 0;
}

/* In the child: handle numbers are per process. */
static int guess(int h0, int h1)
{
	char buf[16];
	expect("recv on the parent's handle", chan_recv(h1, buf, sizeof(buf), NULL, CHAN_NONBLOCK), -EBADF);
	expect("send on the parent's handle", chan_send(h0, "x", 1, NULL, 0, CHAN_NONBLOCK), -EBADF);
	expect("close the parent's handle", chan_close(h1), -EBADF);
	int a, b;
	expect("a channel of our own", chan_create(&a, &b), 0);
	expect("it got the same numbers as the parent's", a == h0 && b == h1, 1);
	expect("but it holds nothing of the parent's",
	       chan_recv(b, buf, sizeof(buf), NULL, CHAN_NONBLOCK), -EAGAIN);
	return fails ? 1 : 0;
}

/* Write "ret" at code and call it. */
static void jump_to(volatile uint32_t *code)
{
	*code = RET_INSN;
	__asm__ volatile("fence.i" ::: "memory");
	((void (*)(void))(uintptr_t)code)();
}

/* Pick the mode from argv[1]; the attacks that must kill us are here. */
int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";
	unsigned long x = 0, y = 0;
	if (argc > 2)
		x = (unsigned long)strtol(argv[2], NULL, 0);
	if (argc > 3)
		y = (unsigned long)strtol(argv[3], NULL, 0);
	stdout_flush();

	if (!strcmp(m, "secret"))
		return secret_test();
	if (!strcmp(m, "handles"))
		return handles_test();
	if (!strcmp(m, "peek") && argc == 4)
		return peek(x, y);
	if (!strcmp(m, "poke") && argc == 3)
		return (int)*(volatile unsigned long *)x;
	if (!strcmp(m, "guess") && argc == 4)
		return guess((int)x, (int)y);
	if (!strcmp(m, "kread"))
		return *(volatile int *)0x87fff000UL;
	if (!strcmp(m, "kwrite"))
		*(volatile int *)0x80200000UL = 0;
	else if (!strcmp(m, "mmio"))
		*(volatile char *)0x10000000UL = '!';
	else if (!strcmp(m, "exec-heap"))
		jump_to((uint32_t *)sbrk(USER_PAGE_SIZE));
	else if (!strcmp(m, "exec-stack")) {
		volatile uint32_t code[4];
		jump_to(code);
	} else if (!strcmp(m, "priv"))
		__asm__ volatile("csrw satp, zero");
	else {
		printf("usage: isolate secret|handles|kread|kwrite|mmio|exec-heap|exec-stack|priv\n");
		return 2;
	}
	printf("isolate: %s was not stopped!\n", m);
	return 1;
}
