"""One state discipline for every widget, driven by a clock the test moves (never a sleep).

A valid input updates at once; an invalid one shows its error only after the pause
(netcourse.widgets.common.PAUSE) and then marks the result on show plainly as the last valid
one (or clears it); derived controls follow the control they derive from. The first tests here
pin each defect found on the learner's screen; the last walks every widget factory the lessons
call and gives each an invalid value, then a valid one.
"""

from __future__ import annotations

import ast
import contextlib
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import ipywidgets as widgets
import nbformat
import pytest
from widget_views import error_lines, shown, stale, tree

from netcourse.widgets.common import PAUSE, ErrorBox, StaleNote, guard

ROOT = Path(__file__).resolve().parents[2]


def type_into(text_box, text: str, clock, gap: float = 0.1) -> list[str]:
    """Type ``text`` a character at a time, ``gap`` seconds apart; the error line after each."""
    seen = []
    for end in range(1, len(text) + 1):
        text_box.set_state({"value": text[:end]})  # as the browser sends each keystroke
        clock.advance(gap)
        seen.append(text_box.value)
    return seen


def errors_seen(box: ErrorBox) -> list[str]:
    """Every value the error line takes from now on."""
    seen: list[str] = []
    box.observe(lambda change: seen.append(change["new"]), names="value")
    return seen


# --- the shared mechanism ---------------------------------------------------------------------


def test_an_error_waits_for_the_pause_and_a_valid_input_within_it_cancels_it(clock):
    errors, note, result = ErrorBox(), StaleNote(), {"shown": None}

    @guard(errors, stale=note, shown=lambda: result["shown"])
    def update(text):
        result["shown"] = str(int(text))

    update("1")
    update("1x")
    clock.advance(PAUSE * 0.9)
    assert errors.value == "" and errors.pending and note.value == ""
    update("12")  # valid before the pause ended: no error ever shows
    clock.advance(PAUSE * 2)
    assert errors.value == "" and not errors.pending and result["shown"] == "12"
    update("12x")
    clock.advance(PAUSE)
    assert "ValueError" in errors.value and "still showing 12" in note.value
    update("123")  # valid: cleared at once, no waiting
    assert (errors.value, note.value) == ("", "")


def test_the_stale_note_greys_out_its_views_and_gives_back_only_those_not_replaced():
    note = StaleNote()
    kept, replaced = ErrorBox(value="<b>old</b>"), ErrorBox(value="<b>old too</b>")
    note.mark("the old result", views=[kept, replaced])
    assert all("netcourse-stale-result" in view.value for view in (kept, replaced))
    assert note.fresh(kept) == "<b>old</b>"
    replaced.value = "<b>new</b>"  # a newer result arrived meanwhile
    note.clear()
    assert (kept.value, replaced.value, note.value) == ("<b>old</b>", "<b>new</b>", "")


# --- the subnet calculator --------------------------------------------------------------------


def test_a_half_typed_address_never_flashes_an_error(clock):
    from netcourse.widgets.cidr import SubnetCalculator

    calc = SubnetCalculator("10.0.2.3/16")
    lines = errors_seen(calc.errors)
    calc.text.set_state({"value": ""})
    type_into(calc.text, "192.168.1.77/26", clock)
    assert all(line == "" for line in lines), lines  # "192.168.1." was invalid for 0.1 s
    assert calc.errors.value == "" and calc.stale.value == ""
    assert calc.details.value == SubnetCalculator("192.168.1.77/26").details.value


def test_an_invalid_address_shows_its_error_after_the_pause_and_a_valid_one_clears_it_at_once(
    clock,
):
    from netcourse.widgets.cidr import SubnetCalculator

    calc = SubnetCalculator("10.0.2.3/16")
    calc.text.set_state({"value": "10.0.2.300/16"})
    clock.advance(PAUSE * 0.9)
    assert calc.errors.value == "" and calc.stale.value == ""
    clock.advance(PAUSE * 0.1)
    assert "the 4th number is 300" in calc.errors.value
    assert "still showing the last valid input, 10.0.2.3/16" in calc.stale.value
    assert "netcourse-stale-result" in calc.details.value
    calc.text.set_state({"value": "10.0.2.30/16"})
    assert calc.errors.value == "" and calc.stale.value == ""
    assert calc.details.value == SubnetCalculator("10.0.2.30/16").details.value


