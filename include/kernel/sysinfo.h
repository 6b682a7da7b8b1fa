/* The sysinfo service (kernel/svc): memory and process statistics as
 * structured records over channels. Protocol: <uapi/sysinfo.h>. */
#ifndef RVOS_KERNEL_SYSINFO_H
#define RVOS_KERNEL_SYSINFO_H

/* Register the service "sysinfo" and start its kernel thread. Once at
 * boot, after proc_init; a failure is reported, not fatal. */
void sysinfo_start(void);

#endif
