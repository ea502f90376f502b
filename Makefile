# The two commands a new machine needs: `make serve` (the gateway on embedded defaults) and
# `make test` (every test suite). Both install what they need first.
.PHONY: install build engine-binary python-wheel serve test lint clean bench

NODE_MODULES_STAMP := node_modules/.install-stamp

$(NODE_MODULES_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: $(NODE_MODULES_STAMP)

build: install
	npx tsc -b

# dist/bin/liter-llm: the CLI as one executable that runs without Node.js (docs/decisions/engine-binary.md).
engine-binary: build
	node scripts/build-engine-binary.mjs

# dist/wheels/*.whl: the Python binding with that executable inside it.
python-wheel: engine-binary
	bash scripts/build-python-wheel.sh

serve: build
	node dist/cli/main.js serve $(ARGS)

test: build
	LITER_LLM_SKIP_BUILD=1 bash scripts/test-all.sh

bench: build
	node bench/run-gateway-bench.mjs $(ARGS)

# Python and Go bindings against the openai SDK, net/http and the public index's liter-llm (bench/README.md).
.PHONY: bench-bindings
bench-bindings: build
	node bench/bindings/run.mjs $(ARGS)

clean:
	rm -rf dist node_modules
