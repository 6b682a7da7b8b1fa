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
 * Assembly may include this too (it sees the list, not the enum).
 */
#ifndef RVOS_UAPI_SYSCALL_H
#define RVOS_UAPI_SYSCALL_H

/*
 * SYSCALL_LIST(X): every system call, the one source for its number.
 * X(nr, name, stub, ret, (params), "call(args) -> result")
 *   nr      the number in a7; never reused or renumbered once released
 *   name    SYS_<name> is nr; the kernel's handler is sys_<name>
 *           (kernel/proc/syscall.c builds the dispatch table from this list)
 *   stub    the user library's function (user/lib/syscall.S generates it)
 *   ret, params  its C prototype, at most six arguments, declared for
 *           user programs by <rvos/sys.h>
 * The fuzzer (user/fuzz.c) takes its list of known calls from here, and
 * tools/testing/check_syscalls.py fails `make test` if docs/syscalls.md
 * has no section for a call. Adding a call: a line here, the handler,
 * the doc (docs/syscalls.md, "Adding a system call").
 */
#define SYSCALL_LIST(X) \
	/* Processes */ \
	X( 1, exit, _exit, void, (int code), \
	  "exit(code): never returns") \
	X( 2, spawn, spawn, int, (const char *name, char *const argv[]), \
	  "spawn(name, argv) -> pid") \
	X( 3, wait, wait, int, (int pid, int *status), \
	  "wait(pid | WAIT_ANY, &status) -> pid") \
	X( 4, getpid, getpid, int, (void), \
	  "getpid() -> pid") \
	X( 5, yield, yield, int, (void), \
	  "yield() -> 0") \
	X( 6, sleep, sleep, int, (unsigned long ms), \
	  "sleep(ms) -> 0") \
	X( 7, kill, kill, int, (int pid), \
	  "kill(pid) -> 0") \
	/* Memory */ \
	X( 8, sbrk, sbrk, long, (long bytes), \
	  "sbrk(bytes, a page multiple) -> old break") \
	/* Console */ \
	X( 9, console_write, console_write, long, (const void *buf, size_t len), \
	  "console_write(buf, len) -> bytes written") \
	X(10, console_read, console_read, long, (void *buf, size_t len), \
	  "console_read(buf, len) -> bytes read (>= 1)") \
	/* Time and machine */ \
	X(11, clock, clock, long, (int which), \
	  "clock(CLOCK_*) -> ms or ticks since boot") \
	X(12, shutdown, shutdown, int, (int code), \
	  "shutdown(code): powers off, never returns") \
	/* Programs */ \
	X(13, progs, progs, long, (unsigned long index, char *buf, size_t len), \
	  "progs(index, buf, len) -> name length, -ENOENT past the end") \
	/* 14..31: job control (the console's controller only), then reserved \
	 * for further process, memory and time calls. */ \
	X(14, job_spawn, job_spawn, int, (const char *name, char *const argv[]), \
	  "job_spawn(name, argv) -> pid, first of a new job") \
	X(15, job_fg, job_fg, int, (int job), \
	  "job_fg(job | 0) -> 0 or JOB_FG_INTERRUPTED") \
	X(16, job_kill, job_kill, int, (int job), \
	  "job_kill(job) -> 0") \
	X(17, job_wait, job_wait, int, (int job, int flags), \
	  "job_wait(job, flags) -> its processes still running") \
	/* 32..47: channels and services (limits and records: <uapi/chan.h>); \
	 * 38..47 reserved for further channel and service calls. */ \
	X(32, chan_create, chan_create, int, (int *h0, int *h1), \
	  "chan_create(&h0, &h1) -> 0") \
	X(33, chan_send, chan_send, int, (int h, const void *buf, size_t len, const int *handles, \
	  size_t nhandles, int flags), \
	  "chan_send(h, buf, len, handles, nhandles, flags) -> 0") \
	X(34, chan_recv, chan_recv, long, (int h, void *buf, size_t cap, struct chan_info *info, int flags), \
	  "chan_recv(h, buf, cap, &info, flags) -> bytes") \
	X(35, chan_close, chan_close, int, (int h), \
	  "chan_close(h) -> 0") \
	X(36, svc_lookup, svc_lookup, int, (const char *name), \
	  "svc_lookup(name) -> handle of a new channel to it") \
	X(37, svc_register, svc_register, int, (const char *name), \
	  "svc_register(name) -> handle where clients arrive") \
	/* 38: the heap's debugging modes (docs/memory.md) */ \
	X(38, mmdebug, mmdebug, long, (const char *spec, char *out, size_t len), \
	  "mmdebug(spec, out, len) -> the modes' flags") \
	/* 39: the console again (38..47 were the channels' reserve) */ \
	X(39, console_read_ms, console_read_ms, long, (void *buf, size_t len, unsigned long ms), \
	  "console_read_ms(buf, len, ms) -> bytes read, 0 when ms passed with none")

#define SYS_MAX           48   /* every number is below this */

#ifndef __ASSEMBLER__
/* SYS_exit = 1, ...: one enumerator per line of SYSCALL_LIST. */
#define SYSCALL_ENUM_(nr, name, stub, ret, params, desc) SYS_##name = (nr),
enum { SYSCALL_LIST(SYSCALL_ENUM_) };
#undef SYSCALL_ENUM_

/* Every number fits in the kernel's table. */
#define SYSCALL_FITS_(nr, name, stub, ret, params, desc) \
	_Static_assert((nr) > 0 && (nr) < SYS_MAX, #name " out of range");
SYSCALL_LIST(SYSCALL_FITS_)
#undef SYSCALL_FITS_
#endif

/* job_fg, job_wait */
#define JOB_FG_INTERRUPTED 1   /* job_fg: ^C ended the job that had the console */
#define JOB_WAIT_NOHANG    1   /* job_wait: do not block */

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
