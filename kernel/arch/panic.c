/* Panic: report the kernel's own bug as fully as possible, then stop.
 *
 * The report: "panic: <message>", the trap cause (for traps), the
 * registers, and a frame-pointer backtrace with function names. Then QEMU
 * exits with PANIC_EXIT_STATUS so a test run fails at once, or, with the
 * bootarg panic=halt, the hart stops in panic_halt() and QEMU stays up
 * for gdb to attach (docs/debugging.md). A panic while panicking stops
 * immediately.
 */
#include <kernel/panic.h>
#include <kernel/printf.h>
#include <kernel/riscv.h>
#include <kernel/cpu.h>
#include <kernel/ksym.h>
#include <kernel/fdt.h>
#include <kernel/dev.h>
#include <kernel/vm.h>
#include <kernel/bootargs.h>
#include <lib/string.h>
#include <kernel/smp.h>
#include <kernel/timer.h>
#include <kernel/param.h>

#define BACKTRACE_MAX 32
#define PANIC_STOP_MS 100     /* how long to wait for the other harts */

/* Print addr as "0x... name+0xoff". */
static void print_sym(uintptr_t addr)
{
	uintptr_t off;
	const char *name = ksym_lookup(addr, &off);
	if (name)
		kprintf("%p %s+0x%lx\n", (void *)addr, name, off);
	else
		kprintf("%p ?\n", (void *)addr);
}

/* Could fp be a frame pointer into kernel memory (so fp-16 is readable)? */
static bool fp_plausible(uintptr_t fp)
{
	uint64_t lo = platform.mem.base, hi = platform.mem.base + platform.mem.size;
	return fp % 8 == 0 && fp >= lo + 16 && fp <= hi;
}

static bool in_text(uintptr_t a)
{
	return a >= (uintptr_t)__text_start && a < (uintptr_t)__text_end;
}

/* Same function? (used to tell a stale ra from a caller's) */
static bool same_function(uintptr_t a, uintptr_t b)
{
	uintptr_t oa, ob;
	const char *na = ksym_lookup(a, &oa), *nb = ksym_lookup(b, &ob);
	return na && na == nb;
}

/* Walk saved frame pointers: ra at fp-8, the caller's fp at fp-16.
 *
 * A trapped context may be in a function whose frame is not (or no
 * longer) on the chain: a leaf (GCC saves only s0, at fp-8) or one whose
 * epilogue already ran. Then its caller is known only from the trapped
 * ra, passed as trap_ra: it is printed first unless the chain already
 * starts there or it points into the trapped function itself (pc_fn).
 * Each return address is printed as ra-2, which lies inside the call.
 */
void backtrace_from(uintptr_t fp, uintptr_t trap_ra, uintptr_t pc_fn, int depth)
{
	if (trap_ra && in_text(trap_ra) && !same_function(trap_ra, pc_fn)) {
		uintptr_t first = fp_plausible(fp) ? ((uintptr_t *)fp)[-1] : 0;
		if (first != trap_ra) {
			kprintf("  #%d ", depth++);
			print_sym(trap_ra - 2);
			if (!in_text(first) && fp_plausible(first) && first > fp)
				fp = first;   /* a leaf's frame: skip to its caller's */
		}
	}
	for (; depth < BACKTRACE_MAX && fp_plausible(fp); depth++) {
		uintptr_t ra = ((uintptr_t *)fp)[-1];
		uintptr_t prev = ((uintptr_t *)fp)[-2];
		if (!in_text(ra))
			break;
		kprintf("  #%d ", depth);
		print_sym(ra - 2);
		if (prev <= fp)
			break;       /* stacks grow down: callers' frames lie above */
		fp = prev;
	}
}

static volatile uint32_t parked;     /* harts stopped by panic_park */

void panic_park(void)
{
	intr_off();
	csr_write(sie, 0);
	__atomic_fetch_add(&parked, 1, __ATOMIC_RELEASE);
	for (;;)
		__asm__ volatile("wfi");
}

/* Common start of every panic: one report at a time. The first hart to
 * panic reports; it stops the others first (an IPI each, then up to
 * PANIC_STOP_MS for them to park), so no other output cuts its report.
 * Another hart that panics meanwhile parks; the same hart panicking again
 * stops at once. */
static void panic_begin(void)
{
	uint32_t me = (uint32_t)cpu_id() + 1, was = 0;

	intr_off();
	if (!__atomic_compare_exchange_n(&panicking, &was, me, false, __ATOMIC_SEQ_CST,
					 __ATOMIC_SEQ_CST)) {
		if (was != me)
			panic_park();
		kprintf("panic: nested panic\n");
		power_fail(PANIC_EXIT_STATUS);
	}
	for (int i = 0; i < NCPU; i++)
		if (cpus[i].online && i != cpu_id())
			smp_kick(i);
	uint64_t deadline = timer_ms() + PANIC_STOP_MS;
	while (__atomic_load_n(&parked, __ATOMIC_ACQUIRE) < (uint32_t)ncpu_online - 1 &&
	       timer_ms() < deadline)
		;
}

/* End a panic report: exit QEMU, or with panic=halt stop this hart for
 * good, interrupts off, so gdb can attach and read the kernel as the
 * panic left it (tools/gdb/rvos.py). */
static void __attribute__((noreturn)) panic_stop(void)
{
	char mode[8];

	if (!bootarg("panic", mode, sizeof(mode)) || strcmp(mode, "halt") != 0)
		power_fail(PANIC_EXIT_STATUS);
	kprintf("halted for gdb (panic=halt): make gdb, or see docs/debugging.md\n");
	for (;;)
		__asm__ volatile("wfi");
}

void panic_trap(const struct trapframe *tf, const char *why)
{
	panic_begin();
	kprintf("panic: %s: %s\n", why, trap_cause_name(tf->scause));
	kprintf("scause %016lx  sepc ", tf->scause);
	print_sym(tf->sepc);
	kprintf("stval  %016lx  sstatus %016lx  hart %lu\n", tf->stval, tf->sstatus,
		this_cpu()->hartid);
	trap_dump(tf);
	kprintf("backtrace:\n  #0 ");
	print_sym(tf->sepc);
	backtrace_from(tf->s0, tf->ra, tf->sepc, 1);
	panic_stop();
}

void panic(const char *fmt, ...)
{
	struct trapframe now;
	va_list ap;

	panic_begin();
	kprintf("panic: ");
	va_start(ap, fmt);
	vkprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");

	/* registers as they are here, for the report */
	__asm__ volatile("sd ra, 0(%0)\n sd sp, 8(%0)\n sd gp, 16(%0)\n"
			 "sd tp, 24(%0)\n sd s0, 56(%0)\n sd s1, 64(%0)\n"
			 :: "r"(&now) : "memory");
	for (int i = 4; i < 31; i++)
		if (i != 7 && i != 8)
			now.x[i] = 0;
	kprintf("hart %lu (cpu %d); cause: panic() called from ", this_cpu()->hartid, cpu_id());
	print_sym((uintptr_t)__builtin_return_address(0) - 2);
	kprintf("registers (callee-saved only are meaningful):\n");
	trap_dump(&now);
	kprintf("backtrace:\n");
	backtrace_from(read_fp(), 0, 0, 0);
	panic_stop();
}
