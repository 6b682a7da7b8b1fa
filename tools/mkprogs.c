/* mkprogs: pack user program ELF files into the kernel's program archive.
 *
 *   mkprogs OUT FILE.elf...
 *
 * Each program is named after its file, without directory or extension
 * (build/user/hello.elf -> "hello"). The format is <uapi/progs.h>,
 * described in docs/programs.md. OUT is written to OUT.tmp and renamed,
 * so a failed run never leaves a half-written archive behind.
 *
 * Host tool: fields are written byte by byte in little endian, so it
 * does not matter what the build host's byte order is.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uapi/progs.h>

struct prog {
	char name[PROG_NAME_MAX + 1];
	unsigned char *data;
	uint64_t size;
	uint64_t offset;
};

static const char *out_path;

/* Report a fatal error and exit. */
static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "mkprogs: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	exit(1);
}

/* Derive the program name from a path: basename up to the first '.'. */
static void prog_name(const char *path, char name[PROG_NAME_MAX + 1])
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strcspn(base, ".");
	if (n == 0 || n > PROG_NAME_MAX)
		die("%s: program name must be 1..15 characters", path);
	for (size_t i = 0; i < n; i++) {
		char c = base[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-'))
			die("%s: program names use only [A-Za-z0-9_-]", path);
	}
	memcpy(name, base, n);
	name[n] = '\0';
}

/* Read a whole file into memory. */
static unsigned char *read_file(const char *path, uint64_t *size)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	if (!f)
		die("%s: cannot open", path);
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0)
		die("%s: cannot size", path);
	buf = malloc(n ? (size_t)n : 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		die("%s: cannot read", path);
	fclose(f);
	if (n < 4 || memcmp(buf, "\177ELF", 4) != 0)
		die("%s: not an ELF file", path);
	*size = (uint64_t)n;
	return buf;
}

/* Write v as n little-endian bytes. */
static void put_le(FILE *f, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		fputc((int)(v >> (8 * i)) & 0xff, f);
}

/* Write zero bytes up to offset 'to'. */
static void pad_to(FILE *f, uint64_t *pos, uint64_t to)
{
	for (; *pos < to; (*pos)++)
		fputc(0, f);
}

/* Write header, directory and images to f. */
static void write_archive(FILE *f, struct prog *p, int count, uint64_t size)
{
	uint64_t pos = 0;

	fwrite(PROGS_MAGIC, 1, 8, f);     /* 7 characters and the NUL */
	put_le(f, PROGS_VERSION, 4);
	put_le(f, (uint64_t)count, 4);
	put_le(f, size, 8);
	for (int i = 0; i < count; i++) {
		fwrite(p[i].name, 1, sizeof(p[i].name), f);
		put_le(f, p[i].offset, 8);
		put_le(f, p[i].size, 8);
	}
	pos = sizeof(struct progs_header) + count * sizeof(struct progs_entry);
	for (int i = 0; i < count; i++) {
		pad_to(f, &pos, p[i].offset);
		fwrite(p[i].data, 1, p[i].size, f);
		pos += p[i].size;
	}
	pad_to(f, &pos, size);
}

int main(int argc, char **argv)
{
	int count = argc - 2;
	struct prog p[PROGS_MAX];
	uint64_t pos;
	char tmp[4096];
	FILE *f;

	if (argc < 2) {
		fprintf(stderr, "usage: mkprogs OUT FILE.elf...\n");
		return 2;
	}
	out_path = argv[1];
	if (count > PROGS_MAX)
		die("%s: too many programs (PROGS_MAX in uapi/progs.h)", out_path);

	pos = sizeof(struct progs_header) + count * sizeof(struct progs_entry);
	for (int i = 0; i < count; i++) {
		memset(p[i].name, 0, sizeof(p[i].name));
		prog_name(argv[i + 2], p[i].name);
		for (int j = 0; j < i; j++)
			if (strcmp(p[i].name, p[j].name) == 0)
				die("%s: two programs with this name", p[i].name);
		p[i].data = read_file(argv[i + 2], &p[i].size);
		p[i].offset = (pos + PROGS_ALIGN - 1) & ~(uint64_t)(PROGS_ALIGN - 1);
		pos = p[i].offset + p[i].size;
	}
	pos = (pos + PROGS_ALIGN - 1) & ~(uint64_t)(PROGS_ALIGN - 1);

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", out_path) >= (int)sizeof(tmp))
		die("%s: path too long", out_path);
	f = fopen(tmp, "wb");
	if (!f)
		die("%s: cannot create", tmp);
	write_archive(f, p, count, pos);
	if (ferror(f) || fclose(f) != 0)
		die("%s: write failed", tmp);
	if (rename(tmp, out_path) != 0)
		die("%s: cannot rename into place", out_path);
	for (int i = 0; i < count; i++)
		free(p[i].data);
	return 0;
}
