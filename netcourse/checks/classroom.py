"""The instructor's view of a class, read from the learners' progress files (read-only).

Each learner's checks record their attempts in a local file (:mod:`netcourse.checks.store`).
:func:`class_progress` reads many such files (every home on a hub, or copies handed in) and
summarises them: who passed what, which checks most learners get wrong and with which
mistakes, and how long each lesson takes. A file that is missing or cannot be read is listed
with the reason, never raised; no file is written, moved or locked.

A learner is named by the file when it records a name (``"learner"``, written on a JupyterHub
from ``$JUPYTERHUB_USER``), otherwise by where it lies: ``/home/alice/.local/share/netcourse/
progress.json`` is ``alice``, ``handed-in/bob/progress.json`` is ``bob`` and
``handed-in/carol.json`` is ``carol``.

>>> import json, pathlib, tempfile
>>> home = pathlib.Path(tempfile.mkdtemp())
>>> _ = (home / "ana.json").write_text(json.dumps({"version": 2, "attempts": {
...     "03-cidr-and-subnets": {"usable-hosts": [
...         {"at": 0, "ok": False, "mistake": "counts-every-address"},
...         {"at": 300, "ok": True}]}}}))
>>> _ = (home / "ben.json").write_text("{oops")
>>> report = class_progress(home)
>>> [learner.name for learner in report.learners], len(report.problems)
(['ana'], 1)
>>> row = report.check("03-cidr-and-subnets", "usable-hosts")
>>> row.passed, row.failed, row.mistakes
(1, 1, (('counts-every-address', 1),))
"""

from __future__ import annotations

import glob
import os
import stat
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from netcourse.checks import known_exercises, store
from netcourse.errors import ProgressError, quote
from netcourse.html import Cell, Markup, table
from netcourse.lessons import LESSONS

__all__ = [
    "Attempt",
    "CheckSummary",
    "ClassProgress",
    "FileProblem",
    "LearnerProgress",
    "LessonTime",
    "class_progress",
    "duration",
    "learner_name",
]

#: Where a learner's file lies inside a home directory, by default (see ``progress_path()``).
HOME_FILE = Path(".local", "share", "netcourse", "progress.json")
#: What a folder is searched for, in itself and in each folder directly inside it.
_IN_FOLDER = (Path("progress.json"), Path("netcourse", "progress.json"), HOME_FILE)
_GLOB_CHARACTERS = frozenset("*?[")


@dataclass(frozen=True)
class Attempt:
    """One recorded attempt: when (seconds since 1970), whether it passed, the mistake named."""

    lesson: str
    exercise: str
    at: float
    ok: bool
    mistake: str | None = None


@dataclass(frozen=True)
class LearnerProgress:
    """One learner's file: the name shown, where it came from, passes and attempts."""

    name: str
    path: str
    named_by: str  # "file" (it records a name) or "location"
    passed: tuple[tuple[str, str, float], ...]  # (lesson, exercise, time of the first pass)
    attempts: tuple[Attempt, ...]
    version: int = store.FORMAT

    def passed_in(self, lesson: str) -> tuple[str, ...]:
        """The exercises of ``lesson`` this learner passed, sorted."""
        return tuple(sorted(name for slug, name, _ in self.passed if slug == lesson))

    def times(self, lesson: str) -> tuple[float, ...]:
        """Every recorded moment of the learner's work on ``lesson``: attempts and first passes."""
        moments = [a.at for a in self.attempts if a.lesson == lesson]
        moments += [when for slug, _, when in self.passed if slug == lesson]
        return tuple(sorted(moments))


@dataclass(frozen=True)
class CheckSummary:
    """One check across the class; every number counts learners, not attempts.

    ``tried`` made at least one attempt, ``passed`` passed it, ``failed`` got it wrong at least
    once, ``stuck`` tried it without passing yet; ``mistakes`` counts the learners who made each
    named mistake, most common first (``None`` for a wrong answer the check did not name).
    """

    lesson: str
    exercise: str
    tried: int
    passed: int
    failed: int
    stuck: int
    mistakes: tuple[tuple[str | None, int], ...]


@dataclass(frozen=True)
class LessonTime:
    """How long a lesson took: per learner, first to last attempt of its checks, in seconds."""

    lesson: str
    learners: int
    median: float | None
    shortest: float | None
    longest: float | None


@dataclass(frozen=True)
class FileProblem:
    """A path that gave no learner: what it was and why."""

    path: str
    why: str


def duration(seconds: float | None) -> str:
    """A duration as a person says it.

    >>> duration(42), duration(725), duration(3 * 3600 + 300), duration(None)
    ('42 s', '12 min', '3 h 05 min', '-')
    """
    if seconds is None:
        return "-"
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def _mistake_label(mistake: str | None) -> str:
    return mistake if mistake is not None else "(not named)"


