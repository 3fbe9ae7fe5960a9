"""Exercise checks: three kinds of feedback, never an exception, progress recorded locally."""

import contextlib
import io
import json
import os
import tempfile
import time
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netcourse import checks
from netcourse.checks import correct, exercise, progress, welcome, wrong


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
    assert "test-only-answer-42" in json.loads(progress_file.read_text())["03-cidr-and-subnets"]


def test_wrong_prints_red_with_hint_and_records_nothing(progress_file, capsys):
    answer_42(41)
    out = capsys.readouterr().out
    assert "✘ not yet: no Hint: think of 6 x 7" in out and "\x1b[31m" in out
    assert not progress_file.exists()


def test_ellipsis_means_not_answered(progress_file, capsys):
    answer_42(...)
    assert "not answered yet" in capsys.readouterr().out


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
    assert list(stored) == ["03-cidr-and-subnets"]
    assert list(stored["03-cidr-and-subnets"]) == ["test-only-answer-42"]
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