def test_the_last_valid_input_named_is_the_one_the_learner_stopped_on_never_a_fragment(clock):
    from netcourse.widgets.cidr import SubnetCalculator

    calc = SubnetCalculator("10.0.2.3/16")
    before = SubnetCalculator("10.0.2.3/16")
    calc.text.set_state({"value": ""})
    type_into(calc.text, "10.0.0.256", clock)  # 10.0.0.2 and 10.0.0.25 were valid on the way
    clock.advance(PAUSE)
    note = html.unescape(calc.stale.value)
    assert "AddressError" in calc.errors.value
    assert "the last valid input, 10.0.2.3/16" in note and "10.0.0.2" not in note
    for view in ("details", "bits", "subnets"):  # the views show that input, greyed out
        assert calc.stale.fresh(getattr(calc, view)) == getattr(before, view).value, view
    assert (calc.prefix.value, calc.split_prefix.value) == (16, 24)  # and so do the sliders


def test_with_no_valid_input_stopped_on_an_error_clears_the_views(clock):
    from netcourse.widgets.cidr import SubnetCalculator

    calc = SubnetCalculator("10.0.0.1/99")
    assert "out of range" in calc.errors.value  # a new widget's error shows at once here
    calc.text.set_state({"value": "10.0.0.2"})  # valid for a moment: never stopped on
    calc.text.set_state({"value": "10.0.0.2x"})
    clock.advance(PAUSE)
    assert "AddressError" in calc.errors.value and calc.stale.value == ""
    assert (calc.details.value, calc.bits.value, calc.subnets.value) == ("", "", "")
    assert calc.subnet is None


@pytest.mark.parametrize(
    ("typed", "prefix", "split"),
    [
        ("10.0.0.25/24", 24, 24),  # the /24 chosen, not the /32 that "10.0.0.2" pushed it to
        ("10.0.0.25/26", 26, 28),  # the /24 chosen does not fit: the prefix + 2
        ("2001:db8::1/64", 64, 66),  # not the /128 of "2001:db8::1"
    ],
)
def test_the_split_slider_follows_the_prefix_as_the_learner_types(clock, typed, prefix, split):
    from netcourse.widgets.cidr import SubnetCalculator

    calc = SubnetCalculator("10.0.2.3/16")
    calc.text.set_state({"value": ""})
    type_into(calc.text, typed, clock)
    assert (calc.prefix.value, calc.split_prefix.value) == (prefix, split)
    assert calc.split_prefix.min == prefix and calc.errors.value == ""


def test_a_split_the_learner_chose_comes_back_when_the_prefix_allows_it(clock):
    from netcourse.widgets.cidr import SubnetCalculator

    calc = SubnetCalculator("10.0.0.0/16")
    calc.split_prefix.set_state({"value": 20})
    calc.prefix.set_state({"value": 22})  # the slider rewrites the text; /20 cannot split /22
    assert (calc.text.value, calc.split_prefix.value) == ("10.0.0.0/22", 24)
    calc.prefix.set_state({"value": 18})
    assert calc.split_prefix.value == 20


def test_the_planner_greys_out_the_old_plan_after_an_error_and_plans_afresh(clock):
    from netcourse.widgets.cidr import SubnetPlanner

    planner = SubnetPlanner()
    good = planner.table.value
    planner.needs.set_state({"value": "staff: lots"})
    assert planner.errors.value == ""
    clock.advance(PAUSE)
    assert "not a whole number" in planner.errors.value
    assert "still showing the last valid plan" in planner.stale.value
    assert "netcourse-stale-result" in planner.table.value
    assert planner.stale.fresh(planner.table) == good
    planner.needs.set_state({"value": "staff: 20"})
    assert planner.errors.value == "" and planner.stale.value == ""
    assert planner.table.value == SubnetPlanner(needs={"staff": 20}).table.value


# --- the firewall lab -------------------------------------------------------------------------


