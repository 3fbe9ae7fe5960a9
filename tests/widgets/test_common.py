"""The shared widget pieces: the inline error line and stale results."""

import ipywidgets as widgets

from netcourse.errors import AddressError
from netcourse.widgets.common import (
    MESSAGE_LIMIT,
    RESULT_CLASS,
    STALE_CLASS,
    ErrorBox,
    guard,
    is_stale,
)


def test_an_error_line_escapes_the_message_and_names_the_class():
    box = ErrorBox()
    box.show(AddressError("'<b>10.0.0.256</b>': the 4th number is 256"))
    assert "<b>AddressError</b>" in box.value and "&lt;b&gt;10.0.0.256" in box.value
    assert 'role="alert"' in box.value and "last input" not in box.value


def test_an_unexpected_error_is_named_so_never_as_a_traceback():
    box = ErrorBox()
    box.show(KeyError("x"))
    assert "unexpected KeyError" in box.value and "Traceback" not in box.value


def test_a_pasted_megabyte_gives_a_line_not_a_megabyte():
    box = ErrorBox()
    box.show(AddressError("1" * 1_000_000))
    assert len(box.value) < MESSAGE_LIMIT + 400
    assert "more characters" in box.value


def test_guard_marks_what_an_error_leaves_on_screen_and_clears_it_after():
    errors, table, figure = ErrorBox(), widgets.HTML(), widgets.Image(format="png")

    @guard(errors, results=[table, figure])
    def update(text):
        table.value = str(int(text))

    assert RESULT_CLASS in table._dom_classes and RESULT_CLASS in figure._dom_classes
    update("1")
    update("x")
    assert is_stale(table) and not is_stale(figure), "an empty view shows nothing stale"
    assert "last input that worked" in errors.value and STALE_CLASS in errors.value
    update("2")
    assert (table.value, errors.value, is_stale(table)) == ("2", "", False)


def test_an_error_with_nothing_on_screen_says_nothing_is_stale():
    errors, table = ErrorBox(), widgets.HTML()

    @guard(errors, results=[table])
    def update():
        raise AddressError("no input yet")

    update()
    assert errors.value and "last input" not in errors.value and not is_stale(table)


def test_guard_without_results_still_shows_the_error_and_keeps_working():
    errors = ErrorBox()
    calls = []

    @guard(errors)
    def update(value):
        calls.append(value)
        raise ValueError(value)

    assert update(1) is None and update(2) is None
    assert calls == [1, 2] and "unexpected ValueError" in errors.value
