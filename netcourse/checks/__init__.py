"""Exercise feedback: checks that teach, hide the answer and never raise at the learner.

A topic's checks live in ``netcourse/checks/<topic>.py`` and are written as functions that
return :class:`Feedback`; the :func:`exercise` decorator turns one into the call a learner
makes at the end of an exercise cell. That call prints one line: green when correct, red
with what is wrong and a hint otherwise, yellow while the answer is still ``...``. It
records each attempt (time, pass or fail, and the name of the mistake a wrong answer made) in a
small local file, :mod:`netcourse.checks.store` (no network), which :func:`progress` reads and
:func:`netcourse.checks.classroom.class_progress` reads for a whole class.

>>> @exercise("03-cidr-and-subnets", "double")
... def double(answer):
...     if answer == 42:
...         return correct("2 x 21 is 42")
...     return wrong("not 42", "multiply by two", mistake="not-doubled")
>>> double.feedback(42).ok
True
>>> double.feedback(41).message, double.feedback(41).mistake
('not 42', 'not-doubled')

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
from collections.abc import Callable
from dataclasses import dataclass

from netcourse.checks import store
from netcourse.checks.store import progress_path
from netcourse.html import table
from netcourse.lessons import LESSONS

__all__ = [
    "Feedback",
    "Progress",
    "correct",
    "exercise",
    "known_exercises",
    "not_answered",
    "progress",
    "progress_path",
    "registered",
    "wrong",
]

_GREEN, _RED, _YELLOW, _RESET = "\x1b[32m", "\x1b[31m", "\x1b[33m", "\x1b[0m"


@dataclass(frozen=True)
class Feedback:
    """The outcome of one check: ``ok`` is True, False, or None while unanswered.

    ``mistake`` names the mistake a wrong answer made, the same for every answer that gets this
    hint (``"counts-every-address"``): progress files record it instead of any text, and a
    class's report counts it. Once released, a name stays, since old files hold it.
    """

    ok: bool | None
    message: str
    hint: str = ""
    mistake: str = ""

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


def wrong(message: str, hint: str = "", *, mistake: str = "") -> Feedback:
    """A failing check; the message says what is wrong, the hint where to look, never the answer.

    ``mistake`` is a short stable name for this hint's mistake, lower-case words joined by "-"
    (``"wrong-type"`` for an answer of the wrong kind, ``"unreadable"`` for one that cannot be
    parsed, ``"other"`` for a wrong answer no particular hint fits).
    """
    return Feedback(False, message, hint, mistake)


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
            print(feedback.line(color=store.want_color()))
            if feedback.ok is not None:  # after the verdict: a note about the store never hides it
                store.record(lesson, name, ok=feedback.ok, mistake=feedback.mistake or None)

        def feedback(*args, **kwargs) -> Feedback:
            return _safe(check, args, kwargs)

        def strict(*args, **kwargs) -> None:
            result = _safe(check, args, kwargs)
            if not result.ok:
                raise AssertionError(result.line(color=False))
            print(result.line(color=store.want_color()))

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
            mistake="could-not-check",
        )
    if not isinstance(result, Feedback):
        return wrong(
            f"the check returned {result!r} instead of feedback; please report this.",
            mistake="not-feedback",
        )
    return result


# --- progress ------------------------------------------------------------------------------


def known_exercises() -> dict[str, tuple[str, ...]]:
    """Every lesson's exercises, by slug, in the order the lesson asks them (the order its
    checks are written in), with every topic's checks imported first.

    >>> "usable-hosts" in known_exercises()["03-cidr-and-subnets"]
    True
    """
    for item in LESSONS[1:]:
        module = _CHECK_MODULES.get(item.slug)
        if module:
            importlib.import_module(f"netcourse.checks.{module}")
    importlib.import_module("netcourse.checks.welcome")
    found: dict[str, list[str]] = {item.slug: [] for item in LESSONS}
    for slug, name in _REGISTRY:
        found.setdefault(slug, []).append(name)
    return {slug: tuple(names) for slug, names in found.items()}


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
    exercises = known_exercises()  # every topic's checks imported, so totals are known
    passed = store.load()["passed"]
    rows = []
    for item in LESSONS[1:]:
        known = exercises[item.slug]
        done = tuple(sorted(passed.get(item.slug, {})))
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
