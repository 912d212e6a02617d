/* tests/test_json_parse.c: the strict JSON reader (common/json_parse.h):
 * a table of accepted and refused inputs with the error position and
 * expectation each refusal must name, depth bounds, and a round trip through
 * the writer (common/json.h) with hostile strings. */
#include "tests/harness.h"
#include "common/buf.h"
#include "common/json.h"
#include "common/json_parse.h"
#include <stdlib.h>

struct bad_case {
	const char *text;
	const char *error;          /* substring of the error message */
};

static const char *const good[] = {
	"null", "true", "false", "0", "-0", "12", "-3.5e+2", "1E3", "\"\"", "\"a\\u00e9\\ud83d\\ude00\"",
	"[]", "{}", " [1, 2 ,3 ] ", "{\"a\":{\"b\":[null,{}]}}", "\"caf\xc3\xa9\"", "\n\t{\"k\" : \"v\"}\r\n",
	"123456789012345678901234567890",
};

static const struct bad_case bad[] = {
	{ "", "T:1:1: expected a JSON value, got end of input" },
	{ "nul", "T:1:4: expected \"null\"" },
	{ "[1,]", "T:1:4: expected a JSON value" },
	{ "{\"a\":1,}", "T:1:8: expected a string key, got '}'" },
	{ "{\"a\" 1}", "T:1:6: expected ':' after the key" },
	{ "{\"a\":1,\"a\":2}", "T:1:8: expected a key not already in this object" },
	{ "01", "T:1:2: expected no leading zeros" },
	{ "1.", "T:1:3: expected a digit after '.'" },
	{ "-", "T:1:2: expected a digit" },
	{ "1e", "T:1:3: expected a digit in the exponent" },
	{ "+1", "T:1:1: expected a JSON value" },
	{ "\"abc", "expected '\"' to close the string" },
	{ "\"a\nb\"", "T:1:3: expected no raw control characters" },
	{ "\"\\x\"", "T:1:3: expected one of" },
	{ "\"\\u12g4\"", "T:1:6: expected 4 hex digits" },
	{ "\"\\u0000\"", "no \\u0000" },
	{ "\"\\udc00\"", "a high surrogate before a low one" },
	{ "\"\\ud800x\"", "\\u followed by a low surrogate" },
	{ "\"\xff\"", "T:1:2: expected valid UTF-8, got byte 0xff" },
	{ "\"\xc0\xaf\"", "expected valid UTF-8" },           /* overlong '/' */
	{ "\"\xed\xa0\x80\"", "expected valid UTF-8" },       /* encoded surrogate */
	{ "[1] [2]", "T:1:5: expected the end of input after the value" },
	{ "[1,\n 2,\n x]", "T:3:2: expected a JSON value" },
	{ "// c\n1", "T:1:1: expected a JSON value" },
	{ "{'a':1}", "T:1:2: expected a string key" },
	{ "\xef\xbb\xbf{}", "T:1:1: expected a JSON value" },
};

TEST(json_parse_table)
{
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		struct json_value *v = NULL;
		char *err = NULL;
		if (json_parse(good[i], strlen(good[i]), "T", &v, &err) != 0) {
			test_fail(__FILE__, __LINE__, "refused %s: %s", good[i], err);
			free(err);
		}
		json_value_free(v);
	}
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct json_value *v = NULL;
		char *err = NULL;
		if (json_parse(bad[i].text, strlen(bad[i].text), "T", &v, &err) == 0) {
			test_fail(__FILE__, __LINE__, "accepted %s", bad[i].text);
			json_value_free(v);
			continue;
		}
		CHECK(v == NULL);
		if (!strstr(err, bad[i].error))
			test_fail(__FILE__, __LINE__, "case %zu: error \"%s\" does not contain \"%s\"", i, err, bad[i].error);
		free(err);
	}
}

TEST(json_parse_values)
{
	const char *text = "{\"s\":\"a\\\"b\\\\c\\n\\u00e9\\ud83d\\ude00\",\"i\":-42,\"d\":2.5,\"b\":true,\"n\":null,"
			   "\"a\":[1,[2,[3]]],\"big\":9223372036854775808}";
	struct json_value *v;
	char *err = NULL;
	REQUIRE(json_parse(text, strlen(text), "T", &v, &err) == 0);
	CHECK_STR(json_get_string(v, "s"), "a\"b\\c\n\xc3\xa9\xf0\x9f\x98\x80");
	long long i = 0;
	CHECK(json_get_int(v, "i", &i));
	CHECK_INT(i, -42);
	double d = 0;
	CHECK(json_get_double(v, "d", &d) && d == 2.5);
	CHECK(!json_get_int(v, "d", &i));          /* not an integer */
	CHECK(!json_get_int(v, "big", &i));        /* does not fit */
	CHECK(json_get_double(v, "big", &d) && d > 9e18);
	bool b = false;
	CHECK(json_get_bool(v, "b", &b) && b);
	CHECK(json_get(v, "n") && json_get(v, "n")->type == JSON_NULL);
	CHECK(json_get_string(v, "n") == NULL);
	CHECK(json_get(v, "missing") == NULL);
	const struct json_value *a = json_get(v, "a");
	REQUIRE(a && a->type == JSON_ARRAY && a->n == 2);
	CHECK(a->items[1].items[1].items[0].integer == 3);
	json_value_free(v);
}

TEST(json_parse_depth_bound)
{
	/* 64 levels parse, 65 do not, and 100000 fail cleanly instead of
	 * overflowing the stack. */
	for (int depth = 64; depth <= 100000; depth = depth == 64 ? 65 : depth == 65 ? 100000 : 200000) {
		struct buf b = BUF_INIT;
		for (int i = 0; i < depth; i++)
			buf_putc(&b, '[');
		for (int i = 0; i < depth; i++)
			buf_putc(&b, ']');
		struct json_value *v = NULL;
		char *err = NULL;
		int rc = json_parse(b.s, b.len, "T", &v, &err);
		if (depth == 64) {
			CHECK_INT(rc, 0);
		} else {
			CHECK_INT(rc, -1);
			CHECK_CONTAINS(err, "nesting no deeper than 64 levels");
		}
		json_value_free(v);
		free(err);
		buf_free(&b);
	}
}

TEST(json_parse_reads_what_the_writer_writes)
{
	/* Every byte value but NUL, as a writer would get it from a console. */
	char hostile[300];
	int n = 0;
	for (int c = 1; c < 256; c++)
		hostile[n++] = (char)c;
	memcpy(hostile + n, "\xe2\x82\xac<script>", 11);
	n += 11;
	struct buf out = BUF_INIT;
	struct json j;
	json_init(&j, &out, true);
	json_object_begin(&j);
	json_key(&j, "ascii");
	json_string_n(&j, hostile, 127);
	json_key(&j, "list");
	json_array_begin(&j);
	json_int(&j, 1);
	json_double(&j, 0.125);
	json_bool(&j, false);
	json_null(&j);
	json_array_end(&j);
	json_object_end(&j);
	struct json_value *v;
	char *err = NULL;
	if (json_parse(out.s, out.len, "W", &v, &err) != 0) {
		test_fail(__FILE__, __LINE__, "%s", err);
		free(err);
	} else {
		const char *s = json_get_string(v, "ascii");
		REQUIRE(s);
		CHECK_INT(strlen(s), 127);
		CHECK(!memcmp(s, hostile, 127));
		CHECK_INT(json_get(v, "list")->n, 4);
		json_value_free(v);
	}
	buf_free(&out);
}
