# healthd — build, test and run a local network. `make help` lists the targets.
SHELL := /usr/bin/env bash
BUILD_DIR ?= $(CURDIR)/build
HEALTHD   := $(BUILD_DIR)/healthd
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT    ?= $(shell git rev-parse --short HEAD 2>/dev/null)
LDFLAGS   := -X github.com/cosmos/cosmos-sdk/version.Name=healthd \
             -X github.com/cosmos/cosmos-sdk/version.AppName=healthd \
             -X github.com/cosmos/cosmos-sdk/version.Version=$(VERSION) \
             -X github.com/cosmos/cosmos-sdk/version.Commit=$(COMMIT)

.DEFAULT_GOAL := help
.PHONY: help build install test e2e test-unit bench load chaos proto-gen proto-check portal portal-deps portal-check lint localnet localnet-4 localnet-4-stop localnet-ibc npm browser clean

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

build: ## build build/healthd
	@mkdir -p $(BUILD_DIR)
	@echo "building $(HEALTHD) ($(VERSION))"
	go build -ldflags '$(LDFLAGS)' -o $(HEALTHD) ./cmd/healthd

install: ## install healthd into GOBIN
	go install -ldflags '$(LDFLAGS)' ./cmd/healthd

test: build npm browser portal-deps ## run every test: unit, app (in-process chains, IBC), end-to-end (real nodes, a real relayer) and the Ethereum settlement end to end (geth --dev)
	HEALTHD_BIN=$(HEALTHD) go test -count=1 -timeout 60m ./...
	$(MAKE) --no-print-directory test-evm
	$(MAKE) --no-print-directory test-evm-e2e

