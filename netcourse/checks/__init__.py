"""Exercise feedback: checks that teach, hide the answer and never raise at the learner.

A topic's checks live in ``netcourse/checks/<topic>.py`` and are written as functions that
return :class:`Feedback`; the :func:`exercise` decorator turns one into the call a learner
makes at the end of an exercise cell. That call prints one line: green when correct, red
with what is wrong and a hint otherwise, yellow while the answer is still ``...``. It
records each pass in a small local file (no network), which :func:`progress` reads.

>>> @exercise("03-cidr-and-subnets", "double")
... def double(answer):
...     return correct("2 x 21 is 42") if answer == 42 else wrong("not 42", "multiply by two")
>>> double.feedback(42).ok
True
>>> double.feedback(41).message
'not 42'

A grader (an nbgrader test cell) runs the same check strictly: ``.strict`` prints the green line
when the answer is right and otherwise raises :class:`AssertionError` carrying the feedback, and
records nothing.

>>> double.strict(41)
Traceback (most recent call last):
AssertionError: ✘ not yet: not 42 Hint: multiply by two
"""

from __future__ import annotations

import functools
import importlib
import json
import math
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from netcourse.errors import quote
from netcourse.html import table
from netcourse.lessons import LESSONS

__all__ = [
    "Feedback",
    "Progress",
    "correct",
    "exercise",
    "not_answered",
    "progress",
    "progress_path",
    "registered",
    "wrong",
]

_GREEN, _RED, _YELLOW, _RESET = "\x1b[32m", "\x1b[31m", "\x1b[33m", "\x1b[0m"


@dataclass(frozen=True)
class Feedback:
    """The outcome of one check: ``ok`` is True, False, or None while unanswered."""

    ok: bool | None
    message: str
    hint: str = ""

    def line(self, color: bool = True) -> str:
        """The one line a learner sees."""
        if self.ok:
            mark, tint = "✔ correct", _GREEN
        elif self.ok is None:
            mark, tint = "… not answered yet", _YELLOW
        else:
            mark, tint = "✘ not yet", _RED
        text = f"{mark}: {self.message}"
        if self.hint and not self.ok:
            text += f" Hint: {self.hint}"
        return f"{tint}{text}{_RESET}" if color else text


def correct(message: str) -> Feedback:
    """A passing check; the message says why it is right without restating the question."""
    return Feedback(True, message)


def wrong(message: str, hint: str = "") -> Feedback:
    """A failing check; the message says what is wrong, the hint where to look, never the answer."""
    return Feedback(False, message, hint)


def not_answered(hint: str = "replace ... with your answer and run the cell again.") -> Feedback:
    """The feedback for an answer still left as ``...``."""
    return Feedback(None, "the answer is still ...", hint)


@dataclass(frozen=True)
class Exercise:
    """A registered check: which lesson and exercise it belongs to."""

    lesson: str
    name: str
    check: Callable[..., Feedback]


_REGISTRY: dict[tuple[str, str], Exercise] = {}


def registered() -> list[Exercise]:
    """Every exercise whose check module has been imported, in lesson order."""
    return sorted(_REGISTRY.values(), key=lambda ex: (ex.lesson, ex.name))


def exercise(lesson: str, name: str) -> Callable[[Callable[..., Feedback]], Callable[..., None]]:
    """Decorate a check so that calling it prints feedback, records progress and never raises.

    The undecorated check stays reachable as ``.feedback`` (returns :class:`Feedback`, prints
    nothing, records nothing) for tests, and as ``.strict`` for graders: it prints the line
    when the answer is right, raises :class:`AssertionError` with the line (uncoloured) when it
    is wrong or unanswered, and records nothing.
    """
    slugs = {item.slug for item in LESSONS}
    if lesson not in slugs:
        raise ValueError(f"unknown lesson {lesson!r}; expected one of {sorted(slugs)}")

    def decorate(check: Callable[..., Feedback]) -> Callable[..., None]:
        @functools.wraps(check)
        def run(*args, **kwargs) -> None:
            feedback = _safe(check, args, kwargs)
            print(feedback.line(color=_want_color()))
            if feedback.ok:  # after the verdict: a note about the store never hides it
                _record(lesson, name)

        def feedback(*args, **kwargs) -> Feedback:
            return _safe(check, args, kwargs)

        def strict(*args, **kwargs) -> None:
            result = _safe(check, args, kwargs)
            if not result.ok:
                raise AssertionError(result.line(color=False))
            print(result.line(color=_want_color()))

        run.feedback = feedback  # type: ignore[attr-defined]
        run.strict = strict  # type: ignore[attr-defined]
        run.lesson, run.exercise = lesson, name  # type: ignore[attr-defined]
        _REGISTRY[(lesson, name)] = Exercise(lesson, name, check)
        return run

    return decorate


