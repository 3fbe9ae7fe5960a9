"""Exercise checks: three kinds of feedback, never an exception, progress recorded locally."""

import ast
import contextlib
import io
import json
import os
import re
import tempfile
import threading
import time
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netcourse import checks
from netcourse.checks import correct, exercise, progress, store, welcome, wrong


@pytest.fixture
def progress_file(tmp_path, monkeypatch):
    path = tmp_path / "progress.json"
    monkeypatch.setenv("NETCOURSE_PROGRESS", str(path))
    return path


@exercise("03-cidr-and-subnets", "test-only-answer-42")
def answer_42(answer):
    return correct("right") if answer == 42 else wrong("no", "think of 6 x 7")


@exercise("03-cidr-and-subnets", "test-only-raises")
def raises(answer):
    raise KeyError(answer)


def test_correct_prints_green_and_records(progress_file, capsys):
    answer_42(42)
    out = capsys.readouterr().out
    assert "✔ correct: right" in out and "\x1b[32m" in out
    stored = json.loads(progress_file.read_text())
    assert "test-only-answer-42" in stored["passed"]["03-cidr-and-subnets"]


def test_wrong_prints_red_with_hint_and_records_the_attempt_but_no_pass(progress_file, capsys):
    answer_42(41)
    out = capsys.readouterr().out
    assert "✘ not yet: no Hint: think of 6 x 7" in out and "\x1b[31m" in out
    stored = json.loads(progress_file.read_text())
    assert stored["passed"] == {}
    (attempt,) = stored["attempts"]["03-cidr-and-subnets"]["test-only-answer-42"]
    assert attempt["ok"] is False and attempt["mistake"] is None  # this check names no mistake


def test_ellipsis_means_not_answered_and_is_not_an_attempt(progress_file, capsys):
    answer_42(...)
    assert "not answered yet" in capsys.readouterr().out
    assert not progress_file.exists()


def test_a_check_that_raises_never_raises_at_the_learner(progress_file, capsys):
    assert raises(1) is None
    assert "could not be checked (KeyError" in capsys.readouterr().out


def test_no_color_is_honoured(progress_file, capsys, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    answer_42(42)
    assert "\x1b[" not in capsys.readouterr().out


def test_feedback_does_not_print_or_record(progress_file, capsys):
    assert answer_42.feedback(42).ok is True
    assert capsys.readouterr().out == ""
    assert not progress_file.exists()


def test_unknown_lesson_is_refused():
    with pytest.raises(ValueError, match="unknown lesson"):
        exercise("99-nope", "x")


def test_progress_counts_passes_per_lesson(progress_file):
    assert progress().passed == 0
    answer_42(42)
    answer_42(42)  # passing twice counts once
    report = progress()
    assert report.passed == 1
    row = dict((slug, names) for slug, names, _ in report.rows)
    assert row["03-cidr-and-subnets"] == ("test-only-answer-42",)
    assert "1/" in repr(report) and "<table>" in report._repr_html_()


def test_corrupt_progress_file_is_treated_as_empty(progress_file):
    progress_file.write_text("{not json")
    assert progress().passed == 0


def test_welcome_check_never_reveals_the_answer():
    for attempt in (4, 8, 16, 64, "32", 3.2):
        feedback = welcome.bits_in_ipv4_address.feedback(attempt)
        assert feedback.ok is False
        assert "32" not in feedback.message + feedback.hint


def test_progress_path_default_is_in_the_users_data_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("NETCOURSE_PROGRESS", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert checks.progress_path() == tmp_path / "netcourse" / "progress.json"


#: Any JSON value, nested a little: what a hand-edited or foreign store may hold.
JSON = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=20), inner, max_size=4)
    ),
    max_leaves=12,
)

