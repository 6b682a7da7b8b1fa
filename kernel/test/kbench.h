/* Benchmarks: `make bench` (tools/bench/, docs/perf.md).
 *
 * In the test kernel, the bootarg bench=MODE makes the init thread call
 * kbench_main(MODE) (kernel/test/test_main.c)
 * instead of starting the shell: MODE "icount" (QEMU -icount shift=0,
 * one instruction per nanosecond of virtual time: figures are printed as
 * instructions), "wall" (no icount: figures in nanoseconds of real time),
 * "noacct" (a kernel built with -DMM_NO_ACCOUNTING: only the heap and
 * page figures, whose tracking that build leaves out), or "smp" (under
 * icount at -smp 4, kbench_smp.c: heap and page pairs on 1, 2 and 4
 * harts at once, each hart's median round; a kernel channel round trip
 * on one hart and across two). Every figure is
 * one console line "@BENCH name=value unit". Never run by `make test`.
 */
#ifndef RVOS_KERNEL_TEST_KBENCH_H
#define RVOS_KERNEL_TEST_KBENCH_H

/* Run the benchmarks of mode, print them, and power off. */
void kbench_main(const char *mode) __attribute__((noreturn));

#endif
