/* Supervisor Binary Interface calls to OpenSBI. */
#ifndef RVOS_KERNEL_SBI_H
#define RVOS_KERNEL_SBI_H

#include <kernel/types.h>

struct sbiret {
	long error;    /* 0 or a negative SBI error */
	long value;
};

struct sbiret sbi_call(long ext, long fid, long a0, long a1, long a2);
void sbi_set_timer(uint64_t stime);          /* TIME extension */
void sbi_console_putchar(int c);             /* legacy: early console */
void sbi_system_off(bool failed);            /* SRST; returns if it cannot */
long sbi_spec_version(void);
bool sbi_probe(long ext);                    /* extension implemented? */
bool sbi_has_hsm(void);                      /* hart state management */
bool sbi_has_ipi(void);
long sbi_hart_start(uint64_t hartid, uintptr_t start, uintptr_t opaque);
void sbi_hart_stop(void);                    /* this hart, for good */
void sbi_send_ipi(uint64_t hartid);          /* supervisor software irq */
/* RFENCE: every hart flushes its whole TLB (the heap's guard pages,
 * kernel/mm/heap_guard.c); does nothing without the extension. */
void sbi_remote_sfence_vma_all(void);

#endif
