# The course's commands.  Everything runs in a local virtual environment (.venv),
# created on first use from pyproject.toml; only a Python >= 3.11 is needed.
#
#   make lab          open the course in JupyterLab (your copies live in work/)
#   make test         run every test: helpers, notebooks (CPU and JAX), release
#   make release      regenerate notebooks/ (student release) from solutions/
#   make test-gpu     run the notebooks with the JAX backend on an NVIDIA GPU
#   make test-compat  helpers' unit tests on Python 3.11 (PyTensor 3.0.x)
#   make reproduce-02 run chapter 02 in full mode and write its results table

SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= $(shell for c in python3.12 $$(ls -d $$(pyenv root 2>/dev/null)/versions/3.12*/bin/python3.12 2>/dev/null) python3.13 python3 python; do \
	$$c -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && { echo $$c; break; }; done)
PY311 ?= $(shell for c in python3.11 $$(ls -d $$(pyenv root 2>/dev/null)/versions/3.11*/bin/python3.11 2>/dev/null); do \
	$$c -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' >/dev/null 2>&1 && { echo $$c; break; }; done)
BIN := $(VENV)/bin
CHAPTERS := $(notdir $(wildcard solutions/[0-9][0-9]_*))
JOBS ?= 2
PYTEST := $(BIN)/python -m pytest -p no:cacheprovider
export PATH := $(abspath $(BIN)):$(PATH)

# Tests run two processes on two cores: one BLAS thread each (see README, Tests).
test test-unit test-notebooks test-jax test-gpu test-compat: export OPENBLAS_NUM_THREADS ?= 1

.PHONY: lab test test-unit test-notebooks test-jax test-gpu test-compat release \
	reproduce-02 work clean

$(BIN)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python >= 3.11 is needed (python3 --version)."; exit 1; }
	@echo "Creating $(VENV) with $(PYTHON) ..."
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $@

# Copy each released notebook into work/ once; later runs never overwrite your copy.
work:
	@for nb in notebooks/*/*.ipynb; do \
		dest=work/$${nb#notebooks/}; \
		if [ ! -e "$$dest" ]; then mkdir -p "$$(dirname "$$dest")"; cp "$$nb" "$$dest"; \
			echo "new exercise copy: $$dest"; \
		elif [ "$$nb" -nt "$$dest" ] && ! cmp -s "$$nb" "$$dest"; then \
			echo "note: $$nb was updated after you copied it; your $$dest is kept as it is"; fi; \
	done
	@for f in notebooks/*/*; do case "$$f" in *.ipynb) ;; *) dest=work/$${f#notebooks/}; \
		[ -e "$$dest" ] || cp -r "$$f" "$$dest";; esac; done

lab: $(BIN)/.installed work
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/work \
		$(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

test: $(BIN)/.installed
	$(PYTEST) -n $(JOBS) tests --ignore=tests/notebooks
	$(PYTEST) -n $(JOBS) tests/notebooks
	COURSE_BACKEND=jax $(PYTEST) -n $(JOBS) tests/notebooks/test_execute.py

test-unit: $(BIN)/.installed
	$(PYTEST) -n $(JOBS) tests --ignore=tests/notebooks

test-notebooks: $(BIN)/.installed
	$(PYTEST) -n $(JOBS) tests/notebooks

test-jax: $(BIN)/.installed
	COURSE_BACKEND=jax $(PYTEST) -n $(JOBS) tests/notebooks/test_execute.py

test-gpu: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -e ".[gpu]"
	$(BIN)/python -c "import jax; print(jax.devices())"
	COURSE_BACKEND=jax $(PYTEST) -n 1 tests/notebooks/test_execute.py

test-compat:
	@test -n "$(PY311)" || { echo "No Python 3.11 found: skipping."; exit 0; }
	@test -x .venv-py311/bin/python || $(PY311) -m venv .venv-py311
	.venv-py311/bin/python -m pip install --quiet -e ".[test]"
	.venv-py311/bin/python -m pytest -p no:cacheprovider -n $(JOBS) -m "not slow" tests --ignore=tests/notebooks

release: $(BIN)/.installed
	@for ch in $(CHAPTERS); do \
		$(BIN)/nbgrader generate_assignment $$ch --force --log-level=WARN || exit 1; \
		echo "released notebooks/$$ch"; done

reproduce-02: $(BIN)/.installed
	$(BIN)/python solutions/02_mnist/reproduce.py $(ARGS)

clean:
	rm -rf build .nbgrader.db
