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
#include <kernel/string.h>

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

/* Boot mode "echo": read console lines and say what arrived. */
static void echo_loop(void)
{
	char line[80];
	size_t n = 0;

	kprintf("echo: ready\n");
	for (;;) {
		int c = console_getc();
		if (c < 0) {
			wfi();
			continue;
		}
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

void kmain(uint64_t hartid, const void *fdt)
{
	struct cpu *c = this_cpu();
	c->hartid = hartid;
	trap_init();

	kprintf("\nrvos: booting\n");
	if (fdt_parse(fdt, hartid) < 0) {
		kprintf("rvos: cannot boot without a usable device tree\n");
		sbi_shutdown();
	}
	uart_init(platform.uart.base, platform.uart_shift);
	power_init(platform.test.base);
	boot_report(hartid, fdt);

	vm_init();
	vm_enable();
	kprintf("rvos: sv39 paging on, root table %p\n", kernel_pagetable);

	plic_init(platform.plic.base, platform.plic_context, platform.plic_ndev);
	plic_enable(platform.uart_irq);
	uart_enable_rx_irq();
	timer_init(platform.timebase);
	intr_on();
	kprintf("rvos: interrupts on, tick %d Hz\n", TICK_HZ);

	char arg[BOOTARGS_MAX];
	if (bootarg("ktest", arg, sizeof(arg))) {
		int failed = ktest_run(arg);
		if (failed)
			power_fail(1);
		power_off();
	}
	if (bootarg("echo", NULL, 0))
		echo_loop();
	if (bootarg("halt", NULL, 0)) {
		kprintf("rvos: halt requested, powering off\n");
		power_off();
	}
	kprintf("rvos: boot complete (no user processes yet); Ctrl-A X leaves QEMU\n");
	for (;;)
		wfi();
}