def test_a_rule_error_greys_out_the_verdict_and_the_buttons_keep_the_error(clock):
    from netcourse.firewall.examples import EXAMPLES
    from netcourse.widgets.firewall import FirewallLab

    lab = FirewallLab("seed-rule")
    fresh = (lab.result.value, lab.table.value)
    lab.rules.set_state({"value": "-A INPUT -p tcp --dport 80 -j BOGUS"})
    for button in (None, lab.send, lab.turn, lab.forget):
        if button is not None:
            button.click()  # the button's update fails on the same rule: the error stays
        clock.advance(PAUSE)
        assert "BOGUS" in lab.errors.value, button
        assert "still showing the verdict" in lab.stale.value, button
        assert "netcourse-stale-result" in lab.result.value, button
        assert "netcourse-stale-result" in lab.table.value, button
    lab.forget.click()  # pressed while the error is pending: it still shows after the pause
    assert lab.errors.pending
    clock.advance(PAUSE)
    assert "BOGUS" in lab.errors.value and "still showing" in lab.stale.value
    lab.rules.set_state({"value": EXAMPLES["seed-rule"].ruleset})
    assert lab.errors.value == "" and lab.stale.value == ""
    assert (lab.result.value, lab.table.value) != tuple("" for _ in fresh)
    assert "netcourse-stale" not in lab.result.value + lab.table.value


# --- the packet inspector ---------------------------------------------------------------------


def test_show_packet_lights_the_row_of_that_packet():
    from netcourse.widgets.packets import Inspector

    ins = Inspector("http")
    ins.show_packet(4)
    assert ins.packet_list.value == 4 and ins.number == 4


def test_show_packet_turns_to_the_page_of_that_packet():
    from netcourse.widgets.packets import Inspector

    ins = Inspector("impaired", page_size=10)
    ins.show_packet(24)
    assert (ins.page_index, ins.packet_list.value, ins.number) == (2, 24, 24)
    ins.apply_filter("frame.number <= 5")
    ins.show_packet(9)  # hidden by the filter: shown, but no row stands for it
    assert ins.number == 9 and ins.packet_list.value is None


def test_a_filter_that_keeps_no_packet_empties_every_one_packet_pane():
    from netcourse.widgets.packets import Inspector

    ins = Inspector("http")
    assert ins.followed is not None and "TCP stream 0" in ins.follow_output.value
    ins.filter_text.set_state({"value": "udp"})
    assert ins.packet_list.options == () and ins.tree.options == ()
    assert ins.hex.data == b"" and "no packet matches" in ins.detail.value
    assert ins.followed is None and "TCP stream" not in ins.follow_output.value
    assert ins.errors.value == "" and ins.stale.value == ""
    ins.filter_text.set_state({"value": ""})
    assert ins.followed.stream == 0 and ins.number == 1


def test_a_filter_error_after_a_filter_that_kept_nothing_says_what_is_on_show(clock):
    from netcourse.widgets.packets import Inspector

    ins = Inspector("http")
    ins.filter_text.set_state({"value": "udp"})
    ins.filter_text.set_state({"value": "udp.port =="})
    assert ins.errors.value == ""
    clock.advance(PAUSE)
    assert "FilterError" in ins.errors.value
    assert "(filter 'udp', which keeps no packet)" in html.unescape(ins.stale.value)
    ins.filter_text.set_state({"value": "http"})
    assert ins.errors.value == "" and ins.stale.value == "" and ins.number == 4


# --- the layer inspector ----------------------------------------------------------------------


def test_setting_the_device_back_to_none_shows_the_inspectors_own_view():
    from netcourse.widgets.layers import LayerInspector

    plain = LayerInspector("http")
    plain.inspector.show_packet(4)
    view = LayerInspector("http")
    view.inspector.show_packet(4)
    view.show_device("router")
    assert view.inspector.hex.marks != plain.inspector.hex.marks
    assert "router" in view.note.value  # one line under the bytes says what is lit
    view.device.set_state({"index": 0})  # "(none)", as the browser sends it
    assert view.device.value == "" and "router" not in view.note.value
    assert view.inspector.hex.marks == plain.inspector.hex.marks
    assert view.inspector.detail.value == plain.inspector.detail.value
    assert view.table.value == plain.table.value


def test_a_field_chosen_in_the_tree_sets_the_pdu_and_device_menus_back_to_none():
    from netcourse.widgets.layers import LayerInspector

    plain = LayerInspector("http")
    plain.inspector.show_packet(4)
    plain.inspector.tree.set_state({"value": list(plain.inspector.tree.options[3][1])})
    view = LayerInspector("http")
    view.inspector.show_packet(4)
    view.show_device("router")
    tree = view.inspector.tree
    tree.set_state({"value": list(tree.options[3][1])})  # a row clicked, as the browser sends it
    assert (view.device.value, view.pdu.value) == ("", -1)
    assert view.note.value == plain.note.value  # the field's own line, not the router's
    assert "router" not in view.note.value
    view.show_pdu("segment")
    tree.set_state({"value": list(tree.options[2][1])})
    assert (view.device.value, view.pdu.value) == ("", -1)
    dst = view.inspector.dissection.layers[0].fields[1]  # row 2: Ethernet's source address
    assert view.inspector.hex.lit == list(range(dst.offset, dst.end))  # its bytes, marked


