"""Exercise checks: three kinds of feedback, never an exception, progress recorded locally."""

import json

import pytest

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
