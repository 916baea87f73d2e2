# Developer and CI entry points. `make test` is the whole suite.
CC ?= cc
CLANG ?= clang-19
PYTHON ?= python3
WARNINGS = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
CORE_SOURCES = $(wildcard csrc/core/*.c csrc/memory/*.c csrc/math/*.c)
TEST_SOURCES = csrc/tests/test_core.c
BUILD = build/c

.PHONY: test c-test c-test-asan wasm py-test node-test wheel-check clean

test: c-test c-test-asan wasm py-test node-test wheel-check

$(BUILD):
	mkdir -p $(BUILD)

# Plain optimised build of the C tests with the system compiler.
c-test: | $(BUILD)
	$(CC) -std=c11 -O2 $(WARNINGS) -Icsrc/include $(CORE_SOURCES) $(TEST_SOURCES) -lm -pthread -o $(BUILD)/test_core
	$(BUILD)/test_core

# The same tests under AddressSanitizer and UndefinedBehaviorSanitizer.
c-test-asan: | $(BUILD)
	$(CLANG) -std=c11 -O1 -g $(WARNINGS) -fsanitize=address,undefined -fno-sanitize-recover=all \
		-fno-omit-frame-pointer -Icsrc/include $(CORE_SOURCES) $(TEST_SOURCES) -lm -pthread \
		-o $(BUILD)/test_core_asan
	ASAN_OPTIONS=detect_leaks=1 $(BUILD)/test_core_asan

wasm:
	$(PYTHON) wasm/build.py

py-test:
	$(PYTHON) -m pytest -q

node-test: wasm
	node --test wasm/test/

# The wheel is tagged abi3 and carries the native extension and rt_core.wasm.
wheel-check:
	$(PYTHON) .ci/check_wheel.py

clean:
	rm -rf build rt_pandas/rt_core.wasm rt_pandas/_rt_native*.so
