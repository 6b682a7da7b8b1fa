/* The service registry: names for services, found by svc_lookup.
 *
 * Registering a name makes a channel: the service keeps one end (its
 * listening end) and the registry the other. A lookup makes a fresh
 * channel for the client and sends the service's end of it, in one
 * svc_connect message, from the registry's end to the listening end. So
 * a service learns of clients by receiving, like any other message, and
 * each client has a channel of its own. When the service closes its
 * listening end (or dies) chan_close_locked calls svc_forget_locked and
 * the name is gone at once.
 *
 * Kernel services call svc_name_add; user processes reach the same code
 * through the svc_register and svc_lookup system calls (sys_chan.c).
 * Locking: ipc_lock guards the table.
 */
#include "ipc_internal.h"
#include <kernel/proc.h>
#include <lib/string.h>
#include <kernel/name.h>
#include <uapi/errno.h>

struct svc_entry {
	char name[SVC_NAME_MAX];
	struct chan_end *reg;        /* the registry's end; NULL: slot free */
	pid_t owner;                 /* the user process that registered it, or 0 */
};

static struct svc_entry services[SVC_MAX];

/* A name is 1..SVC_NAME_MAX-1 printable characters without spaces. */
static bool svc_name_ok(const char *name)
{
	return name_valid(name, SVC_NAME_MAX);
}

/* The entry named name, or NULL. Caller holds ipc_lock. */
static struct svc_entry *svc_find_locked(const char *name)
{
	for (int i = 0; i < SVC_MAX; i++)
		if (services[i].reg && !strcmp(services[i].name, name))
			return &services[i];
	return NULL;
}

/* Name a new service; the caller gets its listening end. */
int svc_name_add(const char *name, struct chan_end **listen)
{
	struct chan_end *reg, *lis;

	if (!svc_name_ok(name))
		return -EINVAL;
	if (chan_pair(&reg, &lis) < 0)
		return -ENOMEM;
	spin_lock(&ipc_lock);
	struct svc_entry *free = NULL;
	int r = 0;
	for (int i = 0; i < SVC_MAX && !free; i++)
		if (!services[i].reg)
			free = &services[i];
	/* a user process may hold SVC_NAMES_PER_PROC names, so no one
	 * process can take the whole registry (kernel threads: no cap) */
	struct proc *self = proc_current();
	pid_t owner = self && !self->kthread ? self->pid : 0;
	int owned = 0;
	for (int i = 0; i < SVC_MAX && owner; i++)
		owned += services[i].reg && services[i].owner == owner;
	if (svc_find_locked(name))
		r = -EEXIST;
	else if (owned >= SVC_NAMES_PER_PROC)
		r = -EMFILE;
	else if (!free)
		r = -ENOSPC;
	if (r < 0) {
		chan_close_locked(reg);
		chan_close_locked(lis);
		spin_unlock(&ipc_lock);
		return r;
	}
	strlcpy(free->name, name, sizeof(free->name));
	free->reg = reg;
	free->owner = owner;
	reg->registry = true;
	reg->for_peer = true;          /* let go only when lis closes */
	*listen = lis;
	spin_unlock(&ipc_lock);
	return 0;
}

/* Drop the name whose registry end is e (its service closed). */
void svc_forget_locked(struct chan_end *e)
{
	for (int i = 0; i < SVC_MAX; i++)
		if (services[i].reg == e) {
			services[i].reg = NULL;
			services[i].name[0] = '\0';
		}
	e->registry = false;
}

/* For chan_send_locked: the registry's end for the service named key,
 * or NULL. Caller holds ipc_lock. */
static struct chan_end *svc_reg_end_locked(void *key)
{
	struct svc_entry *sv = svc_find_locked(key);
	return sv ? sv->reg : NULL;
}

/* Make a channel to service name and hand its far end to the service. */
int svc_connect(const char *name, pid_t pid, struct chan_end **client)
{
	struct chan_end *c, *s;
	struct svc_connect hello = { SVC_CONNECT_MAGIC, pid };

	if (!svc_name_ok(name))
		return -ENOENT;
	struct chan_msg *m = chan_msg_alloc(sizeof(hello));
	if (!m)
		return -ENOMEM;
	if (chan_pair(&c, &s) < 0) {
		chan_msg_free(m);
		return -ENOMEM;
	}
	memcpy(m->data, &hello, sizeof(hello));
	m->nhandles = 1;
	m->h[0] = s;
	s->for_peer = true;     /* a kernel service keeps s until c closes;
				 * a user service's chan_recv clears it */

	/* the hello waits in the service's queue charged to the caller, as
	 * any message it sent would be (kernel threads are not charged) */
	struct proc *self = proc_current();
	struct proc *charge = self && !self->kthread && self->ipc ? self : NULL;

	spin_lock(&ipc_lock);
	/* found again after each wait: the service may go while we sleep */
	int r = chan_send_locked(svc_reg_end_locked, (void *)name, m, charge, 0);
	if (r < 0) {
		if (r == -EPIPE)
			r = -ENOENT;
		chan_close_locked(c);
		chan_close_locked(s);
		spin_unlock(&ipc_lock);
		chan_msg_free(m);
		return r;
	}
	spin_unlock(&ipc_lock);
	*client = c;
	return 0;
}
