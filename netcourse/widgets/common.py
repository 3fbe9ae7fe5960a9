"""Pieces every widget shares: inline error display and the course's look.

>>> from netcourse.errors import AddressError
>>> box = ErrorBox()
>>> box.show(AddressError("'10.0.0.256': the 4th number is 256, but each must be 0-255"))
>>> "the 4th number is 256" in box.value
True
>>> box.clear(); box.value
''
"""

from __future__ import annotations

from html import escape

import ipywidgets as widgets

from netcourse.errors import NetcourseError

__all__ = ["ErrorBox", "guard"]


class ErrorBox(widgets.HTML):
    """An HTML line that shows a NetcourseError inline (red, with its class name) or nothing."""

    def show(self, exc: BaseException) -> None:
        """Show the error's message; unexpected errors are named as such, never as tracebacks."""
        if isinstance(exc, NetcourseError):
            text = f"<b>{type(exc).__name__}</b>: {escape(str(exc))}"
        else:
            text = f"<b>unexpected {type(exc).__name__}</b>: {escape(str(exc))}"
        self.value = f'<div class="netcourse-error" role="alert" style="color:#b00020">{text}</div>'

    def clear(self) -> None:
        """Hide the error line."""
        self.value = ""


def guard(errors: ErrorBox):
    """Decorate a widget callback so any error shows in ``errors`` and the widget keeps working."""

    def decorate(callback):
        def run(*args, **kwargs):
            try:
                result = callback(*args, **kwargs)
            except Exception as exc:  # the widget must survive any input
                errors.show(exc)
                return None
            errors.clear()
            return result

        return run

    return decorate
