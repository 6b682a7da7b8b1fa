/* Supervisor timer: periodic ticks through the SBI TIME extension. */
#ifndef RVOS_KERNEL_TIMER_H
#define RVOS_KERNEL_TIMER_H

#include <kernel/types.h>

void timer_init(uint64_t timebase_hz);   /* start ticking on the boot hart */
void timer_start_hart(void);              /* start ticking on this hart */
void timer_tick(void);                   /* timer interrupt */
uint64_t timer_ticks(void);              /* ticks since boot, from the time CSR */
uint64_t timer_ms(void);                 /* milliseconds since boot, from time CSR */
uint64_t timer_timebase(void);

#endif
