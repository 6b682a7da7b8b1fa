/* Structure offsets that assembly uses: trapvec.S (struct trapframe,
 * struct cpu), probe.S (struct cpu), swtch.S (struct context).
 *
 * Plain numbers, so assembly can include this. asm_offsets.c checks
 * every one against offsetof() at compile time: change a structure and
 * the build fails until this file agrees.
 */
#ifndef RVOS_ARCH_ASM_OFFSETS_H
#define RVOS_ARCH_ASM_OFFSETS_H

/* struct trapframe (<kernel/trap.h>): x1..x31 by ABI name, then the CSRs. */
#define TF_RA        0
#define TF_SP        8
#define TF_GP       16
#define TF_TP       24
#define TF_T0       32
#define TF_T1       40
#define TF_T2       48
#define TF_S0       56
#define TF_S1       64
#define TF_A0       72
#define TF_A1       80
#define TF_A2       88
#define TF_A3       96
#define TF_A4      104
#define TF_A5      112
#define TF_A6      120
#define TF_A7      128
#define TF_S2      136
#define TF_S3      144
#define TF_S4      152
#define TF_S5      160
#define TF_S6      168
#define TF_S7      176
#define TF_S8      184
#define TF_S9      192
#define TF_S10     200
#define TF_S11     208
#define TF_T3      216
#define TF_T4      224
#define TF_T5      232
#define TF_T6      240
#define TF_SEPC    248
#define TF_SSTATUS 256
#define TF_STVAL   264
#define TF_SCAUSE  272
#define TF_SIZE    288   /* a multiple of 16: sp stays aligned */

/* struct cpu (<kernel/cpu.h>): the fields trap entry and probes use. */
#define CPU_KSTACK_TOP    0
#define CPU_USER_SP       8
#define CPU_FAULT_RESUME 16
#define CPU_FAULT_CAUSE  24
#define CPU_HARTID       32

/* struct context (<kernel/cpu.h>): what swtch() saves. */
#define CTX_RA    0
#define CTX_SP    8
#define CTX_S0   16
#define CTX_S1   24
#define CTX_S2   32
#define CTX_S3   40
#define CTX_S4   48
#define CTX_S5   56
#define CTX_S6   64
#define CTX_S7   72
#define CTX_S8   80
#define CTX_S9   88
#define CTX_S10  96
#define CTX_S11 104
#define CTX_SIZE 112

#endif
