/* Tests that the device tree was read as QEMU's virt machine describes it
 * (these values are properties of the test machine, not of the code). */
#include "ktest.h"
#include <kernel/fdt.h>
#include <kernel/vm.h>

KTEST(fdt_memory)
{
	KT_ASSERT(platform.mem.size >= (16UL << 20));
	/* the kernel must lie inside the memory the tree reports */
	KT_ASSERT((uintptr_t)__kernel_start >= platform.mem.base);
	KT_ASSERT((uintptr_t)__kernel_end <= platform.mem.base + platform.mem.size);
}

KTEST(fdt_devices)
{
	KT_EQ(platform.timebase, 10000000);
	KT_EQ(platform.uart.base, 0x10000000);
	KT_EQ(platform.uart_irq, 10);
	if (platform.plic.base) {       /* -machine virt, or virt,aia=aplic... */
		KT_EQ(platform.plic.base, 0x0c000000);
		KT_ASSERT(platform.plic_context >= 0);
	} else {                        /* ...which has no PLIC: input is polled */
		KT_EQ(platform.plic_context, -1);
	}
	KT_EQ(platform.test.base, 0x100000);
	KT_ASSERT(platform.nharts >= 1);
	/* OpenSBI's own region is reserved */
	KT_ASSERT(platform.nreserved >= 1);
	KT_EQ(platform.reserved[0].base, platform.mem.base);
}

KTEST(fdt_bootargs)
{
	/* this test runs only when booted with "ktest" on the command line */
	bool found = false;
	for (const char *p = platform.bootargs; *p; p++)
		if (p[0] == 'k' && p[1] == 't')
			found = true;
	KT_ASSERT(found);
}
