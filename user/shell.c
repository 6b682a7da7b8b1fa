/* shell: the rvos command line.
 *
 * Reads a line with the library's line editor (user/lib/lineedit.c: the
 * console is raw, the kernel neither echoes nor edits), splits it into words, and runs a
 * builtin or spawns the program of that name and waits for it.
 * docs/shell.md describes what the user sees.
 */
#include <rvos.h>
#include <rvos/lineedit.h>
#include <uapi/progs.h>

#define PROMPT       "rvos> "
#define HELP_COLUMNS 4       /* program names per line in `help` */
#define JOBS_MAX     8       /* background jobs at once (%1..%8) */

/* Split s (changed in place) into words, NULL-terminated in argv, which
 * holds max + 1 pointers. Spaces separate words; '...' or "..." quote
 * spaces and are removed. An unquoted '&' ends the line: *bg is set, and
 * only spaces may follow it. Returns the word count, -E2BIG for more
 * than max words, -EINVAL for a quote left open, -EPROTO for text
 * after '&'. */
static int line_split(char *s, char *argv[], int max, bool *bg)
{
	char *out = s;
	int argc = 0;

	*bg = false;
	for (;;) {
		while (*s == ' ')
			s++;
		if (*s == '&') {         /* '&' after a space */
			for (s++; *s == ' '; s++)
				;
			if (*s)
				return -EPROTO;
			*bg = true;
		}
		if (!*s)
			break;
		if (argc == max)
			return -E2BIG;
		argv[argc++] = out;
		char quote = 0;
		for (; *s && (quote || (*s != ' ' && *s != '&')); s++) {
			if (quote && *s == quote)
				quote = 0;
			else if (!quote && (*s == '"' || *s == '\''))
				quote = *s;
			else
				*out++ = *s;
		}
		if (quote)
			return -EINVAL;
		char end = *s;
		if (end)
			s++;     /* past the space or '&', before out may overwrite it */
		*out++ = '\0';
		if (end == '&') {
			while (*s == ' ')
				s++;
			if (*s)
				return -EPROTO;
			*bg = true;
			break;
		}
	}
	argv[argc] = NULL;
	return argc;
}

/* Jobs started from this shell: slot i is job %(i + 1). A job is every
 * process its first one started (the kernel keeps them together, see
 * docs/processes.md); it is over when none of them runs any more. */
static struct job {
	int pid;                 /* its first process, and the job's id; 0: free */
	bool reaped;             /* its first process was waited for: status */
	int status;
	char cmd[LINE_MAX + 1];  /* the command line, for jobs and reports */
} jobs[JOBS_MAX];

/* Does this shell control the console's jobs? Only the shell the kernel
 * started does; a shell run from it runs programs inside its own job. */
static bool job_control;

/* How a background job's first process ended, in a few words: "done",
 * "exit 3", "killed", "page fault"... */
static const char *status_text(int status, char *buf, size_t n)
{
	if (WIFKILLED(status) && WKILLCAUSE(status) == KILL_INTERRUPT)
		return "interrupted";
	if (WIFKILLED(status))
		return WKILLCAUSE(status) == KILL_REQUESTED ? "killed" :
		       kill_cause_name(WKILLCAUSE(status));
	if (!WEXITSTATUS(status))
		return "done";
	snprintf(buf, n, "exit %d", WEXITSTATUS(status));
	return buf;
}

/* Say how the foreground program name ended, unless it exited with 0. */
static void report_fg(const char *name, int status, bool interrupted)
{
	if (interrupted || (WIFKILLED(status) && WKILLCAUSE(status) == KILL_INTERRUPT))
		printf("rvos: %s interrupted\n", name);
	else if (WIFKILLED(status))
		printf("rvos: %s killed (%s)\n", name, kill_cause_name(WKILLCAUSE(status)));
	else if (WEXITSTATUS(status))
		printf("rvos: %s exited with status %d\n", name, WEXITSTATUS(status));
}

/* Wait in the foreground for job j (its first process is our child):
 * give it the console, wait until none of its processes runs, take the
 * console back, reap the first process, say how it ended. Without job
 * control, just wait for the process. */
static void job_foreground(struct job *j)
{
	bool interrupted = false;

	if (job_control) {
		job_fg(j->pid);      /* -ESRCH: it is already over */
		job_wait(j->pid, 0);
		interrupted = job_fg(0) == JOB_FG_INTERRUPTED;
	}
	int r = j->reaped ? j->pid : wait(j->pid, &j->status);
	if (r < 0)
		printf("rvos: %s: wait: %s\n", j->cmd, errstr(r));
	else
		report_fg(j->cmd, j->status, interrupted);
}

