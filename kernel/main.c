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
#include <kernel/ktest.h>
#include <kernel/kbench.h>
#include <lib/string.h>
#include <kernel/mm.h>
#include <kernel/proc.h>
#include <kernel/job.h>
#include <uapi/wait.h>
#include <kernel/progs.h>
#include <kernel/sysinfo.h>

#define KIB(x) ((x) >> 10)

/* Print what the device tree told us and where the kernel lies. */
static void boot_report(uint64_t hartid, const void *fdt)
{
	uint64_t base = platform.mem.base, size = platform.mem.size;
	kprintf("rvos: hart %lu of %d, timebase %lu Hz, SBI %lu.%lu\n", hartid,
		platform.nharts, platform.timebase,
		(sbi_spec_version() >> 24) & 0x7f, sbi_spec_version() & 0xffffff);
	kprintf("rvos: memory %p-%p (%lu MiB)\n", (void *)base,
		(void *)(base + size), size >> 20);
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

	if (irq) {
		plic_init(platform.plic.base, platform.plic_context, platform.plic_ndev);
		plic_enable(platform.uart_irq);
		kprintf("rvos: console input: PLIC context %d, irq %u\n",
			platform.plic_context, platform.uart_irq);
	} else {
		kprintf("rvos: console input: polled every tick (%d Hz): no usable PLIC\n",
			TICK_HZ);
	}
	console_rx_start(irq);
}

/* Boot mode "echo": read console lines and say what arrived. */
static void echo_loop(void)
{
	char line[80];
	size_t n = 0;

	kprintf("echo: ready\n");
	for (;;) {
		int c;
		spin_lock(&proc_lock);
		while ((c = console_getc()) < 0)
			sleep_on(&console_chan, &proc_lock, "console");
		spin_unlock(&proc_lock);
		if (c == '\r' || c == '\n') {
			line[n] = '\0';
			kprintf("\necho: line '%s'\n", line);
			if (!strcmp(line, "quit"))
				power_off();
			n = 0;
		} else if (n + 1 < sizeof(line)) {
			line[n++] = (char)c;
			console_putc((char)c);
		}
	}
}

/* The first kernel thread: run the tests, a boot mode, or the first
 * user program (bootarg init=NAME, default "shell"), which controls the
 * console's jobs. The machine is never left without it: when the shell
 * ends, however it ended, a new one starts; when another init= program
 * ends, the machine powers off with its exit status (128 + the kill
 * cause if it was killed), for scripted runs. */
static void init_thread(void *arg)
{
	(void)arg;
	char val[BOOTARGS_MAX];

	if (bootarg("ktest", val, sizeof(val))) {
		int failed = ktest_run(val);
		if (failed)
			power_fail(1);
		power_off();
	}
	sysinfo_start();     /* before any program: mem and ps need it */
	if (bootarg("bench", val, sizeof(val)))
		kbench_main(val);
	if (bootarg("echo", NULL, 0))
		echo_loop();
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
		pid_t pid = proc_spawn_as(val, 1, argv, proc_current()->pid, SPAWN_CONTROLLER);
		if (pid < 0) {
			kprintf("rvos: cannot start %s: error %d\n", val, pid);
			if (!shell)
				power_fail(1);
			proc_sleep_ms(1000);    /* e.g. a full table: try again */
			continue;
		}
		kprintf("rvos: started %s as pid %d\n", val, pid);
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
	trap_init();

	kprintf("\nrvos: booting\n");
	int fdt_err = fdt_parse(fdt, hartid);
	power_init(platform.test.base, platform.htif.base);
	if (fdt_err < 0) {
		kprintf("rvos: cannot boot without a usable device tree\n");
		power_fail(1);
	}
	uart_init(platform.uart.base, platform.uart_shift);
	boot_report(hartid, fdt);

	mm_boot(fdt);
	vm_init();
	vm_enable();
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

	mm_boot_report();
	if (kthread_start("init", init_thread, NULL) < 0)
		panic("kmain: cannot start the init thread");
	scheduler();
}
