/* The hooks from the kernel into its tests.
 *
 * The test kernel (build/kernel-test.elf: kernel/test/, docs/testing.md)
 * defines test_main(); the shipping kernel (build/kernel.elf) links no
 * test code, so there the weak symbol is NULL.
 */
#ifndef RVOS_KERNEL_TEST_H
#define RVOS_KERNEL_TEST_H

/* Called first by the init thread: runs the test boot mode the bootargs
 * ask for ("ktest", "bench", "echo") and never returns, or returns at
 * once if they ask for none. */
void test_main(void) __attribute__((weak));

/* Called by sysinfo at the start of every reply (struct si_stream is
 * private to kernel/svc): the test kernel may put records of its own
 * there, e.g. of a type no client knows (sysinfo_future.scn). */
struct si_stream;
void sysinfo_test_records(struct si_stream *st) __attribute__((weak));

#endif
