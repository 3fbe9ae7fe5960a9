"""How the journey reads scenario values (netcourse.journey.fields): IPv4, ports, 4-tuples."""

import ipaddress
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netcourse.errors import JourneyError
from netcourse.journey.fields import read_field, read_four_tuple, read_ipv4, read_tcp_port

FUZZ = settings(max_examples=150, deadline=None)

#: Values a learner might type for an address or a port, good and bad.
values = st.one_of(
    st.integers(-5, 70000),
    st.text(alphabet="0123456789.:/abcx １² -", max_size=16),
    st.builds(lambda n: str(ipaddress.IPv4Address(n)), st.integers(0, 2**32 - 1)),
    st.builds(lambda n: str(ipaddress.IPv6Address(n)), st.integers(0, 2**128 - 1)),
    st.none(),
    st.floats(),
    st.booleans(),
)


def bounded(call, *args):
    started = time.perf_counter()
    try:
        return call(*args)
    except JourneyError:
        return None
    finally:
        assert time.perf_counter() - started < 1.0


@FUZZ
@given(values)
def test_ipv4_is_what_ipaddress_reads_as_ipv4_or_a_journey_error(value):
    got = bounded(read_ipv4, value)
    if got is None:
        return
    assert isinstance(value, str)
    assert got == str(ipaddress.IPv4Address(value.strip()))


@FUZZ
@given(values)
def test_port_is_a_whole_number_1_to_65535_or_a_journey_error(value):
    got = bounded(read_tcp_port, value)
    if got is None:
        if isinstance(value, int) and not isinstance(value, bool):
            assert not 1 <= value <= 65535
        return
    text = value.strip() if isinstance(value, str) else value
    assert got == int(text) and 1 <= got <= 65535
    assert not isinstance(value, bool | float)
    assert not isinstance(value, str) or text.isascii()


@FUZZ
@given(st.one_of(st.tuples(values, values, values, values), st.lists(values, max_size=5), values))
def test_four_tuple_reads_each_part_or_names_the_bad_one(value):
    try:
        got = read_four_tuple(value)
    except JourneyError as exc:
        message = str(exc)
        parts = ("src_ip", "src_port", "dst_ip", "dst_port")
        assert message.startswith(parts) or "a four_tuple is" in message
        return
    assert got == (
        read_ipv4(value[0]),
        read_tcp_port(value[1]),
        read_ipv4(value[2]),
        read_tcp_port(value[3]),
    )


def test_read_field_names_the_field():
    with pytest.raises(JourneyError, match=r"^client_port: 'abc': a port must be a number"):
        read_field(read_tcp_port, "abc", "client_port")
    with pytest.raises(JourneyError, match=r"^target: '2001:db8::1': an IPv6 address"):
        read_field(read_ipv4, "2001:db8::1", "target")
