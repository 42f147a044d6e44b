GO     ?= go
BIN    ?= bin/tokenlint
CORPUS ?= .bench/corpus-10k.yaml
GEN    ?= ../shared/bench/gencorpus.py
GORELEASER ?= goreleaser

.PHONY: build test lint bench release-snapshot clean

build:
	$(GO) build -o $(BIN) ./cmd/tokenlint

test:
	$(GO) test ./...

lint:
	@test -z "$$(gofmt -l .)" || { gofmt -l .; echo "gofmt: the files above are not formatted"; exit 1; }
	$(GO) vet ./...

$(CORPUS):
	mkdir -p $(dir $(CORPUS))
	python3 $(GEN) --size 10k --single $(CORPUS)

# bench times whole tokenlint processes on the 10,000-object corpus (wall
# time, objects/s, peak RSS), then the in-process benchmarks: the YAML parser
# alone (the baseline) next to the whole lint.
bench: build $(CORPUS)
	python3 scripts/bench.py $(BIN) $(CORPUS) 5
	TOKENLINT_BENCH_CORPUS=$(abspath $(CORPUS)) $(GO) test -run '^$$' -bench . -benchmem -benchtime 5x -count 3 ./cmd/cli

# release-snapshot builds every release archive into dist/ from .goreleaser.yaml
# without publishing anything (GoReleaser v2: go install
# github.com/goreleaser/goreleaser/v2@v2.17.0).
release-snapshot:
	$(GORELEASER) check
	$(GORELEASER) release --snapshot --clean

clean:
	rm -rf bin .bench dist
