# cxlab — the everyday commands. Each target bootstraps the local virtual environment (.venv) first,
# and does nothing more when it is already up to date, so every target is safe to run again.
#
#   make demo        set up, then run the suite on the embedded demo client (report in reports/)
#   make check       set up, then lint and run the fast tests: unit tests and doctests, no nbval,
#                    nothing marked slow (a few minutes; the loop while changing code)
#   make test        set up, then lint and run every test, notebooks (nbval) included (what CI runs)
#   make lab         open the notebooks in JupyterLab
#   make notebooks   redraw the theory figures, then re-execute every notebook in place
#   make datasets    regenerate the demo clients in datasets/ from their seeds
#   make bench       run the benchmarks in benchmarks/

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.cxlab-installed
DEMO   ?= clothing_retailer
OUT    ?= reports

NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
ALL_NOTEBOOKS := $(NOTEBOOKS) $(sort $(wildcard notebooks/solutions/*.ipynb)) \
                 $(sort $(wildcard notebooks/templates/*.ipynb))

.PHONY: setup demo check test lint format lab notebooks datasets bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "cxlab needs Python 3.11 or newer; run: make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/cxlab run --data "$$($(BIN)/cxlab demo path $(DEMO))" --out $(OUT)

lint: $(STAMP)
	$(BIN)/ruff check conftest.py src tests benchmarks notebooks
	$(BIN)/ruff format --check conftest.py src tests benchmarks notebooks

format: $(STAMP)
	$(BIN)/ruff check --fix conftest.py src tests benchmarks notebooks
	$(BIN)/ruff format conftest.py src tests benchmarks notebooks

# pyproject's addopts switch nbval on, so the fast loop replaces them and leaves the plugin out.
check: lint
	$(BIN)/pytest -p no:nbval -m "not slow" \
	  -o addopts="-ra --strict-markers --doctest-modules -p no:cacheprovider" src/cxlab tests

# Every core: a module (or a class) stays on one worker, so its shared fixtures and runs are made once.
test: lint
	$(BIN)/pytest -n auto --dist loadscope --no-loadscope-reorder

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

notebooks: $(STAMP)
	$(BIN)/python -m cxlab.plots._theory $(ALL_NOTEBOOKS)
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	  --ExecutePreprocessor.kernel_name=python3 --ExecutePreprocessor.record_timing=False \
	  --ExecutePreprocessor.skip_cells_with_tag=widget $(ALL_NOTEBOOKS)

datasets: $(STAMP)
	$(BIN)/cxlab demo regenerate

bench: $(STAMP)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python "$$b" || exit 1; done

clean:
	rm -rf $(VENV) $(OUT) build *.egg-info src/*.egg-info .pytest_cache .ruff_cache .hypothesis
