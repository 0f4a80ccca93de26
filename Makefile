# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_DB := .aksnet/demo.db

.PHONY: install test lint demo bench conformance clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# editable_mode=compat puts the source directory on sys.path (as a wheel's site-packages is) instead of an
# import hook every command loads first: 10 ms of each start-up. It is deprecated in setuptools, which the
# build pins below 81 (it still has it); PYTHONWARNINGS keeps its notice off make demo's first screen.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	PYTHONWARNINGS=ignore $(BIN)/python -m pip install -q -e '.[dev]' --config-settings editable_mode=compat
	touch $(STAMP)

install: $(STAMP)

CODE := aksnet tests $(wildcard bench) $(wildcard conformance)

lint: install
	$(BIN)/ruff check $(CODE)
	$(BIN)/ruff format --check $(CODE)
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

# The main job: provision the kubenet + custom route table scenario on the built-in ARM emulator.
demo: install
	rm -f $(DEMO_DB)
	AKSNET_EMULATOR=1 AKSNET_EMULATOR_DB=$(DEMO_DB) AKSNET_EMULATOR_LATENCY=0.01 \
	  $(BIN)/aksnet up kubenet-byo-route-table --yes
	AKSNET_EMULATOR=1 AKSNET_EMULATOR_DB=$(DEMO_DB) \
	  $(BIN)/aksnet status -g myResourceGroup -n myAKSCluster

bench: install
	$(BIN)/python bench/run.py

# The real Azure CLI (azure-cli pinned in bench/azcli.py, installed once into .bench/azcli from PyPI)
# against `aksnet emulator serve`: the docs' flows, every command's outcome asserted.
conformance: install
	$(BIN)/python conformance/run.py

clean:
	rm -rf $(VENV) .aksnet .bench build *.egg-info
