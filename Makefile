# Thin wrapper over Meson for the README's two commands (and a few helpers).
BUILD ?= build
BUILD_ASAN ?= build-asan

.PHONY: all deps build run test check-protocols fuzz bench bench-scale clean format

all: build

deps:
	@scripts/install-deps

$(BUILD)/build.ninja:
	meson setup $(BUILD) --werror

build: $(BUILD)/build.ninja
	ninja -C $(BUILD)

DEMO_DB ?= coop-demo.db
LISTEN ?= 127.0.0.1:8080

# Creates the demonstration database once (idempotent), then serves it.
run: deps build
	./$(BUILD)/coop init --db $(DEMO_DB) --demo
	./$(BUILD)/coop serve --db $(DEMO_DB) --listen $(LISTEN)

test: deps
	@scripts/run-tests

check-protocols: build
	./$(BUILD)/coop protocol check protocols/*.yaml

bench: deps
	@scripts/run-bench

# the scale bench (issue 11): SIZES=3000,30000 for a quick run, SCALE_ARGS="--seconds 30 ..."
# for its other options; see bench/README.md
bench-scale: deps
	@scripts/run-bench-scale $(if $(SIZES),--sizes $(SIZES)) $(SCALE_ARGS)

fuzz: deps
	@scripts/run-fuzz $(FUZZ_SECONDS)

format:
	clang-format -i src/*/*.c src/*/*.h tests/*/*.c bench/*.c

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) build-fuzz
