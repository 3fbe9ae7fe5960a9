"""Link types: every reader takes them from netcourse.protocols.LINK_TYPES and reads them all."""

from __future__ import annotations

import pytest

from netcourse.errors import PacketError
from netcourse.packets import conversations, dissect, read_capture
from netcourse.packets.columns import columns
from netcourse.packets.dissect import LINKTYPES
from netcourse.packets.link import link_type, link_type_of, scapy_class
from netcourse.protocols import LINK_TYPES


def test_dissect_offers_exactly_the_vocabularys_link_types():
    assert set(LINKTYPES) == set(LINK_TYPES) >= {1, 101, 113, 228, 229, 276}
    for number, (cls, description) in LINKTYPES.items():
        assert cls.__name__ == LINK_TYPES[number].scapy
        assert description == LINK_TYPES[number].description


@pytest.mark.parametrize("number", sorted(LINK_TYPES))
def test_scapy_class_dissects_the_header_the_vocabulary_describes(number):
    lt = LINK_TYPES[number]
    cls = scapy_class(number)
    assert cls.__name__ == lt.scapy
    if lt.header and lt.fixed_header:  # the class's own fields fill exactly the link header
        assert len(cls()) == lt.header
    elif lt.header:  # a header that varies has at least the fewest bytes it can have
        assert len(cls()) >= lt.header


def test_raw_ip_picks_the_version_from_the_first_nibble():
    assert scapy_class(101, b"\x45").__name__ == "IP"
    assert scapy_class(101, b"\x60").__name__ == "IPv6"
    assert scapy_class(228, b"\x60").__name__ == "IP"  # raw IPv4 is IPv4, whatever it holds
    assert scapy_class(229, b"\x45").__name__ == "IPv6"


@pytest.mark.parametrize("bad", [9999, 105, 220, -1, "1", 1.0, True, None])
def test_unknown_link_types_name_the_supported_ones(bad):
    with pytest.raises(PacketError, match=r"not supported; supported are 1 \(Ethernet\), 101"):
        link_type(bad)


@pytest.mark.parametrize(
    "number, name",
    [(105, "LINKTYPE_IEEE802_11"), (220, "LINKTYPE_USB_LINUX_MMAPPED"), (9999, "not a LINKTYPE")],
)
def test_unknown_link_types_are_named(number, name):
    with pytest.raises(PacketError, match=rf"^link type {number}: .*; {number} is {name}"):
        link_type(number)


def test_scapy_layer_names_map_to_link_types():
    assert link_type_of(["CookedLinuxV2"]) == 276 and link_type_of(["CookedLinux"]) == 113
    assert link_type_of(["IP"]) == 101 and link_type_of(["IP", "IPv6"]) == 101
    assert link_type_of([]) is None and link_type_of(["Dot1Q"]) is None


@pytest.mark.parametrize("number", [113, 276])
def test_a_frame_shorter_than_its_cooked_header_is_refused(number):
    size = LINK_TYPES[number].header
    with pytest.raises(
        PacketError, match=rf"too short for a Linux cooked-mode .* \(it needs {size}\)"
    ):
        dissect(b"\x00" * (size - 1), linktype=number)


@pytest.mark.parametrize("fmt", ["pcap", "pcapng"])
@pytest.mark.parametrize("number", sorted(LINK_TYPES))
def test_every_reader_reads_every_link_type(link_captures, number, fmt):
    """read_capture, dissect, columns, the bulk decoder and conversations on each link type."""
    lt = LINK_TYPES[number]
    cap = read_capture(link_captures[(number, fmt)])
    assert len(cap) > 0 and all(cap.linktype(n) == number for n in range(1, len(cap) + 1))
    for n in range(1, len(cap) + 1):
        d = cap.dissect(n)
        assert not d.malformed, (n, d.problems)
        names = [layer.name for layer in d.layers]
        assert {"IP", "IPv6", "ARP"} & set(names), names
        assert cap[n - 1].protocol in ("TCP", "UDP", "ICMP", "ICMPv6", "ARP")
        assert columns(cap.frame(n), number)[2] == cap[n - 1].protocol
    versions = {"ipv4": {4}, "ipv6": {6}}.get(lt.decode, {4, 6})
    assert set(cap.columns.version.tolist()) - {0} == versions
    tcp_client = {4: 40000, 6: 40002}  # the client port of each version's TCP conversation
    clients = {c.port_a for c in conversations(cap.path, "tcp")}
    assert clients == {tcp_client[version] for version in versions}


@pytest.mark.parametrize("number, name", [(220, "LINKTYPE_USB_LINUX_MMAPPED"), (4321, "not a")])
def test_a_link_type_no_decoder_reads_is_named_not_an_empty_table(tmp_path, number, name):
    """conversations() and display filters say which link type they cannot read."""
    from netcourse.errors import CaptureError
    from netcourse.packets import matching
    from netcourse.packets.synthetic import write_capture

    path = write_capture(tmp_path / "other.pcap", [b"\x00" * 40] * 3, [0, 1, 2], linktype=number)
    cap = read_capture(path)
    assert len(cap) == 3 and cap[0].protocol == f"LINKTYPE {number}"  # still listed
    message = rf"3 of 3 frames have link type {number} \({name}.*supported are 1 \(Ethernet\)"
    with pytest.raises(CaptureError, match=message):
        conversations(path, "tcp")
    with pytest.raises(CaptureError, match=message):
        matching(cap, "tcp")
