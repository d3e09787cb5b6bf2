# Brug: two commands for a newcomer.
#   make run    install what is missing, build (release), start on http://localhost:8080
#   make test   install what is missing, build, run every test (unit, integration, browser)

BUILD   ?= build
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
PORT    ?= 8080
HOST    ?= 127.0.0.1
DATA    ?= var/brug.db
CMAKE_FLAGS ?=

.PHONY: all deps deps-run build configure compiled run test test-unit test-integration test-browser \
        test-deploy bench eval-suggest clean

all: build

deps:
	@deploy/install-deps.sh

deps-run:
	@deploy/install-deps.sh --run

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

configure: $(BUILD)/CMakeCache.txt

build: deps-run configure
	cmake --build $(BUILD) -j $(JOBS)

run: build
	@mkdir -p $(dir $(DATA))
	$(BUILD)/brug --host $(HOST) --port $(PORT) --data $(DATA) --web-root client-web

# What changed, compiled (nothing when all is up to date): each part of the
# suite tests the code as it is, also when run alone.
compiled: configure
	cmake --build $(BUILD) -j $(JOBS)

test: deps compiled
	@$(MAKE) --no-print-directory test-unit test-integration test-browser test-deploy fuzz-smoke

test-unit: compiled
	cd $(BUILD) && ctest --output-on-failure -R '^unit-'

test-integration: compiled
	cd $(BUILD) && ctest --output-on-failure -R '^integration$$'

test-browser: compiled
	cd tests/browser && BRUG_BINARY=$(abspath $(BUILD)/brug) node --test --test-concurrency=1 *.test.mjs

# Benchmarks: a fresh release server per scenario, figures in a table.
bench: build
	cmake --build $(BUILD) --target brug-load bench_store bench_suggest -j $(JOBS)
	tests/bench/run-bench.sh $(BUILD) $(SCENARIOS)

# Quality of the suggestions on the project's labelled cards.
eval-suggest: build
	cmake --build $(BUILD) --target brug-suggest-eval -j $(JOBS)
	$(BUILD)/brug-suggest-eval server/suggest/data/cards-dev.jsonl
	@echo
	@echo "Workshops of other topics, written by another hand; the model trained on every dev card:"
	$(BUILD)/brug-suggest-eval server/suggest/data/cards-other.jsonl --train=server/suggest/data/cards-dev.jsonl
	@echo
	@echo "Held-out workshops, never read card by card; the model trained on every dev card:"
	$(BUILD)/brug-suggest-eval server/suggest/data/cards-held-out.jsonl --train=server/suggest/data/cards-dev.jsonl

# nginx and systemd files checked, and nginx in front of one and of three servers.
test-deploy: compiled
	BRUG_BINARY=$(abspath $(BUILD)/brug) tests/deploy/run.sh

clean:
	rm -rf $(BUILD)

-include mk/fuzz.mk
-include mk/soak.mk