def _safe(check: Callable[..., Feedback], args: tuple, kwargs: dict) -> Feedback:
    if any(arg is Ellipsis for arg in (*args, *kwargs.values())):
        return not_answered()
    try:
        result = check(*args, **kwargs)
    except Exception as exc:  # a check must never raise at the learner
        return wrong(
            f"this answer could not be checked ({type(exc).__name__}: {exc}).",
            "compare the type of your answer with what the exercise asks for.",
        )
    if not isinstance(result, Feedback):
        return wrong(f"the check returned {result!r} instead of feedback; please report this.")
    return result


def _want_color() -> bool:
    return os.environ.get("NO_COLOR") is None


# --- progress ------------------------------------------------------------------------------


def progress_path() -> Path:
    """Where passes are recorded: ``$NETCOURSE_PROGRESS``, else the user's data directory."""
    explicit = os.environ.get("NETCOURSE_PROGRESS")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "netcourse" / "progress.json"


#: Paths whose unreadable store was already reported in this process (reported once).
_REPORTED: set[Path] = set()


def _problem(data: object) -> str | None:
    """What is wrong with the shape of a loaded store, or None when it is lesson -> name -> time."""
    if not isinstance(data, dict):
        return f"it holds a JSON {type(data).__name__}, not an object of lessons"
    for lesson, passes in data.items():
        if not isinstance(passes, dict):
            return f"lesson {quote(lesson)} holds {quote(passes)}, not an object of exercises"
        for name, when in passes.items():
            number = isinstance(when, (int, float)) and not isinstance(when, bool)
            if not number or not math.isfinite(when):
                return f"exercise {quote(name)} holds {quote(when)}, not a time"
    return None


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
    print(f"{_YELLOW}{text}{_RESET}" if _want_color() else text)


def _load() -> dict[str, dict[str, float]]:
    """The passes recorded so far; an unreadable store is set aside (and reported), never raised."""
    path = progress_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:  # a directory in its place, no permission
        _set_aside(path, exc.strerror or type(exc).__name__)
        return {}
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        _set_aside(path, "it is not text")
        return {}
    except ValueError as exc:  # truncated or not JSON at all
        _set_aside(path, f"it is not complete JSON: {exc}")
        return {}
    problem = _problem(data)
    if problem:
        _set_aside(path, problem)
        return {}
    return data


def _record(lesson: str, name: str) -> None:
    data = _load()
    data.setdefault(lesson, {}).setdefault(name, time.time())
    path = progress_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
        tmp.replace(path)
    except OSError as exc:  # a read-only home must not break the exercise
        print(f"(progress not saved: {exc})", file=sys.stderr)


@dataclass(frozen=True)
class Progress:
    """Passed exercises per lesson. ``rows`` holds (lesson slug, passed names, total known)."""

    rows: tuple[tuple[str, tuple[str, ...], int], ...]

    @property
    def passed(self) -> int:
        """How many exercises have been passed in all."""
        return sum(len(names) for _, names, _ in self.rows)

    def __repr__(self) -> str:
        lines = [f"{'lesson':<28} passed"]
        for slug, names, total in self.rows:
            lines.append(f"{slug:<28} {len(names)}/{total}  {', '.join(names)}".rstrip())
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = [
            (slug, f"{len(names)}/{total}", ", ".join(names)) for slug, names, total in self.rows
        ]
        return table(rows, header=["lesson", "passed", "exercises"])


def progress() -> Progress:
    """Which exercises have been passed, per lesson, from the local progress file.

    >>> import os, tempfile
    >>> from unittest import mock
    >>> fresh = {"NETCOURSE_PROGRESS": os.path.join(tempfile.mkdtemp(), "p.json")}
    >>> with mock.patch.dict(os.environ, fresh):  # a new learner's store; the old one stays
    ...     progress().passed
    0
    """
    for item in LESSONS[1:]:  # import every topic's checks so totals are known
        module = _CHECK_MODULES.get(item.slug)
        if module:
            importlib.import_module(f"netcourse.checks.{module}")
    data = _load()
    rows = []
    for item in LESSONS[1:]:
        known = sorted(name for (slug, name) in _REGISTRY if slug == item.slug)
        done = tuple(sorted(data.get(item.slug, {})))
        rows.append((item.slug, done, max(len(known), len(done))))
    return Progress(tuple(rows))


#: Which module under netcourse/checks/ holds each lesson's checks.
_CHECK_MODULES = {
    "01-sockets-and-4-tuples": "sockets",
    "02-osi-layers-and-packets": "layers",
    "03-cidr-and-subnets": "cidr",
    "04-firewalls": "firewall",
    "05-aws-vpc": "vpc",
    "06-packet-journey": "journey",
}
