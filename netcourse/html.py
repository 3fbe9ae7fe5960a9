"""HTML for notebook tables: one builder that escapes every cell, used by every ``_repr_html_``.

A cell is text (escaped), :class:`markupsafe.Markup` (trusted HTML a view built itself, such
as ``Markup("<code>{}</code>").format(rule)``, which escapes its arguments), or a :class:`Cell`
with attributes. Nothing a learner typed reaches the page unescaped.

>>> html = table([["INPUT", "<b>x</b>"]], header=["chain", "rule"], cls="netcourse-trace")
>>> "&lt;b&gt;x&lt;/b&gt;</td>" in html, html.startswith('<table class="netcourse-trace">')
(True, True)
>>> print(table([[Cell("10/8", cls="n", title="<a>"), Markup("<i>up</i>")]]))
<table><tbody><tr><td class="n" title="&lt;a&gt;">10/8</td><td><i>up</i></td></tr></tbody></table>
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

__all__ = ["Cell", "Markup", "escape", "attributes", "table"]


@dataclass(frozen=True)
class Cell:
    """A table cell with attributes: ``cls``, ``style``, ``title``, ``colspan``; ``header``
    makes it a ``<th>`` (a row heading)."""

    content: object
    cls: str | None = None
    style: str | None = None
    title: str | None = None
    colspan: int | None = None
    header: bool = False

    def html(self, tag: str = "td") -> Markup:
        tag = "th" if self.header else tag
        attrs = attributes(
            {"class": self.cls, "style": self.style, "title": self.title, "colspan": self.colspan}
        )
        return Markup(f"<{tag}{attrs}>{escape(_text(self.content))}</{tag}>")


def _text(value: object) -> object:
    """Markup passes through; anything else becomes its text (None: an empty cell)."""
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    return str(value)


def attributes(attrs: Mapping[str, object | None]) -> Markup:
    """HTML attributes with escaped values, leaving out those that are None.

    >>> attributes({"class": "a", "title": 'say "hi"', "id": None})
    Markup(' class="a" title="say &#34;hi&#34;"')
    """
    return Markup("".join(f' {k}="{escape(str(v))}"' for k, v in attrs.items() if v is not None))


#: Characters a browser may break a line after inside one word: an id such as ``sg-0a1b2c``
#: or ``rtb-0123`` would be split there, so a one-word cell holding one is kept on one line.
_BREAKS_INSIDE_A_WORD = ("-", "/", "?")


def _cell(value: object, tag: str) -> Markup:
    if isinstance(value, Cell):
        return value.html(tag)
    text = _text(value)
    if (
        text
        and not isinstance(value, Markup)
        and not any(c.isspace() for c in text)
        and any(c in text for c in _BREAKS_INSIDE_A_WORD)
    ):
        return Markup(f'<{tag} style="white-space:nowrap">{escape(text)}</{tag}>')
    return Markup(f"<{tag}>{escape(text)}</{tag}>")


def table(
    rows: Iterable[Sequence[object]],
    *,
    header: Sequence[object] | None = None,
    cls: str | None = None,
    caption: object = None,
    footer: Sequence[object] | None = None,
    row_classes: Sequence[str | None] | None = None,
    style: str | None = None,
    row_styles: Sequence[str | None] | None = None,
) -> Markup:
    """An HTML table: every cell escaped unless it is Markup or a :class:`Cell` of Markup.

    ``row_classes`` gives a class to each body row (None for none), such as the row that decided;
    ``row_styles`` an inline style (for views whose page has no stylesheet, such as widgets).

    >>> print(table([[1], [2]], row_classes=[None, "hit"]))
    <table><tbody><tr><td>1</td></tr><tr class="hit"><td>2</td></tr></tbody></table>

    A one-word cell a browser could break inside (an id, ``sg-0a1b``) stays on one line:

    >>> print(table([["sg-0a1b", "a b-c"]]))
    <table><tbody><tr><td style="white-space:nowrap">sg-0a1b</td><td>a b-c</td></tr></tbody></table>
    """
    parts = [Markup(f"<table{attributes({'class': cls, 'style': style})}>")]
    if caption is not None:
        parts.append(Markup(f"<caption>{escape(_text(caption))}</caption>"))
    if header is not None:
        parts.append(Markup(f"<thead><tr>{''.join(_cell(h, 'th') for h in header)}</tr></thead>"))
    parts.append(Markup("<tbody>"))
    for index, row in enumerate(rows):
        row_cls = row_classes[index] if row_classes is not None else None
        row_style = row_styles[index] if row_styles is not None else None
        cells = "".join(_cell(value, "td") for value in row)
        attrs = attributes({"class": row_cls, "style": row_style})
        parts.append(Markup(f"<tr{attrs}>{cells}</tr>"))
    parts.append(Markup("</tbody>"))
    if footer is not None:
        parts.append(Markup(f"<tfoot><tr>{''.join(_cell(f, 'td') for f in footer)}</tr></tfoot>"))
    parts.append(Markup("</table>"))
    return Markup("").join(parts)
