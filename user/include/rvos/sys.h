/* System call stubs (user/lib/syscall.S) and error names.
 *
 * Each returns what the kernel put in a0: >= 0 on success, -E* from
 * <uapi/errno.h> on failure. docs/syscalls.md documents every call.
 * Every stub is declared here from SYSCALL_LIST (<uapi/syscall.h>); the
 * declarations below and in <rvos/chan.h> repeat some with what they
 * mean, and the compiler holds them to the list's.
 */
#ifndef RVOS_USER_SYS_H
#define RVOS_USER_SYS_H

#include <stddef.h>
#include <uapi/errno.h>
#include <uapi/layout.h>
#include <uapi/syscall.h>
#include <uapi/wait.h>
#include <uapi/chan.h>          /* struct chan_info, in chan_recv's prototype */

#define SYSCALL_PROTO_(nr, name, stub, ret, params, desc) ret stub params;
SYSCALL_LIST(SYSCALL_PROTO_)
#undef SYSCALL_PROTO_

/* End the process with code (0..255), without flushing stdout; exit()
 * in <rvos/stdio.h> flushes first and is what programs normally call. */
void _exit(int code) __attribute__((noreturn));

/* Start program name with argv (NULL-terminated; argv[0] is by
 * convention the name; NULL means { name, NULL }). Returns its pid.
 * argv is typed as for POSIX execv, so a shell's char *argv[] passes
 * as is; the kernel only reads it. */
int spawn(const char *name, char *const argv[]);

/* Wait for child pid (or WAIT_ANY) to end; store its status (see
 * <uapi/wait.h>) in *status unless status is NULL. Returns its pid. */
int wait(int pid, int *status);

int getpid(void);
int yield(void);
int sleep(unsigned long ms);
int kill(int pid);

/* Move the break by bytes (a multiple of USER_PAGE_SIZE, may be negative
 * or 0). Returns the old break. */
long sbrk(long bytes);

/* Write len bytes to the console; returns how many were written. */
long console_write(const void *buf, size_t len);

/* Block until input is available, then read up to len bytes (no echo,
 * no line editing). Returns how many were read, at least 1. */
long console_read(void *buf, size_t len);

/* The same, waiting at most ms milliseconds for the first byte (0: only
 * what is there): how many were read, 0 when the time passed with none. */
long console_read_ms(void *buf, size_t len, unsigned long ms);

/* Time since boot: clock(CLOCK_MS) or clock(CLOCK_TICKS). */
long clock(int which);

/* Power the machine off; code 0 reports success to QEMU. Returns only
 * on failure. */
int shutdown(int code);

/* Name of program index (0, 1, ... in archive order) into buf, with its
 * NUL. Returns the name's length; -ENOENT past the last program, -ERANGE
 * if len cannot hold the name (PROG_NAME_MAX + 1 always can). */
long progs(unsigned long index, char *buf, size_t len);

/* Job control, for the console's controller (the shell the kernel
 * started) only; -EPERM for anyone else. job_spawn is spawn with the
 * child first in a new job (its id is the child's pid); job_fg gives the
 * console to a job (0: back to the caller) and returns
 * JOB_FG_INTERRUPTED if ^C killed the job that had it; job_kill kills
 * every process of a job; job_wait blocks until a job has no running
 * process (JOB_WAIT_NOHANG: does not block) and returns how many are
 * left. docs/syscalls.md, "Jobs". */
int job_spawn(const char *name, char *const argv[]);
int job_fg(int job);
int job_kill(int job);
int job_wait(int job, int flags);

/* Message for an error code, given as -E* or E* ("no such program"). */
const char *errstr(int err);

#endif
