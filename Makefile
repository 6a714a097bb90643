# Two commands do everything on a fresh machine (Python 3.9+ with venv):
#   make demo   set up .venv, regenerate the release, grade the sample class, print the grade table
#   make test   set up .venv, run the whole test suite (nbval on every source notebook included)
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
WORKERS ?= 2

.PHONY: demo test setup clean

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

demo: setup
	$(PY) -m autograder demo

test: setup
	COURSE_OFFLINE=1 MPLBACKEND=Agg $(PY) -m pytest -n $(WORKERS) --dist loadgroup -p no:cacheprovider \
		--nbval-lax tests source_notebooks

clean:
	rm -rf $(VENV) grading
