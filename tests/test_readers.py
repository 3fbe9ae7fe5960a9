"""The shared readers: what the real tools accept, one wording, and never a stray exception."""

import ipaddress
import string

import netaddr
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netcourse.errors import (
    AddressError,
    NetcourseError,
    PacketError,
    PortError,
    RuleError,
    VpcError,
)
from netcourse.readers import (
    read_address,
    read_int,
    read_interface,
    read_mac,
    read_netmask,
    read_port,
    read_port_range,
)

BOUNDED = settings(max_examples=300, deadline=500)


@pytest.mark.parametrize("value", ["８０", "²", "٨٠", "1٠", "➑"])
def test_non_ascii_digits_are_refused_as_the_tools_refuse_them(value):
    with pytest.raises(PortError, match="digits 0-9"):
        read_port(value)


@pytest.mark.parametrize("error", [PortError, RuleError, VpcError])
def test_the_callers_error_class_carries_the_one_wording(error):
    with pytest.raises(error) as exc:
        read_port("http", error=error)
    assert str(exc.value) == "'http': a port must be a number 1-65535"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, "0: a port must be in 1-65535"),
        (65536, "65536: a port must be in 1-65535"),
        ("-1", "'-1': a port cannot be negative; expected 1-65535"),
        (True, "True: a port must be a number 1-65535, not a bool"),
        (8.0, "8.0: a port must be a number 1-65535, not a float"),
        ("", "'': a port must be a number 1-65535"),
    ],
)
def test_bad_ports_name_the_value_and_the_range(value, message):
    with pytest.raises(PortError) as exc:
        read_port(value)
    assert str(exc.value) == message


def test_a_huge_value_is_quoted_not_echoed():
    with pytest.raises(PortError) as exc:
        read_port("9" * 1_000_000)
    assert len(str(exc.value)) < 200


@given(st.integers(min_value=0, max_value=65535), st.integers(min_value=0, max_value=65535))
@BOUNDED
def test_port_ranges_in_both_spellings(a, b):
    low, high = min(a, b), max(a, b)
    assert read_port_range(f"{low}:{high}") == (low, high)
    assert read_port_range(f"{low}-{high}") == (low, high)
    if low < high:
        with pytest.raises(PortError, match="smaller port first"):
            read_port_range(f"{high}:{low}")


def test_open_ended_ranges_read_as_iptables_reads_them():
    assert read_port_range(":1023") == (0, 1023) and read_port_range("1024:") == (1024, 65535)


@given(st.binary(min_size=6, max_size=6), st.sampled_from(["-", ":", "dot", "bare"]))
@BOUNDED
def test_mac_forms_agree_with_netaddr(raw, form):
    pairs = [f"{b:02X}" for b in raw]
    if form == "dot":
        text = ".".join("".join(pairs[i : i + 2]) for i in (0, 2, 4))
    elif form == "bare":
        text = "".join(pairs)
    else:
        text = form.join(pairs)
    expected = str(netaddr.EUI(":".join(pairs), dialect=netaddr.mac_unix_expanded))
    assert read_mac(text) == expected


@pytest.mark.parametrize(
    "value", ["12345", "", "02:00:5e:00:00", "02:00:5e:00:00:0a:0b", "zz:00:5e:00:00:0a", 42, None]
)
def test_bad_macs_are_packet_errors(value):
    with pytest.raises(PacketError, match="not a MAC address"):
        read_mac(value)


@given(st.integers(min_value=0, max_value=32))
@BOUNDED
def test_netmasks_agree_with_ipaddress(prefix):
    mask = str(ipaddress.IPv4Network(f"0.0.0.0/{prefix}").netmask)
    assert read_netmask(mask) == prefix
    assert read_netmask(f"/{prefix}") == prefix


@given(st.ip_addresses())
@BOUNDED
def test_addresses_agree_with_ipaddress(addr):
    assert read_address(str(addr)) == addr
    assert read_interface(f"{addr}/{addr.max_prefixlen}").ip == addr


@given(st.text(max_size=40) | st.text(alphabet=string.hexdigits + ".:/ ", max_size=40))
@BOUNDED
def test_any_text_gives_a_value_or_a_netcourse_error(text):
    for reader in (
        read_port,
        read_port_range,
        read_mac,
        read_netmask,
        read_address,
        read_interface,
    ):
        try:
            reader(text)
        except NetcourseError:
            pass


@given(st.text(max_size=40))
@BOUNDED
def test_read_int_accepts_exactly_ascii_digit_strings(text):
    stripped = text.strip()
    ok = stripped != "" and all(c in string.digits for c in stripped)
    try:
        value = read_int(text, what="n")
    except NetcourseError:
        assert not ok
    else:
        assert ok and value == int(stripped)


def test_address_errors_keep_their_class_or_take_the_callers():
    with pytest.raises(AddressError, match="4th number is 256"):
        read_address("10.0.0.256")
    with pytest.raises(VpcError, match="4th number is 256"):
        read_address("10.0.0.256", error=VpcError)
