/* kmain: bring the boot hart from OpenSBI's hand-off to a running kernel. */
#include <kernel/types.h>
#include <kernel/param.h>
#include <kernel/cpu.h>
#include <kernel/riscv.h>
#include <kernel/fdt.h>
#include <kernel/dev.h>
#include <kernel/trap.h>
#include <kernel/timer.h>
#include <kernel/vm.h>
#include <kernel/sbi.h>
#include <kernel/printf.h>
#include <kernel/bootargs.h>
#include <kernel/mm_debug.h>
#include <kernel/test.h>
#include <lib/string.h>
#include <kernel/page.h>
#include <kernel/heap.h>
#include <kernel/tag.h>
#include <kernel/mm.h>
#include <kernel/proc.h>
#include <kernel/job.h>
#include <uapi/wait.h>
#include <kernel/progs.h>
#include <kernel/sysinfo.h>
#include <kernel/smp.h>

#define KIB(x) ((x) >> 10)

/* A size as the boot report gives it: whole MiB, else whole KiB, else
 * bytes (never rounded). */
static void print_size(uint64_t size)
{
	if (size % (1UL << 20) == 0)
		kprintf("%lu MiB", size >> 20);
	else if (size % 1024 == 0)
		kprintf("%lu KiB", size >> 10);
	else
		kprintf("%lu bytes", size);
}

/* Print what the device tree told us and where the kernel lies. */
static void boot_report(uint64_t hartid, const void *fdt)
{
	uint64_t base = platform.mem.base, size = platform.mem.size;
	kprintf("rvos: hart %lu of %d, timebase %lu Hz, SBI %lu.%lu\n", hartid,
		platform.nharts, platform.timebase,
		(sbi_spec_version() >> 24) & 0x7f, sbi_spec_version() & 0xffffff);
	int used = 0;             /* /memory ranges making up platform.mem */
	for (int i = 0; i < platform.nram && i < FDT_MAX_RAM; i++)
		used += platform.ram[i].base + platform.ram[i].size > base &&
			platform.ram[i].base < base + size;
	kprintf("rvos: memory %p-%p (", (void *)base, (void *)(base + size));
	print_size(size);
	if (used > 1)
		kprintf(", from %d /memory ranges", used);
	kprintf(")\n");
	for (int i = 0; i < platform.nram && i < FDT_MAX_RAM; i++) {
		struct mem_range *r = &platform.ram[i];
		if (r->base + r->size > base && r->base < base + size)
			continue;
		kprintf("rvos: memory %p-%p (", (void *)r->base, (void *)(r->base + r->size));
		print_size(r->size);
		kprintf(") IGNORED: apart from the kernel's\n");
	}
	if (platform.nram > FDT_MAX_RAM)
		kprintf("rvos: %d more /memory ranges IGNORED: more than %d\n",
			platform.nram - FDT_MAX_RAM, FDT_MAX_RAM);
	for (int i = 0; i < platform.nreserved; i++)
		kprintf("rvos: reserved %p-%p (firmware)\n",
			(void *)platform.reserved[i].base,
			(void *)(platform.reserved[i].base + platform.reserved[i].size));
	kprintf("rvos: kernel %p-%p (%lu KiB), device tree %p (%u bytes)\n",
		__kernel_start, __kernel_end,
		KIB((uintptr_t)(__kernel_end - __kernel_start)), fdt, platform.fdt_size);
	kprintf("rvos: uart %p irq %u, plic %p context %d, test device %p\n",
		(void *)platform.uart.base, platform.uart_irq,
		(void *)platform.plic.base, platform.plic_context,
		(void *)platform.test.base);
	kprintf("rvos: bootargs \"%s\"\n", platform.bootargs);
}

/* Route console input: through the PLIC when the device tree gives one
 * with a context for this hart, else by polling the UART every tick
 * (e.g. -machine virt,aia=aplic). Say which. */
static void console_rx_begin(void)
{
	bool irq = platform.plic.base && platform.plic_context >= 0 && platform.uart_irq;
	const char *why = !platform.plic.base ? "no usable PLIC"
			  : !platform.uart_irq ? "the UART has no interrupt"
			  : "the UART's PLIC has no context for this hart";

	if (irq) {
		plic_init(platform.plic.base, platform.plic_context, platform.plic_ndev);
		irq = plic_enable(platform.uart_irq);
		why = "the UART's irq is not one of the PLIC's sources";
	}
	if (irq)
		kprintf("rvos: console input: PLIC context %d, irq %u\n",
			platform.plic_context, platform.uart_irq);
	else
		kprintf("rvos: console input: polled every tick (%d Hz): %s\n", TICK_HZ, why);
	console_rx_start(irq);
}

/* A device tree may claim more RAM than the machine has (a -dtb made for
 * a bigger one): the first store there would be an access fault and a
 * panic. If the last word of RAM cannot be read, find where reads stop
 * (RAM is taken to be a prefix of the range: a binary search by page,
 * above the kernel, which is known to be RAM) and use only that, saying so. */
static void ram_check(void)
{
	uintptr_t base = platform.mem.base, end = base + platform.mem.size;
	uintptr_t lo = ALIGN_UP((uintptr_t)__kernel_end, PAGE_SIZE) - PAGE_SIZE, hi = end;

	if (probe_read(end - 8) == 0)
		return;
	while (hi - lo > PAGE_SIZE) {       /* lo's page reads, hi's does not */
		uintptr_t mid = ALIGN_DOWN(lo + (hi - lo) / 2, PAGE_SIZE);
		if (probe_read(mid) == 0)
			lo = mid;
		else
			hi = mid;
	}
	kprintf("rvos: the device tree says RAM ends at %p, but reads fail from %p: "
		"using the RAM below\n", (void *)end, (void *)hi);
	platform.mem.size = hi - base;
}

