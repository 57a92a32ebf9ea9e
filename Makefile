# The README's two commands: `make demo` (the main job) and `make test` (the whole test suite).
# Both install what is missing first. Run as root.
export PATH := /opt/swift/usr/bin:$(PATH)

.PHONY: deps build demo run test bench-short clean-labs

deps:
	bash scripts/install-deps.sh

build: deps
	swift build

demo: build
	.build/debug/nfscope demo

run: build
	.build/debug/nfscope netns list

test: deps
	bash scripts/clean-labs.sh
	swift build --build-tests
	swift test --skip-build; status=$$?; bash scripts/clean-labs.sh; exit $$status

bench-short: deps
	cd Benchmarks && swift package --allow-writing-to-package-directory benchmark --no-progress

clean-labs:
	bash scripts/clean-labs.sh
