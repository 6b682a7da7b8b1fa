/* The test kernel's boot modes: what the init thread runs, through the
 * test_main() hook (include/kernel/test.h), before the first program. */
#include <kernel/test.h>
#include <kernel/bootargs.h>
#include <kernel/dev.h>
#include <kernel/fdt.h>
#include <kernel/sysinfo.h>
#include <kernel/spinlock.h>
#include <lib/string.h>
#include "ktest.h"
#include "kbench.h"
#include "echo.h"

/* ktest[=NAME,...]: the in-kernel tests, before any kernel service runs;
 * bench=MODE: the benchmarks; echo: the console line echo. lockcheck=off
 * stops the lock-order checker from here on (make bench sets it). */
void test_main(void)
{
	char val[BOOTARGS_MAX];

	if (bootarg("lockcheck", val, sizeof(val)) && !strcmp(val, "off"))
		lock_check_on = false;
	if (bootarg("ktest", val, sizeof(val))) {
		if (ktest_main(val))
			power_fail(1);
		power_off();
	}
	if (bootarg("bench", val, sizeof(val))) {
		sysinfo_start();
		kbench_main(val);
	}
	if (bootarg("echo", NULL, 0)) {
		sysinfo_start();
		echo_loop();
	}
}
