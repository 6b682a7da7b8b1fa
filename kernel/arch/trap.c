/* Trap dispatch: system calls, interrupts, user faults, kernel faults. */
#include <kernel/trap.h>
#include <kernel/riscv.h>
#include <kernel/cpu.h>
#include <kernel/timer.h>
#include <kernel/dev.h>
#include <kernel/fdt.h>
#include <kernel/printf.h>
#include <kernel/panic.h>
#include <kernel/mm_debug.h>
#include <kernel/proc.h>
#include <kernel/syscall.h>
#include <kernel/fp.h>
#include <kernel/uvm.h>
#include <kernel/smp.h>
#include <uapi/wait.h>

extern char trap_entry[];

static const char *const exc_names[] = {
	[EXC_INST_MISALIGNED]  = "instruction address misaligned",
	[EXC_INST_ACCESS]      = "instruction access fault",
	[EXC_ILLEGAL_INST]     = "illegal instruction",
	[EXC_BREAKPOINT]       = "breakpoint",
	[EXC_LOAD_MISALIGNED]  = "load address misaligned",
	[EXC_LOAD_ACCESS]      = "load access fault",
	[EXC_STORE_MISALIGNED] = "store address misaligned",
	[EXC_STORE_ACCESS]     = "store access fault",
	[EXC_ECALL_U]          = "environment call from U-mode",
	[EXC_ECALL_S]          = "environment call from S-mode",
	[EXC_INST_PAGE_FAULT]  = "instruction page fault",
	[EXC_LOAD_PAGE_FAULT]  = "load page fault",
	[EXC_STORE_PAGE_FAULT] = "store page fault",
};

static const char *const reg_names[31] = {
	"ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1",
	"a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7",
	"s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11",
	"t3", "t4", "t5", "t6",
};

/* A readable name for an scause value. */
const char *trap_cause_name(uint64_t scause)
{
	if (scause & SCAUSE_INTR) {
		switch (scause & ~SCAUSE_INTR) {
		case IRQ_S_SOFT:  return "supervisor software interrupt";
		case IRQ_S_TIMER: return "supervisor timer interrupt";
		case IRQ_S_EXT:   return "supervisor external interrupt";
		default:          return "unknown interrupt";
		}
	}
	if (scause < ARRAY_SIZE(exc_names) && exc_names[scause])
		return exc_names[scause];
	return "unknown exception";
}

/* Print the 31 general registers of tf, three to a line. */
void trap_dump(const struct trapframe *tf)
{
	for (int i = 0; i < 31; i++)
		kprintf("%4s %016lx%s", reg_names[i], tf->x[i], i % 3 == 2 ? "\n" : "  ");
	kprintf("\n");
}

/* Point this hart's traps at trap_entry and enable device interrupts. */
void trap_init(void)
{
	csr_write(stvec, (uintptr_t)trap_entry);
	csr_write(sscratch, 0);
	csr_set(sie, SIE_SEIE | SIE_SSIE);
	fp_off();
}

/* An external interrupt: ask the PLIC which device, and serve it. */
static void trap_external(void)
{
	uint32_t irq = plic_claim();
	if (irq == 0)
		return;
	if (irq == platform.uart_irq)
		console_intr();
	else
		kprintf("trap: spurious external irq %u\n", irq);
	plic_complete(irq);
}

/* An exception in the kernel: a fault probe's, or a kernel bug. */
static void trap_kernel_exception(struct trapframe *tf)
{
	struct cpu *c = this_cpu();
	if (c->fault_resume) {
		c->fault_cause = tf->scause;
		tf->sepc = c->fault_resume;
		c->fault_resume = 0;
		return;
	}
	if (tf->scause == EXC_LOAD_PAGE_FAULT || tf->scause == EXC_STORE_PAGE_FAULT) {
		static char why[192];   /* one hart reports: panic stops the rest */
		if (mm_guard_fault(tf->stval, why, sizeof(why)))
			panic_trap(tf, why);
	}
	panic_trap(tf, "unexpected trap in kernel");
}

