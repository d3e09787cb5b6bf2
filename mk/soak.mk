# The long reliability runs (issue 5), included from the top Makefile.
#
#   make soak    200 kill -9 cycles under write load with --sync full and with
#                --sync normal (acks/s of each), reconnect storms of 500 and
#                1000, 100,000 malformed frames, and the slow-consumer and
#                anonymity-canary tests five times; figures at the end, the
#                whole output in $(BUILD)/soak.log. About 15 minutes on two cores.
#
# The short versions of the same tests are part of `make test` (the
# integration suite, tags [reliability] and [anonymity]).

SOAK_CYCLES    ?= 200
SOAK_MALFORMED ?= 100000
SOAK_REPEAT    ?= 5

.PHONY: soak

soak: deps configure
	cmake --build $(BUILD) --target brug brug-integration -j $(JOBS)
	SOAK_CYCLES=$(SOAK_CYCLES) SOAK_MALFORMED=$(SOAK_MALFORMED) SOAK_REPEAT=$(SOAK_REPEAT) \
		tests/soak/run-soak.sh $(BUILD)
