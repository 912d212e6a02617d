# topofarm build. One binary (topofarm), one library every verb, test and fuzz
# harness links against, one test runner. Modules are found by directory, so a
# new .c file in a module directory is built without touching this file.

CC      ?= gcc
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE
CPPFLAGS := -I. -MMD -MP
LDLIBS  := -lsqlite3 -lvirt -lvirt-qemu -lm
# The tests read the JSON topofarm writes with a real parser (jansson);
# topofarm itself only writes JSON.
TEST_LDLIBS := -ljansson

# Library modules (the guest probe is a separate static binary, not part of it).
LIB_DIRS := common topologies acpi-gen runner results
LIB_SRC  := $(foreach d,$(LIB_DIRS),$(wildcard $(d)/*.c))
# The campaign driver's library lives beside the fuzz harnesses (fuzz/campaign*.c);
# the harnesses themselves are built by fuzz/Makefile with clang.
LIB_SRC  += $(wildcard fuzz/campaign*.c)
CLI_SRC  := $(wildcard cli/*.c)
TEST_SRC := $(wildcard tests/*.c)

# Normal build in build/, sanitizer build (ASan+UBSan) in build-san/.
B  ?= build
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

obj = $(patsubst %.c,$(B)/%.o,$(1))

.PHONY: all san test test-fast run fuzz bench clean deps kernels probe
all: topofarm probe

topofarm: $(B)/topofarm
	@ln -sf $(B)/topofarm topofarm

$(B)/libtopofarm.a: $(call obj,$(LIB_SRC))
	@rm -f $@
	ar rcs $@ $^

$(B)/topofarm: $(call obj,$(CLI_SRC)) $(B)/libtopofarm.a
	$(CC) $(CFLAGS) $(EXTRA_LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/run: $(call obj,$(TEST_SRC)) $(B)/libtopofarm.a
	$(CC) $(CFLAGS) $(EXTRA_LDFLAGS) -o $@ $^ $(LDLIBS) $(TEST_LDLIBS)

# results/frame_skip.c embeds results/frame-skip.conf (.incbin): rebuild it
# when the list changes.
$(B)/results/frame_skip.o: results/frame-skip.conf

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) $(EXTRA_CFLAGS) -c -o $@ $<

# The guest probe: a static binary, the initramfs's /init (PID 1, runner/guest/init.c)
# and the plan runner; plain libc only (no host library: it links what it lists).
probe: build/guest/probe
PROBE_SRC := runner/guest/probe.c runner/guest/init.c runner/guest/coverage.c runner/guest/kmemleak.c common/line_frame.c common/sha256.c common/write_all.c
build/guest/probe: $(PROBE_SRC) runner/guest/probe.h common/coverage_wire.h common/line_frame.h common/write_all.h
	@mkdir -p $(dir $@)
	$(CC) -I. $(WARN) -O2 -static -o $@ $(PROBE_SRC)

san:
	$(MAKE) B=build-san EXTRA_CFLAGS="$(SAN_FLAGS)" EXTRA_LDFLAGS="$(SAN_FLAGS)" build-san/topofarm build-san/tests/run

# One command for the whole suite: install what is missing, fetch/build the
# kernels the boot tests use, then run every test under ASan+UBSan.
test: deps
	$(MAKE) san probe
	tools/prepare-kernels
	TOPOFARM_BIN=$(CURDIR)/build-san/topofarm TOPOFARM_REQUIRE_ALL=1 build-san/tests/run

# Unit tests only (no boots); useful while editing. Boot tests count as skipped.
test-fast: san probe
	TOPOFARM_BIN=$(CURDIR)/build-san/topofarm TOPOFARM_SKIP_SLOW=1 build-san/tests/run

# The main job on its embedded defaults: every seed topology on the default
# kernel pair, results under results/ (override with OUT=DIR). The reports
# (text, report.html, junit.xml) are written whatever run found, even after
# findings (1), infra failures (3) or an interrupt (130/143):
# tools/run-and-report exits with run's status; make reports any failure as
# its own status 2 after the line "make run: exit status N".
OUT ?= results/out
run: deps all
	$(B)/topofarm kernels fetch --default
	tools/run-and-report $(B)/topofarm $(OUT) topologies/seeds --kernels default

deps:
	tools/install-deps

fuzz:
	$(MAKE) -C fuzz

bench: all
	bench/parse


clean:
	rm -rf build build-san topofarm

-include $(shell find build build-san -name '*.d' 2>/dev/null)
