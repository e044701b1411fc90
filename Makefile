# Mercury. `make test` is what CI runs (through .ci/run).
GO       ?= go
DRIVERS  := $(notdir $(patsubst %/,%,$(wildcard drivers-wasm/*/)))
WASMS    := $(DRIVERS:%=build/drivers/%.wasm)
TESTFLAGS ?= -race -count=1 -timeout 40m

.PHONY: all build drivers run test check bench bench-side clean
all: build drivers

build:
	$(GO) build -o build/mercury ./cmd/mercury

drivers: $(WASMS)

build/drivers/%.wasm: FORCE
	@mkdir -p build/drivers
	GOOS=wasip1 GOARCH=wasm $(GO) build -buildmode=c-shared -trimpath -o $@ ./drivers-wasm/$*

FORCE:

run: build drivers
	build/mercury simulate --serve

test: build drivers
	$(GO) test $(TESTFLAGS) ./...

check:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo 'gofmt: files above need formatting'; exit 1; }
	$(GO) vet ./...
	GOOS=wasip1 GOARCH=wasm $(GO) vet ./sdk/... ./drivers-wasm/...
	$(GO) mod tidy
	@test -z "$$(git status --porcelain)" || { git status --porcelain; echo 'check: the tree is dirty after tidy/generate'; exit 1; }

bench: build drivers
	$(GO) test -run '^$$' -bench . -benchmem ./...

bench-side:
	$(GO) test -count=1 -timeout 30m -v -run '^TestSideBySide$$' ./bench/sidebyside -sidebyside

clean:
	rm -rf build
