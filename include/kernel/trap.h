/* Trap frames and trap handling. */
#ifndef RVOS_KERNEL_TRAP_H
#define RVOS_KERNEL_TRAP_H

#include <kernel/types.h>

/* Saved registers of an interrupted context, on its kernel stack.
 * x[i] holds register x(i+1) (x0 is always zero and not saved), also
 * by name (ra, sp, ...); the layout is shared with trapvec.S. */
struct trapframe {
	union {
		uint64_t x[31];
		struct {
			uint64_t ra, sp, gp, tp, t0, t1, t2, s0, s1;
			uint64_t a0, a1, a2, a3, a4, a5, a6, a7;
			uint64_t s2, s3, s4, s5, s6, s7, s8, s9, s10, s11;
			uint64_t t3, t4, t5, t6;
		};
	};
	uint64_t sepc, sstatus, stval, scause;
	uint64_t pad;                 /* keeps the frame 16-byte aligned */
};

_Static_assert(sizeof(struct trapframe) == 288, "trapvec.S TF_SIZE");

void trap_init(void);                       /* install the vector on this hart */
void trap_handle(struct trapframe *tf);     /* called by trapvec.S */
const char *trap_cause_name(uint64_t scause);
void trap_dump(const struct trapframe *tf); /* print registers */

/* Fault probes (probe.S): touch addr and return 0, or the scause of the
 * fault it took. For tests of page-table permissions. */
uint64_t probe_read(uintptr_t addr);
uint64_t probe_write(uintptr_t addr, uint64_t value);
uint64_t probe_exec(uintptr_t addr);

/* Return to the context saved in tf (trapvec.S). */
void trap_return(struct trapframe *tf) __attribute__((noreturn));

#endif
