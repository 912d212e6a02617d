/* common/json_parse.c: the strict recursive-descent JSON reader. One parser
 * state walks the text once; every error stops the parse with the position of
 * the offending byte and what was expected there. */
#include "common/json_parse.h"
#include "common/buf.h"
#include "common/utf8.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
	const char *s;
	size_t len, pos;
	const char *name;
	char *err;
};

static void where(const struct parser *p, size_t pos, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < pos && i < p->len; i++) {
		if (p->s[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)p->s[i] & 0xc0) != 0x80) {
			(*col)++;   /* columns count characters, not continuation bytes */
		}
	}
}

/* Records the first error only: later ones are consequences. */
static int fail_at(struct parser *p, size_t pos, const char *what)
{
	if (p->err)
		return -1;
	int line, col;
	where(p, pos, &line, &col);
	const char *got;
	char tmp[16];
	if (pos >= p->len) {
		got = "end of input";
	} else {
		unsigned char c = (unsigned char)p->s[pos];
		if (c >= 0x20 && c < 0x7f)
			snprintf(tmp, sizeof tmp, "'%c'", c);
		else
			snprintf(tmp, sizeof tmp, "byte 0x%02x", c);
		got = tmp;
	}
	p->err = xasprintf("%s:%d:%d: expected %s, got %s", p->name, line, col, what, got);
	return -1;
}

static int fail(struct parser *p, const char *what)
{
	return fail_at(p, p->pos, what);
}

static void skip_space(struct parser *p)
{
	while (p->pos < p->len && strchr(" \t\r\n", p->s[p->pos]) && p->s[p->pos])
		p->pos++;
}

static bool peek_is(const struct parser *p, char c)
{
	return p->pos < p->len && p->s[p->pos] == c;
}

static int parse_value(struct parser *p, struct json_value *v, int depth);

static int parse_literal(struct parser *p, const char *word)
{
	size_t n = strlen(word);
	char what[16];
	snprintf(what, sizeof what, "\"%s\"", word);
	for (size_t i = 0; i < n; i++)
		if (p->pos + i >= p->len || p->s[p->pos + i] != word[i])
			return fail_at(p, p->pos + i, what);
	p->pos += n;
	return 0;
}

static bool is_digit(const struct parser *p, size_t i)
{
	return i < p->len && p->s[i] >= '0' && p->s[i] <= '9';
}

static int parse_number(struct parser *p, struct json_value *v)
{
	size_t start = p->pos, i = p->pos;
	bool integral = true;
	if (i < p->len && p->s[i] == '-')
		i++;
	if (!is_digit(p, i))
		return fail_at(p, i, "a digit");
	if (p->s[i] == '0') {
		i++;
		if (is_digit(p, i))
			return fail_at(p, i, "no leading zeros ('.', 'e' or the end of the number)");
	} else {
		while (is_digit(p, i))
			i++;
	}
	if (i < p->len && p->s[i] == '.') {
		integral = false;
		i++;
		if (!is_digit(p, i))
			return fail_at(p, i, "a digit after '.'");
		while (is_digit(p, i))
			i++;
	}
	if (i < p->len && (p->s[i] == 'e' || p->s[i] == 'E')) {
		integral = false;
		i++;
		if (i < p->len && (p->s[i] == '+' || p->s[i] == '-'))
			i++;
		if (!is_digit(p, i))
			return fail_at(p, i, "a digit in the exponent");
		while (is_digit(p, i))
			i++;
	}
	char *copy = xstrndup(p->s + start, i - start);
	v->type = JSON_NUMBER;
	v->number = strtod(copy, NULL);
	if (integral) {
		errno = 0;
		long long ll = strtoll(copy, NULL, 10);
		if (errno == 0) {
			v->is_integer = true;
			v->integer = ll;
		}
	}
	free(copy);
	p->pos = i;
	return 0;
}

static int hex4(struct parser *p, size_t at, unsigned *out)
{
	unsigned v = 0;
	for (size_t k = 0; k < 4; k++) {
		if (at + k >= p->len)
			return fail_at(p, at + k, "4 hex digits after \\u");
		char c = p->s[at + k];
		unsigned d;
		if (c >= '0' && c <= '9') d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f') d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F') d = (unsigned)(c - 'A' + 10);
		else return fail_at(p, at + k, "4 hex digits after \\u");
		v = v << 4 | d;
	}
	*out = v;
	return 0;
}

