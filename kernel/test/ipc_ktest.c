/* In-kernel tests of channels and the service registry, through the
 * kernel API (the system calls are tested by user/test/chantest.c). Each test
 * ends with the IPC_ tag holding exactly the bytes it held before. */
#include "ktest.h"
#include <kernel/ipc.h>
#include <kernel/tag.h>
#include <lib/string.h>
#include <uapi/errno.h>

#define CHAIN_DEPTH 400     /* endpoints nested inside endpoints' queues */

/* Heap bytes held under IPC_ now. */
static uint64_t ipc_bytes(void)
{
	struct tag_stat ts;
	tag_stat_get(TAG_IPC, &ts);
	return ts.bytes;
}

/* Queue bounds, sizes, and what a close leaves for the peer. */
KTEST(ipc_chan)
{
	uint64_t before = ipc_bytes();
	struct chan_end *a, *b, *hs[CHAN_MSG_HANDLES];
	char buf[CHAN_MSG_MAX];
	int nh;

	KT_EQ(chan_pair(&a, &b), 0);
	KT_EQ(chan_krecv(b, buf, sizeof(buf), hs, &nh, CHAN_NONBLOCK), -EAGAIN);
	for (int i = 0; i < CHAN_QUEUE_MAX; i++)
		KT_EQ(chan_ksend(a, &i, sizeof(i), NULL, 0, CHAN_NONBLOCK), 0);
	KT_EQ(chan_ksend(a, "x", 1, NULL, 0, CHAN_NONBLOCK), -EAGAIN);
	KT_EQ(chan_ksend(b, buf, CHAN_MSG_MAX + 1, NULL, 0, CHAN_NONBLOCK), -EMSGSIZE);
	KT_EQ(chan_krecv(b, buf, 2, hs, &nh, CHAN_NONBLOCK), -EMSGSIZE);
	int v = -1;
	KT_EQ(chan_krecv(b, &v, sizeof(v), hs, &nh, CHAN_NONBLOCK), sizeof(v));
	KT_EQ(v, 0);
	KT_EQ(nh, 0);
	chan_kclose(a);
	KT_EQ(chan_ksend(b, "x", 1, NULL, 0, CHAN_NONBLOCK), -EPIPE);
	for (int i = 1; i < CHAN_QUEUE_MAX; i++) {
		KT_EQ(chan_krecv(b, &v, sizeof(v), hs, &nh, CHAN_NONBLOCK), sizeof(v));
		KT_EQ(v, i);
	}
	KT_EQ(chan_krecv(b, buf, sizeof(buf), hs, &nh, CHAN_NONBLOCK), -EPIPE);
	chan_kclose(b);
	KT_EQ(ipc_bytes(), before);
}

/* Endpoints carried inside endpoints: a cycle is refused, and closing the
 * outermost frees a deep nest without recursion. */
KTEST(ipc_nesting)
{
	uint64_t before = ipc_bytes();
	struct chan_end *a, *b, *pa, *pb;

	KT_EQ(chan_pair(&a, &b), 0);
	KT_EQ(chan_ksend(a, "x", 1, &b, 1, CHAN_NONBLOCK), -EINVAL);  /* b into b */
	KT_EQ(chan_ksend(a, "x", 1, &a, 1, CHAN_NONBLOCK), -EINVAL);  /* a carries a */
	for (int i = 0; i < CHAIN_DEPTH; i++) {
		pa = a;
		pb = b;
		KT_EQ(chan_pair(&a, &b), 0);
		struct chan_end *carry[2] = { pa, pb };
		KT_EQ(chan_ksend(a, &i, sizeof(i), carry, 2, CHAN_NONBLOCK), 0);
	}
	/* b's queue holds pa and pb: sending b into pb's queue would hide
	 * each inside the other */
	KT_EQ(chan_ksend(pa, "x", 1, &b, 1, CHAN_NONBLOCK), -EINVAL);
	chan_kclose(a);
	chan_kclose(b);
	KT_EQ(ipc_bytes(), before);
}

/* A registered name reaches its service; closing the service forgets it. */
KTEST(ipc_registry)
{
	uint64_t before = ipc_bytes();
	struct chan_end *listen, *client, *hs[CHAN_MSG_HANDLES];
	struct svc_connect hello;
	int nh;

	KT_EQ(svc_name_add("ktest.svc", &listen), 0);
	KT_EQ(svc_name_add("ktest.svc", &client), -EEXIST);
	KT_EQ(svc_name_add("bad name", &client), -EINVAL);
	KT_EQ(svc_connect("ktest.none", 0, &client), -ENOENT);
	KT_EQ(svc_connect("ktest.svc", 42, &client), 0);
	KT_EQ(chan_krecv(listen, &hello, sizeof(hello), hs, &nh, CHAN_NONBLOCK), sizeof(hello));
	KT_EQ(hello.magic, SVC_CONNECT_MAGIC);
	KT_EQ(hello.client_pid, 42);
	KT_EQ(nh, 1);
	KT_EQ(chan_ksend(client, "hi", 3, NULL, 0, CHAN_NONBLOCK), 0);
	char buf[8];
	KT_EQ(chan_krecv(hs[0], buf, sizeof(buf), NULL, &nh, CHAN_NONBLOCK), 3);
	KT_ASSERT(!strcmp(buf, "hi"));
	chan_kclose(listen);
	struct chan_end *late;
	KT_EQ(svc_connect("ktest.svc", 0, &late), -ENOENT);
	chan_kclose(hs[0]);
	chan_kclose(client);
	KT_EQ(ipc_bytes(), before);
}
