/* fuzz [SEED [CALLS [v|c]]]: a seeded random storm of system calls.
 *
 * Makes CALLS (default 100,000) system calls with random numbers (known
 * ones, gaps, 0, out of range, 64-bit junk), random handles and random
 * arguments: kernel addresses, device addresses, unmapped, misaligned and
 * read-only pointers, huge lengths. It prints "fuzz: seed N" first, so a
 * failure replays exactly with "fuzz N"; a third argument "v" prints
 * every call before it is made, to find the one that went wrong
 * (docs/hardening.md). Now and then it spawns a smaller fuzzer as a
 * child (third argument "c": a child, which spawns no fuzzers itself)
 * and may kill it at any point, with whatever handles, queued messages
 * and children it holds then.
 *
 * What it must not do is end the run: it never calls exit or shutdown,
 * kills only its own children, keeps at most MAX_CHILDREN of them, never
 * blocks where nothing could wake it (console_read only with a bad
 * buffer or no length, channel calls always with CHAN_NONBLOCK, no
 * lookups of its own services, sleeps of at most 1 ms) and keeps its
 * heap under HEAP_PAGES_MAX. Good pointers point only at what the
 * kernel may overwrite: `scratch`, its heap pages, the argv strings at
 * the top of its stack.
 *
 * It checks what a caller can check: an unknown number returns -ENOSYS,
 * every result is >= 0 or a small -E code, a1..a5 and a7 come back
 * unchanged, getpid stays the same, and memory beside the scratch area
 * is untouched. Exit 0 if all held; the kernel test that runs it checks
 * the kernel's side (heap_check, page_check, every page back).
 */
#include <rvos.h>

#define CALLS_DEFAULT   100000
#define SCRATCH_BYTES   16384
#define SCRATCH_SLACK   2048        /* the kernel writes at most ~1 KiB past a pointer */
#define MAX_CHILDREN    4
#define CHILD_CALLS     "3000"      /* calls of a child fuzzer */
#define HEAP_PAGES_MAX  256
#define ERRNO_MAX       4095        /* results below -ERRNO_MAX are not error codes */
#define CANARY          0xc5

/* The only memory the kernel may write, between two canaries. */
static struct {
	uint8_t lo[256];
	uint8_t scratch[SCRATCH_BYTES];
	uint8_t hi[256];
} mem __attribute__((aligned(4096)));

static uint64_t rng;
static int children[MAX_CHILDREN], nchildren;
static int mypid, fails, services;
static bool child;                    /* a child fuzzer: spawns none */
static long heap_pages;              /* pages we took with sbrk */
static uint64_t brk_base;              /* the break when we started */
static uint64_t calls, ok, errs, nosys;

/* xorshift64*: the whole run follows from the seed. */
static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

/* A random number in [0, n). */
static uint64_t below(uint64_t n) { return rnd() % n; }

/* Report a broken promise (at most a few lines of them). */
static void fail(uint64_t n, const char *what, long r)
{
	if (fails++ < 10)
		printf("fuzz: call %lu (nr %lu): %s (result %ld)\n", calls, n, what, r);
}

/* ecall with everything in registers; a1..a5 and a7 must come back. */
static long syscall6(uint64_t n, const uint64_t a[6])
{
	register uint64_t a0 __asm__("a0") = a[0], a1 __asm__("a1") = a[1];
	register uint64_t a2 __asm__("a2") = a[2], a3 __asm__("a3") = a[3];
	register uint64_t a4 __asm__("a4") = a[4], a5 __asm__("a5") = a[5];
	register uint64_t a7 __asm__("a7") = n;
	__asm__ volatile("ecall"
			 : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5), "+r"(a7)
			 :: "memory");
	if (a1 != a[1] || a2 != a[2] || a3 != a[3] || a4 != a[4] || a5 != a[5] || a7 != n)
		fail(n, "a1..a5 or a7 changed by the call", (long)a0);
	return (long)a0;
}

/* A pointer into scratch, with room behind it for what the kernel writes. */
static uint64_t scratch_ptr(void)
{
	return (uint64_t)&mem.scratch[below(SCRATCH_BYTES - SCRATCH_SLACK)];
}

