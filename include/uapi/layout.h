/* The user address space, shared by the kernel, the ELF loader and user/.
 *
 * User space is exactly Sv39 root-table slot 1: one gigabyte that no
 * kernel mapping shares, so a whole address space is torn down by
 * dropping one root entry's subtree. Everything below 0x4000_0000 is
 * unmapped, so a null pointer (and anything near it) faults.
 *
 *   0x8000_0000  +---------------------------+ USER_END = USER_STACK_TOP
 *                | user stack (grows down)   |   USER_STACK_PAGES pages;
 *                |   argv strings, argv[]    |   argc/argv at the very top
 *                +---------------------------+ USER_STACK_BOTTOM
 *                | stack gap (never mapped)  |   USER_STACK_GAP: 64 KiB
 *                +---------------------------+ USER_GUARD_BASE = USER_HEAP_LIMIT
 *                |          ...              |
 *                | heap (sbrk, grows up)     |
 *                +---------------------------+ first page after the last segment
 *                | .data .bss          (RW)  |
 *                | .rodata             (R)   |
 *                | .text               (RX)  |
 *   0x4000_0000  +---------------------------+ USER_BASE = USER_TEXT_BASE
 *                | unmapped                  |
 *   0x0000_0000  +---------------------------+
 *
 * The kernel lives at 0x8020_0000 and up, identity mapped in every
 * address space without the U bit: user code can never touch it.
 *
 * Stack clash: no store through the stack can land in the heap. The gap
 * under the stack is at least twice the largest frame a user function
 * may have (USER_FRAME_MAX; user/user.mk makes a bigger frame, a VLA or
 * alloca a build error). A function entered with sp in the stack keeps
 * its whole frame within one USER_FRAME_MAX below it; any function that
 * calls another saves ra at the top of its frame before the call, so a
 * callee entered with sp in the gap faults at once unless it is a leaf,
 * whose frame again reaches at most USER_FRAME_MAX lower. Two frames fit
 * in the gap, so the lowest store is still unmapped: it faults.
 *
 * At entry to _start: a0 = argc, a1 = argv, sp = 16-byte aligned just
 * below the argv pointer array (argc + 1 entries, the last NULL), whose
 * strings sit above it at the top of the stack.
 */
#ifndef RVOS_UAPI_LAYOUT_H
#define RVOS_UAPI_LAYOUT_H

/* Equal to the kernel's PAGE_SIZE; kernel/proc/elf.c asserts it. */
#define USER_PAGE_SIZE      0x1000UL

#define USER_BASE           0x40000000UL   /* lowest user address */
#define USER_END            0x80000000UL   /* first address above user space */
#define USER_TEXT_BASE      USER_BASE      /* where user/user.ld links programs */

#define USER_STACK_PAGES    4
#define USER_STACK_TOP      USER_END
#define USER_STACK_BOTTOM   (USER_STACK_TOP - USER_STACK_PAGES * USER_PAGE_SIZE)
#define USER_STACK_GAP      (16 * USER_PAGE_SIZE)   /* unmapped, under the stack */
#define USER_GUARD_BASE     (USER_STACK_BOTTOM - USER_STACK_GAP)

/* The largest stack frame a user function may have (bytes); user/user.mk
 * reads this line for -Wframe-larger-than. Must stay <= USER_STACK_GAP / 2. */
#define USER_FRAME_MAX      32768

/* Program segments must end at or below this; the break may grow up to it. */
#define USER_HEAP_LIMIT     USER_GUARD_BASE

#if USER_FRAME_MAX * 2 > USER_STACK_GAP
#error "USER_STACK_GAP must hold two frames of USER_FRAME_MAX (stack clash)"
#endif

#endif
