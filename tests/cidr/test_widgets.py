"""The lesson 03 widgets (netcourse.widgets.cidr), built headless: set values, check them."""

from __future__ import annotations

import html
import ipaddress
import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netcourse.errors import AddressError
from netcourse.widgets.cidr import SubnetCalculator, SubnetPlanner, parse_needs


def visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_calculator_starts_on_the_lessons_example():
    calc = SubnetCalculator("10.0.2.3/16")
    assert calc.text.continuous_update is True
    assert calc.prefix.value == 16
    assert "10.0.0.0/16" in calc.details.value
    assert "65,534" in visible_text(calc.details.value)
    assert calc.errors.value == ""
    assert repr(calc) == "SubnetCalculator('10.0.2.3/16')"


def test_binary_view_colours_network_and_host_bits():
    calc = SubnetCalculator("10.0.2.3/20")
    network_bits = re.findall(r"class='net-bits'[^>]*>([01.:]+)<", calc.bits.value)
    host_bits = re.findall(r"class='host-bits'[^>]*>([01.:]+)<", calc.bits.value)
    assert len(network_bits) == len(host_bits) == 3
    address_bits = network_bits[0] + host_bits[0]
    assert address_bits.replace(".", "") == format(int(ipaddress.IPv4Address("10.0.2.3")), "032b")
    assert all(len(bits.replace(".", "")) == 20 for bits in network_bits)


def test_every_keystroke_updates_the_view():
    calc = SubnetCalculator("10.0.2.3/16")
    seen = []
    for text in ("10.0.2.3/1", "10.0.2.3/17", "10.0.2.3/24", "10.0.2.3/2", "10.0.2.3/26"):
        calc.text.value = text
        seen.append((calc.prefix.value, calc.details.value))
    assert [prefix for prefix, _ in seen] == [1, 17, 24, 2, 26]
    assert len({html for _, html in seen}) == 5
    assert "10.0.2.0/26" in seen[-1][1]


def test_errors_show_inline_and_the_widget_keeps_working():
    calc = SubnetCalculator("10.0.2.3/16")
    before = calc.details.value
    calc.text.value = "10.0.2.300/16"
    assert "the 4th number is 300" in calc.errors.value
    assert "AddressError" in calc.errors.value
    assert calc.stale.fresh(calc.details) == before  # last good view stays, and says so:
    assert "netcourse-stale-result" in calc.details.value  # greyed out, with the note
    assert "last valid input, 10.0.2.3/16" in calc.stale.value
    calc.text.value = "10.0. 2.3"
    assert "stray space" in calc.errors.value
    calc.text.value = ""
    assert "empty input" in calc.errors.value
    calc.text.value = "192.168.1.9/24"
    assert calc.errors.value == "" and calc.stale.value == ""
    assert "192.168.1.0/24" in calc.details.value


def test_prefix_slider_rewrites_the_text():
    calc = SubnetCalculator("10.0.2.3/16")
    calc.prefix.value = 23
    assert calc.text.value == "10.0.2.3/23"
    assert "10.0.2.0/23" in calc.details.value


def test_split_lists_subnets_without_building_them_all():
    calc = SubnetCalculator("10.0.0.0/8")
    calc.split_prefix.value = 30
    text = visible_text(calc.subnets.value)
    assert "4,194,304" in text
    assert "10.255.255.252/30" in text and "10.0.0.4/30" in text
    calc.split_prefix.value = 10
    assert "10.192.0.0/10" in visible_text(calc.subnets.value)
    calc.text.value = "10.0.0.0/28"  # split prefix must follow the new prefix
    assert calc.split_prefix.min == 28 and calc.split_prefix.value >= 28
    assert calc.errors.value == ""


def test_ipv4_to_ipv6_and_back():
    calc = SubnetCalculator("10.0.2.3/16")
    calc.text.value = "2001:db8::1/64"
    assert calc.errors.value == ""
    assert calc.prefix.max == 128 and calc.prefix.value == 64
    assert "none" in visible_text(calc.details.value)  # no broadcast in IPv6
    calc.text.value = "10.0.2.3/16"
    assert calc.errors.value == "" and calc.prefix.max == 32 and calc.split_prefix.max == 32


