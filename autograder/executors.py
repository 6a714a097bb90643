"""Where grading jobs run: worker processes on this machine, or a Dask cluster.

Both take ``job.Job`` values and yield ``(job, outcome)`` as each finishes,
where the outcome is the job's ``Result`` or the exception that stopped it
(a worker process that died, a machine that refused). Neither writes anything
of the instructor's: the caller records each outcome as it arrives.

``LocalWorkers(n)``: ``n`` processes, a fresh one per job, forked from a
server that has nbgrader imported already.

``DaskWorkers(address)``: the jobs go to the Dask scheduler at ``address``
(``dask scheduler`` on one machine, ``dask worker ADDRESS`` on each grading
machine, or a cluster from dask-kubernetes or dask-jobqueue). Every worker must
be able to sandbox a notebook (bubblewrap): workers that cannot are named and
get no job, and if none can, nothing is sent. Dask runs a job lost with a dead
worker again elsewhere; a job runs in a private temporary workspace, so a
second run of it leaves nothing behind of the first.
"""
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, as_completed

from . import job as job_mod


class LocalWorkers:
    refused = {}  # this machine's processes: none is left out

    def __init__(self, workers):
        self.workers = workers
        self.description = f"{workers} worker{'s' if workers != 1 else ''}"

    def __enter__(self):
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["autograder.job"])
        self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context, max_tasks_per_child=1)
        return self

    def __exit__(self, *exc):
        self._pool.shutdown(cancel_futures=True)

    def results(self, jobs):
        futures = {self._pool.submit(job_mod.run, j): j for j in jobs}
        for future in as_completed(futures):
            yield futures[future], _outcome(future)


class NoWorkerCanGrade(RuntimeError):
    """No worker of the Dask cluster can sandbox a notebook: nothing was sent."""


class DaskWorkers:
    def __init__(self, address, connect_timeout=30):
        self.address, self.connect_timeout = address, connect_timeout
        self.refused = {}  # worker address -> why it gets no job

    def __enter__(self):
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover (requirements.txt installs it)
            raise RuntimeError("grading on a Dask cluster needs the `distributed` package: pip install 'dask[distributed]'")
        try:
            self._client = Client(self.address, timeout=self.connect_timeout)
        except OSError as exc:
            raise RuntimeError(f"could not reach the Dask scheduler at {self.address} ({exc}); start one with "
                               f"`dask scheduler` and workers with `dask worker {self.address}`") from exc
        try:
            answers = self._client.run(job_mod.check_worker)
            self.refused = {w: why for w, why in answers.items() if why}
            self.good = sorted(w for w, why in answers.items() if not why)
            if not self.good:
                reasons = "; ".join(f"{w}: {why}" for w, why in sorted(self.refused.items())) or "the cluster has no workers"
                raise NoWorkerCanGrade(f"no Dask worker at {self.address} can grade in a sandbox, so nothing was sent: "
                                       f"{reasons}")
        except BaseException:
            self._client.close()
            raise
        self.description = f"{len(self.good)} Dask worker{'s' if len(self.good) != 1 else ''}"
        return self

    def __exit__(self, *exc):
        self._client.close()

    def results(self, jobs):
        from distributed import as_completed as dask_completed
        jobs = [_sandboxed(j) for j in jobs]
        futures = {self._client.submit(job_mod.run, j, key=f"grade-{j.assignment}-{j.student_id}-{id(j):x}",
                                       pure=False, workers=self.good, allow_other_workers=False): j for j in jobs}
        try:
            for future in dask_completed(futures):
                yield futures[future], _outcome(future)
        finally:
            for future in futures:
                future.cancel()


def _sandboxed(j):
    """The job, asking for a sandbox: on a cluster a worker that cannot make one refuses rather than grade."""
    from dataclasses import replace
    return replace(j, require_sandbox=True)


def _outcome(future):
    try:
        return future.result()
    except Exception as exc:
        return exc
