# Everything a maintainer, instructor or student runs, from the repository root.
# Every target runs in the project's virtual environment .venv/, made on first use with the
# python3 found on PATH (PYTHON3=/path/to/python3.11 picks another one).
PYTHON3 ?= python3
VENV ?= .venv
PYTHON := $(abspath $(VENV))/bin/python
PIP := $(PYTHON) -m pip
export PATH := $(abspath $(VENV))/bin:$(PATH)
export VIRTUAL_ENV := $(abspath $(VENV))
export JUPYTER_PREFER_ENV_PATH = 1
export PIP_DISABLE_PIP_VERSION_CHECK = 1

.PHONY: setup system-deps test test-fast demo lectures lab assignments bench lint clean

## setup: the virtual environment with the pinned requirements and this project (editable)
setup: $(VENV)/.installed

$(PYTHON):
	@tools/make_venv.sh "$(PYTHON3)" "$(VENV)"

$(VENV)/.installed: requirements.txt pyproject.toml | $(PYTHON)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.txt -e .
	@touch $@

## system-deps: the Debian packages the full suite drives (chromium, slurm-wlm, munge)
system-deps:
	@tools/system_deps.sh

## test: set everything up, lint, and run the whole test suite
test: setup system-deps lint
	$(PYTHON) -m pytest -q --durations=20

## test-fast: the tests that start no kernel, nbgrader or browser (about 2 minutes)
test-fast: setup
	$(PYTHON) -m pytest -q -m "not slow and not browser"

## demo: set everything up and run the main job
demo: setup
	$(PYTHON) -m solutions.demo
	$(PYTHON) -m autograder demo

## lectures: execute every lecture and render it to lectures/html/ (index.html first): figures
## embedded, math typeset by a local MathJax, readable offline and without Jupyter
lectures: setup
	$(PYTHON) lectures/_build.py --check
	$(PYTHON) lectures/_render.py

## lab: JupyterLab on the student's material (release + lectures in student/), as a student has it
lab: setup
	$(PYTHON) tools/student_workspace.py student
	$(PYTHON) tools/lab_server.py student --student

## assignments: regenerate the instructor notebooks from assignments/templates and solutions
assignments: setup
	$(PYTHON) assignments/build.py

## bench: speed measurements with ratios (not timed tests)
bench: setup
	$(PYTHON) benchmarks/bench_math.py
	$(PYTHON) benchmarks/bench_grading.py
	$(PYTHON) benchmarks/bench_autograd.py
	$(PYTHON) benchmarks/bench_similarity.py
	$(PYTHON) benchmarks/bench_term.py

## lint: ruff on the Python sources
lint: setup
	$(PYTHON) -m ruff check .

clean:
	rm -rf artifacts demo_output lectures/html .pytest_cache assignments/grades
	rm -rf assignments/release assignments/submitted assignments/autograded assignments/feedback assignments/gradebook.db