def test_one_subnet_call_plus_widget_update_under_2_ms():
    calc = SubnetCalculator("10.0.2.3/16")
    texts = [f"10.{i % 200}.{i % 7}.{i % 250}/{8 + i % 24}" for i in range(200)]
    timings = []
    for text in texts:
        started = time.perf_counter()
        calc.text.value = text
        timings.append(time.perf_counter() - started)
    timings.sort()
    assert calc.errors.value == ""
    assert timings[len(timings) // 2] < 0.002


def test_planner_table_and_figure_change_with_the_needs():
    planner = SubnetPlanner("192.168.10.0/24", {"staff": 100, "guests": 50})
    first_png, first_table = bytes(planner.figure.value), planner.table.value
    assert first_png.startswith(b"<?xml")  # an SVG
    assert "192.168.10.0/25" in first_table and "192.168.10.128/26" in first_table
    planner.needs.value = "staff: 100\nguests: 50\nprinters: 10"
    assert "192.168.10.192/28" in planner.table.value
    assert bytes(planner.figure.value) != first_png
    planner.needs.value = "staff: 300"
    assert "256 addresses are missing" in planner.errors.value
    planner.needs.value = "staff: lots"
    assert "'lots' is not a whole number" in html.unescape(planner.errors.value)
    planner.parent.value = "10.0.0.0/16"
    planner.needs.value = "staff: 300"
    assert planner.errors.value == "" and "10.0.0.0/23" in planner.table.value
    assert repr(planner) == "SubnetPlanner('10.0.0.0/16')"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("staff", "expected 'name: hosts'"), ("a: 1\na: 2", "listed twice"), ("", "no needs yet")],
)
def test_parse_needs_errors(text, fragment):
    with pytest.raises(AddressError, match=fragment):
        parse_needs(text)


def test_calculator_built_from_bad_text_shows_the_error_then_recovers():
    calc = SubnetCalculator("10.0.0.1/99")
    assert "the prefix /99 is out of range" in calc.errors.value
    calc.text.value = "10.0.0.1/9"
    assert calc.errors.value == "" and calc.prefix.value == 9


def test_planner_shows_errors_inline_marks_the_old_plan_stale_and_recovers():
    planner = SubnetPlanner("192.168.10.0/24", {"staff": 100})
    good_table, good_png = planner.table.value, bytes(planner.figure.value)
    assert planner.stale.value == ""
    for needs, fragment in [
        ("staff: ²", "(write it with the digits 0-9)"),
        ("staff: １００", "is not a whole number of hosts"),
        ("staff: 0", "at least 1"),
        ("staff", "expected 'name: hosts'"),
    ]:
        planner.needs.value = needs
        assert fragment in html.unescape(planner.errors.value), needs
        assert "AddressError" in planner.errors.value
        assert "still showing the last valid plan, for 192.168.10.0/24" in planner.stale.value
        assert planner.stale.fresh(planner.table) == good_table
        assert "netcourse-stale-result" in planner.table.value
        assert bytes(planner.figure.value) == good_png
    planner.needs.value = "staff: 100"
    assert planner.errors.value == "" and planner.stale.value == ""
    planner.parent.value = "192.168.10.0/33"
    assert "the prefix /33 is out of range" in planner.errors.value
    assert "still showing the last valid plan" in planner.stale.value
    planner.parent.value = "192.168.20.0/24"
    assert planner.errors.value == "" and planner.stale.value == ""
    assert "192.168.20.0/25" in planner.table.value


def test_planner_with_thousands_of_needs_is_near_linear():
    """2,000 needs once took 18 s (a legend of 2,000 entries); 5 times as many, ~5 times as long."""
    planner = SubnetPlanner("10.0.0.0/8", {"warm-up": 1})
    seconds = {}
    for count in (2000, 10000):
        text = "\n".join(f"n{i}: {(i * 7919) % 200 + 1}" for i in range(count))
        started = time.perf_counter()
        planner.needs.value = text
        seconds[count] = time.perf_counter() - started
        assert planner.errors.value == ""
        assert len(planner.plan.allocations) == count
    assert seconds[2000] < 5
    assert seconds[10000] < 10 * seconds[2000] + 1


def test_calculator_reads_only_ascii_digits_and_recovers():
    calc = SubnetCalculator("10.0.2.3/16")
    calc.text.value = "10.0.2.3/²⁴"
    assert "AddressError" in calc.errors.value and "last valid input" in calc.stale.value
    calc.text.value = "１０.0.2.3/24"
    assert "the 1st number of address" in html.unescape(calc.errors.value)
    calc.text.value = "10.0.2.3/24"
    assert calc.errors.value == "" and calc.stale.value == "" and calc.prefix.value == 24


