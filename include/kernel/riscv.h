/* RISC-V privileged architecture: CSR access and bit definitions. */
#ifndef RVOS_KERNEL_RISCV_H
#define RVOS_KERNEL_RISCV_H

#include <kernel/types.h>

#define csr_read(csr) ({ uint64_t v_; \
	__asm__ volatile("csrr %0, " #csr : "=r"(v_)); v_; })
#define csr_write(csr, v) \
	__asm__ volatile("csrw " #csr ", %0" :: "rK"((uint64_t)(v)) : "memory")
#define csr_set(csr, v) \
	__asm__ volatile("csrs " #csr ", %0" :: "rK"((uint64_t)(v)) : "memory")
#define csr_clear(csr, v) \
	__asm__ volatile("csrc " #csr ", %0" :: "rK"((uint64_t)(v)) : "memory")

/* sstatus */
#define SSTATUS_SIE    (1UL << 1)    /* interrupts enabled in S-mode */
#define SSTATUS_SPIE   (1UL << 5)    /* SIE before the trap */
#define SSTATUS_SPP    (1UL << 8)    /* trap came from S-mode */
#define SSTATUS_VS     (3UL << 9)    /* vector unit: 0 = Off */
#define SSTATUS_FS     (3UL << 13)   /* FP unit: 0 = Off (include/kernel/fp.h) */
#define SSTATUS_SUM    (1UL << 18)   /* S-mode may touch U pages */

/* sie / sip */
#define SIE_SSIE       (1UL << 1)
#define SIE_STIE       (1UL << 5)
#define SIE_SEIE       (1UL << 9)

/* scause */
#define SCAUSE_INTR    (1UL << 63)
#define IRQ_S_SOFT     1
#define IRQ_S_TIMER    5
#define IRQ_S_EXT      9

#define EXC_INST_MISALIGNED   0
#define EXC_INST_ACCESS       1
#define EXC_ILLEGAL_INST      2
#define EXC_BREAKPOINT        3
#define EXC_LOAD_MISALIGNED   4
#define EXC_LOAD_ACCESS       5
#define EXC_STORE_MISALIGNED  6
#define EXC_STORE_ACCESS      7
#define EXC_ECALL_U           8
#define EXC_ECALL_S           9
#define EXC_INST_PAGE_FAULT  12
#define EXC_LOAD_PAGE_FAULT  13
#define EXC_STORE_PAGE_FAULT 15

/* satp */
#define SATP_SV39      (8UL << 60)
#define MAKE_SATP(root) (SATP_SV39 | ((uintptr_t)(root) >> 12))

static inline void intr_on(void)  { csr_set(sstatus, SSTATUS_SIE); }
static inline void intr_off(void) { csr_clear(sstatus, SSTATUS_SIE); }
static inline bool intr_get(void) { return (csr_read(sstatus) & SSTATUS_SIE) != 0; }

static inline uint64_t rdtime(void) { return csr_read(time); }

static inline void sfence_vma(void) { __asm__ volatile("sfence.vma zero, zero" ::: "memory"); }
static inline void wfi(void)        { __asm__ volatile("wfi"); }

static inline uintptr_t read_fp(void)
{
	uintptr_t fp;
	__asm__ volatile("mv %0, s0" : "=r"(fp));
	return fp;
}

#endif