# --- the VPC explorer -------------------------------------------------------------------------


def test_the_example_menu_names_the_vpc_given_and_goes_back_to_it():
    from netcourse.vpc import Vpc
    from netcourse.widgets.vpc import Explorer

    given = Vpc.example("three-tier")
    explorer = Explorer(given, src="internet", dst="web", port=443)
    assert explorer.example.value == "" and explorer.example.label == "(the VPC given)"
    assert explorer.path.reachable
    explorer.example.set_state({"index": 1})  # three-tier, loaded afresh
    explorer.example.set_state({"index": 0})
    assert explorer.vpc is given and explorer.errors.value == "" and explorer.path.reachable


def test_switching_example_draws_the_new_example_even_when_the_question_does_not_fit(clock):
    from netcourse.plots.style import figure_svg
    from netcourse.plots.vpc import topology
    from netcourse.vpc import Vpc
    from netcourse.widgets.vpc import Explorer

    explorer = Explorer("three-tier", src="web", dst="app", port=8080)
    old_figure = bytes(explorer.figure.value)
    index = [value for _, value in explorer.example.options].index("peering-not-transitive")
    explorer.example.set_state({"index": index})  # no 'web' there
    clock.advance(PAUSE)
    assert bytes(explorer.figure.value) != old_figure
    assert bytes(explorer.figure.value) == figure_svg(
        topology(Vpc.example("peering-not-transitive"))
    )
    assert "VpcError" in explorer.errors.value
    note = html.unescape(explorer.stale.value)
    assert "web -> app tcp/8080 in three-tier (not drawn)" in note
    explorer.src.set_state({"value": "a"})
    explorer.dst.set_state({"value": "c"})
    assert explorer.errors.value == "" and explorer.stale.value == ""
    assert explorer.path.blocked_by.startswith("pcx-")


# --- every widget factory the lessons call ----------------------------------------------------


def lesson_factories() -> set[str]:
    """The names imported from netcourse.widgets.* that the lesson notebooks call."""
    imported: set[str] = set()
    called: set[str] = set()
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in nbformat.read(notebook, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            try:
                parsed = ast.parse(cell.source)
            except SyntaxError:  # magics
                continue
            for node in ast.walk(parsed):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                    "netcourse.widgets"
                ):
                    imported |= {alias.asname or alias.name for alias in node.names}
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                    called.add(node.func.id)
    return imported & called


def set_value(path: str, value) -> Callable:
    """Set ``widget.<path>`` as the browser would (``inspector.filter_text``, say)."""

    def act(widget) -> None:
        control = widget
        for part in path.split("."):
            control = getattr(control, part)
        control.set_state({"value": value})

    return act


def click(path: str, **before) -> Callable:
    """Set the controls of ``before`` (by attribute) to their values, then click ``path``."""

    def act(widget) -> None:
        for name, value in before.items():
            getattr(widget, name).value = value
        getattr(widget, path).click()

    return act


@dataclass(frozen=True)
class Case:
    build: Callable  # given an ExitStack that closes what the widget needs
    invalid: Callable
    valid: Callable
    #: What two widgets given the same valid input show alike (real sockets differ in numbers).
    views: Callable = shown


def _explorer(stack: contextlib.ExitStack):
    from netcourse.vpc import Vpc
    from netcourse.widgets.vpc import Explorer

    return Explorer(Vpc.example("three-tier"), src="internet", dst="web", port=443)


def _shown_but_numbers(root) -> tuple:
    """What a socket table shows, with its numbers (ports, fds, inodes, pids) read alike."""
    return tuple(
        re.sub(r"\d+", "#", view.value)
        for view in tree(root)
        if isinstance(view, widgets.HTML) and view.layout.display != "none"
    )


def _socket_table(stack: contextlib.ExitStack):
    from netcourse.sockets import SocketLab
    from netcourse.widgets.sockets import SocketTableWidget

    return SocketTableWidget(stack.enter_context(SocketLab()))


def _stepper_after_one_frame(stack: contextlib.ExitStack):
    from netcourse.widgets.layers import SwitchStepper

    stepper = SwitchStepper()
    stepper.send_button.click()  # A to B: a result on show, for an error to mark
    return stepper


