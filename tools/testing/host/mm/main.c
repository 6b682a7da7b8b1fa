/* Runner of the kernel/mm host tests: every test on fresh state. */
#include "mm_test.h"

long t_checks, t_fails;
struct mm_env env;

/* Fresh tag table, page allocator, heap and call-site counters. */
void env_setup(size_t size, bool hand_over)
{
	env_teardown();
	env.size = size;
	host_set_cpu(0);
	env.meta = malloc(page_meta_bytes(size));
	if (posix_memalign((void **)&env.ram, PAGE_SIZE << PAGE_MAX_ORDER, size) ||
	    !env.meta) {
		printf("host test: cannot allocate %zu bytes of RAM\n", size);
		exit(2);
	}
	tag_init();
	if (page_init((paddr_t)env.ram, size, env.meta)) {
		printf("host test: page_init refused %zu bytes\n", size);
		exit(2);
	}
	if (hand_over)
		page_free_range((paddr_t)env.ram, (paddr_t)env.ram + size);
	heap_init();
	alloc_site_reset();
}

/* Give the simulated RAM back to the host. */
void env_teardown(void)
{
	free(env.ram);
	free(env.meta);
	env.ram = NULL;
	env.meta = NULL;
}

/* Run one group of tests; returns how many failed. */
static int run_group(const struct mm_test *t)
{
	int failed = 0;

	for (; t->name; t++) {
		long before = t_fails;
		env_setup(16 << 20, true);
		t->fn();
		if (page_check() || heap_check()) {
			t_fails++;
			printf("  FAIL %s: allocator invariants broken at test end\n", t->name);
		}
		printf("%-40s %s\n", t->name, t_fails == before ? "ok" : "FAIL");
		failed += t_fails != before;
	}
	return failed;
}

/* Run every group; exit non-zero if any test failed. */
int main(void)
{
	int tests = 0, failed = 0;
	const struct mm_test *groups[] = { tag_tests, page_tests, page_cache_tests, heap_tests,
					   heap_cache_tests, stress_tests, heap_debug_tests,
					   audit_tests };

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		for (const struct mm_test *t = groups[i]; t->name; t++)
			tests++;
		failed += run_group(groups[i]);
	}
	env_teardown();
	printf("host-test-mm: %d tests, %ld checks, %d tests failed\n", tests,
	       t_checks, failed);
	return failed ? 1 : 0;
}
