/* The user heap: a first-fit free list over sbrk.
 *
 * Every block starts with a header and is a multiple of 16 bytes, so
 * payloads are 16-byte aligned (the break starts page-aligned). The free
 * list is sorted by address and neighbours are merged on free; when the
 * free block at the top of the heap reaches MALLOC_TRIM bytes of whole
 * pages, they go back to the kernel with a negative sbrk.
 * Single-threaded, like every rvos process.
 */
#include <rvos.h>

#define MALLOC_GROW  (4 * USER_PAGE_SIZE)   /* least sbrk per growth */
#define MALLOC_TRIM  (4 * USER_PAGE_SIZE)   /* least free top returned */

struct block {
	size_t size;             /* bytes, header included; multiple of 16 */
	struct block *next;      /* next free block, higher address */
};

_Static_assert(sizeof(struct block) == 16, "block header keeps 16-byte alignment");

static struct block *free_list;

/* Put b on the free list, merging it with free neighbours. Returns the
 * block that now contains b. */
static struct block *free_insert(struct block *b)
{
	struct block *prev = NULL, *next = free_list;

	while (next && next < b) {
		prev = next;
		next = next->next;
	}
	if (next && (char *)b + b->size == (char *)next) {
		b->size += next->size;
		next = next->next;
	}
	b->next = next;
	if (prev && (char *)prev + prev->size == (char *)b) {
		prev->size += b->size;
		prev->next = next;
		return prev;
	}
	if (prev)
		prev->next = b;
	else
		free_list = b;
	return b;
}

/* Give whole free pages at the top of the heap back, if b is there.
 * The break is asked for only when b could qualify: the program may
 * have moved it with its own sbrk calls. */
static void heap_trim(struct block *b)
{
	if (b->next || b->size < MALLOC_TRIM)
		return;
	uintptr_t brk = (uintptr_t)sbrk(0);
	uintptr_t from = ALIGN_UP((uintptr_t)b, USER_PAGE_SIZE);

	if ((uintptr_t)b + b->size != brk || brk - from < MALLOC_TRIM)
		return;
	if (sbrk(-(long)(brk - from)) < 0)
		return;
	if (from == (uintptr_t)b) {
		struct block **pp = &free_list;
		while (*pp != b)
			pp = &(*pp)->next;
		*pp = NULL;
	} else {
		b->size = from - (uintptr_t)b;
	}
}

/* Add at least need bytes of fresh memory to the free list. */
static bool heap_grow(size_t need)
{
	size_t bytes = ALIGN_UP(need, USER_PAGE_SIZE);
	size_t got = MAX(bytes, MALLOC_GROW);
	long old;

	if (bytes < need || bytes > ((size_t)-1 >> 1))
		return false;
	old = sbrk((long)got);
	if (old < 0) {
		got = bytes;                  /* the generous size did not fit */
		old = sbrk((long)got);
	}
	if (old < 0)
		return false;
	struct block *b = (struct block *)old;
	b->size = got;
	free_insert(b);
	return true;
}

void *malloc(size_t n)
{
	if (n > ((size_t)-1 >> 1))
		return NULL;
	size_t need = ALIGN_UP(n ? n : 1, 16) + sizeof(struct block);

	for (;;) {
		struct block **pp, *b;
		for (pp = &free_list; (b = *pp) != NULL; pp = &b->next) {
			if (b->size < need)
				continue;
			if (b->size - need >= 2 * sizeof(struct block)) {
				/* hand out the tail; the head stays listed */
				b->size -= need;
				b = (struct block *)((char *)b + b->size);
				b->size = need;
			} else {
				*pp = b->next;
			}
			return b + 1;
		}
		if (!heap_grow(need))
			return NULL;
	}
}

void free(void *p)
{
	if (p)
		heap_trim(free_insert((struct block *)p - 1));
}

void *calloc(size_t count, size_t size)
{
	if (size && count > ((size_t)-1) / size)
		return NULL;
	void *p = malloc(count * size);
	if (p)
		memset(p, 0, count * size);
	return p;
}

void *realloc(void *p, size_t n)
{
	if (!p)
		return malloc(n);
	if (n == 0) {
		free(p);
		return NULL;
	}
	size_t have = ((struct block *)p - 1)->size - sizeof(struct block);
	if (have >= n)
		return p;
	void *q = malloc(n);
	if (q) {
		memcpy(q, p, have);
		free(p);
	}
	return q;
}
