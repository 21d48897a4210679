# The habits of this repository in one place. Every target is a plain go
# command underneath; CI (.ci/run) runs test, lint, tidy-check and the
# fault matrix the same way.

GO ?= go
# golangci-lint is pinned: the version .ci/run installs (it must be built
# with the Go that builds emigre, so it is installed from source).
GOLANGCI_LINT_VERSION ?= v2.15.0
GOLANGCI_LINT ?= $(shell $(GO) env GOPATH)/bin/golangci-lint
SHARED ?= ../shared
FUZZTIME ?= 30s

export CGO_ENABLED = 1

.PHONY: help build install test test-all reliability faultmatrix fuzz bench sample lint lint-install tidy-check vet fmt-check

help:
	@echo "make build        build ./emigre"
	@echo "make install      go install ./cmd/emigre"
	@echo "make test         go test ./... (one fault of each kind; under 2 minutes warm on 2 cores)"
	@echo "make faultmatrix  every fault on every source (go test -tags faultmatrix ./reliability, minutes)"
	@echo "make reliability  SIGKILLed refreshes, disk full, sink secrets, the full matrix, then the fuzzers (scripts/reliability.sh)"
	@echo "make fuzz         every fuzz target for FUZZTIME each (default $(FUZZTIME))"
	@echo "make bench        go run ./bench -quick"
	@echo "make sample       regenerate the sample archive from $(SHARED)"
	@echo "make lint         golangci-lint $(GOLANGCI_LINT_VERSION) (installed if missing), gofmt, go vet"
	@echo "make tidy-check   fail when go.mod or go.sum is not tidy"

build:
	$(GO) build -o emigre ./cmd/emigre

install:
	$(GO) install ./cmd/emigre

test:
	$(GO) test ./...

# The default test run and the full fault matrix.
test-all: test faultmatrix

faultmatrix:
	$(GO) test -tags faultmatrix -count=1 -timeout 30m -run 'TestFaultMatrix|TestEveryFaultOnEverySource' ./reliability

# FUZZTIME from the environment, else the script's 3 minutes per target.
reliability:
	scripts/reliability.sh

fuzz:
	FUZZTIME=$(FUZZTIME) scripts/fuzz.sh

bench:
	$(GO) run ./bench -quick

sample:
	$(GO) run ./extractors/sample/reconstruct -shared $(SHARED) -out extractors/sample/archive

lint-install:
	@if ! $(GOLANGCI_LINT) version 2>/dev/null | grep -q "version $(GOLANGCI_LINT_VERSION:v%=%)"; then \
		echo "installing golangci-lint $(GOLANGCI_LINT_VERSION)"; \
		$(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION); \
	fi

lint: lint-install fmt-check vet
	$(GOLANGCI_LINT) run ./...

vet:
	$(GO) vet ./...
	$(GO) vet -tags 'reliability faultmatrix' ./...

fmt-check:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "not gofmt-ed:"; echo "$$unformatted"; exit 1; fi

tidy-check:
	$(GO) mod tidy -diff
