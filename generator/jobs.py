"""Run a pipeline of stages, some of them beside the main line in a second process.

`relais build` is a chain of pure stages, some of which do not depend on each other:
checking the content and planning the calendar and watch sections, versus planning the
posts' pages; making the .ics files, versus MkDocs building the pages. build.py declares
them in one table of `Stage`s with their inputs; `run()` runs the table in its order.

`beside(fn, ...)` runs `fn` in a forked child process while the caller goes on, and
`Pending.result()` waits for its value (sent back pickled through a temporary file). The
child sees the caller's memory as it was at the fork (the loaded project, nothing to
send), and nothing it does changes the caller's.

Where forking is not available or not wise, `fn` simply runs at once in this process: on
a single core, outside Linux (macOS forks badly once system frameworks are loaded), in a
process that runs threads (`relais serve`), or when RELAIS_JOBS=1.
"""

from __future__ import annotations

import gc
import os
import pickle
import resource
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class JobError(Exception):
    """The function raised in the child process; the message holds its traceback."""


def available() -> bool:
    """Whether beside() runs its function in a second process."""
    if (
        os.environ.get("RELAIS_JOBS", "") == "1"
        or sys.platform != "linux"
        or not hasattr(os, "fork")
    ):
        return False
    if threading.active_count() > 1:
        return False  # forking a process that runs threads can deadlock the child
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return cores > 1


class Pending(Generic[T]):
    """The value of a function that runs (or ran) beside the caller."""

    def __init__(self, fn: Callable[..., T], *args: Any) -> None:
        self.seconds = 0.0  # how long the function took, wherever it ran
        self.peak_kb = 0  # the child's peak resident memory (0 when it ran in this process)
        self._pid = 0
        self._file: Any = None
        self._done = False
        self._value: Any = None
        self._error: BaseException | None = None
        if not available():
            started = time.perf_counter()
            try:
                self._value = fn(*args)
            except BaseException as exc:  # noqa: BLE001 - raised again by result(), where the caller waits
                self._error = exc
            self.seconds = time.perf_counter() - started
            self._done = True
            return
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 - the child writes, result() closes
        sys.stdout.flush()
        sys.stderr.flush()
        gc.freeze()  # the child's collector then leaves the shared pages alone (no copy on write)
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child: its coverage is not collected
            _die_with(parent)
            code = 0
            started = time.perf_counter()
            try:
                outcome: tuple[str, Any, float] = ("value", fn(*args), 0.0)
            except BaseException:  # noqa: BLE001 - everything goes back to the parent
                outcome = ("error", traceback.format_exc(), 0.0)
            outcome = (outcome[0], outcome[1], time.perf_counter() - started)
            # What this worker found out for the next builds (memo.py) is saved from here:
            # the parent never sees this process's memory.
            from . import memo

            memo.save_all()
            try:
                pickle.dump(outcome, self._file, protocol=pickle.HIGHEST_PROTOCOL)
                self._file.flush()
            except BaseException:  # noqa: BLE001 - a value that cannot be sent back
                code = 1
            os._exit(code)  # no atexit handler, no buffered output of the parent's written twice
        gc.unfreeze()
        self._pid = pid

    def result(self) -> T:
        """Wait for the value; raises what the function raised (JobError from a child)."""
        if not self._done:
            _, status, usage = os.wait4(self._pid, 0)
            self.peak_kb = usage.ru_maxrss
            self._done = True
            self._file.seek(0)
            try:
                kind, value, self.seconds = pickle.load(self._file)
            except Exception:  # noqa: BLE001 - the child died before it could answer
                kind, value = (
                    "error",
                    f"the worker process ended with status {status} without an answer",
                )
            finally:
                self._file.close()
            if kind == "error":
                self._error = JobError(value)
            else:
                self._value = value
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[no-any-return]

    def cancel(self) -> None:
        """Stop waiting for the function (a failed build): the child is ended if still running."""
        if not self._done and self._pid:
            try:
                os.kill(self._pid, 9)
                os.waitpid(self._pid, 0)
            except OSError:
                pass
            self._done = True
            self._file.close()


def _die_with(parent: int) -> None:
    """Make this child end when its parent does, even by SIGKILL: an orphan would keep working
    (and keep the build lock's file open) for nothing."""
    import ctypes
    import ctypes.util
    import signal

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent ended before prctl took effect
        os._exit(1)


def beside(fn: Callable[..., T], *args: Any) -> Pending[T]:
    """Run `fn(*args)` beside the caller (see the module's docstring); its value comes with result()."""
    return Pending(fn, *args)


def peak_kb() -> int:
    """This process's own peak resident memory, in kB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


# --- pipelines ---------------------------------------------------------------------------------


@dataclass
class Timings:
    """The seconds of each stage, and the peak memory of the processes that worked beside."""

    stages: dict[str, float] = field(default_factory=dict)
    peak_kb: int = 0  # the peaks of the processes beside this one, added up (--timings)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the block under `name` (added to the time already spent under that name)."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.stages[name] = self.stages.get(name, 0.0) + time.perf_counter() - start


@dataclass(frozen=True)
class Stage:
    """One row of a pipeline: `run(*values named in needs)` gives the value named `name`.

    A stage `beside` starts in a second process at its row and runs while the next rows run
    here; the stages that need it receive a waiter, a function without arguments that gives
    its value (waiting for it), so that each waits as late as it can. A stage `spare` is
    worth running only beside: in one process it is skipped and its users receive None (they
    do that work themselves). A stage `only_if` a given flag is skipped, as None, without it.
    """

    name: str
    run: Callable[..., Any]
    needs: tuple[str, ...] = ()
    beside: bool = False
    spare: bool = False
    only_if: str = ""
    timed: bool = True  # False: the stage times its own parts (Timings is among its needs)


def run(
    stages: Sequence[Stage],
    given: Mapping[str, Any],
    timings: Timings,
    *,
    one_process: bool = False,
) -> dict[str, Any]:
    """Run `stages` in their order with the values `given`; returns every value by name.

    With one process (`one_process`, or beside() not available: see available()) every
    stage runs here at its row, in the same order, and gives the same values. Whatever
    happens, no process is left behind: the stages still running beside are ended when a
    stage raises, and their time and memory are added to `timings` (as "<name>-beside").
    """
    two = available() and not one_process
    values: dict[str, Any] = {"timings": timings, **given}
    pending: dict[str, Pending[Any]] = {}
    try:
        for stage in stages:
            if (stage.only_if and not values[stage.only_if]) or (stage.spare and not two):
                values[stage.name] = None
                continue
            args = [values[name] for name in stage.needs]
            if stage.beside and two:
                pending[stage.name] = beside(stage.run, *args)
                values[stage.name] = pending[stage.name].result
                continue
            with timings.stage(stage.name) if stage.timed else _untimed():
                value = stage.run(*args)
            values[stage.name] = _given(value) if stage.beside else value
    finally:
        for name, job in pending.items():
            job.cancel()  # over already, unless a stage raised
            timings.stages[f"{name}-beside"] = job.seconds
            timings.peak_kb += job.peak_kb
    return values


def _given(value: T) -> Callable[[], T]:
    """A waiter with nothing to wait for: a stage meant to run beside ran here."""
    return lambda: value


@contextmanager
def _untimed() -> Iterator[None]:
    yield