/* A pointer the kernel must treat with care: mostly bad ones. */
static uint64_t any_ptr(void)
{
	uint64_t brk = brk_base + heap_pages * USER_PAGE_SIZE;
	switch (below(16)) {
	case 0:  return 0;
	case 1:  return scratch_ptr();
	case 2:  return scratch_ptr() & ~7UL;
	case 3:  return (uint64_t)(uintptr_t)any_ptr + below(256);     /* text: R X */
	case 4:  return (uint64_t)(uintptr_t)"sysinfo";                /* rodata */
	case 5:  return 0x80000000UL + below(0x8000000);               /* kernel RAM */
	case 6:  return below(2) ? 0x10000000UL : 0x0c000000UL + below(0x400000); /* devices */
	case 7:  return USER_BASE - 1 - below(4096);                   /* just below users */
	case 8:  return USER_END - 1 - below(8);                       /* argv strings at the top */
	case 9:  return USER_GUARD_BASE + below(USER_PAGE_SIZE);       /* stack guard */
	case 10: return heap_pages ? brk - below(64) : brk + below(64); /* heap end */
	case 11: return 0x50000000UL + below(1UL << 20);               /* unmapped */
	case 12: return ~0UL - below(4096);                            /* wraps */
	case 13: return 1UL << (32 + below(32));
	case 14: return scratch_ptr() | 1;                             /* odd */
	default: return rnd();
	}
}

/* A pointer at which nothing is readable for at least a page (used
 * where a good buffer would print junk or block). */
static uint64_t bad_ptr(void)
{
	static const struct { uint64_t base, span; } bad[] = {
		{ 0, USER_PAGE_SIZE },                          /* null page */
		{ USER_BASE - USER_PAGE_SIZE, USER_PAGE_SIZE }, /* just below users */
		{ 0x50000000UL, 1UL << 20 },                    /* unmapped */
		{ USER_GUARD_BASE, USER_PAGE_SIZE },            /* stack guard */
		{ 0x80200000UL, 1UL << 20 },                    /* kernel text */
		{ 0x10000000UL, 256 },                          /* UART */
		{ ~0UL - USER_PAGE_SIZE + 1, USER_PAGE_SIZE },  /* wraps */
		{ 1UL << 63, 1UL << 20 },                       /* not canonical */
	};
	int i = (int)below(sizeof(bad) / sizeof(bad[0]));
	return bad[i].base + below(bad[i].span);
}

/* A length: edges of messages and pages, huge, random. */
static uint64_t any_len(void)
{
	static const uint64_t lens[] = {
		0, 1, 2, 3, 7, 8, 15, 16, 24, 64, 100, 1023, 1024, 1025, 4095, 4096,
		4097, 8192, 1UL << 31, 1UL << 32, ~0UL, ~0UL >> 1, 1UL << 63,
	};
	return below(4) ? lens[below(sizeof(lens) / sizeof(lens[0]))] : rnd() >> below(64);
}

/* Handles: mostly the ones a process can have, some far out. */
static uint64_t any_handle(void)
{
	switch (below(8)) {
	case 0:  return (uint64_t)-(long)below(3);
	case 1:  return HANDLE_MAX + below(4);
	case 2:  return rnd();
	case 3:  return (1UL << 32) + 1 + below(HANDLE_MAX);   /* truncates to a good one */
	default: return 1 + below(HANDLE_MAX);
	}
}

/* Some NUL-terminated junk in scratch (a name, an argv string). */
static uint64_t junk_string(size_t max)
{
	char *s = (char *)scratch_ptr();
	size_t n = below(max + 1);
	for (size_t i = 0; i < n; i++)
		s[i] = (char)(' ' + below(95));
	s[n] = '\0';
	return (uint64_t)s;
}

/* A number as a string in scratch (what "status" takes without a word). */
static uint64_t num_string(void)
{
	char *s = (char *)scratch_ptr();
	snprintf(s, 24, "%lu", below(2) ? below(300) : rnd());
	return (uint64_t)s;
}

/* An argv array in scratch: good, junk and bad pointers, maybe no NULL. */
static uint64_t any_argv(void)
{
	if (below(4) == 0)
		return below(2) ? 0 : any_ptr();
	uint64_t *v = (uint64_t *)(scratch_ptr() & ~7UL);
	size_t n = below(SPAWN_ARGC_MAX + 4);
	for (size_t i = 0; i < n; i++)
		v[i] = below(3) ? (below(4) ? num_string() : junk_string(below(2) ? 3 : 300))
			       : any_ptr();
	if (below(8))
		v[n] = 0;
	return (uint64_t)v;
}

/* Arguments for a call that is safe to make as it comes. */
static void args_any(uint64_t a[6])
{
	for (int i = 0; i < 6; i++)
		switch (below(4)) {
		case 0:  a[i] = any_ptr(); break;
		case 1:  a[i] = any_len(); break;
		case 2:  a[i] = any_handle(); break;
		default: a[i] = rnd(); break;
		}
}

/* A pid to kill or wait for that is never ours, our parent's or anyone
 * else's (pids grow from 1; these are far above any this run reaches),
 * or one of our children; the upper 32 bits may be junk. */
