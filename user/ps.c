/* ps: every process and kernel thread, as told by the sysinfo service,
 * after a line saying which harts run. Kernel threads are shown
 * [bracketed]; STATE says what a sleeper waits for; HART is the hart it
 * last ran on ('-': never); %CPU is its share of one hart over its
 * lifetime; CPU is seconds run; MEM is the pages it owns, in KiB. */
#include <rvos.h>
#include <rvos/sysinfo.h>

/* The STATE column for a process record. */
static void state_text(const struct si_proc *p, char *out, size_t n)
{
	static const char *const names[] = {
		[SI_STATE_EMBRYO] = "new", [SI_STATE_RUNNABLE] = "ready",
		[SI_STATE_RUNNING] = "run", [SI_STATE_SLEEPING] = "sleep",
		[SI_STATE_ZOMBIE] = "zombie",
	};
	const char *s = p->state < ARRAY_SIZE(names) && names[p->state] ? names[p->state] : "?";
	char wait[17];
	si_name(wait, p->wait, sizeof(p->wait));
	if (p->state == SI_STATE_SLEEPING && wait[0])
		snprintf(out, n, "%s:%s", s, wait);
	else
		snprintf(out, n, "%s", s);
}

/* The HART column: the hart id it last ran on, '-' if it never ran. */
static void hart_text(const struct si_proc *p, char *out, size_t n)
{
	if (p->last_hart < 0)
		snprintf(out, n, "-");
	else
		snprintf(out, n, "%d", p->last_hart);
}

/* The %CPU column: ticks run per tick lived, in tenths of a percent. */
static void share_text(const struct si_proc *p, char *out, size_t n)
{
	uint64_t lived = p->now_tick > p->start_tick ? p->now_tick - p->start_tick : 0;
	unsigned long permille = lived ? (unsigned long)(p->cpu_ticks * 1000 / lived) : 0;
	snprintf(out, n, "%lu.%lu", permille / 10, permille % 10);
}

static struct si_proc procs[SI_PROCS_MAX];
static int nprocs;
static struct si_harts harts;

/* Order the table by pid (insertion sort: a few dozen rows). */
static void sort_by_pid(void)
{
	for (int i = 1; i < nprocs; i++)
		for (int j = i; j > 0 && procs[j - 1].pid > procs[j].pid; j--) {
			struct si_proc t = procs[j - 1];
			procs[j - 1] = procs[j];
			procs[j] = t;
		}
}

/* Ask sysinfo for the process table and print it by pid. */
int main(int argc, char **argv)
{
	struct si_reader rd;
	const void *rec;
	int type;

	if (argc > 1) {
		printf("usage: %s\n", argv[0]);
		return 2;
	}
	int h = svc_lookup(SYSINFO_SERVICE);
	if (h < 0) {
		printf("ps: cannot reach sysinfo: %s\n", errstr(h));
		return 1;
	}
	int r = si_request(h, SI_REQ_PS, 0);
	if (r < 0) {
		printf("ps: sysinfo request: %s\n", errstr(r));
		return 1;
	}
	si_reader_init(&rd, h);
	while ((type = si_read(&rd, &rec)) > 0) {
		if (type == SI_REC_PROC && nprocs < (int)ARRAY_SIZE(procs))
			memcpy(&procs[nprocs++], rec, sizeof(procs[0]));
		else if (type == SI_REC_HART)
			si_harts_add(&harts, rec);
	}
	chan_close(h);
	if (type < 0) {
		printf("ps: reply broken: %s\n", errstr(type));
		return 1;
	}
	if (rd.status < 0) {
		printf("ps: sysinfo: %s\n", errstr(rd.status));
		return 1;
	}
	sort_by_pid();
	si_harts_print(&harts, 0);
	printf("  PID  PPID  STATE            HART  %%CPU     CPU      MEM  NAME\n");
	for (int i = 0; i < nprocs; i++) {
		const struct si_proc *p = &procs[i];
		char state[40], name[17], shown[20], hart[12], share[12];
		state_text(p, state, sizeof(state));
		hart_text(p, hart, sizeof(hart));
		share_text(p, share, sizeof(share));
		si_name(name, p->name, sizeof(p->name));
		if (p->flags & SI_PROC_KTHREAD)
			snprintf(shown, sizeof(shown), "[%s]", name);
		else
			snprintf(shown, sizeof(shown), "%s", name);
		unsigned hz = p->tick_hz ? p->tick_hz : 100;
		unsigned long cs = (unsigned long)(p->cpu_ticks * 100 / hz);
		printf("%5d %5d  %-16s %4s %5s %3lu.%02lu %7luK  %s\n", p->pid, p->ppid, state,
		       hart, share, cs / 100, cs % 100,
		       (unsigned long)p->pages * (USER_PAGE_SIZE / 1024), shown);
	}
	return 0;
}
