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

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

__all__ = [
    "Cell",
    "Markup",
    "escape",
    "attributes",
    "code",
    "unbroken",
    "short_ids",
    "abbreviate",
    "id_cell",
    "id_legend",
    "table",
]


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


def code(text: object) -> Markup:
    """Text as ``<code>`` drawn as written: one row per line, never wrapped (JupyterLab's code
    style wraps code at its spaces, even in a table cell), for a rule, a command, a table row.

    >>> print(code("-s 192.168.1.0/24 <b>"))
    <code style="white-space:pre">-s 192.168.1.0/24 &lt;b&gt;</code>
    """
    return Markup('<code style="white-space:pre">{}</code>').format(_text(text))


#: Characters a browser may break a line after inside one word: an id such as ``sg-0a1b2c``
#: or ``rtb-0123`` would be split there, so a one-word cell holding one is kept on one line.
_BREAKS_INSIDE_A_WORD = ("-", "/", "?")


def unbroken(text: object) -> Markup:
    """``text`` escaped, each of its words that a browser could break inside (an id such as
    ``subnet-0a1b``, a prefix) kept on one line; lines still break between words.

    >>> print(unbroken("rtb-1 (main)"))
    <span style="white-space:nowrap">rtb-1</span> (main)
    """
    words = re.split(r"(\s+)", str(_text(text)))
    return Markup("").join(
        Markup('<span style="white-space:nowrap">{}</span>').format(word)
        if any(c in word for c in _BREAKS_INSIDE_A_WORD) and not word.isspace()
        else escape(word)
        for word in words
        if word
    )


#: A long AWS resource id: its kind (``sg``, ``subnet``, ``rtb``, ``nat``...) and 17 hex digits
#: (the ids of 8 digits that older resources have are short enough as they are).
_AWS_ID = re.compile(r"^([a-z]+(?:-[a-z]+)*)-([0-9a-f]{17})$")
#: The mark standing for the digits a short id leaves out.
ELLIPSIS = "\u2026"


def short_ids(ids: Iterable[str], *, keep: int = 4) -> dict[str, str]:
    """Each AWS id among ``ids`` shortened to its kind and its last digits: as few (at least
    ``keep``) as tell it from every other id of its kind given. Other words (and the short
    ids of 8 digits) are left out.

    A table full of 17-digit ids is too wide for a screen; the ids of one account differ in
    their last digits, which is what a reader compares.

    >>> short_ids(["sg-0a1b2c3d4e0000002", "sg-0a1b2c3d4e1000003", "web"])
    {'sg-0a1b2c3d4e0000002': 'sg-…0002', 'sg-0a1b2c3d4e1000003': 'sg-…0003'}
    >>> short_ids(["subnet-0a1b2c3d4e0000002", "subnet-0a1b2c3d4e1000002", "vpc-0a1b2c3d"])
    {'subnet-0a1b2c3d4e0000002': 'subnet-…0000002', 'subnet-0a1b2c3d4e1000002': 'subnet-…1000002'}
    """
    kinds: dict[str, list[str]] = {}
    for text in dict.fromkeys(ids):
        found = _AWS_ID.match(text) if isinstance(text, str) else None
        if found:
            kinds.setdefault(found.group(1), []).append(text)
    short: dict[str, str] = {}
    for kind, same in kinds.items():
        digits = [text[len(kind) + 1 :] for text in same]
        width = min(keep, *map(len, digits))
        while len({d[-width:] for d in digits}) < len(digits):
            width += 1
        for text, tail in zip(same, digits):
            short[text] = text if width >= len(tail) else f"{kind}-{ELLIPSIS}{tail[-width:]}"
    return short


def abbreviate(text: object, short: Mapping[str, str]) -> str:
    """``text`` with each word that ``short`` shortens (see :func:`short_ids`) shortened.

    >>> abbreviate("nat-gateway eni-0a1b2c3d4e0000001", {"eni-0a1b2c3d4e0000001": "eni-…0001"})
    'nat-gateway eni-…0001'
    """
    return re.sub(r"\S+", lambda m: short.get(m.group(0), m.group(0)), str(_text(text)))


def id_cell(text: object, short: Mapping[str, str], *, style: str | None = None) -> Cell:
    """A cell showing ``text`` with its ids shortened, the full text in its tooltip, on one line.

    >>> print(id_cell("sg-0a1b2c3d4e0000002", {"sg-0a1b2c3d4e0000002": "sg-…0002"}).html())
    <td style="white-space:nowrap" title="sg-0a1b2c3d4e0000002">sg-…0002</td>
    """
    full = str(_text(text))
    shown = abbreviate(full, short)
    nowrap = ";".join(filter(None, ["white-space:nowrap", style]))
    return Cell(shown, style=nowrap, title=full if shown != full else None)


def id_legend(short: Mapping[str, str]) -> Markup:
    """The full ids behind a table's short ones, in a section that opens on a click (empty
    when nothing was shortened).

    >>> print(id_legend({"sg-0a1b2c3d4e0000002": "sg-…0002"}))  # doctest: +NORMALIZE_WHITESPACE
    <details class="netcourse-id-legend"><summary>ids are shortened to their last digits (hover
    one for its full id): the full ids</summary><span style="white-space:nowrap">sg-…0002
    = sg-0a1b2c3d4e0000002</span></details>
    """
    pairs = [(s, full) for full, s in short.items() if s != full]
    if not pairs:
        return Markup("")
    items = Markup("; ").join(
        Markup('<span style="white-space:nowrap">{} = {}</span>').format(s, full)
        for s, full in pairs
    )
    return Markup(
        '<details class="netcourse-id-legend"><summary>ids are shortened to their last digits '
        "(hover one for its full id): the full ids</summary>{}</details>"
    ).format(items)


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


#: The class of every widget view drawn by its own script in the browser (the anywidgets of
#: netcourse/widgets/packet_view.py): the view sets ``data-drawn`` once it has drawn, which
#: the browser tests wait for before they measure (netcourse/tools/labdriver.py).
DRAWN_IN_BROWSER = "netcourse-drawn-in-browser"

#: A header cell that stays at the top of its scrolling box, opaque over the rows under it.
STICKY_HEADER_STYLE = "position:sticky;top:0;z-index:1;background:var(--jp-layout-color0, white)"


def _sticky(head: object) -> Cell:
    """A header cell with :data:`STICKY_HEADER_STYLE` added to any style of its own.

    >>> print(_sticky(Cell("why", style="text-align:left")).html("th"))  # doctest: +ELLIPSIS
    <th style="text-align:left;position:sticky;top:0;...">why</th>
    """
    if isinstance(head, Cell):
        style = ";".join(filter(None, [head.style, STICKY_HEADER_STYLE]))
        return Cell(head.content, head.cls, style, head.title, head.colspan, head.header)
    return Cell(head, style=STICKY_HEADER_STYLE)


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
    sticky_header: bool = False,
) -> Markup:
    """An HTML table: every cell escaped unless it is Markup or a :class:`Cell` of Markup.

    ``row_classes`` gives a class to each body row (None for none), such as the row that decided;
    ``row_styles`` an inline style (for views whose page has no stylesheet, such as widgets).
    ``sticky_header`` keeps the header row in sight while the rows scroll under it (in a box
    that scrolls, such as ``netcourse.widgets.common.scroll_region``).

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
        heads = [_sticky(h) for h in header] if sticky_header else header
        parts.append(Markup(f"<thead><tr>{''.join(_cell(h, 'th') for h in heads)}</tr></thead>"))
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
