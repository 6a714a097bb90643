# Two commands do everything on a fresh machine (Python 3.9+ with venv):
#   make demo   set up .venv, regenerate the release, grade the sample class, print the grade table
#   make test   set up .venv, run the whole test suite (nbval on every source notebook included); --dist loadscope:
#               a file's tests (a notebook's cells) share a worker, test_catalogue.py's grading tests one per lecture
#   make lab    set up .venv and open the course in JupyterLab (the notebooks are under release/)
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
WORKERS ?= 2

.PHONY: demo test lab setup clean sandbox-tool scheduler worker

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	@command -v bwrap >/dev/null || $(MAKE) --no-print-directory sandbox-tool
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

demo: setup
	$(PY) -m autograder demo

lab: setup
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=$(CURDIR) --ServerApp.default_url=/lab/tree/release

test: setup
	COURSE_OFFLINE=1 MPLBACKEND=Agg OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(PY) -m pytest -n $(WORKERS) --dist loadscope -p no:cacheprovider --durations=20 \
		--nbval-lax tests source_notebooks

# A Dask scheduler and workers for `python -m autograder grade A --scheduler ADDRESS` (see the README);
# both load the grading jobs from this clone's environment
scheduler: setup
	$(VENV)/bin/dask scheduler

worker: setup
	@test -n "$(SCHEDULER)" || (echo "usage: make worker SCHEDULER=tcp://HOST:8786" && exit 2)
	COURSE_OFFLINE=1 MPLBACKEND=Agg OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 \
		$(VENV)/bin/dask worker $(SCHEDULER) --nworkers -1 --nthreads 1

clean:
	rm -rf $(VENV) grading

# The grader isolates each submission with bubblewrap (Debian package). Installing needs root;
# without it, grading still works but warns that nothing is isolated.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
sandbox-tool:
	@($(SUDO) apt-get install -y -q bubblewrap || ($(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q bubblewrap)) >/dev/null 2>&1 \
		&& echo "installed bubblewrap" || echo "WARNING: could not install bubblewrap: grading will run without a sandbox"
