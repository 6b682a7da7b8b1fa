/* shell: the rvos command line.
 *
 * Reads a line with its own echo and editing (the console is raw: the
 * kernel neither echoes nor edits), splits it into words, and runs a
 * builtin or spawns the program of that name and waits for it.
 * docs/shell.md describes what the user sees.
 */
#include <rvos.h>
#include <uapi/progs.h>

#define PROMPT       "rvos> "
#define LINE_MAX     256     /* longest command line, in characters */
#define HISTORY_MAX  32      /* command lines kept for the arrow keys */
#define HELP_COLUMNS 4       /* program names per line in `help` */
#define JOBS_MAX     8       /* background jobs at once (%1..%8) */

#define CTRL_C  0x03
#define CTRL_U  0x15
#define BS      0x08
#define ESC     0x1b
#define DEL     0x7f

/* What key_read returns besides plain bytes. */
enum {
	KEY_EOF   = -1,          /* the console cannot be read */
	KEY_UP    = 0x100,
	KEY_DOWN,
	KEY_OTHER,               /* an escape sequence we ignore */
};

/* The line being edited. */
struct line {
	char buf[LINE_MAX + 1];
	size_t len;
	bool too_long;           /* characters were refused: Enter runs nothing */
	int back;                /* 0: a new line; n: history entry n shown */
	char draft[LINE_MAX + 1];  /* the new line, kept while browsing */
};

/* Past command lines, most recent last; a ring of HISTORY_MAX. */
static struct {
	char lines[HISTORY_MAX][LINE_MAX + 1];
	int count;               /* entries held, at most HISTORY_MAX */
	int next;                /* slot the next entry goes in */
} hist;

/* Entry back lines ago (1 = the most recent), or NULL. */
static const char *history_get(int back)
{
	if (back < 1 || back > hist.count)
		return NULL;
	return hist.lines[(hist.next - back + HISTORY_MAX) % HISTORY_MAX];
}

/* Remember a command line, unless it is empty or repeats the last one. */
static void history_add(const char *s)
{
	const char *last = history_get(1);

	if (!s[0] || (last && strcmp(last, s) == 0))
		return;
	strlcpy(hist.lines[hist.next], s, LINE_MAX + 1);
	hist.next = (hist.next + 1) % HISTORY_MAX;
	if (hist.count < HISTORY_MAX)
		hist.count++;
}

/* Bytes read too far by key_read, given back for the next keys (the
 * last given back comes out first). */
static int key_back[2];
static int key_nback;

/* Give byte c back, to be read again before the console. */
static void key_unread(int c)
{
	if (c >= 0 && key_nback < (int)ARRAY_SIZE(key_back))
		key_back[key_nback++] = c;
}

/* The next input byte: the one given back, else the console's. Read
 * one byte at a time, so whatever is typed after Enter stays in the
 * kernel's input: a foreground program reads what was typed ahead for
 * it, and a ^C typed just after Enter reaches the job (job_fg takes it
 * from the input) instead of waiting here for the next prompt. */
static int key_byte(void)
{
	char b;

	if (key_nback)
		return key_back[--key_nback];
	stdout_flush();          /* prompt and echo show before we block */
	return console_read(&b, 1) == 1 ? (unsigned char)b : -1;
}

/* The rest of a terminal string sequence (OSC "ESC ]", DCS "ESC P",
 * APC, PM, SOS: a title, a colour query answer), ignored whole up to
 * its end, BEL or ESC \. Enter ends it too and is given back, so a
 * stray "ESC ]" typed by hand costs at most the line, never Enter. */
static int key_string(void)
{
	int c;

	while ((c = key_byte()) >= 0) {
		if (c == '\a')
			return KEY_OTHER;
		if (c == '\r' || c == '\n') {
			key_unread(c);
			return KEY_OTHER;
		}
		if (c == ESC) {
			c = key_byte();
			if (c == '\\')
				return KEY_OTHER;
			key_unread(c);       /* no ST: this ESC starts the next key */
			key_unread(ESC);
			return KEY_OTHER;
		}
	}
	return KEY_EOF;
}

