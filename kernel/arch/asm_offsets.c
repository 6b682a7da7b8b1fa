/* Every offset in asm_offsets.h, checked against the structures it mirrors. */
#include "asm_offsets.h"
#include <kernel/cpu.h>
#include <kernel/trap.h>

#define TF_IS(field, off) \
	_Static_assert(offsetof(struct trapframe, field) == (off), "asm_offsets.h: trapframe " #field)
#define CPU_IS(field, off) \
	_Static_assert(offsetof(struct cpu, field) == (off), "asm_offsets.h: cpu " #field)
#define CTX_IS(field, off) \
	_Static_assert(offsetof(struct context, field) == (off), "asm_offsets.h: context " #field)

TF_IS(ra, TF_RA);
TF_IS(sp, TF_SP);
TF_IS(gp, TF_GP);
TF_IS(tp, TF_TP);
TF_IS(t0, TF_T0);
TF_IS(t1, TF_T1);
TF_IS(t2, TF_T2);
TF_IS(s0, TF_S0);
TF_IS(s1, TF_S1);
TF_IS(a0, TF_A0);
TF_IS(a1, TF_A1);
TF_IS(a2, TF_A2);
TF_IS(a3, TF_A3);
TF_IS(a4, TF_A4);
TF_IS(a5, TF_A5);
TF_IS(a6, TF_A6);
TF_IS(a7, TF_A7);
TF_IS(s2, TF_S2);
TF_IS(s3, TF_S3);
TF_IS(s4, TF_S4);
TF_IS(s5, TF_S5);
TF_IS(s6, TF_S6);
TF_IS(s7, TF_S7);
TF_IS(s8, TF_S8);
TF_IS(s9, TF_S9);
TF_IS(s10, TF_S10);
TF_IS(s11, TF_S11);
TF_IS(t3, TF_T3);
TF_IS(t4, TF_T4);
TF_IS(t5, TF_T5);
TF_IS(t6, TF_T6);
TF_IS(sepc, TF_SEPC);
TF_IS(sstatus, TF_SSTATUS);
TF_IS(stval, TF_STVAL);
TF_IS(scause, TF_SCAUSE);
_Static_assert(sizeof(struct trapframe) == TF_SIZE, "asm_offsets.h: trapframe size");
_Static_assert(TF_SIZE % 16 == 0, "trap frames keep sp 16-byte aligned");

CPU_IS(kstack_top, CPU_KSTACK_TOP);
CPU_IS(user_sp, CPU_USER_SP);
CPU_IS(fault_resume, CPU_FAULT_RESUME);
CPU_IS(fault_cause, CPU_FAULT_CAUSE);
CPU_IS(hartid, CPU_HARTID);

CTX_IS(ra, CTX_RA);
CTX_IS(sp, CTX_SP);
CTX_IS(s[0], CTX_S0);
CTX_IS(s[1], CTX_S1);
CTX_IS(s[2], CTX_S2);
CTX_IS(s[3], CTX_S3);
CTX_IS(s[4], CTX_S4);
CTX_IS(s[5], CTX_S5);
CTX_IS(s[6], CTX_S6);
CTX_IS(s[7], CTX_S7);
CTX_IS(s[8], CTX_S8);
CTX_IS(s[9], CTX_S9);
CTX_IS(s[10], CTX_S10);
CTX_IS(s[11], CTX_S11);
_Static_assert(sizeof(struct context) == CTX_SIZE, "asm_offsets.h: context size");
