/* common/json.h: a small streaming JSON writer into a struct buf. It tracks
 * commas itself, escapes every string (console text is hostile: control
 * bytes and invalid UTF-8 are escaped, never passed through). */
#ifndef COMMON_JSON_H
#define COMMON_JSON_H
#include "common/buf.h"
#include <stdbool.h>
#include <stdint.h>

struct json {
	struct buf *out;
	int depth;
	bool has_sibling[64];     /* a value was already written at this depth */
	bool after_key;           /* the next value completes a "key": pair */
	bool pretty;
};

void json_init(struct json *j, struct buf *out, bool pretty);
void json_object_begin(struct json *j);
void json_object_end(struct json *j);
void json_array_begin(struct json *j);
void json_array_end(struct json *j);
/* Inside an object: the key of the next value. */
void json_key(struct json *j, const char *key);
void json_string(struct json *j, const char *s);
void json_string_n(struct json *j, const char *s, size_t n);
void json_int(struct json *j, long long v);
void json_u64(struct json *j, uint64_t v);
void json_double(struct json *j, double v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* "key": value pairs inside an object. A NULL string and a negative
 * number of seconds (unknown) are written as null. */
void json_field_string(struct json *j, const char *key, const char *v);
void json_field_int(struct json *j, const char *key, long long v);
void json_field_bool(struct json *j, const char *key, bool v);
void json_field_seconds(struct json *j, const char *key, double v);
/* Escapes s (n bytes) as a JSON string literal with quotes into out. */
void json_escape(struct buf *out, const char *s, size_t n);

#endif
