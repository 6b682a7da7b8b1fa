/* Memory and string functions (lib/string.c).
 *
 * lib/ is the code the kernel and user space share by design: each build
 * compiles the files of lib/ itself, and both include these headers as <lib/...>.
 * It depends on nothing but the compiler's own headers, so it includes
 * neither kernel/ nor user headers.
 */
#ifndef RVOS_LIB_STRING_H
#define RVOS_LIB_STRING_H

#include <stddef.h>

void  *memset(void *d, int c, size_t n);
void  *memcpy(void *d, const void *s, size_t n);
void  *memmove(void *d, const void *s, size_t n);
int    memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int    strcmp(const char *a, const char *b);
int    strncmp(const char *a, const char *b, size_t n);
char  *strchr(const char *s, int c);
size_t strlcpy(char *d, const char *s, size_t n);

#endif