/* Next key from the console: a byte, KEY_UP/KEY_DOWN for the arrows
 * (ESC [ A, ESC [ B, or ESC O A/B in application mode), KEY_OTHER for
 * any other escape sequence, KEY_EOF when the console fails. An ESC not
 * followed by '[' or 'O' is dropped alone, and a sequence cut short by a
 * byte that cannot end it gives that byte back: no typed key is lost. */
static int key_read(void)
{
	int c = key_byte();

	if (c != ESC)
		return c;
	c = key_byte();
	if (c == ']' || c == 'P' || c == '_' || c == '^' || c == 'X')
		return key_string();
	if (c != '[' && c != 'O') {
		if (c < 0)
			return KEY_EOF;
		key_unread(c);       /* a lone ESC: keep what follows it */
		return KEY_OTHER;
	}
	do                       /* parameter and intermediate bytes */
		c = key_byte();
	while (c >= 0x20 && c <= 0x3f);
	if (c < 0)
		return KEY_EOF;
	if (c < 0x40 || c > 0x7e) {  /* not a final byte: not part of it */
		key_unread(c);
		return KEY_OTHER;
	}
	switch (c) {
	case 'A': return KEY_UP;
	case 'B': return KEY_DOWN;
	default:  return KEY_OTHER;
	}
}

/* Show text instead of the line's contents on the terminal and in buf:
 * back up over the old text, print the new, blank what is left over. */
static void line_replace(struct line *l, const char *text)
{
	size_t old = l->len;

	for (size_t i = 0; i < old; i++)
		putchar('\b');
	l->len = strlcpy(l->buf, text, sizeof(l->buf));
	printf("%s", l->buf);
	for (size_t i = l->len; i < old; i++)
		putchar(' ');
	for (size_t i = l->len; i < old; i++)
		putchar('\b');
	l->too_long = false;
}

/* Up (older, dir 1) or down (newer, dir -1) through the history; the
 * line being typed is kept as a draft and comes back at the bottom. */
static void line_browse(struct line *l, int dir)
{
	int to = l->back + dir;

	if (to < 0 || to > hist.count)
		return;
	if (l->back == 0)
		strlcpy(l->draft, l->buf, sizeof(l->draft));
	l->back = to;
	line_replace(l, to ? history_get(to) : l->draft);
}

/* Take a printable character; past LINE_MAX refuse it (ring the bell)
 * and mark the line too long. */
static void line_insert(struct line *l, char c)
{
	if (l->len == LINE_MAX) {
		l->too_long = true;
		putchar('\a');
		return;
	}
	l->buf[l->len++] = c;
	l->buf[l->len] = '\0';
	putchar(c);
}

/* Read one command line into l, echoing and editing: backspace or DEL
 * erase, ^U kills the line, ^C abandons it (l comes back empty), the
 * arrows walk the history. Returns 0, or -1 if the console fails. */
static int line_read(struct line *l)
{
	static bool after_cr;    /* the last line ended in '\r': skip a '\n' */

	l->len = 0;
	l->buf[0] = '\0';
	l->too_long = false;
	l->back = 0;
	for (;;) {
		int c = key_read();
		bool skip = after_cr && c == '\n';

		after_cr = false;
		if (skip)
			continue;
		switch (c) {
		case KEY_EOF:
			return -1;
		case '\r':
		case '\n':
			after_cr = c == '\r';
			putchar('\n');
			return 0;
		case CTRL_C:
			printf("^C\n");
			l->len = 0;
			l->buf[0] = '\0';
			l->too_long = false;
			return 0;
		case CTRL_U:
			line_replace(l, "");
			break;
		case BS:
		case DEL:
			if (l->len > 0) {
				l->buf[--l->len] = '\0';
				printf("\b \b");
			}
			break;
		case KEY_UP:
			line_browse(l, 1);
			break;
		case KEY_DOWN:
			line_browse(l, -1);
			break;
		case '\t':
			line_insert(l, ' ');
			break;
		default:
			if (c >= ' ' && c <= '~')
				line_insert(l, (char)c);
			break;
		}
	}
}

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
	for (int back = hist.count; back >= 1; back--)
		printf("%4d  %s\n", hist.count - back + 1, history_get(back));
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
