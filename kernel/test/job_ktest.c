/* Job-control tests, run in the init kernel thread. A ktest boot has no
 * console controller, so these pin down what every other caller (a
 * fuzzer, a stray program) sees: each job call refused, whatever its
 * arguments, and processes in no job. */
#include "ktest.h"
#include <kernel/job.h>
#include <kernel/syscall.h>
#include <uapi/errno.h>
#include <uapi/wait.h>

KTEST(job_calls_need_controller)
{
	static const uint64_t jobs[] = { 0, 1, 3, (uint64_t)-1, 1UL << 32 | 3 };
	struct trapframe tf = { 0 };

	KT_ASSERT(!job_is_controller(proc_current()));
	for (unsigned i = 0; i < sizeof(jobs) / sizeof(jobs[0]); i++) {
		tf.a0 = jobs[i];
		tf.a1 = 0;
		KT_EQ(sys_job_fg(&tf), -EPERM);
		KT_EQ(sys_job_kill(&tf), -EPERM);
		KT_EQ(sys_job_wait(&tf), -EPERM);
		tf.a1 = 7;           /* bad flags: still -EPERM first */
		KT_EQ(sys_job_wait(&tf), -EPERM);
		KT_EQ(sys_job_spawn(&tf), -EPERM);
	}
}

KTEST(job_none_without_controller)
{
	struct proc s;
	int status;
	bool seen = false;

	pid_t pid = ktest_spawn("sleep", "100000", NULL);
	KT_ASSERT(pid > 0);
	for (int i = 0; i < PROC_MAX; i++)
		if (proc_snapshot(i, &s) && s.pid == pid) {
			KT_EQ(s.job, 0);
			seen = true;
		}
	KT_ASSERT(seen);
	KT_EQ(proc_kill(pid), 0);
	KT_EQ(proc_wait(pid, &status), pid);
	KT_EQ(status, W_KILLED(KILL_REQUESTED));
}
