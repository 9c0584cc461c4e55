# Two commands on a fresh clone with only Python 3.11: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: demo test lint bench bench-routing venv system-deps clean

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

demo: venv
	$(VENV)/bin/locker demo

# The suite talks to a real Mosquitto; install it where missing (root on Debian/Ubuntu).
system-deps:
	@sh scripts/ensure-system-deps.sh

# ruff first: lint, import order and format (pyproject.toml [tool.ruff]), then the suite.
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: venv system-deps lint
	$(PY) -m pytest

# Figures, not pass/fail: whether the firmware fits the boards (code and data RAM, keypad-to-pulse
# latency) on MicroPython, the serial gateway's throughput, a simulated fleet.
bench: venv system-deps
	$(PY) -m benchmarks.firmware_micropython
	$(PY) -m benchmarks.serial_gateway
	$(PY) -m benchmarks.sim_fleet --boards 200

# The routing model and solver against best-known costs (../shared/routing/instances): ~2.5 min
# at 10 s per instance, ~7 min at 30 s. Targets: mean gap <= 2 % at 10 s, <= 1 % at 30 s.
bench-routing: venv
	$(PY) -m benchmarks.routing --seconds 10
	$(PY) -m benchmarks.routing --seconds 30

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