def test_split_table_is_the_subnets_own_html():
    from netcourse.cidr import split

    calc = SubnetCalculator("10.0.0.0/8", split_prefix=30)
    assert calc.subnets.value == split("10.0.0.0/8", 30)._repr_html_()
    assert "<script>" not in SubnetCalculator("<script>/8").errors.value


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.text(max_size=60),
        st.text(alphabet="ab: =\n0123456789²３#\t", max_size=80),
        st.builds(lambda n: "a" + " " * n + "b c", st.integers(0, 3000)),  # backtracking bait
    )
)
def test_parse_needs_of_any_text_is_a_dict_of_ascii_counts_or_an_address_error(text):
    started = time.perf_counter()
    try:
        needs = parse_needs(text)
    except AddressError:
        return
    finally:
        assert time.perf_counter() - started < 1.0
    lines = [
        line for line in text.splitlines() if line.strip() and not line.strip().startswith("#")
    ]
    assert len(needs) == len(lines)
    for (name, hosts), line in zip(needs.items(), lines, strict=True):
        digits = line.split()[-1].split(":")[-1].split("=")[-1]
        assert digits.isascii() and int(digits) == hosts and name in line


# --- the cloud mode ---------------------------------------------------------------------------


def test_provider_dropdown_offers_none_and_every_cloud_of_the_table():
    from netcourse.cidr import CLOUD_PROVIDERS

    calc = SubnetCalculator("10.0.0.0/28")
    labels = [label for label, _ in calc.provider.options]
    assert labels == ["none", "AWS", "Azure", "Google Cloud"]
    assert [value for _, value in calc.provider.options] == [None, *CLOUD_PROVIDERS]
    assert calc.provider.value is None and calc.cloud.value == "" and calc.cloud_subnet is None


def test_cloud_mode_names_the_reserved_addresses_and_counts_usable():
    calc = SubnetCalculator("10.0.0.0/28")
    plain = calc.details.value
    calc.provider.value = "aws"
    text = visible_text(calc.cloud.value)
    for address, role in [
        ("10.0.0.0", "network address"),
        ("10.0.0.1", "VPC router"),
        ("10.0.0.2", "Amazon DNS"),
        ("10.0.0.3", "future use"),
        ("10.0.0.15", "broadcast address"),
    ]:
        assert re.search(rf"{re.escape(address)}\s+{re.escape(role)}", text), address
    assert "11 (16 - 5)" in text and "10.0.0.4 - 10.0.0.14" in text
    assert calc.details.value == plain  # the plain view stays: 14 usable on a LAN
    calc.provider.value = "gcp"
    assert "12 (16 - 4)" in visible_text(calc.cloud.value)
    assert re.search(r"10\.0\.0\.14\s+future use", visible_text(calc.cloud.value))
    calc.provider.value = "azure"
    assert "11 (16 - 5)" in visible_text(calc.cloud.value)
    assert visible_text(calc.cloud.value).count("Azure DNS") == 2
    calc.text.value = "10.0.0.0/24"  # typing keeps the mode
    assert calc.cloud_subnet.usable_hosts == 251
    calc.provider.value = None
    assert calc.cloud.value == "" and calc.cloud_subnet is None


def test_cloud_mode_refuses_a_prefix_outside_the_limits_and_keeps_working():
    calc = SubnetCalculator("10.0.0.0/29", provider="aws")
    refused = html.unescape(calc.cloud_refused.value)
    assert "/29 is smaller than AWS's smallest subnet /28" in refused
    assert calc.cloud.value == "" and calc.errors.value == ""  # the /29 itself is fine
    assert "10.0.0.0/29" in calc.details.value
    calc.provider.value = "azure"  # Azure allows a /29
    assert calc.cloud_refused.value == "" and calc.cloud_subnet.usable_hosts == 3
    calc.prefix.value = 1  # the slider too: a /1 is larger than Azure's /2
    assert "larger than Azure's largest subnet /2" in html.unescape(calc.cloud_refused.value)
    calc.text.value = "2001:db8::/64"
    assert "IPv4 subnet rules only" in calc.cloud_refused.value
    calc.text.value = "10.0.0.300/24"  # a bad address: the plain error, the cloud view stale
    assert "the 4th number is 300" in calc.errors.value
    calc.text.value = "10.0.0.0/16"
    assert calc.errors.value == "" and calc.cloud_refused.value == ""
    assert calc.cloud_subnet.usable_hosts == 65536 - 5


