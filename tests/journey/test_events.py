"""A journey's record (netcourse.journey.events): steps, legs, look-ups, tables and HTML."""

import pytest

from netcourse.errors import JourneyError
from netcourse.journey import Event, Journey, Table


def test_step_and_first_lookups(journeys):
    journey = journeys["healthy"]
    assert journey.step(1) is journey.events[0]
    assert journey.first("network ACL", "reply").direction == "reply"
    with pytest.raises(JourneyError, match="steps 1-"):
        journey.step(0)
    with pytest.raises(JourneyError, match="no event there"):
        journeys["no-default-route"].first("home switch")
    with pytest.raises(JourneyError, match="a leg is"):
        journey.leg("sideways")


@pytest.mark.parametrize("bad", [0, -1, 52, "x", "２", 1.0, True, None, [1]])
def test_step_names_the_bad_step(journeys, bad):
    with pytest.raises(JourneyError, match=r"^step .*: this journey has steps 1-51$"):
        journeys["healthy"].step(bad)


def test_step_reads_digit_text(journeys):
    assert journeys["healthy"].step("5") is journeys["healthy"].events[4]


def test_html_escapes_every_cell_and_marks_the_deciding_row():
    table = Table("<b>t</b>", ("a", "b"), (("<script>", "1"), ("x", "&")), 1, "note <i>")
    html = table._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp;" in html
    assert html.count("font-weight:bold") == 1 and "&lt;b&gt;t&lt;/b&gt;" in html
    assert "note &lt;i&gt;" in html and html.count("<caption") == 1
    event = Event(1, "request", "home", "<x>", "k", 2, b"", table, "<d>", "<w>", ok=False)
    assert "<x>" not in event._repr_html_() and "&lt;d&gt;" in event._repr_html_()
    journey = Journey("<s>", (event,), False, event)
    assert "<s>" not in journey._repr_html_() and "&lt;x&gt;" in journey._repr_html_()
