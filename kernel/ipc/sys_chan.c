/* Channel and service system calls: user handles and buffers in, the
 * endpoints of chan.c out. Every user pointer goes through uvm_copyin or
 * uvm_copyout; on any error nothing has moved (no handle is lost, no
 * message dequeued). Locking: ipc_lock around each table and queue step.
 */
#include "ipc_internal.h"
#include <kernel/syscall.h>
#include <kernel/proc.h>
#include <kernel/uvm.h>
#include <lib/string.h>
#include <uapi/errno.h>

/* chan_create(&h0, &h1) -> 0: a new channel, one handle per end. The
 * result pointers are checked first and written only on success: a
 * failed call leaves the caller's memory alone. */
long sys_chan_create(struct trapframe *tf)
{
	struct proc *p = proc_current();
	int hs[2];
	struct chan_end *a, *b;

	if (uvm_check(p->pagetable, tf->a0, sizeof(int), true) < 0 ||
	    uvm_check(p->pagetable, tf->a1, sizeof(int), true) < 0)
		return -EFAULT;
	if (chan_pair(&a, &b) < 0)
		return -ENOMEM;
	spin_lock(&ipc_lock);
	int r = handle_room_locked(p, 2);
	if (r == 0)
		r = chan_charge_locked(a, p);
	if (r < 0) {
		chan_close_locked(a);
		chan_close_locked(b);
		spin_unlock(&ipc_lock);
		return r;
	}
	hs[0] = handle_install_locked(p, a);
	hs[1] = handle_install_locked(p, b);
	spin_unlock(&ipc_lock);
	uvm_copyout(p->pagetable, tf->a0, &hs[0], sizeof(int));
	uvm_copyout(p->pagetable, tf->a1, &hs[1], sizeof(int));
	return 0;
}

/* chan_send(h, buf, len, handles, nhandles, flags) -> 0. */
long sys_chan_send(struct trapframe *tf)
{
	struct proc *p = proc_current();
	int h = (int)tf->a0;
	uintptr_t ubuf = tf->a1, uhandles = tf->a3;
	size_t len = tf->a2, nh = tf->a4;
	int flags = (int)tf->a5, hv[CHAN_MSG_HANDLES];

	if (flags & ~CHAN_NONBLOCK)
		return -EINVAL;
	if (len > CHAN_MSG_MAX || nh > CHAN_MSG_HANDLES)
		return -EMSGSIZE;
	if (nh && uvm_copyin(p->pagetable, hv, uhandles, nh * sizeof(int)) < 0)
		return -EFAULT;
	struct chan_msg *m = chan_msg_get(p, len);
	if (!m)
		return -ENOMEM;
	if (len && uvm_copyin(p->pagetable, m->data, ubuf, len) < 0) {
		chan_msg_put(p, m);
		return -EFAULT;
	}
	m->nhandles = (uint16_t)nh;

	spin_lock(&ipc_lock);
	/* only p changes its table: what the handles name stays while p sleeps */
	struct chan_end *e = handle_get_locked(p, h);
	int r = e ? 0 : -EBADF;
	for (size_t i = 0; i < nh && r == 0; i++) {
		m->h[i] = handle_get_locked(p, hv[i]);
		if (!m->h[i])
			r = -EBADF;
		else if (hv[i] == h)
			r = -EINVAL;    /* a handle cannot carry itself */
	}
	if (r == 0)
		r = chan_send_locked(chan_end_self, e, m, p, flags);
	if (r == 0)
		for (size_t i = 0; i < nh; i++)
			handle_clear_locked(p, hv[i]);
	spin_unlock(&ipc_lock);
	if (r < 0)
		chan_msg_put(p, m);
	return r;
}

