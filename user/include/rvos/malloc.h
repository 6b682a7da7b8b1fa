/* The user heap: malloc and friends over sbrk (user/lib/malloc.c). */
#ifndef RVOS_USER_MALLOC_H
#define RVOS_USER_MALLOC_H

#include <stddef.h>

void *malloc(size_t n);           /* 16-byte aligned, or NULL */
void *calloc(size_t count, size_t size);
void *realloc(void *p, size_t n);
void  free(void *p);              /* NULL is ignored */

#endif
