"""Pieces every widget shares: inline errors, stale results, and the course's look.

A widget shows a learner's bad input as one red line (:class:`ErrorBox`) and keeps working.
A result that an error left on screen is marked stale: :func:`guard` with ``results=`` dims
the views that still show the last input that worked (class :data:`STALE_CLASS`) and says so
in the error line; the next input that works makes them fresh again.

>>> from netcourse.errors import AddressError
>>> box = ErrorBox()
>>> box.show(AddressError("'10.0.0.256': the 4th number is 256, but each must be 0-255"))
>>> "the 4th number is 256" in box.value
True
>>> box.clear(); box.value
''
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import ipywidgets as widgets

from netcourse.errors import NetcourseError
from netcourse.html import Markup, escape
from netcourse.style import ERROR_COLOUR

__all__ = [
    "ErrorBox",
    "guard",
    "mark_stale",
    "is_stale",
    "RESULT_CLASS",
    "STALE_CLASS",
    "MESSAGE_LIMIT",
]

#: CSS class of a view that shows a widget's result (a table, a verdict, a figure).
RESULT_CLASS = "netcourse-result"
#: CSS class of a result view that still shows the last input that worked, not the current one.
STALE_CLASS = "netcourse-stale"
#: The longest error message shown inline; a longer one (a pasted megabyte) is cut.
MESSAGE_LIMIT = 500
#: How a stale result looks: dimmed and grey, so that nobody reads it as the current answer.
_STALE_STYLE = f"<style>.{STALE_CLASS} {{opacity: 0.45; filter: grayscale(1)}}</style>"
_STALE_NOTE = " (the result below is from the last input that worked)"


def _cut(text: str, limit: int = MESSAGE_LIMIT) -> str:
    if len(text) <= limit:
        return text
    return f"{text[: limit - 1]}… ({len(text) - limit + 1} more characters)"


class ErrorBox(widgets.HTML):
    """An HTML line that shows a NetcourseError inline (red, with its class name) or nothing."""

    def show(self, exc: BaseException, *, stale: bool = False) -> None:
        """Show the error's message; unexpected errors are named as such, never as tracebacks.

        ``stale`` adds that the result on screen is from the last input that worked.

        >>> box = ErrorBox()
        >>> box.show(ValueError("x" * 10_000), stale=True)
        >>> len(box.value) < 1000, "unexpected ValueError" in box.value, "last input" in box.value
        (True, True, True)
        """
        name = type(exc).__name__
        label = name if isinstance(exc, NetcourseError) else f"unexpected {name}"
        text = Markup("<b>{}</b>: {}").format(label, _cut(str(exc)))
        if stale:
            text += Markup(_STALE_STYLE) + escape(_STALE_NOTE)
        self.value = (
            f'<div class="netcourse-error" role="alert" style="color:{ERROR_COLOUR}">{text}</div>'
        )

    def clear(self) -> None:
        """Hide the error line."""
        self.value = ""


def _shows_something(view: widgets.Widget) -> bool:
    return bool(getattr(view, "value", None) or getattr(view, "outputs", None))


def is_stale(view: widgets.DOMWidget) -> bool:
    """Whether a result view is marked as showing the last input that worked."""
    return STALE_CLASS in view._dom_classes


def mark_stale(views: Sequence[widgets.DOMWidget], stale: bool) -> None:
    """Mark result views stale (dimmed) or fresh again.

    >>> view = widgets.HTML("<b>10.0.2.0/24</b>")
    >>> mark_stale([view], True); is_stale(view)
    True
    >>> mark_stale([view], False); is_stale(view)
    False
    """
    for view in views:
        if stale and not is_stale(view):
            view.add_class(STALE_CLASS)
        elif not stale and is_stale(view):
            view.remove_class(STALE_CLASS)


def guard(
    errors: ErrorBox, results: Sequence[widgets.DOMWidget] = ()
) -> Callable[[Callable], Callable]:
    """Decorate a widget callback so any error shows in ``errors`` and the widget keeps working.

    ``results`` are the views the callback fills. When it fails, those still showing something
    are marked stale and the error line says so; when it succeeds they are fresh again.

    >>> errors, result = ErrorBox(), widgets.HTML()
    >>> @guard(errors, results=[result])
    ... def show(text):
    ...     result.value = f"{int(text) * 2}"
    >>> show("21"); result.value, errors.value, is_stale(result)
    ('42', '', False)
    >>> show("twenty"); result.value, is_stale(result), "last input that worked" in errors.value
    ('42', True, True)
    >>> show("4"); result.value, errors.value, is_stale(result)
    ('8', '', False)
    """
    for view in results:
        view.add_class(RESULT_CLASS)

    def decorate(callback):
        def run(*args, **kwargs):
            try:
                result = callback(*args, **kwargs)
            except Exception as exc:  # the widget must survive any input
                left = [view for view in results if _shows_something(view)]
                mark_stale(left, True)
                errors.show(exc, stale=bool(left))
                return None
            errors.clear()
            mark_stale(results, False)
            return result

        return run

    return decorate