/* \uXXXX, with surrogate pairs joined; p->pos is at the 'u'. */
static int parse_unicode_escape(struct parser *p, struct buf *b)
{
	size_t at = p->pos - 1;     /* the backslash, for messages */
	unsigned hi, lo;
	if (hex4(p, p->pos + 1, &hi) < 0)
		return -1;
	p->pos += 5;
	uint32_t cp = hi;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return fail_at(p, at, "a high surrogate before a low one");
	if (hi >= 0xd800 && hi <= 0xdbff) {
		if (p->pos + 1 >= p->len || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u')
			return fail(p, "\\u followed by a low surrogate");
		if (hex4(p, p->pos + 2, &lo) < 0)
			return -1;
		if (lo < 0xdc00 || lo > 0xdfff)
			return fail(p, "a low surrogate (\\udc00-\\udfff)");
		p->pos += 6;
		cp = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
	}
	if (cp == 0)
		return fail_at(p, at, "no \\u0000 (strings here are C strings)");
	char enc[4];
	buf_add(b, enc, (size_t)utf8_encode(cp, enc));
	return 0;
}

static int parse_string_into(struct parser *p, struct buf *b)
{
	if (!peek_is(p, '"'))
		return fail(p, "'\"'");
	p->pos++;
	for (;;) {
		if (p->pos >= p->len)
			return fail(p, "'\"' to close the string");
		unsigned char c = (unsigned char)p->s[p->pos];
		if (c == '"') {
			p->pos++;
			return 0;
		}
		if (c < 0x20)
			return fail(p, "no raw control characters in a string (escape them)");
		if (c == '\\') {
			p->pos++;
			if (p->pos >= p->len)
				return fail(p, "an escape character");
			char e = p->s[p->pos];
			const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
			const char *hit = e ? strchr(from, e) : NULL;
			if (e == 'u') {
				if (parse_unicode_escape(p, b) < 0)
					return -1;
				continue;
			}
			if (!hit)
				return fail(p, "one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX");
			buf_putc(b, to[hit - from]);
			p->pos++;
			continue;
		}
		size_t used;
		if (utf8_decode(p->s + p->pos, p->len - p->pos, &used) < 0)
			return fail(p, "valid UTF-8");
		buf_add(b, p->s + p->pos, used);
		p->pos += used;
	}
}

static int parse_string(struct parser *p, struct json_value *v)
{
	struct buf b = BUF_INIT;
	if (parse_string_into(p, &b) < 0) {
		buf_free(&b);
		return -1;
	}
	v->type = JSON_STRING;
	v->string_len = b.len;
	v->string = buf_steal(&b);
	return 0;
}

/* Grows the item (and key) arrays by one; returns the new slot. */
static struct json_value *add_item(struct json_value *v, int *cap)
{
	if (v->n == *cap) {
		*cap = *cap ? *cap * 2 : 4;
		v->items = xrealloc(v->items, (size_t)*cap * sizeof *v->items);
		if (v->type == JSON_OBJECT)
			v->keys = xrealloc(v->keys, (size_t)*cap * sizeof *v->keys);
	}
	struct json_value *slot = &v->items[v->n];
	memset(slot, 0, sizeof *slot);
	return slot;
}

static int parse_array(struct parser *p, struct json_value *v, int depth)
{
	int cap = 0;
	v->type = JSON_ARRAY;
	p->pos++;
	skip_space(p);
	if (peek_is(p, ']')) {
		p->pos++;
		return 0;
	}
	for (;;) {
		struct json_value *item = add_item(v, &cap);
		v->n++;
		skip_space(p);
		if (parse_value(p, item, depth + 1) < 0)
			return -1;
		skip_space(p);
		if (peek_is(p, ']')) {
			p->pos++;
			return 0;
		}
		if (!peek_is(p, ','))
			return fail(p, "',' or ']'");
		p->pos++;
	}
}

static int parse_object(struct parser *p, struct json_value *v, int depth)
{
	int cap = 0;
	v->type = JSON_OBJECT;
	p->pos++;
	skip_space(p);
	if (peek_is(p, '}')) {
		p->pos++;
		return 0;
	}
	for (;;) {
		skip_space(p);
		size_t key_pos = p->pos;
		struct buf key = BUF_INIT;
		if (!peek_is(p, '"'))
			return fail(p, "a string key");
		if (parse_string_into(p, &key) < 0) {
			buf_free(&key);
			return -1;
		}
		for (int i = 0; i < v->n; i++) {
			if (!strcmp(v->keys[i], key.s ? key.s : "")) {
				buf_free(&key);
				return fail_at(p, key_pos, "a key not already in this object");
			}
		}
		struct json_value *item = add_item(v, &cap);
		v->keys[v->n] = buf_steal(&key);
		v->n++;
		skip_space(p);
		if (!peek_is(p, ':'))
			return fail(p, "':' after the key");
		p->pos++;
		skip_space(p);
		if (parse_value(p, item, depth + 1) < 0)
			return -1;
		skip_space(p);
		if (peek_is(p, '}')) {
			p->pos++;
			return 0;
		}
		if (!peek_is(p, ','))
			return fail(p, "',' or '}'");
		p->pos++;
	}
}

static int parse_value(struct parser *p, struct json_value *v, int depth)
{
	if (depth > JSON_MAX_DEPTH)
		return fail(p, "nesting no deeper than 64 levels");
	if (p->pos >= p->len)
		return fail(p, "a JSON value");
	switch (p->s[p->pos]) {
	case '{': return parse_object(p, v, depth);
	case '[': return parse_array(p, v, depth);
	case '"': return parse_string(p, v);
	case 't': v->type = JSON_BOOL; v->boolean = true; return parse_literal(p, "true");
	case 'f': v->type = JSON_BOOL; return parse_literal(p, "false");
	case 'n': v->type = JSON_NULL; return parse_literal(p, "null");
	default:
		if (p->s[p->pos] == '-' || (p->s[p->pos] >= '0' && p->s[p->pos] <= '9'))
			return parse_number(p, v);
		return fail(p, "a JSON value (true, false, null, number, string, array, object)");
	}
}

int json_parse(const char *text, size_t len, const char *name,
	       struct json_value **out, char **err)
{
	struct parser p = { text, len, 0, name ? name : "JSON", NULL };
	struct json_value *v = xcalloc(1, sizeof *v);
	*out = NULL;
	skip_space(&p);
	if (parse_value(&p, v, 1) == 0) {
		skip_space(&p);
		if (p.pos < p.len)
			fail(&p, "the end of input after the value");
	}
	if (p.err) {
		json_value_free(v);
		*err = p.err;
		return -1;
	}
	*out = v;
	return 0;
}

static void value_clear(struct json_value *v)
{
	free(v->string);
	for (int i = 0; i < v->n; i++) {
		value_clear(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
}

void json_value_free(struct json_value *v)
{
	if (!v)
		return;
	value_clear(v);
	free(v);
}

const struct json_value *json_get(const struct json_value *obj, const char *key)
{
	if (!obj || obj->type != JSON_OBJECT)
		return NULL;
	for (int i = 0; i < obj->n; i++)
		if (!strcmp(obj->keys[i], key))
			return &obj->items[i];
	return NULL;
}

const char *json_get_string(const struct json_value *obj, const char *key)
{
	const struct json_value *v = json_get(obj, key);
	return v && v->type == JSON_STRING ? v->string : NULL;
}

bool json_get_int(const struct json_value *obj, const char *key, long long *out)
{
	const struct json_value *v = json_get(obj, key);
	if (!v || v->type != JSON_NUMBER || !v->is_integer)
		return false;
	*out = v->integer;
	return true;
}

bool json_get_double(const struct json_value *obj, const char *key, double *out)
{
	const struct json_value *v = json_get(obj, key);
	if (!v || v->type != JSON_NUMBER)
		return false;
	*out = v->number;
	return true;
}

bool json_get_bool(const struct json_value *obj, const char *key, bool *out)
{
	const struct json_value *v = json_get(obj, key);
	if (!v || v->type != JSON_BOOL)
		return false;
	*out = v->boolean;
	return true;
}

const char *json_type_name(enum json_type t)
{
	static const char *const names[] = { "null", "boolean", "number", "string", "array", "object" };
	return (unsigned)t < sizeof names / sizeof *names ? names[t] : "?";
}
