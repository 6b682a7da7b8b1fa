/* Messages for the error codes of <uapi/errno.h>. */
#include <rvos.h>

static const char *const messages[] = {
	[EPERM]    = "operation not permitted",
	[ENOENT]   = "no such program or object",
	[ESRCH]    = "no such process",
	[EINTR]    = "interrupted",
	[EIO]      = "device error",
	[E2BIG]    = "argument list too long",
	[ENOEXEC]  = "not a valid executable",
	[EBADF]    = "bad handle",
	[ECHILD]   = "no such child",
	[EAGAIN]   = "would block",
	[ENOMEM]   = "out of memory",
	[EFAULT]   = "bad address",
	[EBUSY]    = "busy",
	[EEXIST]   = "already exists",
	[EINVAL]   = "invalid argument",
	[ENFILE]   = "kernel table full",
	[EMFILE]   = "per-process table full",
	[ENOSPC]   = "no space left",
	[EPIPE]    = "peer closed",
	[ERANGE]   = "out of range",
	[ENOSYS]   = "no such system call",
	[EPROTO]   = "protocol error",
	[EMSGSIZE] = "message too large",
};

const char *errstr(int err)
{
	if (err < 0)
		err = -err;
	if (err < (int)ARRAY_SIZE(messages) && messages[err])
		return messages[err];
	return "unknown error";
}
