/* Console input: getchar over console_read, and an echoing line reader.
 *
 * The kernel neither echoes nor edits lines; readline does both. A
 * terminal's Enter arrives as '\r', a pipe's as '\n', some send "\r\n":
 * each counts as one end of line.
 */
#include <rvos.h>

#define STDIN_BUF 64     /* bytes taken from the console per read */
#define CTRL_D    0x04
#define DEL       0x7f

static struct {
	char buf[STDIN_BUF];
	size_t pos, len;
	bool after_cr;       /* last line ended with '\r': swallow a '\n' */
} in;

int getchar(void)
{
	if (in.pos == in.len) {
		stdout_flush();          /* prompts and echo show before we block */
		long n = console_read(in.buf, sizeof(in.buf));
		if (n <= 0)
			return -1;
		in.pos = 0;
		in.len = (size_t)n;
	}
	return (unsigned char)in.buf[in.pos++];
}

int readline(char *buf, size_t size)
{
	size_t n = 0;

	for (;;) {
		int c = getchar();
		bool swallow = in.after_cr && c == '\n';

		in.after_cr = false;
		if (swallow)
			continue;
		if (c < 0 || (c == CTRL_D && n == 0))
			return -1;
		if (c == '\r' || c == '\n') {
			in.after_cr = c == '\r';
			putchar('\n');
			if (size)
				buf[n] = '\0';
			return (int)n;
		}
		if (c == DEL || c == '\b') {
			if (n > 0) {
				n--;
				printf("\b \b");
			}
		} else if (c >= ' ' && c <= '~' && n + 1 < size) {
			buf[n++] = (char)c;
			putchar(c);
		}
	}
}
