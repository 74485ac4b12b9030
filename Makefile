# Everything a maintainer, instructor or student runs, from the repository root.
PYTHON ?= python3
PIP ?= $(PYTHON) -m pip
export JUPYTER_PREFER_ENV_PATH = 1
export PIP_DISABLE_PIP_VERSION_CHECK = 1

.PHONY: setup test test-fast demo lectures lab assignments bench lint clean

## setup: install the pinned requirements and this project (editable)
setup:
	$(PIP) install -q -r requirements.txt -e .

## test: set everything up, lint, and run the whole test suite
test: setup lint
	$(PYTHON) -m pytest -q

## test-fast: the tests that start no kernel, nbgrader or browser (seconds)
test-fast:
	$(PYTHON) -m pytest -q -m "not slow and not browser"

## demo: set everything up and run the main job
demo: setup
	$(PYTHON) -m solutions.demo
	$(PYTHON) -m autograder demo

## lectures: execute every lecture notebook and render it to lectures/html/*.html (readable without Jupyter)
lectures:
	$(PYTHON) lectures/_build.py --check
	$(PYTHON) -m jupyter nbconvert --to html --execute --ExecutePreprocessor.timeout=120 \
		--output-dir lectures/html lectures/[0-9][0-9]_*.ipynb

## lab: JupyterLab on the student's material (release + lectures in student/), as a student has it
lab: setup
	$(PYTHON) tools/student_workspace.py student
	$(PYTHON) tools/lab_server.py student --student

## assignments: regenerate the instructor notebooks from assignments/templates and solutions
assignments:
	$(PYTHON) assignments/build.py

## bench: speed measurements with ratios (not timed tests)
bench: setup
	$(PYTHON) benchmarks/bench_math.py
	$(PYTHON) benchmarks/bench_grading.py

## lint: ruff on the Python sources
lint:
	$(PYTHON) -m ruff check .

clean:
	rm -rf artifacts demo_output lectures/html .pytest_cache assignments/grades
	rm -rf assignments/release assignments/submitted assignments/autograded assignments/feedback assignments/gradebook.db