#: Stores of an unexpected shape, each as the bytes a learner's disk might hold.
UNREADABLE = {
    "a list": b'["03-cidr-and-subnets"]',
    "a number": b"42",
    "a string": b'"progress"',
    "null": b"null",
    "a lesson holding a number": b'{"03-cidr-and-subnets": 5}',
    "a lesson holding a list": b'{"03-cidr-and-subnets": ["test-only-answer-42"]}',
    "a time that is text": b'{"03-cidr-and-subnets": {"test-only-answer-42": "yesterday"}}',
    "a time that is true": b'{"03-cidr-and-subnets": {"test-only-answer-42": true}}',
    "a time that is NaN": b'{"03-cidr-and-subnets": {"test-only-answer-42": NaN}}',
    "truncated JSON": b'{"03-cidr-and-subnets": {"test-only-answer-42": 17000',
    "an empty file": b"",
    "binary garbage": bytes(range(256)) * 4,
    "format 2 with passes in a list": b'{"version": 2, "passed": []}',
    "format 2 with an attempt without a time": (
        b'{"version": 2, "attempts": {"03-cidr-and-subnets": {"x": [{"ok": true}]}}}'
    ),
    "format 2 with a learner that is a number": b'{"version": 2, "learner": 7}',
    "a version that is text": b'{"version": "2"}',
    "a version from the future": b'{"version": 99}',
}


def yellow_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if "\x1b[33m" in line and "progress file" in line]


@pytest.mark.parametrize("content", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_a_correct_answer_stays_green_whatever_the_store_holds(progress_file, capsys, content):
    progress_file.write_bytes(content)
    assert answer_42(42) is None
    out = capsys.readouterr().out
    assert "✔ correct: right" in out and "\x1b[32m" in out
    assert len(yellow_lines(out)) == 1, out
    assert str(progress_file) in yellow_lines(out)[0]
    aside = progress_file.with_name(f"{progress_file.name}.unreadable-1")
    assert aside.read_bytes() == content, "the learner's file is kept, not deleted"
    stored = json.loads(progress_file.read_text())
    assert list(stored["passed"]) == ["03-cidr-and-subnets"]
    assert list(stored["passed"]["03-cidr-and-subnets"]) == ["test-only-answer-42"]
    answer_42(42)  # reported once: the store is sound again
    assert yellow_lines(capsys.readouterr().out) == []
    assert progress().passed == 1


@pytest.mark.parametrize("content", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_progress_reads_an_unexpected_store_as_empty_and_says_so_once(
    progress_file, capsys, content
):
    progress_file.write_bytes(content)
    assert progress().passed == 0
    assert len(yellow_lines(capsys.readouterr().out)) == 1
    assert progress().passed == 0
    assert yellow_lines(capsys.readouterr().out) == []


def test_a_store_that_cannot_be_moved_is_reported_once(progress_file, capsys, monkeypatch):
    progress_file.write_bytes(b"[]")
    real_replace = type(progress_file).replace

    def refuse(self, target):
        if str(target).endswith(".unreadable-1"):
            raise PermissionError(13, "Permission denied")
        return real_replace(self, target)

    monkeypatch.setattr(type(progress_file), "replace", refuse)
    assert progress().passed == 0
    assert progress().passed == 0
    lines = yellow_lines(capsys.readouterr().out)
    assert len(lines) == 1 and "could not be moved" in lines[0]


def test_a_folder_in_place_of_the_store_does_not_break_a_correct_answer(progress_file, capsys):
    progress_file.mkdir()
    answer_42(42)
    out = capsys.readouterr().out
    assert "✔ correct: right" in out and len(yellow_lines(out)) == 1
    assert progress_file.with_name(f"{progress_file.name}.unreadable-1").is_dir()
    assert progress().passed == 1


def test_a_learners_earlier_set_aside_file_is_never_overwritten(progress_file, capsys):
    first = progress_file.with_name(f"{progress_file.name}.unreadable-1")
    first.write_bytes(b"older")
    progress_file.write_bytes(b"[1, 2")
    assert progress().passed == 0
    assert first.read_bytes() == b"older"
    assert progress_file.with_name(f"{progress_file.name}.unreadable-2").read_bytes() == b"[1, 2"


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.binary(max_size=300), JSON.map(lambda v: json.dumps(v).encode())))
def test_any_store_content_never_raises(content):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "progress.json"
        path.write_bytes(content)
        with mock.patch.dict(os.environ, {"NETCOURSE_PROGRESS": str(path)}):
            with contextlib.redirect_stdout(io.StringIO()):
                start = time.perf_counter()
                report = progress()
                answer_42(42)
                assert time.perf_counter() - start < 2.0
                after = progress()
        assert report.passed >= 0
        assert after.passed >= 1


