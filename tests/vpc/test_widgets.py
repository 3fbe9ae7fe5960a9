"""The explorer widget: it wires the model, survives bad input, marks stale results, recovers."""

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netcourse.errors import VpcError
from netcourse.html import escape
from netcourse.vpc import Vpc, examples
from netcourse.widgets.vpc import PROTOCOLS, Explorer, path_html


@pytest.fixture(scope="module")
def explorer():
    return Explorer("three-tier", src="internet", dst="web", port=443)


def test_explorer_shows_the_path_and_figure(explorer):
    assert explorer.path.reachable
    assert "reachable" in explorer.result.value
    assert explorer.figure.value[:5] == b"<?xml"  # SVG, drawn at its display size
    assert explorer.step.max == len(explorer.path.hops) == explorer.step.value


def test_explorer_names_the_blocker_and_rule():
    w = Explorer("acl-no-ephemeral", src="internet", dst="web", port=443)
    assert not w.path.reachable
    assert w.path.blocked_by in w.result.value and "rule *" in w.result.value


def test_explorer_errors_inline_marks_the_old_result_stale_and_keeps_working():
    w = Explorer("three-tier", src="internet", dst="web", port=443)
    good, good_figure = w.path, w.figure.value
    w.dst.value = "no-such-host"
    assert "VpcError" in w.errors.value and "no-such-host" in w.errors.value
    assert w.is_stale and w.path is good  # the last valid path stays, marked stale
    assert "stale" in w.stale.value and "internet -> web tcp/443" in w.stale.value
    assert (
        "netcourse-stale" in w.result.value and str(escape(good.explanation))[:60] in w.result.value
    )
    assert w.figure.value == good_figure
    w.port.value = "99999"
    assert "PortError" in w.errors.value and w.is_stale
    w.port.value = "４４３"  # full-width digits: AWS and the readers refuse them
    assert "PortError" in w.errors.value and "digits 0-9" in w.errors.value
    w.dst.value, w.port.value = "web", "443"
    assert w.errors.value == "" and w.stale.value == "" and w.path.reachable
    assert "netcourse-stale" not in w.result.value


def test_explorer_without_a_first_result_shows_only_the_error():
    w = Explorer("three-tier", src="internet", dst="web", port="http")
    assert "PortError" in w.errors.value and w.path is None
    assert not w.is_stale and w.stale.value == "" and w.result.value == ""
    w.port.value = "443"
    assert w.path.reachable and w.errors.value == ""


@pytest.mark.parametrize(
    "kwargs, named",
    [
        ({"vpc": "nonexistent"}, ["'nonexistent'", "three-tier", "peering-not-transitive"]),
        ({"protocol": "sctp"}, ["'sctp'", "tcp, udp, icmp"]),
        ({"vpc": "x" * 500}, ["more characters", "three-tier"]),
    ],
)
def test_bad_constructor_values_name_the_value_and_the_choices(kwargs, named):
    with pytest.raises(VpcError) as caught:
        Explorer(**kwargs)
    message = str(caught.value)
    assert all(part in message for part in named), message
    assert len(message) < 300 and "Invalid selection" not in message


def test_wrong_python_types_name_the_parameter():
    with pytest.raises(TypeError, match="src"):
        Explorer(src=3)
    with pytest.raises(TypeError, match="vpc"):
        Explorer(vpc=3.5)


def test_switching_to_an_example_without_the_endpoint_shows_the_error_and_recovers():
    w = Explorer("three-tier", src="web", dst="app", port=8080)
    w.example.value = "peering-not-transitive"  # no 'web' there
    assert "VpcError" in w.errors.value and w.is_stale
    before = w.figure.value
    w.step.value = 1  # the slider does not redraw a stale path on the new example
    assert w.figure.value == before and "VpcError" in w.errors.value
    w.src.value, w.dst.value, w.port.value = "a", "b", "443"
    assert w.errors.value == "" and w.path.reachable and w.path.src == "a"


def test_name_tags_are_escaped_in_the_result():
    data = Vpc.example().data
    for reservation in data["Reservations"]:
        for inst in reservation["Instances"]:
            if inst["PrivateIpAddress"] == "10.0.1.10":
                inst["Tags"] = [{"Key": "Name", "Value": "<script>alert(1)</script>"}]
    w = Explorer(Vpc.from_aws(data), src="internet", dst="<script>alert(1)</script>")
    assert w.path.reachable
    assert "<script>" not in w.result.value and "&lt;script&gt;" in w.result.value
    w.dst.value = "<img src=x onerror=alert(1)>"
    assert "<img" not in w.errors.value + w.stale.value + w.result.value


TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["web", "app", "db", "internet", "10.0.1.10", "203.0.113.10", "", " "]),
)


@pytest.fixture(scope="module")
def fuzzed():
    return Explorer("three-tier", src="internet", dst="web", port=443)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    src=TEXT,
    dst=TEXT,
    port=st.one_of(st.text(max_size=8), st.integers(-5, 70000).map(str)),
    protocol=st.sampled_from(PROTOCOLS),
)
def test_any_input_shows_a_result_or_an_inline_error_then_recovers(
    fuzzed, src, dst, port, protocol
):
    w = fuzzed
    start = time.perf_counter()
    w.src.value, w.dst.value, w.port.value, w.protocol.value = src, dst, port, protocol
    assert time.perf_counter() - start < 5
    assert "unexpected" not in w.errors.value, w.errors.value
    if w.errors.value:
        assert w.is_stale == (w.path is not None)
        assert ("stale" in w.stale.value) == w.is_stale
    else:
        assert w.path is not None and w.stale.value == ""
        assert w.path.src == src.strip() or src.strip().lower() == "internet"
    w.protocol.value, w.port.value, w.src.value, w.dst.value = "tcp", "443", "internet", "web"
    assert w.errors.value == "" and w.stale.value == "" and w.path.reachable


@pytest.mark.parametrize("name", list(examples()))
def test_every_example_loads_in_the_explorer(name):
    w = Explorer(name)
    assert w.example.value == name and (w.path is not None or w.errors.value)


def test_explorer_switches_examples():
    w = Explorer("three-tier")
    w.example.value = "peering-not-transitive"
    assert "a" in w.src.options and "web" not in w.src.options
    w.src.value, w.dst.value = "a", "c"
    assert w.path.blocked_by.startswith("pcx-")


def test_step_slider_redraws(explorer):
    before = explorer.figure.value
    explorer.step.value = 1
    assert explorer.figure.value != before
    explorer.step.value = explorer.step.max


def test_explorer_repr_is_stable(explorer):
    assert repr(explorer) == "Explorer('internet' -> 'web', tcp/443)"


def test_path_html_lists_every_hop():
    path = Vpc.example().reachability("app", "internet", 443)
    assert path_html(path).count("<tr") == len(path.hops) + 1
