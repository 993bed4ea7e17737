# Makefile: shortcuts; scripts/test.sh is the one test command (README).
.PHONY: help build run test unit lint fuzz bench verify

help: ## list targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

build: ## build bin/inventoryd without cgo
	CGO_ENABLED=0 go build -o bin/inventoryd ./cmd/inventoryd

run: ## serve the demo data on 127.0.0.1:8080
	go run ./cmd/inventoryd serve --demo

test: ## the whole suite: both stores, real clients, fuzz smoke (scripts/test.sh)
	bash scripts/test.sh

unit: ## go tests with the race detector (SQLite; PostgreSQL when INVENTORYD_TEST_POSTGRES_URL is set)
	go test -race ./...

lint: ## vet and gofmt
	go vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); [ -z "$$out" ] || { echo "gofmt needed: $$out"; exit 1; }

fuzz: ## run every fuzz target briefly
	bash scripts/test.d/fuzz.sh

bench: ## Go benchmarks of the listing paths and page encoding
	go test -run='^$$' -bench=. -benchmem ./...

verify: lint unit ## what to run before a commit
