"""The shared widget pieces: the inline error line, the stale-result note and guard()."""

from netcourse.errors import AddressError
from netcourse.widgets.common import MESSAGE_LIMIT, ErrorBox, StaleNote, guard


def test_an_error_line_escapes_the_message_and_names_the_class():
    box = ErrorBox()
    box.show(AddressError("'<b>10.0.0.256</b>': the 4th number is 256"))
    assert "<b>AddressError</b>" in box.value and "&lt;b&gt;10.0.0.256" in box.value
    assert 'role="alert"' in box.value


def test_an_unexpected_error_is_named_so_never_as_a_traceback():
    box = ErrorBox()
    box.show(KeyError("x"))
    assert "unexpected KeyError" in box.value and "Traceback" not in box.value


def test_a_pasted_megabyte_gives_a_line_not_a_megabyte():
    box = ErrorBox()
    box.show(AddressError("1" * 1_000_000))
    assert len(box.value) < MESSAGE_LIMIT + 300
    assert "more characters" in box.value


def test_guard_marks_the_result_stale_on_an_error_and_fresh_after():
    errors, note, shown = ErrorBox(), StaleNote(), {"text": None}

    @guard(errors, stale=note, shown=lambda: shown["text"])
    def update(text):
        shown["text"] = str(int(text))

    update("x")
    assert errors.value and note.value == "", "nothing valid shown yet: nothing is stale"
    update("1")
    update("x")
    assert "still showing 1" in note.value and "netcourse-stale" in note.value
    update("2")
    assert (errors.value, note.value, shown["text"]) == ("", "", "2")


def test_guard_without_a_note_still_shows_the_error_and_keeps_working():
    errors, calls = ErrorBox(), []

    @guard(errors)
    def update(value):
        calls.append(value)
        raise ValueError(value)

    assert update(1) is None and update(2) is None
    assert calls == [1, 2] and "unexpected ValueError" in errors.value
