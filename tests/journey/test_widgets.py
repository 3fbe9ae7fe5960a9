"""The stepper (netcourse.widgets.journey) works headless: steps, play bounds, scenario
switch, highlights, inline errors."""

from netcourse.journey import scenario
from netcourse.widgets.journey import JourneyStepper, pdu_html


def test_previous_next_are_clamped():
    stepper = JourneyStepper("healthy")
    total = len(stepper.journey.events)
    assert stepper.step == 1
    stepper.previous.click()
    assert stepper.step == 1
    stepper.next.click()
    assert stepper.step == 2
    stepper.go(total - 1)
    for _ in range(4):
        stepper.next.click()
    assert stepper.step == total
    assert "delivered" in stepper.header.value


def test_play_is_bounded_and_stops_at_the_failing_event():
    stepper = JourneyStepper("sg-missing-port")
    assert stepper.play.repeat is False and stepper.play.show_repeat is False
    assert stepper.play.max == len(stepper.journey.events)
    stepper.play.playing = True
    stepper.play.value = stepper.play.max  # what the frontend's timer would reach
    assert stepper.play.playing is False
    assert "stopped here" in stepper.header.value
    assert stepper.event is stepper.journey.failed_at


def test_slider_and_play_stay_in_step():
    stepper = JourneyStepper("healthy")
    stepper.play.value = 5
    assert stepper.slider.value == 5 and stepper.step == 5
    stepper.slider.value = 9
    assert stepper.play.value == 9


def test_switching_scenario_resets_and_updates():
    stepper = JourneyStepper("healthy")
    stepper.next.click()
    stepper.choice.value = "no-default-route"
    assert stepper.step == 1 and stepper.journey.scenario == "no-default-route"
    assert stepper.slider.max == len(scenario("no-default-route").run().events)
    assert repr(stepper) == f"JourneyStepper('no-default-route', step 1/{stepper.slider.max})"


def test_current_event_panes_show_figure_fields_and_marked_row():
    stepper = JourneyStepper("healthy")
    stepper.go(7)  # the home router's NAT
    event = stepper.event
    assert event.kind == "NAT"
    assert bytes(stepper.figure.value).startswith(b"<?xml")  # SVG: sharp at any width
    assert "rewrites" in stepper.pdu.value and "sport" in stepper.pdu.value
    assert "→" in stepper.table.value  # the matching row is marked


def test_bad_source_shows_inline_error_and_widget_keeps_working():
    stepper = JourneyStepper("healthy")
    stepper._load("no-such-scenario")
    assert "JourneyError" in stepper.errors.value
    stepper.next.click()
    assert stepper.step == 2
    assert stepper.errors.value == ""


def test_pdu_html_marks_exactly_the_fields_named():
    event = scenario("healthy").run().events[2]  # the laptop's route decision reads IP.dst
    html = pdu_html(event)
    assert html.count("<td>reads</td>") == len(event.reads) == 1


def test_bad_steps_show_inline_mark_the_view_stale_and_recover():
    import html

    stepper = JourneyStepper("healthy")
    stepper.go(4)
    header = stepper.header.value
    for bad in ("x", None, [3], "４", 2.5):
        stepper.go(bad)  # go() never raises: the error shows in the widget
        assert "JourneyError" in stepper.errors.value
        assert "expected a step number 1-26" in html.unescape(stepper.errors.value)
        assert "the last valid view: 'healthy', step 4" in html.unescape(stepper.stale.value)
        assert stepper.step == 4 and stepper.header.value == header
    stepper.go("7")
    assert stepper.step == 7 and stepper.errors.value == "" and stepper.stale.value == ""
    stepper._load(42)
    assert "expected a scenario name, a Scenario or a Journey" in stepper.errors.value
    assert "step 7" in stepper.stale.value
    stepper._load(scenario("healthy").replace(laptop_gateway=None))
    assert stepper.errors.value == "" and stepper.journey.failed_at.node == "laptop"


def test_pdu_html_escapes_and_marks():
    event = scenario("healthy").run().events[6]
    html = pdu_html(event)
    assert html.count("<table") == 1 and "font-weight:bold" in html
