# The two commands a newcomer needs (see README.md).
.PHONY: test demo bench sandbox

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
