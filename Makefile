# The two commands a newcomer needs (see README.md).
.PHONY: test demo bench sandbox package

# Installs what is missing, runs every test suite, ends with "N passed, N failed".
test:
	bash scripts/test.sh

# Runs the provider sandbox with its demo data on 127.0.0.1 (see README.md).
demo:
	bash scripts/demo.sh

# Measures speed, size and savings side by side; prints a table, writes bench/RESULTS.md.
bench:
	bash scripts/bench.sh

sandbox:
	cargo run -q -p linkedin-inbox-sandbox -- --port $${SANDBOX_PORT:-8790} --test-controls

# Builds dist/linkedin-inbox-extension.zip for the Chrome Web Store (see README.md, popup).
package:
	bash scripts/package.sh