/* chan_recv(h, buf, cap, &info, flags) -> bytes received. */
long sys_chan_recv(struct trapframe *tf)
{
	struct proc *p = proc_current();
	int h = (int)tf->a0;
	uintptr_t ubuf = tf->a1, uinfo = tf->a3;
	size_t cap = tf->a2;
	int flags = (int)tf->a4;
	struct chan_info info;
	struct chan_end *e;
	struct chan_msg *m;
	long r;

	if (flags & ~CHAN_NONBLOCK)
		return -EINVAL;
	if (uinfo)
		memset(&info, 0, sizeof(info));
	spin_lock(&ipc_lock);
	e = handle_get_locked(p, h);    /* only p changes its table: e stays while p sleeps */
	if (!e) {
		r = -EBADF;
		goto out;
	}
	if ((r = chan_recv_wait_locked(e, flags, &m)) < 0)
		goto out;
	/* Everything that can fail comes before the dequeue. */
	info.len = m->len;
	info.nhandles = m->nhandles;
	if (m->len > cap) {
		if (uinfo)
			uvm_copyout(p->pagetable, uinfo, &info, sizeof(info));
		r = -EMSGSIZE;
		goto out;
	}
	if (m->nhandles && !uinfo) {
		r = -EINVAL;            /* nowhere to say the handles' numbers */
		goto out;
	}
	if (m->nhandles && (r = handle_room_locked(p, m->nhandles)) < 0)
		goto out;
	if (m->len && uvm_copyout(p->pagetable, ubuf, m->data, m->len) < 0) {
		r = -EFAULT;
		goto out;
	}
	for (uint32_t i = 0; i < m->nhandles; i++)
		info.handles[i] = handle_install_locked(p, m->h[i]);
	if (uinfo && uvm_copyout(p->pagetable, uinfo, &info, sizeof(info)) < 0) {
		for (uint32_t i = 0; i < m->nhandles; i++)
			handle_clear_locked(p, info.handles[i]);
		r = -EFAULT;
		goto out;
	}
	chan_dequeue_locked(e);
	for (uint32_t i = 0; i < m->nhandles; i++)
		m->h[i]->for_peer = false;      /* a handle table is a root */
	spin_unlock(&ipc_lock);
	r = m->len;
	chan_msg_put(p, m);
	return r;
out:
	spin_unlock(&ipc_lock);
	return r;
}

/* chan_close(h) -> 0. */
long sys_chan_close(struct trapframe *tf)
{
	struct proc *p = proc_current();
	int h = (int)tf->a0;

	spin_lock(&ipc_lock);
	struct chan_end *e = handle_get_locked(p, h);
	if (e) {
		handle_clear_locked(p, h);
		chan_close_locked(e);
	}
	spin_unlock(&ipc_lock);
	return e ? 0 : -EBADF;
}

/* Copy a service name from user space: -EFAULT, or -ENOENT if too long. */
static long copy_svc_name(struct proc *p, uintptr_t uname, char name[SVC_NAME_MAX])
{
	long n = uvm_copyinstr(p->pagetable, name, uname, SVC_NAME_MAX);
	return n == -E2BIG ? -ENOENT : n;
}

/* Give p a handle for e, or close e: the handle or -EMFILE / -ENOMEM. */
static long install_or_close(struct proc *p, struct chan_end *e)
{
	spin_lock(&ipc_lock);
	long r = handle_room_locked(p, 1);
	if (r == 0)
		r = chan_charge_locked(e, p);   /* its channel: p's, as chan_create's */
	if (r == 0)
		r = handle_install_locked(p, e);
	else
		chan_close_locked(e);
	spin_unlock(&ipc_lock);
	return r;
}

/* Has p room for one more handle? 0, -EMFILE or -ENOMEM. */
static int handle_room(struct proc *p)
{
	spin_lock(&ipc_lock);
	int r = handle_room_locked(p, 1);
	spin_unlock(&ipc_lock);
	return r;
}

/* svc_lookup(name) -> handle to a new channel to that service. */
long sys_svc_lookup(struct trapframe *tf)
{
	struct proc *p = proc_current();
	char name[SVC_NAME_MAX];
	struct chan_end *c;

	long r = copy_svc_name(p, tf->a0, name);
	if (r < 0)
		return r;
	if ((r = handle_room(p)) < 0)
		return r;
	if ((r = svc_connect(name, p->pid, &c)) < 0)
		return r;
	return install_or_close(p, c);
}

/* svc_register(name) -> handle on which svc_connect messages arrive. */
long sys_svc_register(struct trapframe *tf)
{
	struct proc *p = proc_current();
	char name[SVC_NAME_MAX];
	struct chan_end *listen;

	long r = copy_svc_name(p, tf->a0, name);
	if (r < 0)
		return r == -ENOENT ? -EINVAL : r;
	if ((r = handle_room(p)) < 0)
		return r;
	if ((r = svc_name_add(name, &listen)) < 0)
		return r;
	return install_or_close(p, listen);
}