/* A hart without an Sv39 MMU (-cpu rv64,mmu=false, or one with other
 * modes only) ignores the write to satp: it is WARL. Running on would
 * mean user programs with no protection, and at addresses that do not
 * exist; refuse instead. */
static void mmu_check(void)
{
	uint64_t satp = csr_read(satp);

	if (satp != MAKE_SATP(kernel_pagetable)) {
		kprintf("rvos: this hart has no Sv39 MMU (satp reads %p after writing %p): "
			"cannot boot\n", (void *)satp, (void *)MAKE_SATP(kernel_pagetable));
		power_fail(1);
	}
}

/* The shipping kernel links no test code (kernel/test/): when a test
 * boot mode is asked for, say where the tests are and power off failing. */
static void test_modes_absent(void)
{
	static const char *const modes[] = { "ktest", "bench", "echo" };
	for (size_t i = 0; i < ARRAY_SIZE(modes); i++)
		if (bootarg(modes[i], NULL, 0)) {
			kprintf("%s: this kernel has no tests: make qemu-test / make test\n",
				modes[i]);
			power_fail(1);
		}
}

/* The first kernel thread: run a test boot mode (the test kernel), or the first
 * user program (bootarg init=NAME, default "shell"), which controls the
 * console's jobs. The machine is never left without it: when the shell
 * ends, however it ended, a new one starts; when another init= program
 * ends, the machine powers off with its exit status (128 + the kill
 * cause if it was killed), for scripted runs. */
static void init_thread(void *arg)
{
	(void)arg;
	char val[BOOTARGS_MAX];

	if (test_main)
		test_main();     /* returns unless a test boot mode was asked for */
	else
		test_modes_absent();
	sysinfo_start();     /* before any program: mem and ps need it */
	if (bootarg("halt", NULL, 0)) {
		kprintf("rvos: halt requested, powering off\n");
		power_off();
	}
	if (!bootarg("init", val, sizeof(val)) || !val[0])
		strlcpy(val, "shell", sizeof(val));
	char *argv[] = { val, NULL };
	bool shell = !strcmp(val, "shell");
	for (;;) {
		uint64_t started = timer_ms();
		int status;
		/* said before the spawn: once it runs, the program's own
		 * output (the shell's prompt) must not be cut by ours */
		kprintf("rvos: starting %s\n", val);
		pid_t pid = proc_spawn_as(val, 1, argv, proc_current()->pid, SPAWN_CONTROLLER);
		if (pid < 0) {
			kprintf("rvos: cannot start %s: error %d\n", val, pid);
			if (!shell)
				power_fail(1);
			proc_sleep_ms(1000);    /* e.g. a full table: try again */
			continue;
		}
		proc_wait(pid, &status);
		if (WIFKILLED(status))
			kprintf("rvos: %s (pid %d) killed (%s)", val, pid,
				kill_cause_name(WKILLCAUSE(status)));
		else
			kprintf("rvos: %s (pid %d) exited with status %d", val, pid,
				WEXITSTATUS(status));
		if (!shell) {
			int code = WIFKILLED(status) ? 128 + WKILLCAUSE(status) : WEXITSTATUS(status);
			kprintf("; powering off with status %d\n", code);
			if (!code)
				power_off();
			power_fail(code);
		}
		kprintf("; starting a new shell\n");
		if (timer_ms() - started < 1000)
			proc_sleep_ms(1000);    /* one that dies at once: not a storm */
	}
}

void kmain(uint64_t hartid, const void *fdt)
{
	struct cpu *c = this_cpu();
	c->hartid = hartid;
	c->online = true;
	trap_init();

	kprintf("\nrvos: booting\n");
	int fdt_err = fdt_parse(fdt, hartid);
	power_init(platform.test.base, platform.htif.base);
	if (fdt_err < 0) {
		kprintf("rvos: cannot boot without a usable device tree\n");
		power_fail(1);
	}
	if (fdt_ram_pick((uintptr_t)__kernel_start) < 0 ||
	    (uintptr_t)__kernel_end > platform.mem.base + platform.mem.size) {
		kprintf("rvos: the kernel %p-%p is not inside the memory the device "
			"tree lists: cannot boot\n", __kernel_start, __kernel_end);
		power_fail(1);
	}
	ram_check();
	uart_init(platform.uart.base, platform.uart_shift);
	boot_report(hartid, fdt);

	mm_boot(fdt);
	vm_init();
	vm_enable();
	mmu_check();
	mm_debug_boot();                /* after vm_init: guard maps pages */
	kprintf("rvos: sv39 paging on, root table %p\n", kernel_pagetable);

	/* Everything an interrupt handler touches must exist before that
	 * interrupt is enabled: the tick and the console both wake sleepers
	 * in the process table (docs/boot.md, "Interrupts"). */
	if (progs_init(progs_start, progs_end - progs_start) < 0)
		kprintf("rvos: the program archive is corrupt: no user programs\n");
	proc_init();

	console_rx_begin();
	timer_init(platform.timebase);
	intr_on();
	kprintf("rvos: interrupts on, tick %d Hz\n", TICK_HZ);
	smp_boot();

	mm_boot_report();
	if (kthread_start("init", init_thread, NULL) < 0)
		panic("kmain: cannot start the init thread");
	scheduler();
}
