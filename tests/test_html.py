"""Every cell of every table is escaped: nothing a learner typed reaches the page as HTML."""

from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from netcourse.html import Cell, Markup, table


class _Texts(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.cells: list[str] = []
        self._open = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in ("td", "th"):
            self.cells.append("")
            self._open = True

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._open = False

    def handle_data(self, data):
        if self._open:
            self.cells[-1] += data


@given(st.lists(st.lists(st.text(max_size=20), min_size=1, max_size=4), min_size=1, max_size=5))
@settings(max_examples=200, deadline=None)
def test_any_text_comes_back_as_the_same_text_and_no_tags(rows):
    parser = _Texts()
    parser.feed(table(rows, header=["a"] * len(rows[0])))
    assert set(parser.tags) <= {"table", "thead", "tbody", "tr", "th", "td"}
    texts = [v for row in rows for v in row]
    assert parser.cells[len(rows[0]) :] == texts


def test_markup_passes_and_attributes_are_escaped():
    html = table([[Markup("<code>x</code>"), Cell("y", title='"><script>', cls="a b")]])
    assert "<code>x</code>" in html and "<script>" not in html
    assert 'class="a b"' in html


def test_caption_footer_and_row_classes():
    html = table([[1]], caption="<chain>", footer=["total"], row_classes=["hit"])
    assert "<caption>&lt;chain&gt;</caption>" in html
    assert '<tr class="hit">' in html and "<tfoot><tr><td>total</td></tr></tfoot>" in html
