# Fuzzing and sanitizers (issue 5), included from the top Makefile.
#
#   make fuzz         each fuzz target for FUZZ_TIME seconds or FUZZ_RUNS runs,
#                     one after the other, with runs and exec/s at the end
#   make fuzz-smoke   the regression inputs, then each target for a few seconds
#                     (part of `make test`)
#   make sanitize     the unit and integration tests under ASan and UBSan
#                     (a separate CMake build in build-asan)
#
# The fuzz build does not use CMake: clang++ compiles the sources the targets
# need straight into build-fuzz/, with -fsanitize=fuzzer,address,undefined.
# One fuzzer runs at a time, in one process (the machine's cores are shared).

FUZZ_DIR        ?= build-fuzz
FUZZ_CXX        ?= clang++
FUZZ_RUNS       ?= 10000000
FUZZ_TIME       ?= 1200
FUZZ_SMOKE_TIME ?= 5
FUZZ_TARGETS    ?= decode dispatch http http_api ws_frame
SANITIZE_DIR    ?= build-asan
SANITIZE_JOBS   ?= 2

FUZZ_SAN      := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CXXFLAGS := -std=c++20 -g -O2 -fno-omit-frame-pointer -Wall -Wextra -Wno-unused-parameter \
                 -I. -Iserver -Itests/fuzz -DBOOST_ASIO_NO_DEPRECATED -MMD -MP
FUZZ_LIBS     := -lcrypto -lqrencode

# The product's sources each target needs, by layer (as in CMakeLists.txt).
FUZZ_PROTOCOL := $(wildcard protocol/*.cpp)
FUZZ_UTIL     := $(wildcard server/util/*.cpp)
FUZZ_MODEL    := $(wildcard server/model/*.cpp)
# server/suggest, or (FUZZ_SUGGEST_IMPL=stub) a stub of suggest() and
# similar() in the fuzz build only, used while server/suggest did not link.
FUZZ_SUGGEST_IMPL ?= real
ifeq ($(FUZZ_SUGGEST_IMPL),real)
FUZZ_SUGGEST  := $(wildcard server/suggest/*.cpp)
FUZZ_LIBS     += -lstemmer
else
FUZZ_SUGGEST  := tests/fuzz/suggest_stub.cpp
endif

FUZZ_SRC_decode   := tests/fuzz/fuzz_decode.cpp tests/fuzz/decode_check.cpp $(FUZZ_PROTOCOL)
FUZZ_SRC_dispatch := tests/fuzz/fuzz_dispatch.cpp tests/fuzz/dispatch_check.cpp \
                     tests/fuzz/deterministic_rand.cpp $(FUZZ_PROTOCOL) $(FUZZ_UTIL) $(FUZZ_MODEL) \
                     $(FUZZ_SUGGEST)
FUZZ_HTTP_COMMON  := tests/fuzz/http_check.cpp tests/fuzz/net_stubs.cpp server/net/http_api.cpp \
                     server/net/address_limits.cpp \
                     server/live/metrics.cpp $(FUZZ_PROTOCOL) $(FUZZ_UTIL) $(FUZZ_MODEL) $(FUZZ_SUGGEST)
FUZZ_SRC_http     := tests/fuzz/fuzz_http.cpp $(FUZZ_HTTP_COMMON)
FUZZ_SRC_http_api := tests/fuzz/fuzz_http_api.cpp $(FUZZ_HTTP_COMMON)
FUZZ_SRC_ws_frame := tests/fuzz/fuzz_ws_frame.cpp tests/fuzz/ws_frame_check.cpp server/net/ws_frame.cpp \
                     protocol/utf8.cpp

# Seeds, dictionaries and input sizes per target: tests/fuzz/run.sh.

fuzz_obj = $(patsubst %.cpp,$(FUZZ_DIR)/obj/%.o,$(1))

# Coverage feedback comes from the product's code only: the checks (which
# parse every frame with nlohmann) are built without it, so that the fuzzer
# does not chase paths in the checker, and they run faster.
FUZZ_COV := -fsanitize=fuzzer-no-link
$(FUZZ_DIR)/obj/tests/fuzz/%_check.o: FUZZ_COV :=

$(FUZZ_DIR)/obj/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(FUZZ_CXX) $(FUZZ_CXXFLAGS) $(FUZZ_SAN) $(FUZZ_COV) -c $< -o $@

$(FUZZ_DIR)/fuzz_%:
	$(FUZZ_CXX) $(FUZZ_SAN) -fsanitize=fuzzer $(filter %.o,$^) $(FUZZ_LIBS) $(FUZZ_LDFLAGS) -o $@

# The HTTP targets run without a hub: the hub and store functions that
# http_api.cpp names are stubs (tests/fuzz/net_stubs.cpp), and one it names
# later only warns here rather than breaking `make test`.
$(FUZZ_DIR)/fuzz_http $(FUZZ_DIR)/fuzz_http_api: FUZZ_LDFLAGS := -Wl,--warn-unresolved-symbols

# Which suggester the binaries hold; relinks them when FUZZ_SUGGEST_IMPL changes.
$(FUZZ_DIR)/suggest-impl: FORCE
	@mkdir -p $(FUZZ_DIR)
	@echo $(FUZZ_SUGGEST_IMPL) | cmp -s - $@ || echo $(FUZZ_SUGGEST_IMPL) > $@
FORCE:

$(FUZZ_DIR)/fuzz_decode: $(call fuzz_obj,$(FUZZ_SRC_decode))
$(FUZZ_DIR)/fuzz_dispatch: $(call fuzz_obj,$(FUZZ_SRC_dispatch)) $(FUZZ_DIR)/suggest-impl
$(FUZZ_DIR)/fuzz_http: $(call fuzz_obj,$(FUZZ_SRC_http)) $(FUZZ_DIR)/suggest-impl
$(FUZZ_DIR)/fuzz_http_api: $(call fuzz_obj,$(FUZZ_SRC_http_api)) $(FUZZ_DIR)/suggest-impl
$(FUZZ_DIR)/fuzz_ws_frame: $(call fuzz_obj,$(FUZZ_SRC_ws_frame))

-include $(wildcard $(FUZZ_DIR)/obj/*.d $(FUZZ_DIR)/obj/*/*.d $(FUZZ_DIR)/obj/*/*/*.d)

