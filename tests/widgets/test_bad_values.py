"""Every widget survives every bad value a learner can give any of its controls.

Generic over ``netcourse.widgets.*``: each exported widget class is built with its documented
defaults; every synced, non-read-only input trait that a learner changes in the browser
(``value`` of texts, sliders, checkboxes; ``index`` of dropdowns, selects, toggle buttons) of
every control in it is set, the way the browser sets it (``set_state``), to bad values. Then:

- no exception escapes the observers and nothing is logged as an error;
- a value the widget refuses shows an inline error (an :class:`ErrorBox` in the widget) of a
  bounded length, and the result still on screen is marked stale: a view on show carries the
  class ``netcourse-stale`` (what :class:`StaleNote` shows, with ``guard(errors, stale=...,
  shown=...)`` in widgets/common.py); a value it accepts shows no error and no stale mark; a
  megabyte of text is refused everywhere;
- after every control is given its good value again, the widget shows exactly what it showed
  when it was new: a fresh result, no error, nothing stale.

Widgets that fail today are listed in :data:`XFAIL` with the exact failure; the fixes in their
topics remove the marks (``strict=True``: a fixed widget fails here until its mark goes).
"""

from __future__ import annotations

import contextlib
import inspect
import logging
import math
import pkgutil
import signal
import time
from importlib import import_module

import ipywidgets as widgets
import pytest
from traitlets import TraitError
from widget_views import DISPLAY_ONLY, error_lines, shown, stale, tree

import netcourse.widgets
from netcourse.errors import PortError, quote
from netcourse.sockets import SocketLab
from netcourse.widgets.common import ErrorBox, StaleNote, guard

#: What this test reports (each once per widget, with the first change that showed it).
NOT_STALE = (
    "an error leaves the last result on screen unmarked: no view shows 'netcourse-stale' "
    "(StaleNote and guard(errors, stale=..., shown=...) in widgets/common.py)"
)
STALE_WITHOUT_ERROR = "a result is marked stale without an error"
MEGABYTE_ACCEPTED = "a megabyte of text is accepted without an error"
ERROR_STAYS = "an error stays after good values again"
STALE_STAYS = "stale marks stay after good values again"
NOT_FRESH = "good values again do not show what a new widget shows"

#: Widgets that fail today: each failure and the first change that shows it. The topic's fix
#: removes its entry; a change in what fails makes the test fail until this table says so.
XFAIL: dict[str, tuple[tuple[str, str], ...]] = {}

#: Constructor arguments for the widgets whose parameters have no default (from their doctests).
ARGUMENTS = {"SocketTableWidget": lambda stack: (stack.enter_context(SocketLab()),)}

#: Traits a learner changes from the browser; set_state is how the browser's change arrives.
LEARNER_TRAITS = ("value", "index")
MEGABYTE = "1" * 1_000_000
#: Text no widget can take for anything: refused everywhere.
MUST_REFUSE = (MEGABYTE,)
TEXTS = [
    "",
    "   ",
    "８０",  # full-width digits: only ASCII digits are numbers
    "-1",
    "-99999999999",
    "9" * 400,
    "💥\x00☃",
    "<b>x</b>&amp;",
    MEGABYTE,
]
INTS = [-1, -(10**12), 10**100, "８０", 80.5]  # "８０" and 80.5: what CInt casts
FLOATS = [-1.0, 1e308, math.inf, math.nan]
#: Slowest acceptable answer to one change (generous: the machine is shared).
SECONDS = 10
#: An HTML view above this size after a bad value echoes the input instead of reporting it.
HTML_LIMIT = 256_000


def widget_classes() -> list[type]:
    found = []
    for info in pkgutil.iter_modules(netcourse.widgets.__path__):
        if info.name in ("common", "packet_view"):  # building blocks, not a learner's widget
            continue
        module = import_module(f"netcourse.widgets.{info.name}")
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isclass(obj) and issubclass(obj, widgets.Widget):
                found.append(obj)
    return found


def names(root) -> dict[int, str]:
    """Attribute paths of the controls (``inspector.filter_text``), to name them in messages."""
    found: dict[int, str] = {}

    def walk(obj, prefix, depth):
        for attr, value in vars(obj).items():
            if isinstance(value, widgets.Widget) and not attr.startswith("_"):
                found.setdefault(id(value), f"{prefix}{attr}")
                if depth and not isinstance(value, DISPLAY_ONLY):
                    walk(value, f"{prefix}{attr}.", depth - 1)

    walk(root, "", 2)
    return found


