/* The line editor: echo, editing keys, escape sequences and a history,
 * for programs that read command lines from the raw console (the
 * shell). The contract is in <rvos/lineedit.h>; docs/shell.md, "Line
 * editing", describes what the user sees. */
#include <rvos.h>
#include <rvos/lineedit.h>

#define CTRL_C  0x03
#define CTRL_U  0x15
#define BS      0x08
#define ESC     0x1b
#define DEL     0x7f

/* What key_read returns besides plain bytes. */
enum {
	KEY_EOF   = -1,          /* the console cannot be read */
	KEY_UP    = 0x100,
	KEY_DOWN,
	KEY_OTHER,               /* an escape sequence we ignore */
};

/* Past command lines, most recent last; a ring of HISTORY_MAX. */
static struct {
	char lines[HISTORY_MAX][LINE_MAX + 1];
	int count;               /* entries held, at most HISTORY_MAX */
	int next;                /* slot the next entry goes in */
} hist;

/* Entry back lines ago (1 = the most recent), or NULL. */
const char *history_get(int back)
{
	if (back < 1 || back > hist.count)
		return NULL;
	return hist.lines[(hist.next - back + HISTORY_MAX) % HISTORY_MAX];
}

/* Remember a command line, unless it is empty or repeats the last one. */
void history_add(const char *s)
{
	const char *last = history_get(1);

	if (!s[0] || (last && strcmp(last, s) == 0))
		return;
	strlcpy(hist.lines[hist.next], s, LINE_MAX + 1);
	hist.next = (hist.next + 1) % HISTORY_MAX;
	if (hist.count < HISTORY_MAX)
		hist.count++;
}

/* Bytes read too far by key_read, given back for the next keys (the
 * last given back comes out first). */
static int key_back[2];
static int key_nback;

/* Give byte c back, to be read again before the console. */
static void key_unread(int c)
{
	if (c >= 0 && key_nback < (int)ARRAY_SIZE(key_back))
		key_back[key_nback++] = c;
}

/* The next input byte: the one given back, else the console's. Read
 * one byte at a time, so whatever is typed after Enter stays in the
 * kernel's input: a foreground program reads what was typed ahead for
 * it, and a ^C typed just after Enter reaches the job (job_fg takes it
 * from the input) instead of waiting here for the next prompt. */
static int key_byte(void)
{
	char b;

	if (key_nback)
		return key_back[--key_nback];
	stdout_flush();          /* prompt and echo show before we block */
	return console_read(&b, 1) == 1 ? (unsigned char)b : -1;
}

/* The rest of a terminal string sequence (OSC "ESC ]", DCS "ESC P",
 * APC, PM, SOS: a title, a colour query answer), ignored whole up to
 * its end, BEL or ESC \. Enter ends it too and is given back, so a
 * stray "ESC ]" typed by hand costs at most the line, never Enter. */
static int key_string(void)
{
	int c;

	while ((c = key_byte()) >= 0) {
		if (c == '\a')
			return KEY_OTHER;
		if (c == '\r' || c == '\n') {
			key_unread(c);
			return KEY_OTHER;
		}
		if (c == ESC) {
			c = key_byte();
			if (c == '\\')
				return KEY_OTHER;
			key_unread(c);       /* no ST: this ESC starts the next key */
			key_unread(ESC);
			return KEY_OTHER;
		}
	}
	return KEY_EOF;
}

/* Next key from the console: a byte, KEY_UP/KEY_DOWN for the arrows
 * (ESC [ A, ESC [ B, or ESC O A/B in application mode), KEY_OTHER for
 * any other escape sequence, KEY_EOF when the console fails. An ESC not
 * followed by '[' or 'O' is dropped alone, and a sequence cut short by a
 * byte that cannot end it gives that byte back: no typed key is lost. */
static int key_read(void)
{
	int c = key_byte();

	if (c != ESC)
		return c;
	c = key_byte();
	if (c == ']' || c == 'P' || c == '_' || c == '^' || c == 'X')
		return key_string();
	if (c != '[' && c != 'O') {
		if (c < 0)
			return KEY_EOF;
		key_unread(c);       /* a lone ESC: keep what follows it */
		return KEY_OTHER;
	}
	do                       /* parameter and intermediate bytes */
		c = key_byte();
	while (c >= 0x20 && c <= 0x3f);
	if (c < 0)
		return KEY_EOF;
	if (c < 0x40 || c > 0x7e) {  /* not a final byte: not part of it */
		key_unread(c);
		return KEY_OTHER;
	}
	switch (c) {
	case 'A': return KEY_UP;
	case 'B': return KEY_DOWN;
	default:  return KEY_OTHER;
	}
}

/* Show text instead of the line's contents on the terminal and in buf:
 * back up over the old text, print the new, blank what is left over. */
static void line_replace(struct line *l, const char *text)
{
	size_t old = l->len;

	for (size_t i = 0; i < old; i++)
		putchar('\b');
	l->len = strlcpy(l->buf, text, sizeof(l->buf));
	printf("%s", l->buf);
	for (size_t i = l->len; i < old; i++)
		putchar(' ');
	for (size_t i = l->len; i < old; i++)
		putchar('\b');
	l->too_long = false;
}

/* Up (older, dir 1) or down (newer, dir -1) through the history; the
 * line being typed is kept as a draft and comes back at the bottom. */
static void line_browse(struct line *l, int dir)
{
	int to = l->back + dir;

	if (to < 0 || to > hist.count)
		return;
	if (l->back == 0)
		strlcpy(l->draft, l->buf, sizeof(l->draft));
	l->back = to;
	line_replace(l, to ? history_get(to) : l->draft);
}

/* Take a printable character; past LINE_MAX refuse it (ring the bell)
 * and mark the line too long. */
static void line_insert(struct line *l, char c)
{
	if (l->len == LINE_MAX) {
		l->too_long = true;
		putchar('\a');
		return;
	}
	l->buf[l->len++] = c;
	l->buf[l->len] = '\0';
	putchar(c);
}

/* Read one command line into l, echoing and editing: backspace or DEL
 * erase, ^U kills the line, ^C abandons it (l comes back empty), the
 * arrows walk the history. Returns 0, or -1 if the console fails. */
int line_read(struct line *l)
{
	static bool after_cr;    /* the last line ended in '\r': skip a '\n' */

	l->len = 0;
	l->buf[0] = '\0';
	l->too_long = false;
	l->back = 0;
	for (;;) {
		int c = key_read();
		bool skip = after_cr && c == '\n';

		after_cr = false;
		if (skip)
			continue;
		switch (c) {
		case KEY_EOF:
			return -1;
		case '\r':
		case '\n':
			after_cr = c == '\r';
			putchar('\n');
			return 0;
		case CTRL_C:
			printf("^C\n");
			l->len = 0;
			l->buf[0] = '\0';
			l->too_long = false;
			return 0;
		case CTRL_U:
			line_replace(l, "");
			break;
		case BS:
		case DEL:
			if (l->len > 0) {
				l->buf[--l->len] = '\0';
				printf("\b \b");
			}
			break;
		case KEY_UP:
			line_browse(l, 1);
			break;
		case KEY_DOWN:
			line_browse(l, -1);
			break;
		case '\t':
			line_insert(l, ' ');
			break;
		default:
			if (c >= ' ' && c <= '~')
				line_insert(l, (char)c);
			break;
		}
	}
}

/* How many lines the history holds. */
int history_count(void)
{
	return hist.count;
}
