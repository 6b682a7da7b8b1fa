/* Per-hart state, reached through the tp register.
 *
 * In the kernel, tp always points at this hart's struct cpu. While a hart
 * runs user code, tp belongs to the user and sscratch holds the struct
 * cpu pointer instead; the trap entry swaps them (see trapvec.S).
 */
#ifndef RVOS_KERNEL_CPU_H
#define RVOS_KERNEL_CPU_H

#include <kernel/types.h>

struct proc;

/* Callee-saved registers kept across swtch() (swtch.S; offsets CTX_* in
 * kernel/arch/asm_offsets.h). */
struct context {
	uint64_t ra, sp;
	uint64_t s[12];
};

struct cpu {
	/* Fields used by trapvec.S and probe.S at the offsets CPU_* in
	 * kernel/arch/asm_offsets.h (checked by asm_offsets.c). */
	uintptr_t kstack_top;    /* kernel stack for traps from user mode */
	uintptr_t user_sp;       /* scratch: user sp during trap entry */
	uintptr_t fault_resume;  /* armed fault probe: resume here (probe.S) */
	uint64_t fault_cause;    /* scause of the fault the probe took */

	uint64_t hartid;
	int id;                  /* index in cpus[]: 0 is the boot hart */
	bool online;             /* joined the scheduler (smp.c) */
	int start_error;         /* smp.c: why a started hart did not join */
	int noff;                /* depth of push_off nesting */
	bool intena;             /* were interrupts on before push_off? */
	struct proc *proc;       /* process running on this hart, or NULL */
	struct context sched_ctx;  /* the scheduler loop, swtch()ed to */
	uint64_t idle_ticks;     /* ticks with nothing to run */
	uint64_t ticks;          /* timer interrupts taken on this hart */
};

#ifdef __riscv
/* This hart's state. Valid only in the kernel. */
static inline struct cpu *this_cpu(void)
{
	struct cpu *c;
	__asm__ volatile("mv %0, tp" : "=r"(c));
	return c;
}
#else
/* Host builds of kernel code (tools/testing/host/shim.c) pick the hart. */
struct cpu *this_cpu(void);
#endif

extern struct cpu cpus[];

/* This hart's index in cpus[] (0: the boot hart, whatever its id). */
static inline int cpu_id(void)
{
	return this_cpu()->id;
}

/* Harts that joined the scheduler: 1 until smp_boot() starts the rest. */
extern int ncpu_online;

#endif