def test_planner_cloud_mode_follows_the_provider_and_says_why_it_refuses():
    planner = SubnetPlanner("10.0.0.0/24", {"web": 20, "db": 3})
    assert "10.0.0.32/29" in planner.table.value  # a LAN gives the db a /29
    planner.provider.value = "aws"
    assert "10.0.0.32/28" in planner.table.value and planner.plan.provider == "AWS"
    assert "AWS&#39;s rules" in planner.table.value
    planner.needs.value = "web: 300"
    assert "a /23" in html.unescape(planner.errors.value)
    assert "still showing the last valid plan" in planner.stale.value
    planner.parent.value = "10.0.0.0/16"
    assert planner.errors.value == "" and "10.0.0.0/23" in planner.table.value
    planner.needs.value = "big: 70000"
    assert "AWS's largest subnet is /16" in html.unescape(planner.errors.value)
    planner.provider.value = "azure"  # Azure allows a /15, but the /16 parent cannot hold it
    assert "65,536 addresses are missing" in planner.errors.value
    planner.parent.value = "10.0.0.0/14"
    assert planner.errors.value == "" and "10.0.0.0/15" in planner.table.value


def test_planner_built_with_a_provider_plans_once_under_its_rules():
    planner = SubnetPlanner("10.0.0.0/24", {"db": 3}, provider="gcp")
    assert planner.plan.provider == "Google Cloud"
    assert planner.plan.allocations[0].usable_hosts == 4  # a /29 keeps 4 in Google Cloud


def test_widgets_read_a_provider_by_any_name_and_refuse_an_unknown_one():
    assert SubnetCalculator("10.0.0.0/28", provider="Google Cloud").provider.value == "gcp"
    assert SubnetPlanner("10.0.0.0/24", {"a": 3}, provider="AWS").plan.provider == "AWS"
    for build in (
        lambda: SubnetCalculator("10.0.0.0/28", provider="oracle"),
        lambda: SubnetPlanner("10.0.0.0/24", {"a": 3}, provider="oracle"),
    ):
        with pytest.raises(AddressError, match="provider 'oracle': unknown"):
            build()


@pytest.mark.parametrize(
    "text", ["2001:db8::1/64", "2001:db8::1/60", "fe80::1/10", "::/0", "::1/128"]
)
def test_ipv6_bits_are_drawn_on_two_lines_of_64_and_none_is_lost(text):
    """Each row of an IPv6 address's bits is two lines of four 16-bit groups; every bit stays,
    and the network/host colours still cut at the prefix (read from the stdlib, not the view)."""
    from netcourse.cidr import binary
    from netcourse.widgets.cidr import binary_html

    shown = binary_html(binary(text))
    address = ipaddress.ip_interface(text)
    expected = {
        "address": format(int(address.ip), "0128b"),
        "netmask": format(int(address.netmask), "0128b"),
        "network": format(int(address.network.network_address), "0128b"),
    }
    rows = re.findall(
        r"<td[^>]*>(address|netmask|network)</td><td[^>]*>"
        r"<span class='net-bits'[^>]*>([^<]*)</span><span class='host-bits'[^>]*>([^<]*)</span>",
        shown,
    )
    assert [label for label, _, _ in rows] == ["address", "netmask", "network"]
    for label, net, host in rows:
        lines = (net + host).split("\n")
        assert [len(line.replace(":", "")) for line in lines] == [64, 64], (label, lines)
        assert all(len(group) == 16 for line in lines for group in line.strip(":").split(":"))
        assert (net + host).replace("\n", "").replace(":", "") == expected[label]
        assert len(net.replace("\n", "").replace(":", "")) == address.network.prefixlen


def test_ipv4_bits_and_details_are_the_models_own_table():
    from netcourse.cidr import binary, subnet
    from netcourse.widgets.cidr import binary_html, subnet_html

    assert binary_html(binary("10.0.2.3/16")) == binary("10.0.2.3/16")._repr_html_()
    assert "<br>" not in subnet_html(subnet("10.0.2.3/16"))
    assert "fdff:ffff:ffff:ff80 -<br>2001:db8::fdff:ffff:ffff:ffff (128)" in subnet_html(
        subnet("2001:db8::1/64")
    )