FUZZ_BINARIES := $(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_TARGETS))

.PHONY: fuzz-build fuzz fuzz-smoke fuzz-regressions sanitize FORCE

fuzz-build: $(FUZZ_BINARIES)

# Every file in tests/fuzz/regressions/<target>/ runs once; any crash fails.
fuzz-regressions: fuzz-build
	@set -e; for t in $(FUZZ_TARGETS); do \
	  files=$$(find tests/fuzz/regressions/$$t -type f ! -name '*.md' 2>/dev/null | sort); \
	  if [ -n "$$files" ]; then \
	    echo "fuzz-regressions: $$t, $$(echo "$$files" | wc -l) inputs"; \
	    $(FUZZ_DIR)/fuzz_$$t $$files > $(FUZZ_DIR)/regressions-$$t.log 2>&1 \
	      || { tail -n 40 $(FUZZ_DIR)/regressions-$$t.log; exit 1; }; \
	  fi; \
	done

# One target at a time, each on its seeds (tests/fuzz/run.sh).
fuzz-smoke: fuzz-regressions
	@set -e; for t in $(FUZZ_TARGETS); do FUZZ_DIR=$(FUZZ_DIR) tests/fuzz/run.sh $$t $(FUZZ_SMOKE_TIME); done

fuzz: fuzz-regressions
	@set -e; for t in $(FUZZ_TARGETS); do FUZZ_DIR=$(FUZZ_DIR) tests/fuzz/run.sh $$t $(FUZZ_TIME) $(FUZZ_RUNS); done

# The unit and integration tests, built with -fsanitize=address,undefined by
# CMake's own compiler, in their own build folder.
sanitize: deps
	cmake -S . -B $(SANITIZE_DIR) -DBRUG_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug $(CMAKE_FLAGS)
	cmake --build $(SANITIZE_DIR) -j $(SANITIZE_JOBS)
	cd $(SANITIZE_DIR) && \
	  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -R '^(unit-|integration$$)'
