# Developer and CI entry points. `make test` is the whole suite.
CC ?= cc
CLANG ?= clang-19
PYTHON ?= python3
WARNINGS = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
# Every csrc/<domain>/*.c is part of the core; each csrc/tests/test_*.c is its own test binary.
CORE_SOURCES = $(filter-out csrc/tests/%,$(wildcard csrc/*/*.c))
TEST_SOURCES = $(wildcard csrc/tests/test_*.c)
BUILD = build/c

.PHONY: test c-test c-test-asan c-test-tsan c-test-valgrind wasm py-test node-test wheel-check clean

test: c-test c-test-asan c-test-tsan c-test-valgrind wasm py-test node-test wheel-check

$(BUILD):
	mkdir -p $(BUILD)

# Plain optimised build of the C tests with the system compiler.
c-test: | $(BUILD)
	@set -e; for test in $(TEST_SOURCES); do \
		name=$$(basename $$test .c); \
		$(CC) -std=c11 -O2 $(WARNINGS) -Icsrc/include $(CORE_SOURCES) $$test -lm -pthread -o $(BUILD)/$$name; \
		$(BUILD)/$$name; \
	done

# The same tests under AddressSanitizer and UndefinedBehaviorSanitizer.
c-test-asan: | $(BUILD)
	@set -e; for test in $(TEST_SOURCES); do \
		name=$$(basename $$test .c)_asan; \
		$(CLANG) -std=c11 -O1 -g $(WARNINGS) -fsanitize=address,undefined -fno-sanitize-recover=all \
			-fno-omit-frame-pointer -Icsrc/include $(CORE_SOURCES) $$test -lm -pthread -o $(BUILD)/$$name; \
		ASAN_OPTIONS=detect_leaks=1 $(BUILD)/$$name; \
	done

# The same tests under ThreadSanitizer (the pool and the threaded kernels).
c-test-tsan: | $(BUILD)
	@set -e; for test in $(TEST_SOURCES); do \
		name=$$(basename $$test .c)_tsan; \
		$(CLANG) -std=c11 -O1 -g $(WARNINGS) -fsanitize=thread -Icsrc/include $(CORE_SOURCES) $$test \
			-lm -pthread -o $(BUILD)/$$name; \
		TSAN_OPTIONS=halt_on_error=1 $(BUILD)/$$name; \
	done

# valgrind's memcheck on the plain build: no leaks, no invalid reads. Only valgrind's own verdict
# (exit 99) counts here: its floating-point emulation is not bit-exact (no 80-bit long double, FMA
# signed zeros), so numeric checks are left to the native and sanitizer runs above.
c-test-valgrind: c-test
	@set -e; for test in $(TEST_SOURCES); do \
		name=$$(basename $$test .c); \
		status=0; valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
			--log-file=$(BUILD)/$$name.valgrind.log $(BUILD)/$$name > /dev/null 2>&1 || status=$$?; \
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
