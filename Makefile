# Packaging entry points; building and testing are `swift build` and scripts/test.
.PHONY: deb test-deb clean-dist

# dist/hosthealth_<version>_<arch>.deb from a stripped release build (--static-swift-stdlib).
deb:
	packaging/build-deb

# Build the .deb, install it on this machine, check it, purge it (root).
test-deb:
	packaging/test-deb

clean-dist:
	rm -rf dist
