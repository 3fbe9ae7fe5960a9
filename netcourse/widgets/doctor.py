"""A live widget check for the welcome notebook: if the button shows and answers, widgets work.

>>> check = widget_check()
>>> check.children[0].click()
>>> "the kernel answered" in check.children[1].value
True
"""

from __future__ import annotations

import ipywidgets as widgets

from netcourse.style import PALETTE

__all__ = ["widget_check"]


def widget_check() -> widgets.VBox:
    """A button that reports back through the kernel when clicked (taught in 00-welcome)."""
    button = widgets.Button(
        description="Click me",
        tooltip="Checks that widgets reach the kernel and back",
        button_style="info",
    )
    status = widgets.HTML("If you can see this line and the button above, widgets render here.")
    clicks = {"n": 0}

    def on_click(_):
        clicks["n"] += 1
        status.value = (
            f'<span style="color:{PALETTE["green"]}">✔ Widgets work: the kernel answered the click '
            f"({clicks['n']}).</span>"
        )

    button.on_click(on_click)
    box = widgets.VBox([button, status])
    box.add_class("netcourse-widget-check")
    return box
