/* common/json.c: JSON writer with comma tracking and strict escaping. */
#include "common/json.h"
#include "common/utf8.h"
#include <stdio.h>
#include <string.h>

void json_init(struct json *j, struct buf *out, bool pretty)
{
	memset(j, 0, sizeof *j);
	j->out = out;
	j->pretty = pretty;
}

static void newline(struct json *j)
{
	if (!j->pretty)
		return;
	buf_putc(j->out, '\n');
	for (int i = 0; i < j->depth; i++)
		buf_puts(j->out, "  ");
}

/* Before a value or a key: the comma and indentation a sibling needs. */
static void before_item(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth <= 0 || j->depth >= 64)
		return;
	if (j->has_sibling[j->depth])
		buf_putc(j->out, ',');
	j->has_sibling[j->depth] = true;
	newline(j);
}

static void open_scope(struct json *j, char c)
{
	before_item(j);
	buf_putc(j->out, c);
	j->depth++;
	if (j->depth < 64)
		j->has_sibling[j->depth] = false;
}

static void close_scope(struct json *j, char c)
{
	bool had = j->depth < 64 && j->has_sibling[j->depth];
	j->depth--;
	if (had)
		newline(j);
	buf_putc(j->out, c);
}

void json_object_begin(struct json *j) { open_scope(j, '{'); }
void json_object_end(struct json *j) { close_scope(j, '}'); }
void json_array_begin(struct json *j) { open_scope(j, '['); }
void json_array_end(struct json *j) { close_scope(j, ']'); }

void json_key(struct json *j, const char *key)
{
	before_item(j);
	json_escape(j->out, key, strlen(key));
	buf_puts(j->out, j->pretty ? ": " : ":");
	j->after_key = true;
}

void json_escape(struct buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	buf_putc(out, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned c = p[i];
		if (c == '"' || c == '\\') {
			buf_putc(out, '\\');
			buf_putc(out, (char)c);
		} else if (c == '\n') {
			buf_puts(out, "\\n");
		} else if (c == '\t') {
			buf_puts(out, "\\t");
		} else if (c == '\r') {
			buf_puts(out, "\\r");
		} else if (c < 0x20 || c == 0x7f) {
			buf_printf(out, "\\u%04x", c);
		} else if (c < 0x80) {
			buf_putc(out, (char)c);
		} else {
			/* Pass well-formed UTF-8 only (no overlong forms, no
			 * surrogates); anything else becomes U+FFFD. */
			size_t used = 0;
			if (utf8_decode(s + i, n - i, &used) >= 0 && used > 0) {
				buf_add(out, s + i, used);
				i += used - 1;
			} else {
				buf_puts(out, "\\ufffd");
				if (used > 1)
					i += used - 1;
			}
		}
	}
	buf_putc(out, '"');
}

void json_string_n(struct json *j, const char *s, size_t n)
{
	before_item(j);
	json_escape(j->out, s, n);
}

void json_string(struct json *j, const char *s)
{
	if (!s) {
		json_null(j);
		return;
	}
	json_string_n(j, s, strlen(s));
}

void json_int(struct json *j, long long v)
{
	before_item(j);
	buf_printf(j->out, "%lld", v);
}

void json_u64(struct json *j, uint64_t v)
{
	before_item(j);
	buf_printf(j->out, "%llu", (unsigned long long)v);
}

void json_double(struct json *j, double v)
{
	before_item(j);
	if (v != v || v > 1e300 || v < -1e300)
		buf_puts(j->out, "null");
	else
		buf_printf(j->out, "%.6g", v);
}

void json_bool(struct json *j, bool v)
{
	before_item(j);
	buf_puts(j->out, v ? "true" : "false");
}

void json_null(struct json *j)
{
	before_item(j);
	buf_puts(j->out, "null");
}

void json_field_string(struct json *j, const char *key, const char *v)
{
	json_key(j, key);
	json_string(j, v);
}

void json_field_int(struct json *j, const char *key, long long v)
{
	json_key(j, key);
	json_int(j, v);
}

void json_field_bool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	json_bool(j, v);
}

void json_field_seconds(struct json *j, const char *key, double v)
{
	json_key(j, key);
	if (v < 0)
		json_null(j);
	else
		json_double(j, v);
}
