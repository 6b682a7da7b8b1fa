/* System call numbers and their limits, shared by the kernel and user/.
 *
 * Calling convention (docs/syscalls.md has each call in full):
 *   ecall with a7 = SYS_* number, arguments in a0..a5, result in a0.
 *   A result >= 0 is success; a negative result is -E* from
 *   <uapi/errno.h>. Other registers are preserved. An unknown number
 *   returns -ENOSYS.
 *
 * Numbers are never reused or renumbered once released; number 0 is
 * deliberately unused so that a zeroed a7 is an error, not exit.
 * Only #defines here, so assembly can include it too.
 */
#ifndef RVOS_UAPI_SYSCALL_H
#define RVOS_UAPI_SYSCALL_H

/* Processes */
#define SYS_exit           1   /* exit(code): never returns */
#define SYS_spawn          2   /* spawn(name, argv) -> pid */
#define SYS_wait           3   /* wait(pid | WAIT_ANY, &status) -> pid */
#define SYS_getpid         4   /* getpid() -> pid */
#define SYS_yield          5   /* yield() -> 0 */
#define SYS_sleep          6   /* sleep(ms) -> 0 */
#define SYS_kill           7   /* kill(pid) -> 0 */

/* Memory */
#define SYS_sbrk           8   /* sbrk(bytes, a page multiple) -> old break */

/* Console */
#define SYS_console_write  9   /* console_write(buf, len) -> bytes written */
#define SYS_console_read  10   /* console_read(buf, len) -> bytes read (>= 1) */

/* Time and machine */
#define SYS_clock         11   /* clock(CLOCK_*) -> ms or ticks since boot */
#define SYS_shutdown      12   /* shutdown(code): powers off, never returns */

/* Programs */
#define SYS_progs         13   /* progs(index, buf, len) -> name length, -ENOENT past the end */

/* 14..31: reserved for further process, memory and time calls. */

/* 14..19: job control, for the console's controller only (docs/syscalls.md). */
#define SYS_job_spawn     14   /* job_spawn(name, argv) -> pid, first of a new job */
#define SYS_job_fg        15   /* job_fg(job | 0) -> 0 or JOB_FG_INTERRUPTED */
#define SYS_job_kill      16   /* job_kill(job) -> 0 */
#define SYS_job_wait      17   /* job_wait(job, flags) -> its processes still running */
#define JOB_FG_INTERRUPTED 1   /* job_fg: ^C ended the job that had the console */
#define JOB_WAIT_NOHANG    1   /* job_wait: do not block */

/* 32..47: channels and services (limits and records: <uapi/chan.h>). */
#define SYS_CHAN_FIRST    32
#define SYS_chan_create   32   /* chan_create(&h0, &h1) -> 0 */
#define SYS_chan_send     33   /* chan_send(h, buf, len, handles, nhandles, flags) -> 0 */
#define SYS_chan_recv     34   /* chan_recv(h, buf, cap, &info, flags) -> bytes */
#define SYS_chan_close    35   /* chan_close(h) -> 0 */
#define SYS_svc_lookup    36   /* svc_lookup(name) -> handle of a new channel to it */
#define SYS_svc_register  37   /* svc_register(name) -> handle where clients arrive */
/* 38..47: reserved for further channel and service calls. */
#define SYS_CHAN_LAST     47

#define SYS_MAX           48   /* every number is below this */

/* clock(which) */
#define CLOCK_MS           0   /* milliseconds since boot */
#define CLOCK_TICKS        1   /* timer ticks since boot (TICK_HZ per second) */

/* spawn(name, argv) limits */
#define SPAWN_ARGC_MAX    16   /* argv entries, the terminating NULL not counted */
#define SPAWN_ARGV_BYTES 1024  /* all argv strings with their NULs */

/* Ranges of arguments (what a user program may check before calling). */
#define PID_MAX          0x7fffffff            /* pids are 1..PID_MAX */
#define SLEEP_MS_MAX     (24L * 3600 * 1000)   /* sleep(ms): at most a day */

#endif