/* Is job j over? Then its first process is reaped, into j->status. */
static bool job_over(struct job *j)
{
	if (job_wait(j->pid, JOB_WAIT_NOHANG) > 0)
		return false;
	if (!j->reaped)
		wait(j->pid, &j->status);    /* a zombie by now: does not block */
	j->reaped = true;
	return true;
}

/* Report and forget every background job that is over ("[1] done  sleep
 * 5"); with all, also list the running ones. */
static void jobs_report(bool all)
{
	char buf[16];

	for (int i = 0; i < JOBS_MAX; i++) {
		struct job *j = &jobs[i];
		if (!j->pid)
			continue;
		if (job_over(j)) {
			printf("[%d] %s  %s\n", i + 1, status_text(j->status, buf, sizeof(buf)), j->cmd);
			j->pid = 0;
		} else if (all) {
			printf("[%d] %d running  %s\n", i + 1, j->pid, j->cmd);
		}
	}
}

/* The job named by "%N", or NULL (having said why). */
static struct job *job_named(const char *arg, const char *who)
{
	long n;

	if (parse_num(arg + 1, 1, JOBS_MAX, &n) < 0 || !jobs[n - 1].pid) {
		printf("rvos: %s: %s: no such job\n", who, arg);
		return NULL;
	}
	return &jobs[n - 1];
}

static int builtin_help(int argc, char *argv[]);
static int builtin_history(int argc, char *argv[]);
static int builtin_jobs(int argc, char *argv[]);
static int builtin_fg(int argc, char *argv[]);
static int builtin_kill(int argc, char *argv[]);
static int builtin_shutdown(int argc, char *argv[]);

/* Commands the shell runs itself. */
static const struct builtin {
	const char *name;
	const char *what;
	int (*run)(int argc, char *argv[]);
} builtins[] = {
	{ "help",     "list builtins and programs",       builtin_help },
	{ "history",  "list recent command lines",        builtin_history },
	{ "jobs",     "list background jobs",             builtin_jobs },
	{ "fg",       "bring job %N to the foreground",   builtin_fg },
	{ "kill",     "end process PID or job %N",        builtin_kill },
	{ "shutdown", "power the machine off (status 0)", builtin_shutdown },
};

/* help: the builtins, then every program in the kernel's archive. */
static int builtin_help(int argc, char *argv[])
{
	char name[PROG_NAME_MAX + 1];
	long r;
	unsigned long i;

	(void)argc;
	(void)argv;
	printf("Builtins:\n");
	for (size_t b = 0; b < ARRAY_SIZE(builtins); b++)
		printf("  %-10s %s\n", builtins[b].name, builtins[b].what);
	printf("Programs (run as NAME ARGS..., or NAME ARGS... & in the background):\n");
	for (i = 0; (r = progs(i, name, sizeof(name))) >= 0; i++) {
		bool row_end = i % HELP_COLUMNS == HELP_COLUMNS - 1;
		printf("  %-*s", row_end ? 0 : PROG_NAME_MAX, name);
		if (row_end)
			putchar('\n');
	}
	if (i % HELP_COLUMNS)
		putchar('\n');
	if (r != -ENOENT) {
		printf("rvos: help: cannot list programs: %s\n", errstr((int)r));
		return 1;
	}
	return 0;
}

/* history: the remembered lines, oldest first, numbered. */
static int builtin_history(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	int n = history_count();
	for (int back = n; back >= 1; back--)
		printf("%4d  %s\n", n - back + 1, history_get(back));
	return 0;
}

/* jobs: the background jobs, running or just over. */
static int builtin_jobs(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	jobs_report(true);
	return 0;
}

/* fg [%N]: wait for job N (default: the newest) in the foreground. */
static int builtin_fg(int argc, char *argv[])
{
	struct job *j = NULL;

	if (argc > 2 || (argc == 2 && argv[1][0] != '%')) {
		printf("usage: fg [%%N]\n");
		return 2;
	}
	if (argc == 2)
		j = job_named(argv[1], "fg");
	else
		for (int i = JOBS_MAX - 1; i >= 0 && !j; i--)
			if (jobs[i].pid)
				j = &jobs[i];
	if (!j) {
		if (argc == 1)
			printf("rvos: fg: no jobs\n");
		return 1;
	}
	struct job fg = *j;
	j->pid = 0;              /* the foreground's now: no longer listed */
	printf("%s\n", fg.cmd);
	job_foreground(&fg);
	return 0;
}

