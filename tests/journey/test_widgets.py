"""The stepper (netcourse.widgets.journey) works headless: steps, play bounds, scenario
switch, highlights, inline errors."""

from netcourse.journey import scenario
from netcourse.widgets.journey import READ_COLOUR, WRITE_COLOUR, JourneyStepper, pdu_marks


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


def test_current_event_panes_show_path_fields_and_marked_row():
    stepper = JourneyStepper("healthy")
    stepper.go(7)  # the home router's NAT
    event = stepper.event
    assert event.kind == "NAT"
    assert "home router" in stepper.path.value and "netcourse-path" in stepper.path.value
    # the PDU in the inspector's tree and bytes: the NAT's rewritten source port lit orange
    sport = next(row for row in stepper.pdu.fields if row[5] == "TCP.sport")
    assert [sport[3], sport[4], "solid", WRITE_COLOUR] in stepper.pdu.marks
    assert stepper.pdu.data == event.pdu
    stepper.pdu.answer({"kind": "byte", "offset": sport[3]})  # a click on its first byte
    assert stepper.pdu.value == (sport[1], sport[2])
    assert [sport[3], sport[4], "field"] in stepper.pdu.marks
    assert "→" in stepper.table.value  # the matching row is marked


def test_bad_source_shows_inline_error_and_widget_keeps_working():
    stepper = JourneyStepper("healthy")
    stepper._load("no-such-scenario")
    assert "JourneyError" in stepper.errors.value
    stepper.next.click()
    assert stepper.step == 2
    assert stepper.errors.value == ""


def test_pdu_marks_light_exactly_the_fields_named():
    from netcourse.packets import dissect

    for event in scenario("healthy").run().events:
        fields = {f"{layer.name}.{f.name}": f for layer in dissect(event.pdu).layers
                  for f in layer.fields}  # fmt: skip
        wanted = sorted(
            [fields[key].offset, fields[key].end, "solid",
             WRITE_COLOUR if key in event.rewrites else READ_COLOUR]
            for key in {*event.reads, *event.rewrites} if key in fields and fields[key].length
        )  # fmt: skip
        assert sorted(pdu_marks(event)) == wanted, event.step


def test_bad_steps_show_inline_mark_the_view_stale_and_recover():
    import html

    stepper = JourneyStepper("healthy")
    stepper.go(4)
    header = stepper.header.value
    for bad in ("x", None, [3], "４", 2.5):
        stepper.go(bad)  # go() never raises: the error shows in the widget
        assert "JourneyError" in stepper.errors.value
        assert "expected a step number 1-51" in html.unescape(stepper.errors.value)
        assert "the last valid view: 'healthy', step 4" in html.unescape(stepper.stale.value)
        assert stepper.step == 4 and stepper.header.value == header
    stepper.go("7")
    assert stepper.step == 7 and stepper.errors.value == "" and stepper.stale.value == ""
    stepper._load(42)
    assert "expected a scenario name, a Scenario or a Journey" in stepper.errors.value
    assert "step 7" in stepper.stale.value
    stepper._load(scenario("healthy").replace(laptop_gateway=None))
    assert stepper.errors.value == "" and stepper.journey.failed_at.node == "laptop"


def test_a_step_is_quick_in_every_scenario():
    """Every step of every scenario, headless: the median well under 100 ms (it was ~130 ms
    with the figure drawn and encoded as a PNG per step, 400 ms on a learner's machine)."""
    import statistics
    import time

    from netcourse.journey import scenarios

    times = []
    for name in scenarios():
        stepper = JourneyStepper(name)
        for _ in range(len(stepper.journey.events) - 1):
            start = time.perf_counter()
            stepper.next.click()
            times.append(time.perf_counter() - start)
        assert stepper.step == len(stepper.journey.events)
    assert len(times) > 50
    assert statistics.median(times) < 0.100, statistics.median(times)


def test_a_scenario_is_run_once_per_stepper(monkeypatch):
    import netcourse.widgets.journey as view

    runs = []
    real = view.scenario

    def counting(name):
        runs.append(name)
        return real(name)

    monkeypatch.setattr(view, "scenario", counting)
    stepper = JourneyStepper("healthy")
    stepper.choice.value = "sg-missing-port"
    stepper.choice.value = "healthy"
    stepper.go(3)
    stepper.go(2)
    assert runs == ["healthy", "sg-missing-port"]


def test_the_stepper_is_compact_controls_path_changes_then_folded_details():
    import ipywidgets as widgets

    stepper = JourneyStepper("healthy")
    controls, *_, path, panes, details = stepper.children
    assert stepper.next in controls.children and stepper.previous in controls.children
    assert path is stepper.path and stepper.changes in panes.children
    assert panes.layout.max_height and panes.layout.overflow == "auto"
    assert isinstance(details, widgets.Accordion) and details.selected_index is None
    assert stepper.pdu in details.children[0].children  # every layer and byte: folded away
    assert not any(isinstance(w, widgets.Image) for w in stepper.children)


def test_changed_fields_show_the_value_before_and_after():
    from netcourse.journey import scenario

    stepper = JourneyStepper("healthy")
    stepper.go(7)  # the NAT: the source address and port rewritten
    sc = scenario("healthy")
    html = stepper.changes.value
    assert "IP.src" in html and "TCP.sport" in html
    assert html.index(sc.laptop.ip) < html.index(sc.router.wan_ip)  # was, then now
    assert "rewrites" in html
