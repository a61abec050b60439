"""Engines: where the per-file function runs. `local` forks worker processes on this machine;
`dask` sends tasks to a dask.distributed cluster. Both stream Outcomes as files finish, keep a
bounded number of files in flight, and retry the files of a worker that died one at a time
(`retry_alone`), so the file that kills its worker again costs one error row."""
from __future__ import annotations

import itertools
import logging
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from ..errors import MissingDependency, one_line
from .outcome import Outcome, failed_outcome, outcome_for, outcomes_for, warm_up, worker_init

log = logging.getLogger(__name__)

WORKER_DIED = "the worker process died on this file (a crash inside a library, or out of memory)"
DASK_FILES_PER_TASK = 8  # files per cluster task
DASK_MIN_IN_FLIGHT = 32  # tasks kept in flight: at least this many, and 4 per worker


def retry_alone(paths: list[str], run_one: Callable[[str], Outcome],
                failure: Callable[[BaseException], str | None]) -> Iterable[Outcome]:
    """Each of `paths` once more, alone, after a worker died with them in flight. `failure(e)` says
    whether an exception of `run_one` means the file failed again (the row's error, and whatever
    recovery the engine needs), or returns None for an exception that is not the file's."""
    for p in paths:
        try:
            yield run_one(p)
        except Exception as e:
            why = failure(e)
            if why is None:
                raise
            yield failed_outcome(p, why)


class WorkerPool:
    """The run's local worker processes, forked once (after the tokenizer and the model are loaded,
    so workers share them) and kept for both stages that spread: the documents, then the report
    pages. With one job everything runs in this process."""

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.pool: ProcessPoolExecutor | None = None
        self._warm = False

    def start(self, warm: bool) -> ProcessPoolExecutor | None:
        if self.pool is None and self.jobs > 1:
            if warm:
                warm_up()
            self._warm = warm
            self.pool = ProcessPoolExecutor(max_workers=self.jobs, initializer=worker_init, initargs=(warm,))
        return self.pool

    def restart(self) -> ProcessPoolExecutor:
        """A new pool after a worker died (a crash inside a library, the OOM killer)."""
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None
        return self.start(self._warm)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()


def local(workers: WorkerPool, paths: list[str], time_limit: int, text_dir: str) -> Iterable[Outcome]:
    """Outcomes of `paths`, in the order they finish, from this machine's worker processes."""
    if not paths:
        return
    if workers.jobs <= 1 or len(paths) <= 1:
        for p in paths:
            yield outcome_for(p, time_limit, text_dir)
        return
    pool = workers.start(warm=True)
    todo, pending = deque(paths), {}
    while todo or pending:
        suspects = []
        while todo and len(pending) < workers.jobs * 3:  # a bounded number of files in flight
            p = todo.popleft()
            try:
                pending[pool.submit(outcome_for, p, time_limit, text_dir)] = p
            except BrokenProcessPool:
                suspects.append(p)
                break
        if not suspects:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for f in done:
                p = pending.pop(f)
                try:
                    outcome = f.result()
                except BrokenProcessPool:
                    suspects.append(p)
                    continue
                yield outcome
        if not suspects:
            continue
        # a worker died: every file in flight is lost with the pool. Retry each alone in a fresh
        # pool, so the one that kills its worker again is known, gets an error row, and the run goes on
        suspects += pending.values()
        pending.clear()
        log.warning("a worker process died; retrying the %d files it may have taken along, one at a time",
                    len(suspects))
        workers.restart()

        def died(e: BaseException) -> str | None:
            if not isinstance(e, BrokenProcessPool):
                return None
            workers.restart()
            return WORKER_DIED

        yield from retry_alone(suspects, lambda p: workers.pool.submit(outcome_for, p, time_limit, text_dir).result(),
                               died)
        pool = workers.pool


def dask(paths: list[str], scheduler: str | None, time_limit: int, settings: dict | None = None) -> Iterable[Outcome]:
    """Outcomes of `paths` from a dask.distributed cluster (a local one when `scheduler` is None)."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise MissingDependency("--engine dask needs dask.distributed: pip install 'shequ[dask]'") from None
    client = Client(scheduler) if scheduler else Client(processes=False)
    if time_limit:
        log.warning("--engine dask: the per-file time limit is not enforced (Dask runs tasks in threads, which "
                    "cannot take the alarm signal); the size and decompression limits still apply")
    try:
        size = DASK_FILES_PER_TASK
        tasks = iter([paths[j:j + size] for j in range(0, len(paths), size)])
        # a bounded number of tasks in flight, topped up as they finish: the scheduler's queue and
        # the client's memory stay small however many files there are, and no worker waits for a slice
        in_flight = max(DASK_MIN_IN_FLIGHT, 4 * len(client.scheduler_info().get("workers", {})))
        files_of = {}
        for task in itertools.islice(tasks, in_flight):
            files_of[client.submit(outcomes_for, task, time_limit, settings, pure=False)] = task
        pending = as_completed(list(files_of))
        for fut in pending:
            task = files_of.pop(fut)
            try:
                outcomes = fut.result()
            except Exception as e:  # a worker died on one of them (KilledWorker): each file alone, once more
                log.warning("a Dask task failed (%s); retrying its %d files one at a time", type(e).__name__, len(task))
                outcomes = retry_alone(task, lambda p: client.submit(outcomes_for, [p], time_limit, settings, pure=False)
                                       .result()[0], _task_failure)
            yield from outcomes
            fut.release()
            task = next(tasks, None)
            if task is not None:
                nxt = client.submit(outcomes_for, task, time_limit, settings, pure=False)
                files_of[nxt] = task
                pending.add(nxt)
    finally:
        client.close()


def _task_failure(e: BaseException) -> str:
    """The error row of a file whose cluster task failed again: the task's own exception."""
    if type(e).__name__ == "KilledWorker":
        return f"{WORKER_DIED} ({one_line(e)})"
    return f"the cluster task failed on this file ({type(e).__name__}: {one_line(e)})"
