# The two commands of the README:
#   make serve   install into .venv and serve the embedded default on http://127.0.0.1:8087
#                (another port: make serve PORT=9000)
#   make test    install into .venv and run every check and test (a throwaway PostgreSQL included)

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# `make serve PORT=9000`; without it, WOKEN_PORT or the configured port (8087).
PORT ?=

.PHONY: serve test lint install browser faketime kube clean benchmark benchmark-automl \
	benchmark-load

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[automl,dask,kubernetes,test,bench]'
	touch $(STAMP)

install: $(STAMP)

serve: $(STAMP)
	$(BIN)/woken serve $(if $(PORT),--port $(PORT))

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy woken

# The web page's browser test drives Debian's chromium (Playwright downloads no browser).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	    apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; }

# The fencing test runs an instance whose clock is a few seconds off: libfaketime.
faketime:
	@ls /usr/lib/*/faketime/libfaketime.so.1 >/dev/null 2>&1 || { \
	    apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends faketime; }

# The Kubernetes tests' control plane: etcd from Debian, kube-apiserver and
# kube-controller-manager built from Debian's sources once per machine, kept outside the
# repository (scripts/build-kube.sh says where; about 7 minutes the first time).
kube:
	scripts/build-kube.sh >/dev/null

test: lint browser faketime kube
	$(BIN)/pytest

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

# P1-P4 of issue 12 (experiment / in-process, per-job overhead, throughput, threads and
# memory), each against a baseline in the same run; writes benchmarks/results/perf.md.
benchmark: $(STAMP)
	$(BIN)/python benchmarks/perf_suite.py

# woken load-data of 1,000,000 rows x 50 columns against psql \copy and sqlite3 .import
# (needs psql and sqlite3; installs nothing). ROWS=50000 for a quick check.
benchmark-load: $(STAMP)
	$(BIN)/python benchmarks/load_data.py --rows $(or $(ROWS),1000000)

# About half an hour on 2 cores; writes benchmarks/results/automl_vs_fixed.{md,png,json}.
benchmark-automl: $(STAMP)
	$(BIN)/python benchmarks/automl_vs_fixed.py
