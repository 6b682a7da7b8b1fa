/* Tests of the formatter as kprintf and snprintf use it. */
#include "ktest.h"
#include <lib/format.h>
#include <lib/string.h>

/* Format into a buffer and compare with what must come out. */
#define FMT_IS(want, ...)                                              \
	do {                                                           \
		char buf_[64];                                         \
		snprintf(buf_, sizeof(buf_), __VA_ARGS__);             \
		if (strcmp(buf_, want) != 0) {                         \
			ktest_fail(__FILE__, __LINE__, "format: " want); \
			return;                                        \
		}                                                      \
	} while (0)

KTEST(format_conversions)
{
	FMT_IS("42 -42 0", "%d %d %d", 42, -42, 0);
	FMT_IS("4294967295", "%u", 0xffffffffu);
	FMT_IS("ff FF", "%x %X", 255, 255);
	FMT_IS("ffffffffffffffff", "%lx", ~0UL);
	FMT_IS("-9223372036854775808", "%ld", (long)(1UL << 63));
	FMT_IS("0x80200000", "%p", (void *)0x80200000);
	FMT_IS("hi c %", "%s %c %%", "hi", 'c');
}

static const char *volatile null_string;

KTEST(format_null_string)
{
	FMT_IS("(null)", "%s", null_string);
}

KTEST(format_width_and_padding)
{
	FMT_IS("   42", "%5d", 42);
	FMT_IS("00042", "%05d", 42);
	FMT_IS("-0042", "%05d", -42);
	FMT_IS("42   |", "%-5d|", 42);
	FMT_IS("0000beef", "%08x", 0xbeef);
	FMT_IS("  ab|ab  |", "%4s|%-4s|", "ab", "ab");
	FMT_IS("IPC_", "%.4s", "IPC_XYZ");
}

KTEST(format_truncation)
{
	char buf[8];
	int n = snprintf(buf, sizeof(buf), "%s", "0123456789");
	KT_EQ(n, 10);
	KT_ASSERT(strcmp(buf, "0123456") == 0);
}