npm: ## make sure npm is there for the relayer (Debian's nodejs and npm through apt-get if not)
	@command -v npm >/dev/null || { echo "installing nodejs and npm (apt-get)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nodejs npm >/dev/null; }

browser: ## make sure Debian's chromium is there for the portal's browser test (apt-get if not)
	@command -v chromium >/dev/null || { echo "installing chromium (apt-get)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

e2e: build npm browser ## run only the end-to-end tests (real nodes, the README walk-throughs, two chains and a relayer)
	HEALTHD_BIN=$(HEALTHD) go test -count=1 -timeout 40m -v ./tests/e2e

test-unit: ## run the tests that do not link the whole app
	go test -count=1 ./x/...

bench: ## run the benchmarks (state size is in each benchmark's name)
	go test -run '^$$' -bench . -benchmem ./x/...

LOAD_ARGS ?=
load: build ## run cmd/healthd-load: a fresh one-validator chain on 127.0.0.1 (port offset 6000), 2,000 txs of each workload, the report (LOAD_ARGS='-json' etc.)
	go build -o $(BUILD_DIR)/healthd-load ./cmd/healthd-load
	$(BUILD_DIR)/healthd-load -bin $(HEALTHD) $(LOAD_ARGS)

BENCH_CHAIN_WORKLOADS ?= bank,consent,bank,anchor,bank,commission,bank,ship,bank,receive,bank,dispense,bank,claim,bank,mixed
bench-chain: build ## rewrite docs/benchmarks.md: every workload of cmd/healthd-load on a fresh chain, a bank-send run before each (the ratio); run it on an idle machine
	go build -o $(BUILD_DIR)/healthd-load ./cmd/healthd-load
	$(BUILD_DIR)/healthd-load -bin $(HEALTHD) -workloads $(BENCH_CHAIN_WORKLOADS) -commit $$(git rev-parse --short HEAD)$$(git diff --quiet HEAD -- . ':!docs/benchmarks.md' || echo '+changes') -markdown docs/benchmarks.md $(LOAD_ARGS)

CHAOS_ARGS ?=
chaos: build ## run cmd/healthd-chaos: four validators on 127.0.0.1 (port offset 5600) under load; kill one, kill two, pause, kill all, lose a WAL; check app hashes, answers and that nothing committed is lost (CHAOS_ARGS='-down 10s' etc.)
	go build -o $(BUILD_DIR)/healthd-chaos ./cmd/healthd-chaos
	$(BUILD_DIR)/healthd-chaos -bin $(HEALTHD) $(CHAOS_ARGS)

.PHONY: sim bench-chain
SIM_ARGS ?= -NumBlocks=500 -BlockSize=100 -SimSeeds=2,13 -InvariantPeriod=10
sim: ## run the random-message simulation long: full run, import/export and determinism, several seeds (docs/simulation.md; SIM_ARGS='-NumBlocks=200 -SimSeeds=4' etc.)
	go test -count=1 -timeout 6h -v ./app -run 'TestFullAppSimulation|TestAppImportExport|TestAppStateDeterminism' $(SIM_ARGS)

proto-gen: ## regenerate Go code from proto/ (offline: Debian protoc + go.mod tool plugins)
	./scripts/protocgen.sh

proto-check: proto-gen ## fail if the committed generated code differs from a fresh generation
	@if [ -n "$$(git status --porcelain -- x proto)" ]; then \
	  echo "generated code is out of date; run 'make proto-gen' and commit:"; git status --porcelain -- x proto; git --no-pager diff --stat -- x proto; exit 1; \
	fi
	@echo "proto-check: generated code is up to date"

portal-deps: npm ## install the portal's npm packages from the committed lockfile (its Go test runs the portal's code under node)
	@[ -d portal/node_modules ] || { cd portal && npm ci --no-audit --no-fund --loglevel=error; }

portal: npm ## build the web portal's bundle into portal/dist (npm ci from the committed lockfile, then esbuild)
	cd portal && npm ci --no-audit --no-fund --loglevel=error && node build.mjs

portal-check: portal ## fail if the committed portal bundle differs from a fresh build
	@if [ -n "$$(git status --porcelain -- portal/dist)" ]; then \
	  echo "the portal bundle is out of date; run 'make portal' and commit portal/dist:"; git status --porcelain -- portal/dist; exit 1; \
	fi
	@echo "portal-check: the bundle is up to date"

.PHONY: evm evm-check test-evm test-evm-e2e localnet-eth
# What `make evm` generates: the compiled contracts and their abigen bindings.
EVM_GENERATED := evm/artifacts evm/htlc/hashedtimelockerc20.go evm/htlc/testtoken.go evm/htlc/nobooltoken_test.go evm/htlc/hooktoken_test.go

evm: npm ## compile evm/contracts with the pinned solc (npm ci from the committed lockfile) into evm/artifacts and regenerate the Go bindings in evm/htlc (abigen)
	cd evm && npm ci --no-audit --no-fund --loglevel=error && node build.mjs && go generate ./htlc

evm-check: evm ## fail if the committed contract artifacts or Go bindings differ from a fresh build
	@if [ -n "$$(git status --porcelain -- $(EVM_GENERATED))" ]; then \
	  echo "the contract artifacts or bindings are out of date; run 'make evm' and commit:"; git status --porcelain -- $(EVM_GENERATED); exit 1; \
	fi
	@echo "evm-check: artifacts and bindings are up to date"

test-evm: ## run the Ethereum contract tests (the evm module, on go-ethereum's simulated backend; no npm needed)
	cd evm && go test -count=1 -timeout 10m ./...

test-evm-e2e: build ## settlement end to end on real processes: a healthd localnet, geth --dev and healthd-evm-relay (builds geth at evm/go.mod's version)
	./scripts/localnet-eth.sh build
	cd evm && HEALTHD_BIN=$(HEALTHD) GETH_BIN=$(BUILD_DIR)/geth go test -count=1 -timeout 20m -v ./e2e

lint: ## go vet and gofmt
	go vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

localnet: build ## run a one-validator network with demo members on 127.0.0.1 (Ctrl-C stops it)
	HEALTHD=$(HEALTHD) ./scripts/localnet.sh run

localnet-4: build ## start four validators, one per founding member, on 127.0.0.1 (in the background)
	HEALTHD=$(HEALTHD) ./scripts/localnet-4.sh start

localnet-ibc: build npm ## run a hospital chain and a pharma chain joined by the bridge, with the @confio/relayer (needs npm; Ctrl-C stops all)
	HEALTHD=$(HEALTHD) ./scripts/localnet-ibc.sh run

localnet-eth: build ## run geth --dev with the HTLC and a test token beside a healthd localnet (started if none runs), and healthd-evm-relay (Ctrl-C stops what it started)
	HEALTHD=$(HEALTHD) ./scripts/localnet-eth.sh run

localnet-4-stop: ## stop exactly the processes localnet-4 started
	./scripts/localnet-4.sh stop

clean: ## remove build output and local network data
	rm -rf $(BUILD_DIR) .localnet .localnet-4 .localnet-ibc .localnet-eth scripts/relayer/node_modules
