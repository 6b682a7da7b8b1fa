/* Tunable kernel constants, all in one place. */
#ifndef RVOS_KERNEL_PARAM_H
#define RVOS_KERNEL_PARAM_H

/* Harts */
#define NCPU              8          /* most harts the kernel can drive */
#define KSTACK_ORDER      2          /* kernel stacks: 2^2 pages = 16 KiB */
#define KSTACK_PAGES      (1 << KSTACK_ORDER)

/* Physical pages */
#define PAGE_SHIFT        12
#define PAGE_SIZE         (1UL << PAGE_SHIFT)
#define PAGE_MAX_ORDER    10         /* largest buddy block: 2^10 pages = 4 MiB */

/* Kernel heap */
#define HEAP_MIN_SHIFT    5          /* smallest heap block: 32 bytes */
#define HEAP_ARENA_ORDER  8          /* heap grows in arenas of 2^8 pages = 1 MiB */
#define HEAP_MAX_ARENAS   8          /* heap never exceeds 8 MiB */
#define PAGE_LIMIT_PCT    50         /* a process may own at most this % of RAM */

/* Tags */
#define TAG_MAX           32         /* capacity of the tag table */

/* Processes */
#define PROC_MAX          64         /* capacity of the process table */

/* Time */
#define TICK_HZ           100        /* timer interrupts per second: 10 ms quantum */

#endif
