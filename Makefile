# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test lint bench capacity replicas browser haproxy clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps re-run pip only when a requirements file changes.
$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

run: $(VENV)/.runtime
	$(BIN)/streamlit run app.py

browser: $(VENV)/.dev
	@PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/ensure_browser.sh

# HAProxy for the replica recipe and its test (Debian's package, installed when missing).
haproxy:
	@bash scripts/ensure_haproxy.sh

lint: $(VENV)/.dev
	$(BIN)/ruff check .

# Four workers (browser tests mostly wait on the page, so more than the 2 cores pays), then
# the timing-sensitive tests alone, as a class's server would run them.
test: $(VENV)/.dev browser haproxy lint
	$(BIN)/python -m pytest -n 4 --dist loadfile -m "not serial"
	$(BIN)/python -m pytest -m serial tests/browser

bench: $(VENV)/.dev
	$(BIN)/python -m bench

# Students one server serves (simulated over the app's websocket; ~10 min; not a test).
capacity: $(VENV)/.dev
	$(BIN)/python -m bench.capacity

# The README's replica recipe run for real: 2 replicas behind HAProxy, stickiness across a
# reconnect, and the simulated class through the balancer, 1 replica vs 2 (~20–30 min).
replicas: $(VENV)/.dev haproxy
	$(BIN)/python -m bench.replicas

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis test-artifacts
