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
IMAGE    ?= warroom
# staticcheck runs pinned through `go run`, no install. The module cache is
# tried as a proxy first, so that lint works offline once it was downloaded.
LINTPROXY = file://$(shell $(GO) env GOMODCACHE)/cache/download,$(shell $(GO) env GOPROXY)

.PHONY: help build run test bench lint deps-check fuzz docker clean

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
	$(GO) test -race ./...

bench: ## run the benchmarks (figures for BENCHMARKS.md)
	$(GO) test -run '^$$' -bench . -benchmem ./...

lint: deps-check ## gofmt (must list nothing), go vet, staticcheck, and the dependency rule
	@out="$$(gofmt -l .)"; if [ -n "$$out" ]; then echo "gofmt -l: these files need gofmt -w:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	GOPROXY='$(LINTPROXY)' $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

deps-check: ## check the dependency rule (bot → stdlib, no integration imports another, ...)
	$(GO) run ./cmd/depcheck

fuzz: ## run every Fuzz target for FUZZTIME each (default 20s)
	@found=0; \
	for pkg in $$($(GO) list ./...); do \
		for target in $$($(GO) test -list '^Fuzz' "$$pkg" | grep '^Fuzz' || true); do \
			found=1; \
			echo "== $$pkg $$target ($(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) "$$pkg"; \
		done; \
	done; \
	if [ "$$found" = 0 ]; then echo "no Fuzz targets found"; fi

docker: ## build the container image from deploy/Dockerfile (tag: IMAGE, default warroom)
	docker build -f deploy/Dockerfile --build-arg VERSION=$(VERSION) --build-arg COMMIT=$(COMMIT) \
		--build-arg CREATED=$$(date -u +%Y-%m-%dT%H:%M:%SZ) -t $(IMAGE) .

clean: ## remove bin/ and the test cache
	rm -rf bin
	$(GO) clean -testcache
