# warroom: `make` or `make help` lists the targets.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

GO       ?= go
BIN      ?= bin/warroom
PKG      := ./cmd/warroom
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT   ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
LDFLAGS  := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)
FUZZTIME ?= 20s
# A package's tests may take longer than go test's default 10 minutes on a
# loaded two-core machine under the race detector (storage/sqlite's store
# suite took 6 minutes there): the limit is for a hang, not for speed.
TESTTIMEOUT ?= 30m
# How long the fuzzer may spend minimising a new input: the default (60 s)
# would leave a short run minimising instead of fuzzing.
FUZZMINTIME ?= 5s
IMAGE    ?= warroom
# staticcheck runs pinned through `go run`, no install. The module cache is
# tried as a proxy first, so that lint works offline once it was downloaded.
LINTPROXY = file://$(shell $(GO) env GOMODCACHE)/cache/download,$(shell $(GO) env GOPROXY)
# helm is built from its Go module (not in go.mod), pinned, once per version.
HELM_VERSION ?= v4.3.2
HELM         ?= bin/helm-$(HELM_VERSION)/helm
CHART        := deploy/helm/warroom
# make dist: every OS/ARCH pair gets a static binary in DIST.
DIST      ?= dist
PLATFORMS ?= linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64

.PHONY: help build run test bench bench-peer lint deps-check fuzz docker chart dist clean

help: ## list the targets
	@echo "usage: make TARGET"
	@echo
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  %-12s %s\n", $$1, $$2}'

build: ## build the static binary bin/warroom (CGO_ENABLED=0, version from git)
	@mkdir -p $(dir $(BIN))
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) $(PKG)

run: build ## build, then run `warroom serve` (console at http://127.0.0.1:8080)
	$(BIN) serve

test: ## go vet, then every test with the race detector (PostgreSQL when WARROOM_TEST_POSTGRES is set)
	@if [ -n "$${WARROOM_TEST_POSTGRES:-}" ]; then \
		echo "PostgreSQL suite: runs against WARROOM_TEST_POSTGRES"; \
	else \
		echo "PostgreSQL suite: SKIPPED (set WARROOM_TEST_POSTGRES=postgres://user@host:5432/db?sslmode=disable to run it)"; \
	fi
	$(GO) vet ./...
	$(GO) test -race -timeout $(TESTTIMEOUT) ./...

bench: ## run the benchmarks (figures for BENCHMARKS.md)
	$(GO) test -run '^$$' -bench . -benchmem ./...

bench-peer: ## alert ingest of `warroom serve` against Prometheus Alertmanager and a bare handler (scripts/bench-peer.sh; BENCH_FLAGS for loadgen)
	scripts/bench-peer.sh $(BENCH_FLAGS)

lint: deps-check ## gofmt (must list nothing), go vet, staticcheck, and the dependency rule
	@out="$$(gofmt -l .)"; if [ -n "$$out" ]; then echo "gofmt -l: these files need gofmt -w:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	GOPROXY='$(LINTPROXY)' $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

deps-check: ## check the dependency rule (bot → stdlib, no integration imports another, ...)
	$(GO) run ./cmd/depcheck

fuzz: ## run every Fuzz target for FUZZTIME each (default 20s), minimising for at most FUZZMINTIME
	@found=0; \
	for pkg in $$($(GO) list ./...); do \
		for target in $$($(GO) test -list '^Fuzz' "$$pkg" | grep '^Fuzz' || true); do \
			found=1; \
			echo "== $$pkg $$target ($(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINTIME) "$$pkg" || exit 1; \
		done; \
	done; \
	if [ "$$found" = 0 ]; then echo "no Fuzz targets found"; fi

docker: ## build the container image from deploy/Dockerfile (tag: IMAGE, default warroom)
	docker build -f deploy/Dockerfile --build-arg VERSION=$(VERSION) --build-arg COMMIT=$(COMMIT) \
		--build-arg CREATED=$$(date -u +%Y-%m-%dT%H:%M:%SZ) -t $(IMAGE) .

dist: ## static release binaries for PLATFORMS in dist/, with SHA256SUMS (version from the git tag)
	@rm -rf $(DIST) && mkdir -p $(DIST)
	@for p in $(PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; ext=""; [ "$$os" = windows ] && ext=.exe; \
		out=$(DIST)/warroom_$(VERSION)_$${os}_$${arch}$$ext; \
		echo "build $$out"; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $$out $(PKG); \
	done
	cd $(DIST) && sha256sum warroom_* > SHA256SUMS
	@cat $(DIST)/SHA256SUMS

$(HELM):
	@echo "building helm $(HELM_VERSION) from helm.sh/helm/v4 (once; a few minutes on a cold cache)"
	GOBIN=$(abspath $(dir $(HELM))) GOPROXY='$(LINTPROXY)' $(GO) install helm.sh/helm/v4/cmd/helm@$(HELM_VERSION)

chart: $(HELM) ## helm lint and helm template (SQLite and PostgreSQL modes), then the chart tests in deploy/
	$(HELM) lint --strict $(CHART)
	$(HELM) lint --strict $(CHART) --set database.mode=postgres,replicaCount=3,secrets.values.WARROOM_DB=postgres://u:p@db/warroom
	$(HELM) template wr $(CHART) >/dev/null
	$(HELM) template wr $(CHART) --set database.mode=postgres,replicaCount=3,secrets.values.WARROOM_DB=postgres://u:p@db/warroom >/dev/null
	WARROOM_HELM=$(abspath $(HELM)) $(GO) test -count=1 ./deploy/

clean: ## remove bin/, dist/ and the test cache
	rm -rf bin $(DIST)
	$(GO) clean -testcache
