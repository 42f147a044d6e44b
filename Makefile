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

# bench-scale: the corpus sizes (gencorpus.py --size, directory mode) and
# the rounds of each
SIZES      ?= 1k 10k 100k
SCALE_RUNS ?= 3
PARSEFLOOR ?= bin/parsefloor
# the small input timed first: one file of three objects
SMALL      ?= testdata/examples/payments.yaml
# bench-scale times the binary a release ships: static, stripped, -trimpath
# (.goreleaser.yaml), whose size is also what its memory starts from
RELEASE_BIN ?= bin/tokenlint-release

# bench-printers: a manifest of this many findings
FINDINGS ?= 300000
FINDINGS_CORPUS ?= .bench/findings-$(FINDINGS).yaml

# fuzz: how long each fuzz target runs
FUZZTIME ?= 1m

.PHONY: build release-bin parsefloor bench-1m test race lint fuzz bench bench-scale bench-printers bench-tplmap release-snapshot clean

build:
	$(GO) build -o $(BIN) ./cmd/tokenlint

release-bin:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "-s -w" -o $(RELEASE_BIN) ./cmd/tokenlint

# parsefloor is what speed is measured against: yaml.v3's node parse of
# every document, one goroutine, nothing kept.
parsefloor:
	$(GO) build -o $(PARSEFLOOR) ./internal/cmd/parsefloor

test:
	$(GO) test ./...

# race runs the tests under the race detector (it needs cgo and a C
# compiler): loading, checking and policy evaluation run on all CPUs.
race:
	CGO_ENABLED=1 $(GO) test -race ./...

lint:
	@test -z "$$(gofmt -l .)" || { gofmt -l .; echo "gofmt: the files above are not formatted"; exit 1; }
	$(GO) vet ./...

# fuzz runs every fuzz target of the module (each func FuzzXxx, found by
# go test -list) for FUZZTIME, one after another, and prints how long each
# ran and how many inputs it tried: make fuzz FUZZTIME=10m for ten minutes
# each. A failing input is written to testdata/fuzz/FuzzXxx/ of its package;
# fix the bug and commit the input, which then runs as a seed in go test.
fuzz:
	FUZZTIME=$(FUZZTIME) scripts/fuzz.sh

$(CORPUS):
	mkdir -p $(dir $(CORPUS))
	python3 $(GEN) --size 10k --single $(CORPUS)

# The configured corpus: the same manifests with a .tokenlint.yaml and a few
# hundred suppressions, placed on the findings of a first run.
$(CONFIGURED)/.tokenlint.yaml: $(CORPUS) scripts/benchcorpus.py | build
	python3 scripts/benchcorpus.py $(BIN) $(CORPUS) $(CONFIGURED)

.bench/dir-%:
	python3 $(GEN) --size $* --out $@

# bench-scale times whole processes of the release build, tokenlint next to
# the parse floor, on a small file (SMALL) and the 1k, 10k and 100k corpora
# in directory mode (SIZES): wall, CPU and peak RSS, and the ratios, as a
# table, and the release binary's size.
bench-scale: release-bin parsefloor $(addprefix .bench/dir-,$(SIZES))
	python3 scripts/bench-scale.py $(RELEASE_BIN) $(PARSEFLOOR) $(SCALE_RUNS) $(SMALL) $(addprefix .bench/dir-,$(SIZES))
	@ls -l $(RELEASE_BIN) | awk '{printf "release binary (static, stripped, -trimpath): %.1f MB\n", $$5/1e6}'

# bench-1m times one run of the release build, and of the floor, on a
# generated corpus of 1,000,000 objects (1.6 GB): that it completes, its
# time and its peak memory.
bench-1m: release-bin parsefloor .bench/dir-1m
	python3 scripts/bench-scale.py $(RELEASE_BIN) $(PARSEFLOOR) 1 .bench/dir-1m

.bench/dir-1m:
	python3 $(GEN) --objects 1000000 --out $@

# bench prints bench-scale's table; times whole tokenlint processes on the
# 10,000-object corpus (wall time, objects/s, CPU time, peak RSS), plain,
# configured with suppressions, and with a baseline of every finding,
# interleaved; then the in-process benchmarks: the YAML parser alone (the
# baseline) next to the whole lint, and the heap a run keeps live per object.
bench: bench-scale $(CORPUS) $(CONFIGURED)/.tokenlint.yaml
	python3 scripts/bench.py $(BIN) $(CORPUS) 5 --configured $(CONFIGURED) --baseline $(BASELINE) $(if $(OLD),--old $(OLD))
	TOKENLINT_BENCH_CORPUS=$(abspath $(CORPUS)) $(GO) test -run '^$$' -bench . -benchmem -benchtime 5x -count 3 ./cmd/cli

$(FINDINGS_CORPUS): scripts/manyfindings.py
	mkdir -p $(dir $(FINDINGS_CORPUS))
	python3 scripts/manyfindings.py $(FINDINGS) $(FINDINGS_CORPUS)

# bench-printers times whole tokenlint processes (wall time, peak RSS, CPU
# time) writing a report of FINDINGS findings in the text, JSON and SARIF
# formats to /dev/null.
bench-printers: build $(FINDINGS_CORPUS)
	for f in text json sarif; do \
		/usr/bin/time -f "$$f: wall %e s, peak RSS %M KiB, CPU %U s user + %S s sys" \
			$(BIN) lint --no-config --fail-on never --format $$f --output /dev/null $(FINDINGS_CORPUS); \
	done

# bench-tplmap times rendering a chart with and without the template
# source map (the render child alone: wall and CPU time, peak RSS), on the
# tplmap-shop chart as it is and grown to TOKENS projected tokens. The
# mapping must not more than double rendering.
TOKENS ?= 2000
bench-tplmap: build
	python3 scripts/bench-tplmap.py $(BIN) testdata/charts/tplmap-shop 9
	python3 scripts/bench-tplmap.py $(BIN) testdata/charts/tplmap-shop 7 --tokens $(TOKENS)

# release-snapshot builds every release archive into dist/ from .goreleaser.yaml
# without publishing anything (GoReleaser v2: go install
# github.com/goreleaser/goreleaser/v2@v2.17.0).
release-snapshot:
	$(GORELEASER) check
	$(GORELEASER) release --snapshot --clean

clean:
	rm -rf bin .bench dist
