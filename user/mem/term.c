/* What `mem -w` asks of the console: is a terminal reading it (and
 * does it show UTF-8), and keys read with a time limit.
 *
 * rvos has one console, a serial line, and no isatty: the program
 * cannot see whether a person's terminal or a log file is at the other
 * end. So it asks the way a terminal understands: a cursor position
 * report request (ESC [ 6 n, "DSR"), which every ANSI terminal answers
 * with ESC [ row ; col R and a file or pipe never does. Sent after one
 * "▁" at the start of a line, the column also says whether the
 * terminal took the three UTF-8 bytes as one character (column 2).
 * The shell ignores a report that arrives after we stopped waiting
 * (docs/shell.md: CSI sequences are skipped whole). Input that comes
 * before the report is read and dropped: only a program that reads the
 * keyboard anyway may ask (lines typed ahead would be its keys).
 */
#include "mem.h"

#define TERM_PROBE_MS  300   /* how long a terminal gets to answer */

/* Read a cursor position report within ms: 1 and *col, or 0 if none
 * came. Bytes before the report are dropped (a key typed just then). */
static int term_report(int *col, long ms)
{
	long deadline = clock(CLOCK_MS) + ms;
	int state = 0, num = 0;

	for (;;) {
		long left = deadline - clock(CLOCK_MS);
		char c;
		if (left < 0 || console_read_ms(&c, 1, (unsigned long)left) <= 0)
			return 0;
		if (c == '\x1b') {
			state = 1;
		} else if (state == 1) {
			state = c == '[' ? 2 : 0;
			num = 0;
		} else if (state >= 2 && c >= '0' && c <= '9') {
			if (num < 100000)       /* a hostile reply cannot overflow it */
				num = num * 10 + (c - '0');
		} else if (state == 2 && c == ';') {
			state = 3;
			num = 0;
		} else if (state == 3 && c == 'R') {
			*col = num;
			return 1;
		} else {
			state = 0;
		}
	}
}

/* Ask the console what is at the other end (above): TERM_NONE (no
 * answer: a log, a pipe), TERM_ASCII or TERM_UTF8. Leaves the cursor
 * at the start of an empty line. */
int term_probe(void)
{
	int col = 0;

	printf("\r\xe2\x96\x81\x1b[6n");
	stdout_flush();
	int answered = term_report(&col, TERM_PROBE_MS);
	printf("\r\x1b[K");
	if (!answered) {
		printf("\n");              /* a log keeps the question: end its line */
		return TERM_NONE;
	}
	return col == 2 ? TERM_UTF8 : TERM_ASCII;
}

/* The next key within ms: the key (0..255), 0 also for nothing, -E* if
 * the read failed. An escape sequence (an arrow, a late report) is read
 * whole and taken as no key. */
int term_key(long ms)
{
	unsigned char c;
	long r = console_read_ms(&c, 1, ms > 0 ? (unsigned long)ms : 0);

	if (r <= 0)
		return (int)r;
	if (c != 0x1b)
		return c;
	r = console_read_ms(&c, 1, 50);
	if (r <= 0 || c != '[')
		return 0;
	do                              /* parameters, up to the final byte */
		r = console_read_ms(&c, 1, 50);
	while (r > 0 && c >= 0x20 && c < 0x40);
	return 0;
}