static uint64_t safe_pid(void)
{
	uint64_t pid;
	switch (below(5)) {
	case 0:  pid = nchildren ? (uint64_t)children[below(nchildren)] : 0; break;
	case 1:  pid = (uint32_t)-1; break;             /* WAIT_ANY; kill: no such */
	case 2:  pid = 0; break;
	case 3:  pid = 0x80000000u + below(1000); break;  /* negative pids */
	default: pid = 0x7fff0000u + below(0x10000); break;
	}
	return below(4) ? pid : (rnd() << 32) | pid;
}

/* Build the arguments for call n so that it cannot end or wedge the run.
 * Returns false to skip the call. */
static bool args_for(uint64_t n, uint64_t a[6])
{
	args_any(a);
	switch (n) {
	case SYS_exit:
	case SYS_shutdown:
		return false;
	case SYS_spawn:
		if (nchildren == MAX_CHILDREN)
			return false;
		a[0] = below(6) ? junk_string(below(2) ? 8 : 40) : (uint64_t)(uintptr_t)"status";
		if (below(8) == 0)
			a[0] = any_ptr();
		a[1] = any_argv();
		if (!child && below(40) == 0) {     /* a child fuzzer */
			uint64_t seed = num_string();
			uint64_t *v = (uint64_t *)(scratch_ptr() & ~7UL);
			if (seed >= (uint64_t)v && seed < (uint64_t)(v + 5))
				return false;           /* the string landed on v */
			v[0] = a[0] = (uint64_t)(uintptr_t)"fuzz";
			v[1] = seed;
			v[2] = (uint64_t)(uintptr_t)CHILD_CALLS;
			v[3] = (uint64_t)(uintptr_t)"c";
			v[4] = 0;
			a[1] = (uint64_t)v;
		}
		return true;
	case SYS_wait:
		a[0] = safe_pid();
		if ((uint32_t)a[0] == (uint32_t)WAIT_ANY && !nchildren)
			a[0] = 0x7fffffff;
		return true;
	case SYS_kill:
		a[0] = safe_pid();
		return true;
	case SYS_sleep:
		a[0] = below(256) ? (below(2) ? 0 : 24UL * 3600 * 1000 + 1 + below(1000)) : 1;
		if (below(16) == 0)
			a[0] = rnd() | (1UL << 63);
		return true;
	case SYS_sbrk: {
		long d = ((long)below(17) - 8) * (long)USER_PAGE_SIZE;
		if (below(8) == 0)
			d = (long)rnd();                    /* misaligned, or far too far */
		if (d > 0 && d < (long)(1UL << 31) && heap_pages + d / (long)USER_PAGE_SIZE > HEAP_PAGES_MAX)
			d = -d;
		a[0] = (uint64_t)d;
		return true;
	}
	case SYS_console_write:
		if (below(8) == 0) {                        /* something printable */
			a[0] = (uint64_t)(uintptr_t)"";
			a[1] = 0;
		} else {
			a[0] = bad_ptr();
		}
		return true;
	case SYS_console_read:
		if (below(2))
			a[1] = 0;
		else
			a[0] = bad_ptr();
		return true;
	case SYS_console_read_ms:                       /* never takes input: len 0 or a bad buffer */
		if (below(2))
			a[1] = 0;
		else
			a[0] = bad_ptr();
		a[2] = below(2) ? below(50) : (rnd() | (1UL << 63));
		return true;
	case SYS_chan_send:
		a[0] = any_handle();
		a[3] = below(2) ? scratch_ptr() : any_ptr();
		a[4] = below(4) ? below(CHAN_MSG_HANDLES + 2) : rnd();
		if (a[3] >= (uint64_t)mem.scratch && a[3] < (uint64_t)mem.hi)
			for (int i = 0; i < CHAN_MSG_HANDLES; i++)
				((int *)(a[3] & ~3UL))[i] = (int)any_handle();
		a[5] = below(8) ? CHAN_NONBLOCK : (rnd() | CHAN_NONBLOCK);
		return true;
	case SYS_chan_recv:
		a[0] = any_handle();
		a[4] = below(8) ? CHAN_NONBLOCK : (rnd() | CHAN_NONBLOCK);
		return true;
	case SYS_chan_close:
		a[0] = any_handle();
		return true;
	case SYS_svc_lookup:
		a[0] = below(3) ? (uint64_t)(uintptr_t)"sysinfo" : below(2) ? junk_string(20) : any_ptr();
		return true;
	case SYS_svc_register: {
		char *s = (char *)scratch_ptr();
		snprintf(s, 16, "fz.%d.%d", mypid, services++);
		a[0] = below(2) ? (uint64_t)s : below(2) ? junk_string(20) : any_ptr();
		if (a[0] == (uint64_t)(uintptr_t)"sysinfo")
			a[0] = (uint64_t)s;     /* we would look ourselves up */
		return true;
	}
	default:
		return true;
	}
}