def inputs(root):
    """(control, trait) for every learner input in the widget."""
    for item in tree(root):
        if isinstance(item, (DISPLAY_ONLY, widgets.Button)):
            continue
        for name in LEARNER_TRAITS:
            trait = item.traits().get(name)
            if trait is not None and trait.metadata.get("sync") and not trait.read_only:
                yield item, name


def bad_values(control, name) -> list:
    trait = control.traits()[name]
    if name == "index":
        count = len(control._options_labels)
        return [None] + sorted({0, count // 2, count - 1} - {-1})
    if isinstance(control.get_state(name)[name], bool):
        return [not getattr(control, name)]
    kind = type(trait).__name__
    if kind in ("CInt", "Int"):
        return INTS
    if kind in ("CFloat", "Float"):
        return FLOATS
    return TEXTS


def accepts(control, name, value) -> bool:
    """Whether the trait itself takes the value (what it refuses never reaches an observer)."""
    try:
        control.traits()[name]._validate(control, value)
    except (TraitError, TypeError, ValueError, OverflowError):
        return False
    return True


def short(value) -> str:
    text = repr(value)
    return text if len(text) <= 24 else f"{text[:16]}...({len(text)} chars)"


class Alarm(Exception):
    pass


@contextlib.contextmanager
def bounded(seconds: int):
    """Stop a change that runs away (a regex on a megabyte); the time is checked separately."""

    def ring(signum, frame):
        raise Alarm(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


class Logged(logging.Handler):
    """Errors that widget machinery logs instead of raising (callbacks, comm handlers)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        if record.exc_info or record.levelno >= logging.ERROR:
            self.records.append(record)


def change(control, name, value, failures, where) -> bool:
    """Set one trait as the browser would; record what escapes. True when it returned."""
    handler = Logged()
    logging.getLogger().addHandler(handler)
    started = time.perf_counter()
    try:
        with bounded(SECONDS * 6):
            control.set_state({name: value})
    except Exception as exc:  # what escaped the observers
        failures.setdefault(f"{type(exc).__name__} escapes the observer: {str(exc)[:120]}", where)
        return False
    finally:
        logging.getLogger().removeHandler(handler)
    took = time.perf_counter() - started
    if took > SECONDS:
        failures.setdefault(f"one change takes {took:.0f} s (limit {SECONDS} s)", where)
    for record in handler.records:
        failures.setdefault(f"logged, not shown: {record.getMessage()[:120]}", where)
    return True


def judge(root, value, where: str, failures: dict[str, str]) -> None:
    """After one bad value: refused with an error and stale marks, or accepted cleanly."""
    lines = error_lines(root)
    if value in MUST_REFUSE and not lines:
        failures.setdefault(MEGABYTE_ACCEPTED, where)
    sizes = [len(view.value) for view in tree(root) if isinstance(view, widgets.HTML)]
    if max(sizes, default=0) > HTML_LIMIT:
        failures.setdefault(f"a view grows to {max(sizes):,} characters", where)
    marked = stale(root)
    if not lines:
        if marked:
            failures.setdefault(STALE_WITHOUT_ERROR, where)
        return
    if not marked:
        failures.setdefault(NOT_STALE, where)


def restore(root, controls, good, where: str, failures: dict[str, str], initial) -> None:
    """Good values again, in the order the widget shows its controls: a fresh result."""
    for control, name in controls:
        wanted = good[(id(control), name)]
        if control.get_state(name)[name] != wanted:
            change(control, name, wanted, failures, f"{where}, then restored")
    if error_lines(root):
        failures.setdefault(ERROR_STAYS, where)
    elif stale(root):
        failures.setdefault(STALE_STAYS, where)
    elif shown(root) != initial:
        failures.setdefault(NOT_FRESH, where)


def check_widget(cls) -> tuple[dict[str, str], int]:
    """Every failure of one widget (message -> the first control and value that showed it),
    and how many changes were tried."""
    failures: dict[str, str] = {}
    tried = 0
    with contextlib.ExitStack() as stack:
        args = ARGUMENTS.get(cls.__name__, lambda stack: ())(stack)
        root = cls(*args)
        stack.callback(root.close)
        label = names(root)
        initial = shown(root)
        assert not error_lines(root), f"{cls.__name__}() shows an error when new"
        controls = list(inputs(root))
        assert controls, f"{cls.__name__} has no learner input"
        good = {(id(c), n): c.get_state(n)[n] for c, n in controls}
        for control, name in controls:
            for value in bad_values(control, name):
                if getattr(control, "disabled", False) or not accepts(control, name, value):
                    continue  # a learner cannot give it; the trait refuses it by itself
                if value == control.get_state(name)[name]:
                    continue
                where = f"{label.get(id(control), type(control).__name__)}.{name} = {short(value)}"
                tried += 1
                if change(control, name, value, failures, where):
                    judge(root, value, where, failures)
                restore(root, controls, good, where, failures, initial)
    return failures, tried


CLASSES = widget_classes()


def test_every_widget_module_exports_a_widget():
    assert len(CLASSES) >= 10
    assert {cls.__name__ for cls in CLASSES} >= {"SubnetCalculator", "FirewallLab", "Inspector"}


def test_the_xfail_table_names_only_widgets_that_exist():
    assert set(XFAIL) <= {cls.__name__ for cls in CLASSES}


def _reason(name: str) -> str:
    return "; ".join(f"{message} (first: {where})" for message, where in XFAIL[name])


@pytest.mark.parametrize(
    "cls",
    [
        pytest.param(
            cls,
            id=cls.__name__,
            marks=[pytest.mark.xfail(strict=True, raises=AssertionError, reason=_reason(name))]
            if (name := cls.__name__) in XFAIL
            else [],
        )
        for cls in CLASSES
    ],
)
def test_bad_values_show_inline_errors_and_good_values_a_fresh_result(cls):
    failures, tried = check_widget(cls)
    assert tried >= 3, f"{cls.__name__}: only {tried} changes could be tried"
    report = "\n".join(f"- {message} (first: {where})" for message, where in failures.items())
    listed = {message for message, _ in XFAIL.get(cls.__name__, ())}
    if listed and set(failures) != listed:  # not an AssertionError: the xfail mark lets it fail
        pytest.fail(f"{cls.__name__} now fails otherwise; update XFAIL to:\n{report}")
    assert not failures, f"{cls.__name__}:\n{report}"


# --- the check itself, on small widgets that keep or break each rule ------------------------


class Doubler(widgets.VBox):
    """A widget that keeps every rule: a number in, its double out, errors inline."""

    def __init__(self, text: str = "21", mark: bool = True):
        self.text = widgets.Text(value=text)
        self.times = widgets.IntSlider(value=1, min=1, max=4)
        self.errors = ErrorBox()
        self.stale = StaleNote()
        self.result = widgets.HTML()
        self.runs = 0
        note = {"stale": self.stale, "shown": lambda: self.result.value or None} if mark else {}
        self._update = guard(self.errors, **note)(self._compute)
        super().__init__([self.text, self.times, self.errors, self.stale, self.result])
        self.text.observe(self._changed, names="value")
        self.times.observe(self._changed, names="value")
        self._update()

    def _changed(self, change) -> None:
        self._update()

    def _compute(self) -> None:
        text = self.text.value.strip()
        if not (text.isascii() and text.isdigit() and len(text) < 7):
            raise PortError(f"{quote(text)}: expected a whole number")
        self.runs += 1
        self.result.value = f"{2 * int(text or 0) * self.times.value}"


class Raises(Doubler):
    def _changed(self, change) -> None:
        self._compute()


class Unmarked(Doubler):
    def __init__(self):
        super().__init__(mark=False)
        self.children = [c for c in self.children if c is not self.stale]


class NotStale(Doubler):
    def __init__(self):
        super().__init__(mark=False)  # a note, but guard() is not told of it


class TakesAnything(Doubler):
    def _compute(self) -> None:
        if len(self.text.value) < 7:  # a long text is silently ignored
            super()._compute()


class Remembers(Doubler):
    def _compute(self) -> None:
        super()._compute()
        self.result.value += f" (update {self.runs})"


def test_the_check_passes_a_widget_that_keeps_the_rules():
    failures, tried = check_widget(Doubler)
    assert failures == {} and tried > len(TEXTS)


@pytest.mark.parametrize(
    "cls, failure",
    [
        pytest.param(Raises, "PortError escapes the observer", id="raises"),
        pytest.param(Unmarked, NOT_STALE, id="no-stale-note"),
        pytest.param(NotStale, NOT_STALE, id="note-never-marked"),
        pytest.param(TakesAnything, MEGABYTE_ACCEPTED, id="takes-a-megabyte"),
        pytest.param(Remembers, NOT_FRESH, id="remembers"),
    ],
)
def test_the_check_finds_a_widget_that_breaks_a_rule(cls, failure):
    failures, _ = check_widget(cls)
    assert any(message.startswith(failure) for message in failures), failures
