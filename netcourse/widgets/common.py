"""Pieces every widget shares: the inline error line, the stale-result note, the pause before an
error shows, and :func:`guard`, which gives every widget the same state discipline.

The discipline: a valid input updates the views at once; an invalid one shows its error after a
short pause (:data:`PAUSE`: no red line flashing at each keystroke while an address is half
typed; a valid keystroke within the pause cancels it), and the result still on screen is then
marked plainly as the last valid one (:class:`StaleNote`, with the result views greyed out).

>>> from netcourse.errors import AddressError
>>> box, note = ErrorBox(), StaleNote()
>>> @guard(box, stale=note, shown=lambda: "10.0.2.3/16")
... def update(text):
...     raise AddressError(f"{text!r}: not an address")
>>> update("x")  # outside a running kernel nothing can wait: the error shows at once
>>> "not an address" in box.value, "still showing 10.0.2.3/16" in note.value
(True, True)
>>> box.clear(); box.value
''

In a kernel the error waits for :data:`PAUSE` seconds on the kernel's event loop; a test drives
a :class:`ManualClock` instead of sleeping:

>>> clock = ManualClock()
>>> box.clock = clock
>>> update("10.0.")
>>> box.value, box.pending
('', True)
>>> clock.advance(PAUSE)
>>> "not an address" in box.value, box.pending
(True, False)
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any, Protocol

import ipywidgets as widgets

from netcourse.errors import NetcourseError
from netcourse.html import Markup
from netcourse.style import ERROR_COLOUR, NEUTRALS

__all__ = [
    "ErrorBox",
    "StaleNote",
    "guard",
    "figure_image",
    "scroll_region",
    "later",
    "MESSAGE_LIMIT",
    "PAUSE",
    "Clock",
    "LoopClock",
    "ManualClock",
    "STALE_STYLE",
]

#: The longest error message shown inline; a longer one (a pasted megabyte) is cut.
MESSAGE_LIMIT = 500
#: Seconds an invalid input waits before its error shows: long enough for the next keystroke,
#: short enough to read as the answer to the last one.
PAUSE = 0.5
#: How a result view that no longer matches the input is shown while an error is on show.
STALE_STYLE = "opacity:0.45"
#: The error and stale lines wrap as prose does: an HTML widget's own line height is a control's
#: (28px), which spreads a two-line message over the height of three.
PROSE_LINES = "line-height:1.4"


class Handle(Protocol):
    def cancel(self) -> None: ...


class Clock(Protocol):
    """What schedules a delayed call: ``call_later`` returns a handle, or None when it cannot
    wait (then the caller runs the callback at once)."""

    def call_later(self, delay: float, callback: Callable[[], None]) -> Handle | None: ...


class LoopClock:
    """The kernel's event loop (where widget observers run); without a running loop (a script,
    a doctest, pytest) nothing can wait, and ``call_later`` returns None."""

    def call_later(self, delay: float, callback: Callable[[], None]) -> Handle | None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return None
        return loop.call_later(delay, callback)


class _Due:
    def __init__(self, when: float, order: int, callback: Callable[[], None]) -> None:
        self.when, self.order, self.callback, self.cancelled = when, order, callback, False

    def cancel(self) -> None:
        self.cancelled = True


class ManualClock:
    """A clock that moves only when told: :meth:`advance` runs the calls that fall due.

    >>> clock, seen = ManualClock(), []
    >>> _ = clock.call_later(0.5, lambda: seen.append("late"))
    >>> clock.advance(0.4); seen
    []
    >>> clock.advance(0.1); seen
    ['late']
    """

    def __init__(self) -> None:
        self.now = 0.0
        self._due: list[_Due] = []
        self._order = 0

    def call_later(self, delay: float, callback: Callable[[], None]) -> _Due:
        self._order += 1
        due = _Due(self.now + delay, self._order, callback)
        self._due.append(due)
        return due

    def advance(self, seconds: float) -> None:
        """Move the clock on by ``seconds``, running (in time order) every call due by then."""
        until = self.now + seconds
        while True:
            ready = [d for d in self._due if not d.cancelled and d.when <= until + 1e-9]
            if not ready:
                break
            due = min(ready, key=lambda d: (d.when, d.order))
            self._due.remove(due)
            self.now = max(self.now, due.when)
            due.callback()
        self._due = [d for d in self._due if not d.cancelled]
        self.now = until

    @property
    def waiting(self) -> int:
        """How many calls are still due."""
        return sum(not d.cancelled for d in self._due)


#: The clock every widget waits on unless given its own (tests replace it).
clock: Clock = LoopClock()


def later(callback: Callable[[], None], pause: float | None = None, on: Clock | None = None):
    """Run ``callback`` after ``pause`` seconds (default :data:`PAUSE`) on ``on`` (default the
    module's :data:`clock`); at once when the clock cannot wait. The handle, or None if run.

    >>> seen = []
    >>> later(lambda: seen.append(1)), seen  # no running event loop here: at once
    (None, [1])
    """
    delay = PAUSE if pause is None else pause
    handle = (on or clock).call_later(delay, callback) if delay > 0 else None
    if handle is None:
        callback()
    return handle


def _cut(text: str, limit: int = MESSAGE_LIMIT) -> str:
    if len(text) <= limit:
        return text
    return f"{text[: limit - 1]}… ({len(text) - limit + 1} more characters)"


class ErrorBox(widgets.HTML):
    """An HTML line that shows a NetcourseError inline (red, with its class name) or nothing.

    :meth:`show` shows at once; :meth:`show_later` after the pause, unless a valid input
    (:meth:`clear`) or another error comes first. ``clock`` and ``pause`` override the module's
    :data:`clock` and :data:`PAUSE` for this box.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clock: Clock | None = None
        self.pause: float | None = None
        self._pending: Handle | None = None
        self._fire: Callable[[], None] | None = None

    @property
    def pending(self) -> bool:
        """Whether an error is waiting for the pause to end."""
        return self._pending is not None

    def cancel(self) -> None:
        """Forget an error still waiting (the input changed meanwhile)."""
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        self._fire = None

    def flush(self) -> None:
        """Show an error still waiting now: what a widget is built with was not typed, and its
        error has nothing to wait for.

        >>> box, clock = ErrorBox(), ManualClock()
        >>> box.clock = clock
        >>> box.show_later(ValueError("built with a typo")); box.value
        ''
        >>> box.flush(); "built with a typo" in box.value, clock.waiting
        (True, 0)
        """
        fire = self._fire
        self.cancel()
        if fire is not None:
            fire()

    def show(self, exc: BaseException) -> None:
        """Show the error's message; unexpected errors are named as such, never as tracebacks.

        A message longer than :data:`MESSAGE_LIMIT` is cut: a line, not a pasted megabyte.

        >>> box = ErrorBox()
        >>> box.show(ValueError("x" * 10_000))
        >>> len(box.value) < 1000, "unexpected ValueError" in box.value
        (True, True)
        """
        self.cancel()
        kind = type(exc).__name__
        label = kind if isinstance(exc, NetcourseError) else f"unexpected {kind}"
        self.value = Markup(
            '<div class="netcourse-error" role="alert" style="color:{};{}"><b>{}</b>: {}</div>'
        ).format(ERROR_COLOUR, PROSE_LINES, label, _cut(str(exc)))

    def show_later(self, exc: BaseException, then: Callable[[], None] | None = None) -> None:
        """Show ``exc`` after the pause (at once where nothing can wait), then call ``then``.

        >>> box, clock = ErrorBox(), ManualClock()
        >>> box.clock = clock
        >>> box.show_later(ValueError("half typed"))
        >>> box.show_later(ValueError("still half typed"))  # a keystroke: the wait restarts
        >>> clock.advance(PAUSE); "still half typed" in box.value, clock.waiting
        (True, 0)
        """
        self.cancel()

        def fire() -> None:
            self._pending = self._fire = None
            self.show(exc)
            if then is not None:
                then()

        self._fire = fire
        self._pending = later(fire, self.pause, self.clock)
        if self._pending is None:
            self._fire = None

    def clear(self) -> None:
        """Hide the error line (and forget an error still waiting)."""
        self.cancel()
        self.value = ""


class StaleNote(widgets.HTML):
    """A line saying that the result on show is from earlier input, while an error is shown.

    Given the result views, :meth:`mark` also greys them out, and :meth:`clear` gives back the
    ones no newer result replaced meanwhile.

    >>> result, note = widgets.HTML("<b>42</b>"), StaleNote()
    >>> note.mark("the answer to 21", views=[result])
    >>> "netcourse-stale-result" in result.value
    True
    >>> note.clear(); result.value
    '<b>42</b>'
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._dimmed: list[tuple[widgets.HTML, str, str]] = []  # (view, fresh, greyed)

    def mark(self, what: str = "the last valid result", views: Iterable[widgets.HTML] = ()) -> None:
        """Say that ``what`` (the result on show) no longer matches the input; grey out
        ``views``."""
        self.value = Markup(
            '<div class="netcourse-stale" style="color:{};{}"><i>still showing {}</i></div>'
        ).format(NEUTRALS["muted"], PROSE_LINES, what)
        dimmed = {id(view) for view, _, _ in self._dimmed}
        for view in views:
            if id(view) in dimmed or not view.value:
                continue
            fresh = str(view.value)
            greyed = str(
                Markup('<div class="netcourse-stale-result" style="{}">{}</div>').format(
                    STALE_STYLE, Markup(fresh)
                )
            )
            self._dimmed.append((view, fresh, greyed))
            view.value = greyed

    def fresh(self, view: widgets.HTML) -> str:
        """What ``view`` shows when not greyed out."""
        for dimmed, fresh, greyed in self._dimmed:
            if dimmed is view and view.value == greyed:
                return fresh
        return view.value

    def clear(self) -> None:
        """Hide the note (the result on show matches the input again)."""
        for view, fresh, greyed in self._dimmed:
            if view.value == greyed:  # not replaced by a newer result meanwhile
                view.value = fresh
        self._dimmed = []
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


def prose_lines(html: str) -> Markup:
    """``html`` drawn at a text's line height inside an HTML widget (whose own is a control's,
    28px): a table's rows and a wrapped sentence take the room they take in the notebook.

    >>> print(prose_lines("<b>step 1</b>"))
    <div style="line-height:1.4"><b>step 1</b></div>
    """
    return Markup('<div style="{}">{}</div>').format(PROSE_LINES, Markup(html))


def scroll_region(*children: widgets.Widget, max_height: str = "26em") -> widgets.Box:
    """A box at most ``max_height`` tall whose content scrolls inside it, up and down: a long
    table or figure in a widget keeps the widget on the screen (pair it with a table whose
    header stays, ``netcourse.html.table(..., sticky_header=True)``).

    >>> region = scroll_region(widgets.HTML("<table></table>"), max_height="20em")
    >>> region.layout.max_height, region.layout.overflow, len(region.children)
    ('20em', 'auto', 1)
    """
    layout = {"max_height": max_height, "overflow": "auto", "display": "block"}
    return widgets.Box(list(children), layout=layout)


def guard(
    errors: ErrorBox,
    stale: StaleNote | None = None,
    shown: Callable[[], str | None] | None = None,
    *,
    views: Iterable[widgets.HTML] | Callable[[], Iterable[widgets.HTML]] = (),
    on_error: Callable[[], None] | None = None,
):
    """Decorate a widget callback so any error shows in ``errors`` and the widget keeps working.

    A callback that returns clears the error line and the stale note at once (and cancels an
    error still waiting); one that raises shows its error after the pause (:meth:`ErrorBox.
    show_later`). With ``stale``, the error then marks the result on show as stale: ``shown()``
    describes it (None when nothing valid was shown yet: nothing to mark) and ``views`` (or a
    function giving them) are greyed out. ``on_error`` runs when the error shows, before the
    marking (to put the last valid result back on screen, say).
    """

    def mark() -> None:
        if on_error is not None:
            on_error()
        if stale is None:
            return
        what = shown() if shown is not None else "the last valid result"
        if not what:
            stale.clear()
            return
        stale.mark(what, views() if callable(views) else views)

    def decorate(callback):
        def run(*args, **kwargs):
            try:
                result = callback(*args, **kwargs)
            except Exception as exc:  # the widget must survive any input
                errors.show_later(exc, then=mark)
                return None
            errors.clear()
            if stale is not None:
                stale.clear()
            return result

        return run

    return decorate
