/* Power off / exit QEMU through the sifive,test0 device.
 *
 * Writing 0x5555 powers off with status 0; 0x3333 | code << 16 exits
 * with status 'code'. Without the device, SBI SRST powers off (the
 * status is then always 0, so a failure prints a loud line first).
 */
#include <kernel/dev.h>
#include <kernel/sbi.h>
#include <kernel/printf.h>

#define TEST_PASS 0x5555
#define TEST_FAIL 0x3333

static volatile uint32_t *test_dev;

void power_init(uintptr_t test_base)
{
	test_dev = (volatile uint32_t *)test_base;
}

void power_off(void)
{
	if (test_dev)
		*test_dev = TEST_PASS;
	sbi_shutdown();
}

void power_fail(int code)
{
	if (code <= 0 || code > 0xffff)
		code = 1;
	if (test_dev)
		*test_dev = TEST_FAIL | (uint32_t)code << 16;
	kprintf("power: no test device; shutting down (status lost: %d)\n", code);
	sbi_shutdown();
}