@dataclass(frozen=True)
class ClassProgress:
    """A class's progress: learners, one summary per check, lesson times, unreadable files."""

    learners: tuple[LearnerProgress, ...]
    checks: tuple[CheckSummary, ...]
    lessons: tuple[LessonTime, ...]
    problems: tuple[FileProblem, ...]
    exercises: tuple[tuple[str, tuple[str, ...]], ...]  # per lesson: every known exercise

    def check(self, lesson: str, exercise: str) -> CheckSummary:
        """The summary of one check.

        An unknown check is a :class:`ProgressError` that names the known ones of its lesson.
        """
        for row in self.checks:
            if (row.lesson, row.exercise) == (lesson, exercise):
                return row
        known = ", ".join(row.exercise for row in self.checks if row.lesson == lesson)
        raise ProgressError(
            f"{quote(exercise)} is not a check of {quote(lesson)}; known: {known or 'none'}"
        )

    def hardest(self, count: int = 5) -> tuple[CheckSummary, ...]:
        """The checks the most learners got wrong at least once (then: most still stuck)."""
        ranked = sorted(
            (row for row in self.checks if row.failed),
            key=lambda row: (-row.failed, -row.stuck, self.checks.index(row)),
        )
        return tuple(ranked[:count])

    def lesson_time(self, lesson: str) -> LessonTime:
        """How long ``lesson`` took, or a :class:`ProgressError` naming the lessons known."""
        for row in self.lessons:
            if row.lesson == lesson:
                return row
        known = ", ".join(row.lesson for row in self.lessons)
        raise ProgressError(f"{quote(lesson)}: no such lesson in this report; known: {known}")

    def _grid(self) -> tuple[list[str], list[list[str]]]:
        lessons = [slug for slug, names in self.exercises if names]
        rows = []
        known = dict(self.exercises)
        for learner in self.learners:
            cells = [f"{len(learner.passed_in(slug))}/{len(known[slug])}" for slug in lessons]
            rows.append([learner.name, *cells])
        return lessons, rows

    def __repr__(self) -> str:
        lines = [
            f"{len(self.learners)} learner(s), {len(self.problems)} file(s) not read",
            "",
            "hardest checks (learners who got it wrong at least once):",
        ]
        for row in self.hardest():
            top = ", ".join(f"{_mistake_label(m)} ({n})" for m, n in row.mistakes[:3])
            lines.append(f"  {row.lesson} {row.exercise}: {row.failed}/{row.tried}  {top}")
        lines += ["", "lesson times (first to last attempt):"]
        for row in self.lessons:
            if row.learners:
                lines.append(
                    f"  {row.lesson}: median {duration(row.median)}, "
                    f"{duration(row.shortest)} to {duration(row.longest)} "
                    f"({row.learners} learner(s))"
                )
        for problem in self.problems:
            lines.append(f"not read: {problem.path}: {problem.why}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        lessons, grid = self._grid()
        parts = [
            Markup("<h4>{}</h4>").format(
                f"{len(self.learners)} learner(s); {len(self.problems)} file(s) not read"
            ),
            table(
                [
                    [Cell(row[0], title=learner.path, header=True), *row[1:]]
                    for row, learner in zip(grid, self.learners)
                ],
                header=["learner", *(Cell(slug[:2], title=slug) for slug in lessons)],
                caption="exercises passed per lesson",
                cls="netcourse-class",
            ),
            table(
                [
                    [
                        row.lesson,
                        row.exercise,
                        row.tried,
                        row.passed,
                        row.failed,
                        row.stuck,
                        ", ".join(f"{_mistake_label(m)} ({n})" for m, n in row.mistakes),
                    ]
                    for row in sorted(self.checks, key=lambda row: (-row.failed, -row.stuck))
                    if row.tried
                ],
                header=["lesson", "check", "tried", "passed", "wrong once+", "stuck", "mistakes"],
                caption="checks, most often failed first (counts are learners)",
                cls="netcourse-class",
            ),
            table(
                [
                    [row.lesson, row.learners, duration(row.median), duration(row.shortest)]
                    + [duration(row.longest)]
                    for row in self.lessons
                    if row.learners
                ],
                header=["lesson", "learners", "median", "shortest", "longest"],
                caption="time per lesson, from first to last attempt of its checks",
                cls="netcourse-class",
            ),
        ]
        if self.problems:
            parts.append(
                table(
                    [[problem.path, problem.why] for problem in self.problems],
                    header=["file", "why it was not read"],
                    caption="files not read",
                    cls="netcourse-class",
                )
            )
        return str(Markup("").join(parts))


# --- finding the files -----------------------------------------------------------------


def _own_files(folder: Path) -> list[Path]:
    """The progress files a learner's folder holds (raises OSError when it cannot be looked in)."""
    found = []
    for inner in _IN_FOLDER:
        try:
            os.stat(folder / inner)
        except (FileNotFoundError, NotADirectoryError):
            continue
        found.append(folder / inner)
    return found


def _why(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied: it cannot be read by this user"
    return exc.strerror or type(exc).__name__


def _in_folder(folder: Path) -> tuple[list[Path], list[FileProblem]]:
    """The progress files a folder stands for, and the learners' folders in it that hold none.

    A folder holding a progress file (directly, in ``netcourse/`` or as a home) is one
    learner's; any other folder holds learners: its ``*.json`` files and its sub-folders.
    """
    try:
        own = _own_files(folder)
        if own:
            return own, []
        entries = sorted(folder.iterdir())
    except OSError as exc:
        return [], [FileProblem(str(folder), _why(exc))]
    found: list[Path] = []
    problems: list[FileProblem] = []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.suffix == ".json" and not entry.is_dir():
            found.append(entry)
        elif entry.is_dir():
            try:
                inside = _own_files(entry)
            except OSError as exc:
                problems.append(FileProblem(str(entry), _why(exc)))
                continue
            found += inside
            if not inside:
                problems.append(FileProblem(str(entry), "no progress file (no check run here)"))
    if not found and not problems:
        problems.append(FileProblem(str(folder), "no progress file in this folder"))
    return found, problems


def _sources(paths: object) -> tuple[list[Path], list[FileProblem]]:
    if isinstance(paths, (str, os.PathLike)):
        items = [paths]
    elif isinstance(paths, Iterable) and not isinstance(paths, (bytes, dict)):
        items = list(paths)
    else:
        raise ProgressError(
            f"{quote(paths)}: expected a path, a folder or a glob pattern, or a list of them"
        )
    files: list[Path] = []
    problems: list[FileProblem] = []
    for item in items:
        if not isinstance(item, (str, os.PathLike)):
            raise ProgressError(f"{quote(item)}: expected a path, a folder or a glob pattern")
        text = os.fspath(item)
        matches = [text]
        if not os.path.lexists(text) and _GLOB_CHARACTERS & set(text):
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                why = "no file matches this pattern (or its folders cannot be read)"
                problems.append(FileProblem(text, why))
        for match in matches:
            path = Path(match)
            if path.is_dir():
                found, empty = _in_folder(path)
                files += found
                problems += empty
            elif os.path.lexists(path):
                files.append(path)
            else:
                problems.append(FileProblem(match, "no such file or folder"))
    unique: dict[str, Path] = {}
    for path in files:
        unique.setdefault(os.path.realpath(path), path)
    return list(unique.values()), problems


def _read(path: Path) -> bytes:
    """A file's bytes, read without following into a pipe or device, at most MAX_BYTES."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise ProgressError(_why(exc)) from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise ProgressError("it is not a regular file")
        try:
            raw = handle.read(store.MAX_BYTES + 1)
        except OSError as exc:
            raise ProgressError(_why(exc)) from None
    if len(raw) > store.MAX_BYTES:
        raise ProgressError(f"it is larger than {store.MAX_BYTES // 2**20} MB: not a progress file")
    return raw


# --- who the learner is ----------------------------------------------------------------


def learner_name(path: str | os.PathLike) -> str:
    """The name a file's location gives its learner: its home folder, or its own name.

    >>> learner_name("/home/alice/.local/share/netcourse/progress.json")
    'alice'
    >>> learner_name("handed-in/bob/progress.json"), learner_name("handed-in/carol.json")
    ('bob', 'carol')
    """
    path = Path(os.path.abspath(path))
    if path.name != "progress.json":
        return path.stem
    folders = list(path.parent.parts)
    if folders[-1:] == ["netcourse"]:
        folders.pop()
    if folders[-2:] == [".local", "share"]:
        del folders[-2:]
    return folders[-1] if len(folders) > 1 else path.name


def _learner(path: Path, data: dict) -> LearnerProgress:
    attempts = tuple(
        Attempt(lesson, name, float(a["at"]), a["ok"], a.get("mistake"))
        for lesson, names in sorted(data["attempts"].items())
        for name, tries in sorted(names.items())
        for a in tries
    )
    first_pass = {
        (lesson, name): float(when)
        for lesson, names in data["passed"].items()
        for name, when in names.items()
    }
    for attempt in attempts:  # a passing attempt is a pass, even where "passed" lost it
        key = (attempt.lesson, attempt.exercise)
        if attempt.ok and attempt.at < first_pass.get(key, float("inf")):
            first_pass[key] = attempt.at
    passed = tuple((lesson, name, when) for (lesson, name), when in sorted(first_pass.items()))
    recorded = data.get("learner")
    return LearnerProgress(
        name=recorded or learner_name(path),
        path=str(path),
        named_by="file" if recorded else "location",
        passed=passed,
        attempts=attempts,
    )


def _distinct(learners: list[LearnerProgress]) -> list[LearnerProgress]:
    """Learners whose names clash get " (2)", " (3)" ... in the order of their paths."""
    counts = Counter(learner.name for learner in learners)
    seen: Counter = Counter()
    named = []
    for learner in sorted(learners, key=lambda item: (item.name, item.path)):
        if counts[learner.name] > 1:
            seen[learner.name] += 1
            if seen[learner.name] > 1:
                learner = replace(learner, name=f"{learner.name} ({seen[learner.name]})")
        named.append(learner)
    return named


# --- the summaries ---------------------------------------------------------------------


def _order(lesson: str) -> tuple[int, str]:
    slugs = [item.slug for item in LESSONS]
    return (slugs.index(lesson) if lesson in slugs else len(slugs), lesson)


def _summaries(
    learners: list[LearnerProgress], exercises: dict[str, tuple[str, ...]]
) -> list[CheckSummary]:
    tries: list[dict[tuple[str, str], list[Attempt]]] = []
    passes: list[set[tuple[str, str]]] = []
    for learner in learners:  # indexed once: a class of hundreds reads in well under a second
        mine: dict[tuple[str, str], list[Attempt]] = {}
        for attempt in learner.attempts:
            mine.setdefault((attempt.lesson, attempt.exercise), []).append(attempt)
        tries.append(mine)
        passes.append({(lesson, name) for lesson, name, _ in learner.passed})
    rows = []
    for lesson in sorted(exercises, key=_order):
        for name in exercises[lesson]:
            tried = passed = failed = stuck = 0
            mistakes: Counter = Counter()
            for attempts, passed_ones in zip(tries, passes):
                mine = attempts.get((lesson, name), [])
                did_pass = (lesson, name) in passed_ones
                if not mine and not did_pass:
                    continue
                tried += 1
                passed += did_pass
                stuck += not did_pass
                wrong = [a for a in mine if not a.ok]
                failed += bool(wrong)
                mistakes.update({a.mistake for a in wrong})
            ranked = sorted(mistakes.items(), key=lambda kv: (-kv[1], _mistake_label(kv[0])))
            rows.append(CheckSummary(lesson, name, tried, passed, failed, stuck, tuple(ranked)))
    return rows


def _lesson_times(learners: list[LearnerProgress], lessons: list[str]) -> list[LessonTime]:
    rows = []
    for lesson in lessons:
        spans = [t[-1] - t[0] for t in (learner.times(lesson) for learner in learners) if t]
        if spans:
            row = LessonTime(lesson, len(spans), statistics.median(spans), min(spans), max(spans))
        else:
            row = LessonTime(lesson, 0, None, None, None)
        rows.append(row)
    return rows


def class_progress(paths: str | os.PathLike | Iterable[str | os.PathLike]) -> ClassProgress:
    """Read many learners' progress files, read-only, and summarise the class.

    ``paths`` is a file, a folder, a glob pattern, or a list of them. A folder stands for its
    ``*.json`` files and, in itself and in each folder directly inside it, ``progress.json``,
    ``netcourse/progress.json`` and ``.local/share/netcourse/progress.json``: the folder of
    homes on a hub (``/home``) finds every learner, and lists the homes without a file.
    Files that cannot be read are in ``.problems`` with the reason. Taught in docs/instructor.md.

    >>> report = class_progress("/nonexistent/*/progress.json")
    >>> report.learners, report.problems[0].why
    ((), 'no file matches this pattern (or its folders cannot be read)')
    """
    files, problems = _sources(paths)
    learners = []
    for path in files:
        try:
            data = store.parse(_read(path))
        except ProgressError as exc:
            problems.append(FileProblem(str(path), str(exc)))
            continue
        learners.append(_learner(path, data))
    learners = _distinct(learners)
    exercises = {slug: list(names) for slug, names in known_exercises().items()}
    extra: dict[str, set[str]] = {}  # checks only the files know of (renamed, or from a test)
    for learner in learners:
        for lesson, name in [(a.lesson, a.exercise) for a in learner.attempts] + [
            (lesson, name) for lesson, name, _ in learner.passed
        ]:
            if name not in exercises.get(lesson, ()):
                extra.setdefault(lesson, set()).add(name)
    for lesson, names in extra.items():
        exercises.setdefault(lesson, []).extend(sorted(names))
    ordered = {slug: tuple(exercises[slug]) for slug in sorted(exercises, key=_order)}
    return ClassProgress(
        learners=tuple(learners),
        checks=tuple(_summaries(learners, ordered)),
        lessons=tuple(_lesson_times(learners, list(ordered))),
        problems=tuple(problems),
        exercises=tuple(ordered.items()),
    )
