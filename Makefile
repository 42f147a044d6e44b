GO     ?= go
BIN    ?= bin/tokenlint
CORPUS ?= .bench/corpus-10k.yaml
GEN    ?= ../shared/bench/gencorpus.py
CONFIGURED ?= .bench/configured-10k
BASELINE   ?= .bench/baseline-10k.json
# OLD names another tokenlint binary (the previous release) to time next to
# this one: make bench OLD=/tmp/tokenlint-old
OLD    ?=
GORELEASER ?= goreleaser

.PHONY: build test lint fuzz bench release-snapshot clean

build:
	$(GO) build -o $(BIN) ./cmd/tokenlint

test:
	$(GO) test ./...

lint:
	@test -z "$$(gofmt -l .)" || { gofmt -l .; echo "gofmt: the files above are not formatted"; exit 1; }
	$(GO) vet ./...

# fuzz runs every fuzz target of the module in turn, FUZZTIME each (see
# scripts/fuzz.sh): make fuzz FUZZTIME=10m for a long run.
FUZZTIME ?= 30s
fuzz:
	scripts/fuzz.sh $(FUZZTIME)

$(CORPUS):
	mkdir -p $(dir $(CORPUS))
	python3 $(GEN) --size 10k --single $(CORPUS)

# The configured corpus: the same manifests with a .tokenlint.yaml and a few
# hundred suppressions, placed on the findings of a first run.
$(CONFIGURED)/.tokenlint.yaml: $(CORPUS) scripts/benchcorpus.py | build
	python3 scripts/benchcorpus.py $(BIN) $(CORPUS) $(CONFIGURED)

# bench times whole tokenlint processes on the 10,000-object corpus (wall
# time, objects/s, CPU time, peak RSS), plain, configured with suppressions,
# and with a baseline of every finding, interleaved; then the in-process
# benchmarks: the YAML parser alone (the baseline) next to the whole lint.
bench: build $(CORPUS) $(CONFIGURED)/.tokenlint.yaml
	python3 scripts/bench.py $(BIN) $(CORPUS) 5 --configured $(CONFIGURED) --baseline $(BASELINE) $(if $(OLD),--old $(OLD))
	TOKENLINT_BENCH_CORPUS=$(abspath $(CORPUS)) $(GO) test -run '^$$' -bench . -benchmem -benchtime 5x -count 3 ./cmd/cli

# release-snapshot builds every release archive into dist/ from .goreleaser.yaml
# without publishing anything (GoReleaser v2: go install
# github.com/goreleaser/goreleaser/v2@v2.17.0).
release-snapshot:
	$(GORELEASER) check
	$(GORELEASER) release --snapshot --clean

clean:
	rm -rf bin .bench dist
