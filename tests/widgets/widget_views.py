"""What a widget shows, read the same way by every widget test: its tree of views, its error
lines, the views marked stale, and a fingerprint of everything on show."""

from __future__ import annotations

import hashlib
import json
import re

import ipywidgets as widgets

from netcourse.widgets.common import ErrorBox

#: Views that only show (their value is output, not input).
DISPLAY_ONLY = (
    widgets.HTML,
    widgets.HTMLMath,
    widgets.Label,
    widgets.Image,
    widgets.Output,
    widgets.IntProgress,
    widgets.FloatProgress,
    widgets.Valid,
)


def tree(widget):
    """The widget and every widget shown inside it, depth first, each once."""
    seen, todo = set(), [widget]
    while todo:
        item = todo.pop(0)
        if id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        todo[0:0] = list(getattr(item, "children", ()))


def error_lines(root) -> list[str]:
    return [
        item.value
        for item in tree(root)
        if isinstance(item, ErrorBox) and item.value and item.layout.display != "none"
    ]


#: The mark of a result from earlier input (StaleNote's, or a view's own).
STALE_MARK = re.compile(r"""class=["'][^"']*\bnetcourse-stale\b""")


def stale(root) -> list:
    """The views on show that say the result is from earlier input."""
    return [
        view
        for view in tree(root)
        if isinstance(view, widgets.HTML)
        and view.layout.display != "none"
        and STALE_MARK.search(view.value)
    ]


#: Names made per instance (the inspector scopes its row colours by one): the same for all.
PER_INSTANCE = re.compile(r"netcourse-packets-[0-9a-f]+")


#: State every DOM widget has (the layout is a widget of its own, with an id per instance).
_BASE_STATE = set(widgets.DOMWidget().get_state())


def shown(root) -> tuple:
    """What the widget shows: every view's content and every list's rows (names made per
    instance read alike, so that two widgets given the same input show the same)."""
    out = []
    for item in tree(root):
        if isinstance(item, DISPLAY_ONLY):
            value = getattr(item, "value", None)
            if isinstance(value, (bytes, memoryview)):  # an Image holds a memoryview
                data = bytes(value)
            else:
                data = PER_INSTANCE.sub("netcourse-packets-*", str(value)).encode()
            out.append((type(item).__name__, hashlib.sha256(data).hexdigest()))
        elif hasattr(item, "_options_labels"):
            out.append((type(item).__name__, tuple(item._options_labels)))
        elif hasattr(item, "_esm"):  # a custom widget (anywidget): what its state draws
            state = {k: v for k, v in item.get_state().items()
                     if not k.startswith("_") and k not in _BASE_STATE}  # fmt: skip
            data = json.dumps(state, sort_keys=True, default=str).encode()
            out.append((type(item).__name__, hashlib.sha256(data).hexdigest()))
        if isinstance(item, widgets.DOMWidget):
            classes = (PER_INSTANCE.sub("netcourse-packets-*", c) for c in item._dom_classes)
            out.append(("classes", tuple(sorted(classes))))
    return tuple(out)
