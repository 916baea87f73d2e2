# Developer and CI entry points. `make test` is the whole suite.
CC ?= cc
CLANG ?= clang-19
PYTHON ?= python3
WARNINGS = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
# Every csrc/<domain>/*.c is part of the core; each csrc/tests/test_*.c is its own test binary.
CORE_SOURCES = $(filter-out csrc/tests/%,$(wildcard csrc/*/*.c))
TEST_SOURCES = $(wildcard csrc/tests/test_*.c)
# libFuzzer harnesses (tests/fuzz/harness/fuzz_*.c), outside csrc/ so no core build picks them up.
FUZZ_HARNESSES = $(basename $(notdir $(wildcard tests/fuzz/harness/fuzz_*.c)))
BUILD = build/c

.SECONDARY:  # keep the test objects make would otherwise delete as intermediates
.PHONY: test c-build c-test c-test-asan c-test-tsan c-test-valgrind fuzz wasm py-test node-test wheel-check clean

# On 2 cores: the C builds compile two files at a time and the fuzzers run two at a time (each still
# has a core for its FUZZ_SECONDS); the tests themselves run one after another.
test:
	$(MAKE) -j2 c-build
	$(MAKE) c-test c-test-asan c-test-tsan c-test-valgrind
	$(MAKE) -j2 fuzz
	$(MAKE) wasm py-test node-test wheel-check

# The C tests in three builds: plain (system compiler, -O2), ASan + UBSan, and TSan. Each build
# compiles the core once into build/c/<flavor>/libcore.a and links one binary per test file.
CFLAGS_plain = -std=c11 -O2 $(WARNINGS)
CFLAGS_asan = -std=c11 -O1 -g $(WARNINGS) -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
CFLAGS_tsan = -std=c11 -O1 -g $(WARNINGS) -fsanitize=thread
CC_plain = $(CC)
CC_asan = $(CLANG)
CC_tsan = $(CLANG)
RUN_plain =
RUN_asan = ASAN_OPTIONS=detect_leaks=1
RUN_tsan = TSAN_OPTIONS=halt_on_error=1
TEST_NAMES = $(basename $(notdir $(TEST_SOURCES)))
# The developer harnesses (accuracy sweeps in tools/, in-cache timings in benchmarks/): c-test builds them
# with the core's warnings so they keep compiling, and runs none (they take minutes or time things).
DEV_TOOLS = $(basename $(notdir $(wildcard tools/*.c benchmarks/*.c)))

define c_flavor
$(BUILD)/$(1)/%.o: %.c
	@mkdir -p $$(dir $$@)
	$$(CC_$(1)) $$(CFLAGS_$(1)) -MMD -MP -Icsrc/include -c $$< -o $$@

$(BUILD)/$(1)/libcore.a: $$(patsubst %.c,$(BUILD)/$(1)/%.o,$$(CORE_SOURCES))
	@rm -f $$@
	ar rcs $$@ $$^

$(BUILD)/$(1)/test_%: $(BUILD)/$(1)/csrc/tests/test_%.o $(BUILD)/$(1)/libcore.a
	$$(CC_$(1)) $$(CFLAGS_$(1)) $$^ -lm -pthread -o $$@

# A fuzz harness linked with tests/fuzz/replay.c: runs it over the seed corpus without libFuzzer.
$(BUILD)/$(1)/replay_%: $(BUILD)/$(1)/tests/fuzz/harness/%.o $(BUILD)/$(1)/tests/fuzz/replay.o $(BUILD)/$(1)/libcore.a
	$$(CC_$(1)) $$(CFLAGS_$(1)) $$^ -lm -pthread -o $$@

# clock_gettime is POSIX, not C11: the timing harnesses ask for it here rather than in each file.
$(BUILD)/$(1)/tool_%: tools/%.c $(BUILD)/$(1)/libcore.a
	$$(CC_$(1)) $$(CFLAGS_$(1)) -D_POSIX_C_SOURCE=199309L -Icsrc/include $$^ -lm -pthread -o $$@

$(BUILD)/$(1)/tool_%: benchmarks/%.c $(BUILD)/$(1)/libcore.a
	$$(CC_$(1)) $$(CFLAGS_$(1)) -D_POSIX_C_SOURCE=199309L -Icsrc/include $$^ -lm -pthread -o $$@

-include $$(wildcard $(BUILD)/$(1)/csrc/*/*.d $(BUILD)/$(1)/tests/fuzz/*.d $(BUILD)/$(1)/tests/fuzz/harness/*.d)
endef
$(foreach flavor,plain asan tsan fuzz,$(eval $(call c_flavor,$(flavor))))

# The C tests plus a replay of every fuzz harness's corpus (tests/fuzz/corpus/<harness>/).
BINARIES_plain = $(addprefix $(BUILD)/plain/,$(TEST_NAMES) $(addprefix replay_,$(FUZZ_HARNESSES)) $(addprefix tool_,$(DEV_TOOLS)))
BINARIES_asan = $(addprefix $(BUILD)/asan/,$(TEST_NAMES) $(addprefix replay_,$(FUZZ_HARNESSES)))
BINARIES_tsan = $(addprefix $(BUILD)/tsan/,$(TEST_NAMES))
BINARIES_fuzz = $(addprefix $(BUILD)/fuzz/bin/,$(FUZZ_HARNESSES))

# Every C binary the tests and fuzzers run, built and not run.
c-build: $(BINARIES_plain) $(BINARIES_asan) $(BINARIES_tsan) $(BINARIES_fuzz)

c-test: $(BINARIES_plain)
	@set -e; for name in $(TEST_NAMES); do $(RUN_plain) $(BUILD)/plain/$$name; done
	@set -e; for name in $(FUZZ_HARNESSES); do $(RUN_plain) $(BUILD)/plain/replay_$$name tests/fuzz/corpus/$$name/*; done

c-test-asan: $(BINARIES_asan)
	@set -e; for name in $(TEST_NAMES); do $(RUN_asan) $(BUILD)/asan/$$name; done
	@set -e; for name in $(FUZZ_HARNESSES); do $(RUN_asan) $(BUILD)/asan/replay_$$name tests/fuzz/corpus/$$name/*; done

c-test-tsan: $(BINARIES_tsan)
	@set -e; for name in $(TEST_NAMES); do $(RUN_tsan) $(BUILD)/tsan/$$name; done

# valgrind's memcheck on the plain build: no leaks, no invalid reads. Only valgrind's own verdict
# (exit 99) counts here: its floating-point emulation is not bit-exact (no 80-bit long double, FMA
# signed zeros), so numeric checks are left to the native and sanitizer runs above.
c-test-valgrind: c-test
	@set -e; for name in $(TEST_NAMES); do \
		status=0; valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
			--log-file=$(BUILD)/$$name.valgrind.log $(BUILD)/plain/$$name > /dev/null 2>&1 || status=$$?; \
		if [ $$status -eq 99 ] || [ -s $(BUILD)/$$name.valgrind.log ]; then \
			cat $(BUILD)/$$name.valgrind.log; echo "valgrind: $$name FAILED"; exit 1; \
		fi; \
		echo "valgrind: $$name clean"; \
	done

# libFuzzer: each harness runs FUZZ_SECONDS from its seed corpus (new inputs go to build/, not
# the repository); any crash, leak, timeout or UBSan report fails the target and leaves the input
# in build/c/fuzz/artifacts/. The core is instrumented for coverage (fuzzer-no-link) under ASan +
# UBSan. `make -j2 fuzz` runs two harnesses at once.
FUZZ_SECONDS ?= 30
FUZZ_MAX_LEN ?= 8192
CFLAGS_fuzz = -std=c11 -O1 -g $(WARNINGS) -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
CC_fuzz = $(CLANG)

$(BUILD)/fuzz/bin/%: $(BUILD)/fuzz/tests/fuzz/harness/%.o $(BUILD)/fuzz/libcore.a
	@mkdir -p $(dir $@)
	$(CLANG) $(CFLAGS_fuzz) -fsanitize=fuzzer $^ -lm -pthread -o $@

fuzz: $(addprefix fuzz-run-,$(FUZZ_HARNESSES))

fuzz-run-%: $(BUILD)/fuzz/bin/%
	@mkdir -p $(BUILD)/fuzz/work/$* $(BUILD)/fuzz/artifacts
	@status=0; ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 $(BUILD)/fuzz/bin/$* \
		-max_total_time=$(FUZZ_SECONDS) -max_len=$(FUZZ_MAX_LEN) -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix=$(BUILD)/fuzz/artifacts/$*- \
		$(BUILD)/fuzz/work/$* tests/fuzz/corpus/$* > $(BUILD)/fuzz/$*.log 2>&1 || status=$$?; \
	if [ $$status -ne 0 ]; then tail -n 60 $(BUILD)/fuzz/$*.log; echo "fuzz: $* FAILED (log: $(BUILD)/fuzz/$*.log)"; exit 1; fi; \
	echo "fuzz: $* clean: $$(grep -E '^#[0-9]+' $(BUILD)/fuzz/$*.log | tail -n 1)"

wasm:
	$(PYTHON) wasm/build.py

py-test:
	$(PYTHON) -m pytest -q

node-test: wasm
	test -d wasm/node_modules || (cd wasm && npm ci --no-audit --no-fund)
	node --test wasm/test/

# The wheel is tagged abi3 and carries the native extension and rt_core.wasm.
wheel-check:
	$(PYTHON) .ci/check_wheel.py

clean:
	rm -rf build rt_pandas/rt_core.wasm rt_pandas/_rt_native*.so
