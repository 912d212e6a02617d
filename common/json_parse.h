/* common/json_parse.h: a strict, bounded, recursive-descent JSON reader
 * (RFC 8259) into a small tree. Strict: no comments, no trailing commas, no
 * duplicate keys, no leading zeros, valid UTF-8 only, no \u0000 (strings are
 * C strings here). Bounded: nesting depth is limited, so hostile input cannot
 * exhaust the stack. Errors name the position: "NAME:LINE:COL: expected ...". */
#ifndef COMMON_JSON_PARSE_H
#define COMMON_JSON_PARSE_H
#include <stdbool.h>
#include <stddef.h>

#define JSON_MAX_DEPTH 64

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json_value {
	enum json_type type;
	bool boolean;                 /* JSON_BOOL */
	double number;                /* JSON_NUMBER */
	bool is_integer;              /* a number written without fraction/exponent that fits */
	long long integer;            /*   ... and its exact value */
	char *string;                 /* JSON_STRING (NUL-terminated, valid UTF-8) */
	size_t string_len;
	struct json_value *items;     /* JSON_ARRAY elements, JSON_OBJECT values */
	char **keys;                  /* JSON_OBJECT keys, in document order */
	int n;                        /* number of items (and keys) */
};

/* Parses len bytes of text. name is used in error messages. Returns 0 and a
 * tree in *out (free with json_value_free), or -1 with *err (caller frees). */
int json_parse(const char *text, size_t len, const char *name,
	       struct json_value **out, char **err);
void json_value_free(struct json_value *v);

/* Lookups that tolerate NULL and wrong types (they return NULL / false). */
const struct json_value *json_get(const struct json_value *obj, const char *key);
/* The string value of obj[key], or NULL if absent, null or not a string. */
const char *json_get_string(const struct json_value *obj, const char *key);
/* Sets *v from obj[key] if it is a number (integer for the int forms);
 * returns false (leaving *v) if absent or of another type. */
bool json_get_int(const struct json_value *obj, const char *key, long long *v);
bool json_get_double(const struct json_value *obj, const char *key, double *v);
bool json_get_bool(const struct json_value *obj, const char *key, bool *v);
const char *json_type_name(enum json_type t);

#endif
