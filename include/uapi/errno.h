/* Error codes shared by the kernel and user space.
 *
 * Convention: every kernel function and every system call that can fail
 * returns a negative code from this list (-EINVAL, ...); 0 or a positive
 * value means success. There is no errno variable.
 */
#ifndef RVOS_UAPI_ERRNO_H
#define RVOS_UAPI_ERRNO_H

#define EPERM     1   /* operation not permitted */
#define ENOENT    2   /* no such program, service or object */
#define ESRCH     3   /* no such process */
#define EINTR     4   /* interrupted */
#define EIO       5   /* device error */
#define E2BIG     7   /* argument list or message too long */
#define ENOEXEC   8   /* not a valid executable image */
#define EBADF     9   /* bad handle */
#define ECHILD   10   /* no such child to wait for */
#define EAGAIN   11   /* would block: queue full or empty */
#define ENOMEM   12   /* out of memory */
#define EFAULT   14   /* bad user address */
#define EBUSY    16   /* resource busy */
#define EEXIST   17   /* already exists */
#define EINVAL   22   /* invalid argument */
#define ENFILE   23   /* a kernel table is full */
#define EMFILE   24   /* a per-process table is full */
#define ENOSPC   28   /* no space left in a fixed table */
#define EPIPE    32   /* peer endpoint closed */
#define ERANGE   34   /* value out of range */
#define ENOSYS   38   /* no such system call */
#define EPROTO   71   /* protocol error in a request */
#define EMSGSIZE 90   /* message too large */

#endif
