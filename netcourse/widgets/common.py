"""Pieces every widget shares: inline error display, a stale-result note and the course's look.

>>> from netcourse.errors import AddressError
>>> box, note = ErrorBox(), StaleNote()
>>> @guard(box, stale=note, shown=lambda: "10.0.2.3/16")
... def update(text):
...     raise AddressError(f"{text!r}: not an address")
>>> update("x")
>>> "not an address" in box.value, "still showing 10.0.2.3/16" in note.value
(True, True)
>>> box.clear(); box.value
''
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets

from netcourse.errors import NetcourseError
from netcourse.html import Markup
from netcourse.style import ERROR_COLOUR, NEUTRALS

__all__ = ["ErrorBox", "StaleNote", "guard", "figure_image", "MESSAGE_LIMIT"]

#: The longest error message shown inline; a longer one (a pasted megabyte) is cut.
MESSAGE_LIMIT = 500


def _cut(text: str, limit: int = MESSAGE_LIMIT) -> str:
    if len(text) <= limit:
        return text
    return f"{text[: limit - 1]}… ({len(text) - limit + 1} more characters)"


class ErrorBox(widgets.HTML):
    """An HTML line that shows a NetcourseError inline (red, with its class name) or nothing."""

    def show(self, exc: BaseException) -> None:
        """Show the error's message; unexpected errors are named as such, never as tracebacks.

        A message longer than :data:`MESSAGE_LIMIT` is cut: a line, not a pasted megabyte.

        >>> box = ErrorBox()
        >>> box.show(ValueError("x" * 10_000))
        >>> len(box.value) < 1000, "unexpected ValueError" in box.value
        (True, True)
        """
        kind = type(exc).__name__
        label = kind if isinstance(exc, NetcourseError) else f"unexpected {kind}"
        self.value = Markup(
            '<div class="netcourse-error" role="alert" style="color:{}"><b>{}</b>: {}</div>'
        ).format(ERROR_COLOUR, label, _cut(str(exc)))

    def clear(self) -> None:
        """Hide the error line."""
        self.value = ""


class StaleNote(widgets.HTML):
    """A line saying that the result on show is from earlier input, while an error is shown."""

    def mark(self, what: str = "the last valid result") -> None:
        """Say that ``what`` (the result on show) no longer matches the input."""
        self.value = Markup(
            '<div class="netcourse-stale" style="color:{}"><i>still showing {}</i></div>'
        ).format(NEUTRALS["muted"], what)

    def clear(self) -> None:
        """Hide the note (the result on show matches the input again)."""
        self.value = ""


def figure_image(**kwargs) -> widgets.Image:
    """An image widget for a figure's SVG (plots.style.figure_svg), drawn at its natural size
    and shrunk (never stretched) to fit its box.

    In a VBox an Image stretches to the box's width, which draws a figure larger than it was
    laid out; this one keeps its size unless the screen is narrower.

    >>> image = figure_image()
    >>> image.format, image.layout.max_width, image.layout.align_self
    ('svg+xml', '100%', 'flex-start')
    """
    layout = {"max_width": "100%", "height": "auto", "align_self": "flex-start"}
    return widgets.Image(format="svg+xml", layout=layout, **kwargs)


def guard(
    errors: ErrorBox,
    stale: StaleNote | None = None,
    shown: Callable[[], str | None] | None = None,
):
    """Decorate a widget callback so any error shows in ``errors`` and the widget keeps working.

    With ``stale``, an error also marks the result on show as stale: ``shown()`` describes it
    (None when nothing valid was shown yet, then there is nothing to mark).
    """

    def decorate(callback):
        def run(*args, **kwargs):
            try:
                result = callback(*args, **kwargs)
            except Exception as exc:  # the widget must survive any input
                errors.show(exc)
                if stale is not None:
                    what = shown() if shown is not None else "the last valid result"
                    stale.mark(what) if what else stale.clear()
                return None
            errors.clear()
            if stale is not None:
                stale.clear()
            return result

        return run

    return decorate
