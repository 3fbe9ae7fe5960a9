# netcourse: `make lab` to learn, `make test` to prove it works. See README.md.
PYTHON ?= python3
PORT ?= 8888
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VENDOR_STAMP := slides/vendor/.installed
SANITIZE := tests/nbval_sanitize.cfg
NBVAL := --nbval-current-env --nbval-sanitize-with $(SANITIZE) --nbval-cell-timeout=300 -p no:randomly
# Tests run in parallel, a worker a core and one more (JOBS=1 runs them in one process): many
# tests wait on a browser, a kernel or tshark, and two workers left a third of two cores idle.
# A file's tests stay on one worker, so a notebook's cells run in order in one kernel.
JOBS ?= $(shell echo $$(( $$(nproc) + 1 )))
PARALLEL := -n $(JOBS) --dist loadfile
UNIT = @seed=$(or $(SEED),$$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')); echo "unit tests in random order: --randomly-seed=$$seed (SEED=$$seed repeats it)"; $(BIN)/python -m pytest -q $(PARALLEL) -p randomly --randomly-seed=$$seed --durations=15 tests netcourse --doctest-modules

.PHONY: lab test unit bench exercises nbgrader notebooks doctor slides images clean lint

# The editable install leaves pyproject.toml's data-files out: lab_settings puts the course's
# JupyterLab settings (news prompt off) where this venv's JupyterLab, and so the hub, reads them.
$(STAMP): pyproject.toml netcourse/data/jupyterlab/netcourse.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	$(BIN)/python -m netcourse.tools.lab_settings
	touch $(STAMP)

# Jupyter prints the URL with its token; root (a container, CI) needs --allow-root.
lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) \
		--ServerApp.port_retries=0 $(if $(filter 0,$(shell id -u)),--allow-root) \
		--ServerApp.root_dir=. --LabApp.default_url=/lab/tree/notebooks/00-welcome.ipynb

# The slides' JavaScript (reveal.js, MathJax, the widget renderer) from the npm registry,
# installed once like .venv, so that neither the slides nor their tests fetch anything.
$(VENDOR_STAMP): $(STAMP) netcourse/tools/slides.py
	$(BIN)/python -c "from pathlib import Path; from netcourse.tools.slides import ensure_vendor; ensure_vendor(Path('slides/vendor'))"
	touch $(VENDOR_STAMP)

# Every unit test and doctest, every lesson and solution notebook (outputs compared),
# every exercise notebook (must run), the exercise sync check and the browser tests.
test: $(STAMP) $(VENDOR_STAMP)
	$(BIN)/python -m netcourse.tools.make_exercises --check
	$(UNIT)
	$(BIN)/python -m pytest -q $(PARALLEL) --nbval $(NBVAL) notebooks solutions
	$(BIN)/python -m pytest -q $(PARALLEL) --nbval-lax $(NBVAL) exercises

# The unit tests without the slowest differential ones (marked slow); `make test` runs all.
unit: $(STAMP)
	$(UNIT) -m "not slow"

bench: $(STAMP)
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

exercises: $(STAMP)
	$(BIN)/python -m netcourse.tools.make_exercises

# An nbgrader course (nbgrader_config.py, source/ with one assignment a lesson) from solutions/,
# into build/nbgrader/ (git-ignored; OUT=dir writes elsewhere, COURSE=id names the hub's course).
nbgrader: $(STAMP)
	$(BIN)/python -m netcourse.tools.nbgrader_course $(if $(OUT),--out $(OUT)) $(if $(COURSE),--course-id $(COURSE))

# Re-run lesson and solution notebooks in place (after changing them), then regenerate exercises.
notebooks: $(STAMP)
	$(BIN)/python -m netcourse.tools.run_notebooks $(or $(NB),notebooks/*.ipynb solutions/*.ipynb)
	$(BIN)/python -m netcourse.tools.make_exercises

doctor: $(STAMP)
	$(BIN)/python -m netcourse.tools.doctor

# reveal.js slides of each lesson notebook, into slides/ (works offline).
slides: $(STAMP) $(VENDOR_STAMP)
	$(BIN)/python -m netcourse.tools.slides

# The README's pictures of the widgets, screenshotted from the lessons run in JupyterLab in
# Debian's Chromium, into docs/images/ (commit them); not part of `make test`.
images: $(STAMP)
	$(BIN)/python -m netcourse.tools.screenshots

lint: $(STAMP)
	$(BIN)/ruff check netcourse tests benchmarks hub
	$(BIN)/ruff format --check netcourse tests benchmarks hub

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .hypothesis .ruff_cache artifacts slides
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
