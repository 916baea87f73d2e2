# Developer and CI entry points. `make test` is the whole suite.
CC ?= cc
CLANG ?= clang-19
PYTHON ?= python3
WARNINGS = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
# Every csrc/<domain>/*.c is part of the core; each csrc/tests/test_*.c is its own test binary.
CORE_SOURCES = $(filter-out csrc/tests/%,$(wildcard csrc/*/*.c))
TEST_SOURCES = $(wildcard csrc/tests/test_*.c)
BUILD = build/c

.SECONDARY:  # keep the test objects make would otherwise delete as intermediates
.PHONY: test c-test c-test-asan c-test-tsan c-test-valgrind wasm py-test node-test wheel-check clean

test: c-test c-test-asan c-test-tsan c-test-valgrind wasm py-test node-test wheel-check

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

define c_flavor
$(BUILD)/$(1)/%.o: %.c
	@mkdir -p $$(dir $$@)
	$$(CC_$(1)) $$(CFLAGS_$(1)) -MMD -MP -Icsrc/include -c $$< -o $$@

$(BUILD)/$(1)/libcore.a: $$(patsubst %.c,$(BUILD)/$(1)/%.o,$$(CORE_SOURCES))
	@rm -f $$@
	ar rcs $$@ $$^

$(BUILD)/$(1)/test_%: $(BUILD)/$(1)/csrc/tests/test_%.o $(BUILD)/$(1)/libcore.a
	$$(CC_$(1)) $$(CFLAGS_$(1)) $$^ -lm -pthread -o $$@

-include $$(wildcard $(BUILD)/$(1)/csrc/*/*.d)
endef
$(foreach flavor,plain asan tsan,$(eval $(call c_flavor,$(flavor))))

c-test: $(addprefix $(BUILD)/plain/,$(TEST_NAMES))
	@set -e; for name in $(TEST_NAMES); do $(RUN_plain) $(BUILD)/plain/$$name; done

c-test-asan: $(addprefix $(BUILD)/asan/,$(TEST_NAMES))
	@set -e; for name in $(TEST_NAMES); do $(RUN_asan) $(BUILD)/asan/$$name; done

c-test-tsan: $(addprefix $(BUILD)/tsan/,$(TEST_NAMES))
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