# --- attempts, mistakes and the format of the file ------------------------------------------

CHECK_MODULES = sorted((Path(checks.__file__).parent).glob("*.py"))
MISTAKE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _mistakes_of(call: ast.Call) -> list[str] | None:
    """The mistake names a wrong(...) call can give: a literal, or either side of an if."""
    (value,) = [kw.value for kw in call.keywords if kw.arg == "mistake"] or [None]
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return [value.value]
    if isinstance(value, ast.IfExp) and all(
        isinstance(side, ast.Constant) and isinstance(side.value, str)
        for side in (value.body, value.orelse)
    ):
        return [value.body.value, value.orelse.value]
    return None


def wrong_calls() -> list[tuple[str, str, int, list[str] | None]]:
    """(module, function, line, mistake names) for every wrong(...) call in netcourse/checks."""
    found = []
    for path in CHECK_MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef) or function.name == "wrong":
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "wrong":
                    found.append((path.name, function.name, node.lineno, _mistakes_of(node)))
    return found


def test_every_hint_names_its_mistake_with_a_stable_literal():
    calls = wrong_calls()
    assert len(calls) > 100  # the checks of every lesson were read
    unnamed = [f"{module}:{line}" for module, _, line, names in calls if names is None]
    assert unnamed == [], "each wrong(...) needs mistake='a-literal-name'"
    bad = [n for *_, names in calls for n in names if not MISTAKE.match(n)]
    assert bad == [], "mistake names are lower-case words joined by '-'"


def test_within_a_check_each_hint_has_a_name_of_its_own():
    per_function: dict[tuple[str, str], list[str]] = {}
    for module, function, _, names in wrong_calls():
        per_function.setdefault((module, function), []).extend(names)
    repeated = {k: v for k, v in per_function.items() if len(v) != len(set(v))}
    assert repeated == {}


@pytest.mark.parametrize(
    ("check", "answer", "mistake"),
    [
        (welcome.bits_in_ipv4_address, 4, "counted-numbers"),
        (welcome.bits_in_ipv4_address, "32", "wrong-type"),
        (raises, 1, "could-not-check"),
    ],
)
def test_a_wrong_answer_records_the_mistake_not_the_text(
    progress_file, capsys, check, answer, mistake
):
    check(answer)
    raw = progress_file.read_text()
    stored = json.loads(raw)
    (tries,) = [t for names in stored["attempts"].values() for t in names.values()]
    assert [(t["ok"], t["mistake"]) for t in tries] == [(False, mistake)]
    shown = capsys.readouterr().out
    text = shown.split("✘ not yet: ")[1].split("\x1b")[0]
    for part in text.split(" Hint: "):  # neither the message's text nor the hint's is stored
        assert len(part) > 10 and part not in raw


def test_attempts_are_bounded_keeping_the_first_and_the_pass(progress_file, monkeypatch):
    clock = iter(range(1000, 2000))
    monkeypatch.setattr(store, "_clock", lambda: float(next(clock)))
    with contextlib.redirect_stdout(io.StringIO()):
        answer_42(42)
        for _ in range(store.MAX_ATTEMPTS * 3):
            answer_42(41)
    stored = json.loads(progress_file.read_text())
    tries = stored["attempts"]["03-cidr-and-subnets"]["test-only-answer-42"]
    assert len(tries) == store.MAX_ATTEMPTS
    assert tries[0] == {"at": 1000.0, "ok": True, "mistake": None}  # the first is kept
    assert tries[-1]["at"] == 1000.0 + store.MAX_ATTEMPTS * 3
    assert stored["passed"]["03-cidr-and-subnets"]["test-only-answer-42"] == 1000.0
    assert progress_file.stat().st_size < 60 * store.MAX_ATTEMPTS


