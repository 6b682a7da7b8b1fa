/* Exit status reported by wait().
 *
 * A status word says either "exited with code C" or "killed, cause K":
 *
 *   bits 15..8  exit code (exit's argument & 0xff), when bits 6..0 are 0
 *   bits  6..0  kill cause (KILL_*), 0 for a normal exit
 *
 * The same layout as Unix, so the familiar macros read the same way; the
 * cause is an rvos KILL_* code, not a signal number.
 */
#ifndef RVOS_UAPI_WAIT_H
#define RVOS_UAPI_WAIT_H

#define WAIT_ANY        (-1)   /* wait(): any child */

/* Why a process was killed. */
#define KILL_REQUESTED   1     /* another process called kill() */
#define KILL_PAGE_FAULT  2     /* load/store/fetch page or access fault */
#define KILL_ILLEGAL     3     /* illegal instruction */
#define KILL_MISALIGNED  4     /* misaligned load/store/fetch */
#define KILL_BREAKPOINT  5     /* ebreak */
#define KILL_OTHER       6     /* any other exception from user mode */
#define KILL_INTERRUPT   7     /* ^C typed while its job had the console */

/* Building a status (kernel side). */
#define W_EXITCODE(code)  (((code) & 0xff) << 8)
#define W_KILLED(cause)   ((cause) & 0x7f)

/* Reading a status (user side). */
#define WIFEXITED(s)      (((s) & 0x7f) == 0)
#define WEXITSTATUS(s)    (((s) >> 8) & 0xff)
#define WIFKILLED(s)      (((s) & 0x7f) != 0)
#define WKILLCAUSE(s)     ((s) & 0x7f)

#ifndef __ASSEMBLER__
/* Short name of a kill cause, for messages on either side. */
static inline const char *kill_cause_name(int cause)
{
	switch (cause) {
	case KILL_REQUESTED:  return "kill requested";
	case KILL_PAGE_FAULT: return "page fault";
	case KILL_ILLEGAL:    return "illegal instruction";
	case KILL_MISALIGNED: return "misaligned access";
	case KILL_BREAKPOINT: return "breakpoint";
	case KILL_INTERRUPT:  return "interrupted";
	default:              return "fault";
	}
}
#endif

#endif