def _cases() -> dict[str, Case]:
    from netcourse.widgets.cidr import SubnetCalculator, SubnetPlanner
    from netcourse.widgets.firewall import FirewallLab, RulesetInspector
    from netcourse.widgets.journey import JourneyStepper
    from netcourse.widgets.layers import LayerInspector, PduView
    from netcourse.widgets.packets import Inspector

    preset = "stateless-unsolicited"
    return {
        "SubnetCalculator": Case(
            lambda stack: SubnetCalculator("10.0.2.3/16"),
            set_value("text", "10.0.2.300/24"),
            set_value("text", "10.0.2.30/24"),
        ),
        "SubnetPlanner": Case(
            lambda stack: SubnetPlanner("192.168.10.0/24", {"staff": 100}),
            set_value("needs", "staff: lots"),
            set_value("needs", "staff: 20"),
        ),
        "FirewallLab": Case(
            lambda stack: FirewallLab(preset),
            set_value("rules", "-A INPUT -p tcp --dport 22 -j BOGUS"),
            set_value("rules", "-A INPUT -p tcp --dport 22 -j ACCEPT"),
        ),
        "RulesetInspector": Case(
            lambda stack: RulesetInspector("ufw-server.rules", interfaces="eth0=198.18.0.10/24"),
            set_value("src", "203.0.113.500"),
            set_value("src", "203.0.113.50"),
        ),
        "Inspector": Case(
            lambda stack: Inspector("impaired"),
            set_value("filter_text", "tcp.port =="),
            set_value("filter_text", "tcp.port == 80"),
        ),
        "LayerInspector": Case(
            lambda stack: LayerInspector("http"),
            set_value("inspector.filter_text", "http and"),
            set_value("inspector.filter_text", "http"),
        ),
        "PduView": Case(
            lambda stack: PduView("http", 4),
            lambda view: view.choice.set_state({"index": None}),
            lambda view: view.choice.set_state({"index": 2}),
        ),
        "SwitchStepper": Case(
            _stepper_after_one_frame,
            click("send_button", kind="ping", receiver="broadcast"),
            click("send_button", kind="ping", receiver="B"),
        ),
        "Explorer": Case(_explorer, set_value("port", "99999"), set_value("port", "5432")),
        "SocketTableWidget": Case(
            _socket_table,
            click("close_button"),  # no client is open yet
            click("open_button"),
            views=_shown_but_numbers,  # each lab's kernel gives its own ports, fds and inodes
        ),
        "JourneyStepper": Case(
            lambda stack: JourneyStepper("healthy"),
            lambda stepper: stepper.go("three"),
            lambda stepper: stepper.go(3),
        ),
    }


#: Factories with no input a learner can make invalid, and why.
NO_INVALID_INPUT = {
    "HandshakeStepper": "a bounded slider and two buttons that stop at either end",
    "widget_check": "one button that only reports the click back",
}


def test_every_factory_the_lessons_call_is_walked_here():
    found = lesson_factories()
    assert {"SubnetCalculator", "FirewallLab", "Inspector", "Explorer"} <= found
    assert found == set(_cases()) | set(NO_INVALID_INPUT)


@pytest.mark.parametrize(
    "name",
    sorted(_cases()),
)
def test_every_widget_shows_the_error_after_the_pause_then_a_fresh_result(clock, name):
    with contextlib.ExitStack() as stack:
        walk(_cases()[name], name, clock, stack)


def walk(case: Case, name: str, clock, stack: contextlib.ExitStack) -> None:
    widget = case.build(stack)
    stack.callback(widget.close)
    assert not error_lines(widget), f"{name} shows an error when new"
    case.invalid(widget)
    assert not error_lines(widget) and not stale(widget), "an error before the pause ended"
    clock.advance(PAUSE)
    assert error_lines(widget), "no error after the pause"
    assert stale(widget), "the result on show is not marked as the last valid one"
    case.valid(widget)
    assert not error_lines(widget) and not stale(widget), "the error or stale note stays"
    reference = case.build(stack)
    stack.callback(reference.close)
    case.valid(reference)  # what the valid input alone shows
    assert case.views(widget) == case.views(reference), "not the fresh result of the valid input"
    clock.advance(PAUSE)
    assert not error_lines(widget) and clock.waiting == 0, "the cancelled error shows late"