/* kill PID|%N...: end a process, or every process of a job. */
static int builtin_kill(int argc, char *argv[])
{
	int status = 0;

	if (argc < 2) {
		printf("usage: kill PID|%%N...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		int r;
		long pid;
		if (argv[i][0] == '%') {
			struct job *j = job_named(argv[i], "kill");
			if (!j) {
				status = 1;
				continue;
			}
			r = job_kill(j->pid);
			if (r == 0)
				job_wait(j->pid, 0);     /* killed: over at once */
		} else {
			r = parse_num(argv[i], 1, PID_MAX, &pid);
			if (r == 0)
				r = kill((int)pid);
			for (int k = 0; r == 0 && k < JOBS_MAX; k++)
				if (jobs[k].pid == pid && !jobs[k].reaped) {
					/* a job's first process: reap it now, so the
					 * next prompt can say how the job ended */
					wait(jobs[k].pid, &jobs[k].status);
					jobs[k].reaped = true;
				}
		}
		if (r == -ERANGE || r == -EINVAL)
			printf("rvos: kill: %s: not a pid (1..%d)\n", argv[i], PID_MAX);
		else if (r < 0)
			printf("rvos: kill: %s: %s\n", argv[i], errstr(r));
		status |= r < 0;
	}
	return status;
}

/* shutdown: power off with status 0, which QEMU reports as success. */
static int builtin_shutdown(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	stdout_flush();
	int r = shutdown(0);
	printf("rvos: shutdown: %s\n", errstr(r));
	return 1;
}

/* Start program argv[0] as a new job (line is its command line); wait
 * for it, or with bg leave it running and say "[N] PID". */
static void run_program(char *argv[], const char *line, bool bg)
{
	struct job *j = NULL;

	if (bg) {
		for (int i = 0; i < JOBS_MAX && !j; i++)
			if (!jobs[i].pid)
				j = &jobs[i];
		if (!j) {
			printf("rvos: too many background jobs (max %d)\n", JOBS_MAX);
			return;
		}
	}
	stdout_flush();
	int pid = job_control ? job_spawn(argv[0], argv) : spawn(argv[0], argv);
	if (pid == -ENOENT) {
		printf("rvos: %s: command not found\n", argv[0]);
		return;
	}
	if (pid < 0) {
		printf("rvos: %s: %s\n", argv[0], errstr(pid));
		return;
	}
	if (!bg) {
		struct job fg = { .pid = pid };
		strlcpy(fg.cmd, argv[0], sizeof(fg.cmd));
		job_foreground(&fg);
		return;
	}
	*j = (struct job){ .pid = pid };
	strlcpy(j->cmd, line, sizeof(j->cmd));
	printf("[%d] %d\n", (int)(j - jobs) + 1, pid);
}

/* Run one command line: a builtin or a program. */
static void run_line(char *s)
{
	char line[LINE_MAX + 1];
	char *argv[SPAWN_ARGC_MAX + 1];
	bool bg;

	strlcpy(line, s, sizeof(line));
	int argc = line_split(s, argv, SPAWN_ARGC_MAX, &bg);
	for (size_t n = strlen(line); bg && n && (line[n - 1] == ' ' || line[n - 1] == '&');)
		line[--n] = '\0';       /* the job's name: the line without its '&' */
	if (argc == -E2BIG) {
		printf("rvos: too many arguments (max %d words)\n", SPAWN_ARGC_MAX);
		return;
	}
	if (argc == -EPROTO) {
		printf("rvos: & must end the line\n");
		return;
	}
	if (argc < 0) {
		printf("rvos: unterminated quote\n");
		return;
	}
	if (argc == 0) {
		if (bg)
			printf("rvos: nothing to run in the background\n");
		return;
	}
	for (size_t b = 0; b < ARRAY_SIZE(builtins); b++) {
		if (strcmp(argv[0], builtins[b].name) == 0) {
			if (bg)
				printf("rvos: %s: a builtin cannot run in the background\n", argv[0]);
			else
				builtins[b].run(argc, argv);
			return;
		}
	}
	if (bg && !job_control) {
		printf("rvos: no job control here (only in the kernel's shell)\n");
		return;
	}
	run_program(argv, line, bg);
}

/* Prompt, read, run, forever; returns only if the console fails. */
int main(void)
{
	static struct line l;

	job_control = job_fg(0) >= 0;    /* -EPERM: not the console's shell */
	for (;;) {
		if (job_control)
			jobs_report(false);
		printf(PROMPT);
		if (line_read(&l) < 0) {
			printf("rvos: console closed\n");
			return 1;
		}
		if (l.too_long) {
			printf("rvos: line too long (max %d characters)\n", LINE_MAX);
			continue;
		}
		history_add(l.buf);
		run_line(l.buf);
	}
}