def test_an_old_format_file_is_read_and_kept_when_upgraded(progress_file, capsys):
    progress_file.write_text(json.dumps({"03-cidr-and-subnets": {"test-only-answer-42": 17.0}}))
    assert progress().passed == 1
    answer_42(41)
    stored = json.loads(progress_file.read_text())
    assert stored["version"] == store.FORMAT
    assert stored["passed"] == {"03-cidr-and-subnets": {"test-only-answer-42": 17.0}}
    assert yellow_lines(capsys.readouterr().out) == []


def test_a_file_from_a_newer_netcourse_is_set_aside_not_overwritten(progress_file, capsys):
    progress_file.write_text(json.dumps({"version": store.FORMAT + 1, "passed": {}}))
    answer_42(42)
    (line,) = yellow_lines(capsys.readouterr().out)
    assert "from a newer netcourse" in line
    aside = progress_file.with_name(f"{progress_file.name}.unreadable-1")
    assert json.loads(aside.read_text())["version"] == store.FORMAT + 1


def test_on_a_hub_the_file_records_the_learners_name(progress_file, monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_USER", "ana")
    with contextlib.redirect_stdout(io.StringIO()):
        answer_42(41)
    assert json.loads(progress_file.read_text())["learner"] == "ana"


def test_writes_are_atomic_a_reader_never_sees_half_a_file(progress_file):
    """Two writers and a reader at once: every read parses, and no temporary file is left."""
    stop = threading.Event()
    seen: list[str] = []

    def write():
        with contextlib.redirect_stdout(io.StringIO()):
            for number in range(40):
                answer_42(41 if number % 2 else 42)

    def read():
        while not stop.is_set():
            try:
                raw = progress_file.read_bytes()
            except FileNotFoundError:
                continue
            try:
                store.parse(raw)
            except Exception as exc:
                seen.append(repr(exc))

    reader = threading.Thread(target=read)
    writers = [threading.Thread(target=write) for _ in range(2)]
    reader.start()
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join(timeout=120)
    stop.set()
    reader.join(timeout=60)
    assert seen == []
    # no temporary file is left; the lock file stays beside the store, hidden and empty
    assert sorted(p.name for p in progress_file.parent.iterdir()) == [
        ".progress.json.lock",
        "progress.json",
    ]


#: One kernel's checks in a loop: ``record`` as a check calls it, as fast as it can.
_RECORDER = """
import sys
from netcourse.checks import store
for number in range(int(sys.argv[2])):
    store.record("03-cidr-and-subnets", sys.argv[1], ok=False, mistake="network-address")
"""


def test_two_kernels_checking_at_once_lose_no_attempt(progress_file):
    """Two processes (two notebooks of one learner) record at once: every attempt is kept."""
    import subprocess
    import sys

    each = 45  # below MAX_ATTEMPTS: nothing is trimmed, so every attempt must be there
    assert each < store.MAX_ATTEMPTS
    kernels = [
        subprocess.Popen([sys.executable, "-c", _RECORDER, name, str(each)])
        for name in ("broadcast", "usable-hosts")
    ]
    for kernel in kernels:
        assert kernel.wait(timeout=120) == 0
    attempts = json.loads(progress_file.read_text())["attempts"]["03-cidr-and-subnets"]
    assert {name: len(kept) for name, kept in attempts.items()} == {
        "broadcast": each,
        "usable-hosts": each,
    }


@exercise("03-cidr-and-subnets", "test-only-odd-mistake")
def odd_mistake(answer):
    return checks.Feedback(False, "no", "", 123)  # type: ignore[arg-type]


def test_a_mistake_that_is_not_a_name_is_recorded_as_unnamed_and_the_file_stays_readable(
    progress_file, capsys
):
    odd_mistake(1)
    odd_mistake(2)
    assert yellow_lines(capsys.readouterr().out) == []
    stored = store.parse(progress_file.read_bytes())
    tries = stored["attempts"]["03-cidr-and-subnets"]["test-only-odd-mistake"]
    assert [t["mistake"] for t in tries] == [None, None]
