"""The progress file: where checks record each attempt, its format, and how it is read back.

Everything stays on the learner's machine. The file is JSON, in format 2::

    {"version": 2,
     "learner": "alice",                                   # only on a hub: $JUPYTERHUB_USER
     "passed": {"03-cidr-and-subnets": {"usable-hosts": 1764600000.5}},
     "attempts": {"03-cidr-and-subnets": {"usable-hosts": [
         {"at": 1764599990.1, "ok": false, "mistake": "counts-every-address"},
         {"at": 1764600000.5, "ok": true, "mistake": null}]}}}

``passed`` holds the time of each exercise's first pass and is never trimmed. ``attempts``
holds, per exercise, the first attempt and the latest ones, :data:`MAX_ATTEMPTS` in all;
``mistake`` is the stable name of the hint a wrong answer got (``wrong(..., mistake=...)``),
never its text, so no answer is stored. Format 1, written before attempts were recorded, is the
bare ``{"lesson": {"exercise": time}}`` of passes; it is still read, and rewritten as format 2
on the next check.

Two kernels of one learner (two notebooks open) may check at the same moment: each record
reads, adds and writes the file under an exclusive lock (``flock`` on a lock file beside it,
where the system has one), so neither attempt is lost.

>>> data = parse(b'{"03-cidr-and-subnets": {"usable-hosts": 1764600000}}')  # format 1
>>> add_attempt(data, "03-cidr-and-subnets", "inside", ok=False, mistake="wrong-type", at=5.0)
>>> parse(dumps(data))["attempts"]["03-cidr-and-subnets"]
{'inside': [{'at': 5.0, 'mistake': 'wrong-type', 'ok': False}]}
>>> parse(b'[1, 2]')
Traceback (most recent call last):
netcourse.errors.ProgressError: it holds a JSON list, not an object of lessons
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: records are still atomic, two at one moment may lose one
    fcntl = None  # type: ignore[assignment]

from netcourse.errors import ProgressError, quote

__all__ = [
    "FORMAT",
    "MAX_ATTEMPTS",
    "MAX_BYTES",
    "add_attempt",
    "dumps",
    "load",
    "parse",
    "progress_path",
    "record",
    "want_color",
]

#: The format this version writes; every format from 1 up to it is read.
FORMAT = 2
#: Attempts kept per exercise: the first one (when the learner started) and the latest.
MAX_ATTEMPTS = 50
#: The largest file read as a progress file; a full one is far smaller (about 100 kB).
MAX_BYTES = 4 * 1024 * 1024
#: The longest learner name kept from ``$JUPYTERHUB_USER`` or read from a file.
MAX_NAME = 100

_YELLOW, _RESET = "\x1b[33m", "\x1b[0m"


def progress_path() -> Path:
    """Where attempts are recorded: ``$NETCOURSE_PROGRESS``, else the user's data directory.

    >>> import os; from unittest import mock
    >>> with mock.patch.dict(os.environ, {"NETCOURSE_PROGRESS": "/tmp/p.json"}):
    ...     str(progress_path())
    '/tmp/p.json'
    """
    explicit = os.environ.get("NETCOURSE_PROGRESS")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "netcourse" / "progress.json"


# --- the format: bytes <-> a checked dict --------------------------------------------------


def _is_time(value: object) -> bool:
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    return number and math.isfinite(value)


def _passes_problem(passed: object, where: str) -> str | None:
    """What is wrong with a lesson -> exercise -> time mapping, or None."""
    if not isinstance(passed, dict):
        return f"{where}it holds a JSON {type(passed).__name__}, not an object of lessons"
    for lesson, passes in passed.items():
        if not isinstance(passes, dict):
            return (
                f"{where}lesson {quote(lesson)} holds {quote(passes)}, not an object of exercises"
            )
        for name, when in passes.items():
            if not _is_time(when):
                return f"{where}exercise {quote(name)} holds {quote(when)}, not a time"
    return None


def _attempt_problem(attempt: object) -> str | None:
    if not isinstance(attempt, dict):
        return f"{quote(attempt)} is not an attempt object"
    if not _is_time(attempt.get("at")):
        return f"its time {quote(attempt.get('at'))} is not a number"
    if not isinstance(attempt.get("ok"), bool):
        return f"its result {quote(attempt.get('ok'))} is not true or false"
    mistake = attempt.get("mistake")
    if mistake is not None and not isinstance(mistake, str):
        return f"its mistake {quote(mistake)} is not a name"
    return None


def _attempts_problem(attempts: object) -> str | None:
    if not isinstance(attempts, dict):
        return f"attempts: it holds a JSON {type(attempts).__name__}, not an object of lessons"
    for lesson, names in attempts.items():
        if not isinstance(names, dict):
            return f"attempts: lesson {quote(lesson)} holds {quote(names)}, not an object"
        for name, tries in names.items():
            if not isinstance(tries, list):
                return f"attempts: exercise {quote(name)} holds {quote(tries)}, not a list"
            for number, attempt in enumerate(tries, 1):
                problem = _attempt_problem(attempt)
                if problem:
                    return f"attempts: exercise {quote(name)}, attempt {number}: {problem}"
    return None


def parse(raw: bytes) -> dict:
    """A progress file's bytes as a format-2 dict; :class:`ProgressError` says what is wrong.

    >>> parse(b'{"version": 2, "passed": {}, "attempts": {}}')["version"]
    2
    >>> parse(b'{"version": 9}')
    Traceback (most recent call last):
    netcourse.errors.ProgressError: it is format 9, from a newer netcourse (this one reads 1-2)
    """
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ProgressError("it is not text") from None
    except ValueError as exc:  # truncated or not JSON at all
        raise ProgressError(f"it is not complete JSON: {exc}") from None
    except RecursionError:
        raise ProgressError("it is nested too deeply to be a progress file") from None
    if isinstance(data, dict) and "version" in data:
        return _format_2(data)
    problem = _passes_problem(data, "")
    if problem:
        raise ProgressError(problem)
    return {"version": FORMAT, "passed": data, "attempts": {}}  # format 1: passes only


def _format_2(data: dict) -> dict:
    version = data["version"]
    if isinstance(version, bool) or not isinstance(version, int) or version < 2:
        raise ProgressError(f"its version {quote(version)} is not a format this netcourse wrote")
    if version > FORMAT:
        raise ProgressError(
            f"it is format {version}, from a newer netcourse (this one reads 1-{FORMAT})"
        )
    learner = data.get("learner")
    if learner is not None and (not isinstance(learner, str) or not learner.strip()):
        raise ProgressError(f"its learner {quote(learner)} is not a name")
    passed, attempts = data.get("passed", {}), data.get("attempts", {})
    problem = _passes_problem(passed, "passed: ") or _attempts_problem(attempts)
    if problem:
        raise ProgressError(problem)
    checked = {"version": FORMAT, "passed": passed, "attempts": attempts}
    if learner is not None:
        checked["learner"] = learner.strip()[:MAX_NAME]
    return checked


def add_attempt(
    data: dict, lesson: str, name: str, *, ok: bool, mistake: str | None = None, at: float
) -> None:
    """Add one attempt to a parsed store, keeping the first and the latest MAX_ATTEMPTS.

    >>> data = parse(b"{}")
    >>> for second in range(60):
    ...     add_attempt(data, "00-welcome", "bits-in-ipv4-address", ok=False, at=second)
    >>> kept = data["attempts"]["00-welcome"]["bits-in-ipv4-address"]
    >>> len(kept), kept[0]["at"], kept[1]["at"], kept[-1]["at"]
    (50, 0, 11, 59)
    """
    if ok:
        data["passed"].setdefault(lesson, {}).setdefault(name, at)
    tries = data["attempts"].setdefault(lesson, {}).setdefault(name, [])
    named = mistake if isinstance(mistake, str) and mistake and not ok else None
    tries.append({"at": at, "ok": bool(ok), "mistake": named})  # never a value the reader refuses
    if len(tries) > MAX_ATTEMPTS:
        del tries[1 : len(tries) - MAX_ATTEMPTS + 1]


def dumps(data: dict) -> bytes:
    """The bytes of a store, compact and in a stable key order."""
    return json.dumps(data, sort_keys=True, separators=(",", ":")).encode("utf-8")


# --- the learner's own file: read, set aside when unreadable, record -----------------------

#: Paths whose unreadable store was already reported in this process (reported once).
_REPORTED: set[Path] = set()
#: The clock attempts are stamped with (tests replace it).
_clock = time.time


def want_color() -> bool:
    """Whether feedback may be coloured: yes, unless ``NO_COLOR`` is set (no-color.org)."""
    return os.environ.get("NO_COLOR") is None


def _set_aside(path: Path, why: str) -> None:
    """Move an unreadable store out of the way (kept, never deleted) and say so once, in yellow."""
    aside = None
    for number in range(1, 1000):
        candidate = path.with_name(f"{path.name}.unreadable-{number}")
        if not candidate.exists():
            try:
                path.replace(candidate)
                aside = candidate
            except OSError:
                pass
            break
    if path in _REPORTED and aside is None:
        return
    _REPORTED.add(path)
    kept = f"it was moved to {aside} and" if aside else "it could not be moved, and"
    text = f"⚠ progress file {path} could not be read ({why}); {kept} progress starts afresh."
    print(f"{_YELLOW}{text}{_RESET}" if want_color() else text)


def load() -> dict:
    """The learner's own store; an unreadable one is set aside (and reported), never raised.

    >>> import os, tempfile; from unittest import mock
    >>> fresh = {"NETCOURSE_PROGRESS": os.path.join(tempfile.mkdtemp(), "p.json")}
    >>> with mock.patch.dict(os.environ, fresh):
    ...     load()
    {'version': 2, 'passed': {}, 'attempts': {}}
    """
    path = progress_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return parse(b"{}")
    except OSError as exc:  # a directory in its place, no permission
        _set_aside(path, exc.strerror or type(exc).__name__)
        return parse(b"{}")
    try:
        return parse(raw)
    except ProgressError as exc:
        _set_aside(path, str(exc))
        return parse(b"{}")


#: Longest wait for another kernel's record to finish; then this one goes ahead unlocked.
LOCK_TIMEOUT = 5.0


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path``'s lock file (bounded wait; none where the system or
    the folder gives no lock: a record must never fail or hang for it)."""
    if fcntl is None:
        yield
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path.with_name(f".{path.name}.lock"), "a")
    except OSError:
        yield
        return
    with handle:
        deadline = time.monotonic() + LOCK_TIMEOUT
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.01)
            except OSError:  # a file system without locks
                break
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                fcntl.flock(handle, fcntl.LOCK_UN)


def record(lesson: str, name: str, *, ok: bool, mistake: str | None = None) -> None:
    """Record one attempt in the learner's store, atomically and under the store's lock; a
    failure to save only says so."""
    path = progress_path()
    with _locked(path):
        _record(path, lesson, name, ok=ok, mistake=mistake)


def _record(path: Path, lesson: str, name: str, *, ok: bool, mistake: str | None) -> None:
    data = load()
    add_attempt(data, lesson, name, ok=ok, mistake=mistake, at=_clock())
    learner = os.environ.get("JUPYTERHUB_USER", "").strip()
    if learner:
        data["learner"] = learner[:MAX_NAME]
    # a name of its own per process and thread: two kernels never write into one temporary file
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as out:
            out.write(dumps(data))
            out.flush()
            os.fsync(out.fileno())
        tmp.replace(path)  # readers see the old file or the new one, never half of one
    except OSError as exc:  # a read-only home must not break the exercise
        print(f"(progress not saved: {exc})", file=sys.stderr)
    finally:
        try:
            tmp.unlink()
        except OSError:
            pass