/* Every call the kernel has, from SYSCALL_LIST: a new call is fuzzed
 * without a line here (args_for() skips those that would end the run). */
#define FUZZ_KNOWN_(nr, name, stub, ret, params, desc) nr,
static const uint64_t known[] = { SYSCALL_LIST(FUZZ_KNOWN_) };
#undef FUZZ_KNOWN_

/* A call number: mostly real ones, the rest gaps, 0, too big, junk. */
static uint64_t any_number(void)
{
	switch (below(10)) {
	case 0:  return below(SYS_MAX + 16);
	case 1:  return below(3) ? rnd() : (1UL << 32) + SYS_getpid;
	default: return known[below(sizeof(known) / sizeof(known[0]))];
	}
}

/* Does the kernel implement call n? */
static bool is_known(uint64_t n)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (known[i] == n)
			return true;
	return false;
}

/* Note what a call changed that later calls must know about. */
static void account(uint64_t n, const uint64_t a[6], long r)
{
	if (n == SYS_spawn && r > 0)
		children[nchildren++] = (int)r;
	if (n == SYS_wait && r > 0)
		for (int i = 0; i < nchildren; i++)
			if (children[i] == r)
				children[i] = children[--nchildren];
	if (n == SYS_sbrk && r > 0)
		heap_pages += (long)a[0] / (long)USER_PAGE_SIZE;
	if (n == SYS_getpid && r != mypid)
		fail(n, "getpid changed", r);
	if (!is_known(n) && r != -ENOSYS)
		fail(n, "unknown call did not return -ENOSYS", r);
	if (r < -ERRNO_MAX)
		fail(n, "result is neither success nor an error code", r);
	if (r == -ENOSYS)
		nosys++;
	else if (r < 0)
		errs++;
	else
		ok++;
}

/* End our children and reap them all, so the run leaves nothing alive. */
static void reap_all(void)
{
	int status;
	for (int i = 0; i < nchildren; i++)
		kill(children[i]);
	while (wait(WAIT_ANY, &status) > 0)
		;
	nchildren = 0;
}

/* Parse SEED, CALLS and the mode, make the calls, clean up, report. */
int main(int argc, char **argv)
{
	long seed = clock(CLOCK_MS) * 7919 + getpid(), count = CALLS_DEFAULT;
	bool verbose = argc > 3 && !strcmp(argv[3], "v");
	child = argc > 3 && !strcmp(argv[3], "c");
	if ((argc > 1 && parse_long(argv[1], &seed) < 0) ||
	    (argc > 2 && (parse_long(argv[2], &count) < 0 || count < 0))) {
		printf("usage: fuzz [SEED [CALLS [v|c]]]\n");
		return 2;
	}
	printf("fuzz: seed %ld\n", seed);
	stdout_flush();
	rng = (uint64_t)seed ? (uint64_t)seed : 0x9e3779b97f4a7c15ULL;
	mypid = getpid();
	brk_base = (uint64_t)sbrk(0);
	memset(mem.lo, CANARY, sizeof(mem.lo));
	memset(mem.hi, CANARY, sizeof(mem.hi));

	for (calls = 0; calls < (uint64_t)count; calls++) {
		uint64_t a[6], n = any_number();
		if (!args_for(n, a))
			continue;
		if (verbose) {
			printf("fuzz: %lu: nr %lu (%lx %lx %lx %lx %lx %lx)\n", calls, n,
			       a[0], a[1], a[2], a[3], a[4], a[5]);
			stdout_flush();
		}
		account(n, a, syscall6(n, a));
		if ((calls + 1) % 25000 == 0) {
			printf("fuzz: %lu calls\n", calls + 1);
			stdout_flush();
		}
	}
	reap_all();
	for (size_t i = 0; i < sizeof(mem.lo); i++)
		if (mem.lo[i] != CANARY || mem.hi[i] != CANARY) {
			fail(0, "memory beside the scratch area changed", (long)i);
			break;
		}
	long brk = sbrk(0);
	if (heap_pages > 0 && sbrk(-heap_pages * (long)USER_PAGE_SIZE) != brk)
		fail(SYS_sbrk, "could not give the heap back", brk);
	printf("fuzz: %lu calls: %lu succeeded, %lu refused, %lu -ENOSYS; %s\n",
	       calls, ok, errs, nosys, fails ? "FAIL" : "PASS");
	return fails ? 1 : 0;
}
