"""Checks run strictly, as an nbgrader test cell runs them: the same feedback, as AssertionError."""

import pytest

from netcourse.checks import cidr, correct, exercise, wrong


@pytest.fixture
def progress_file(tmp_path, monkeypatch):
    path = tmp_path / "progress.json"
    monkeypatch.setenv("NETCOURSE_PROGRESS", str(path))
    return path


@exercise("03-cidr-and-subnets", "test-only-strict-42")
def answer_42(answer):
    return correct("right") if answer == 42 else wrong("no", "think of 6 x 7")


@exercise("03-cidr-and-subnets", "test-only-strict-raises")
def raises(answer):
    raise KeyError(answer)


def test_a_right_answer_prints_the_green_line_and_records_nothing(progress_file, capsys):
    assert answer_42.strict(42) is None
    out = capsys.readouterr().out
    assert "✔ correct: right" in out and "\x1b[32m" in out
    assert not progress_file.exists()


def test_a_wrong_answer_raises_with_the_feedback_a_learner_sees(progress_file, capsys):
    with pytest.raises(AssertionError) as info:
        answer_42.strict(41)
    assert str(info.value) == "✘ not yet: no Hint: think of 6 x 7"
    assert str(info.value) == answer_42.feedback(41).line(color=False)
    assert capsys.readouterr().out == ""  # the message is the output: no second copy
    assert not progress_file.exists()


def test_an_unanswered_exercise_fails_as_not_answered(progress_file):
    with pytest.raises(AssertionError, match=r"^… not answered yet: the answer is still \.\.\."):
        answer_42.strict(...)


def test_a_check_that_raises_fails_with_its_could_not_be_checked_feedback(progress_file):
    with pytest.raises(AssertionError, match=r"could not be checked \(KeyError: 1\)"):
        raises.strict(1)


def test_a_real_check_strictly_agrees_with_its_feedback(progress_file, capsys):
    cidr.usable_hosts.strict(30)  # a /27: 32 addresses, 30 for hosts
    assert "✔ correct" in capsys.readouterr().out
    with pytest.raises(AssertionError) as info:
        cidr.usable_hosts.strict(32)
    assert str(info.value) == cidr.usable_hosts.feedback(32).line(color=False)
    assert "30" not in str(info.value)  # like every wrong-answer message: no answer in it
    assert not progress_file.exists()
