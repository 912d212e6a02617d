/* tests/util.h: helpers for data-driven tests: listing case files and
 * reading the expected result that sits beside each one. */
#ifndef TESTS_UTIL_H
#define TESTS_UTIL_H

struct file_list {
	char **v;
	int n;
};

/* Files in dir (not recursive) ending in suffix, sorted. */
void list_files(const char *dir, const char *suffix, struct file_list *out);
/* The same, walking subdirectories. */
void list_files_recursive(const char *dir, const char *suffix, struct file_list *out);
void file_list_free(struct file_list *l);
/* The file next to case_path with its extension replaced by ext; trailing
 * newlines stripped (read_expected) or kept (read_expected_raw). NULL if missing. */
char *read_expected(const char *case_path, const char *ext);
char *read_expected_raw(const char *case_path, const char *ext);
struct proc_result;
/* Runs argv with stdout+stderr captured and a timeout; returns the exit code. */
int run_captured(char **argv, double timeout, struct proc_result *res);

/* The cached image of catalogue kernel `name` (caller frees), or NULL after
 * marking the test skipped (not in the cache) or failed (no such kernel). */
char *test_kernel_image(const char *name);

/* The topofarm binary under test ($TOPOFARM_BIN, else build/topofarm). */
const char *topofarm_bin(void);

#endif