/* The KILL_* cause for an exception a user program took. */
static int user_kill_cause(uint64_t scause)
{
	switch (scause) {
	case EXC_INST_PAGE_FAULT: case EXC_LOAD_PAGE_FAULT: case EXC_STORE_PAGE_FAULT:
	case EXC_INST_ACCESS: case EXC_LOAD_ACCESS: case EXC_STORE_ACCESS:
		return KILL_PAGE_FAULT;
	case EXC_ILLEGAL_INST:
		return KILL_ILLEGAL;
	case EXC_INST_MISALIGNED: case EXC_LOAD_MISALIGNED: case EXC_STORE_MISALIGNED:
		return KILL_MISALIGNED;
	case EXC_BREAKPOINT:
		return KILL_BREAKPOINT;
	default:
		return KILL_OTHER;
	}
}

static void trap_interrupt(struct trapframe *tf);

/* The instruction at the user's pc (16 or 32 bits); from stval (where
 * the hart may leave an illegal instruction's bits) if the text cannot
 * be read, 0 if neither tells. */
static uint32_t user_insn(struct proc *p, struct trapframe *tf)
{
	uint16_t half[2];
	if (uvm_copyin(p->pagetable, &half[0], tf->sepc, 2) < 0)
		return (uint32_t)tf->stval;
	if ((half[0] & 3) != 3)
		return half[0];
	if (uvm_copyin(p->pagetable, &half[1], tf->sepc + 2, 2) < 0)
		return (uint32_t)tf->stval;
	return half[0] | (uint32_t)half[1] << 16;
}

/* An illegal instruction that needs FP state kills the program with a
 * message saying so (user contexts have FS = Off, include/kernel/fp.h);
 * the waiter sees KILL_ILLEGAL. Returns only for other instructions. */
static void trap_user_fp(struct proc *p, struct trapframe *tf)
{
	if (!fp_insn(user_insn(p, tf)))
		return;
	kprintf("rvos: pid %d (%s) killed: floating-point instruction "
		"(no FP state for user programs), pc %p\n", p->pid, p->name,
		(void *)tf->sepc);
	proc_exit(W_KILLED(KILL_ILLEGAL));
}

/* A trap from user mode other than a system call: an interrupt, or a
 * fault that kills the process. Leaves with interrupts off, for
 * trap_return. */
static void trap_user(struct trapframe *tf)
{
	struct proc *p = proc_current();

	if (!p)
		panic_trap(tf, "user trap with no process");
	if (tf->scause & SCAUSE_INTR) {
		trap_interrupt(tf);
	} else {
		if (tf->scause == EXC_ILLEGAL_INST)
			trap_user_fp(p, tf);
		proc_fault(tf, user_kill_cause(tf->scause));
	}
	if (p->killed)
		proc_exit(W_KILLED(p->kill_cause));
	intr_off();
}

/* A system call (trapvec.S calls this for ecall from U-mode only, with a
 * frame of the caller-saved registers): run it with interrupts on, and
 * leave with them off for the return to user. */
void trap_syscall(struct trapframe *tf);

void trap_syscall(struct trapframe *tf)
{
	tf->sepc += 4;
	intr_on();
	syscall(tf);
	struct proc *p = proc_current();
	if (p->killed)
		proc_exit(W_KILLED(p->kill_cause));
	intr_off();
}

void trap_handle(struct trapframe *tf)
{
	if (!(tf->sstatus & SSTATUS_SPP))
		trap_user(tf);
	else if (tf->scause & SCAUSE_INTR)
		trap_interrupt(tf);
	else
		trap_kernel_exception(tf);
}

/* An interrupt, from either mode. */
static void trap_interrupt(struct trapframe *tf)
{
	uint64_t cause = tf->scause;
	{
		switch (cause & ~SCAUSE_INTR) {
		case IRQ_S_TIMER:
			timer_tick();
			proc_tick();
			break;
		case IRQ_S_EXT:
			trap_external();
			break;
		case IRQ_S_SOFT:
			smp_ipi();
			break;
		default:
			panic_trap(tf, "unexpected interrupt");
		}
	}
}
