/* Power off / exit QEMU with a status.
 *
 * In order of preference: the sifive,test0 device (virt: 0x5555 powers
 * off with status 0, 0x3333 | code << 16 exits with status code); the
 * HTIF of the spike machine (tohost = code << 1 | 1 exits with status
 * code); the SBI system-reset extension, with reason "system failure"
 * when failing (the firmware decides what that does to the status);
 * the legacy SBI shutdown. If the firmware can do none of these the
 * hart says so and halts: there is nothing else to try.
 */
#include <kernel/dev.h>
#include <kernel/sbi.h>
#include <kernel/printf.h>

#define TEST_PASS 0x5555
#define TEST_FAIL 0x3333

static volatile uint32_t *test_dev;
static volatile uint32_t *htif_tohost;    /* two 32-bit halves, low first */

#define HTIF_TOHOST 8     /* the tree's HTIF reg is fromhost, then tohost */

/* Remember the exit devices the device tree names (0: none). */
void power_init(uintptr_t test_base, uintptr_t htif_base)
{
	test_dev = (volatile uint32_t *)test_base;
	htif_tohost = htif_base ? (volatile uint32_t *)(htif_base + HTIF_TOHOST) : NULL;
}

/* Leave with status code (0: success) through the best means there is. */
static void __attribute__((noreturn)) power_exit(int code)
{
	if (test_dev)
		*test_dev = code ? TEST_FAIL | (uint32_t)code << 16 : TEST_PASS;
	if (htif_tohost) {           /* QEMU acts on the write of the high half */
		htif_tohost[0] = (uint32_t)code << 1 | 1;
		htif_tohost[1] = 0;
	}
	if (code)
		kprintf("power: asking the firmware to power off (reason: failure, "
			"status %d)\n", code);
	sbi_system_off(code != 0);
	kprintf("power: the firmware cannot power off: halted\n");
	for (;;)
		__asm__ volatile("wfi");
}

/* Power off: the work is done, status 0. */
void power_off(void)
{
	power_exit(0);
}

/* Power off with a failure status (1..0xffff; anything else is 1). */
void power_fail(int code)
{
	if (code <= 0 || code > 0xffff)
		code = 1;
	power_exit(code);
}
