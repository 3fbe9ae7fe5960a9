"""The AWS resources of a VPC model as frozen dataclasses, and the protocol table they share.

Each class mirrors one ``aws ec2 describe-*`` resource, keeping only what decides where
traffic may go. Taught in notebooks/05-aws-vpc.ipynb.

>>> protocol_number("tcp"), protocol_number("6"), protocol_number("-1")
(6, 6, -1)
>>> protocol_name(17)
'udp'
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from netcourse.errors import VpcError
from netcourse.protocols import protocol_table

__all__ = [
    "PROTOCOLS",
    "port_range_text",
    "EPHEMERAL_PORTS",
    "INTERNET_ADDR",
    "RESERVED",
    "reserved_addresses",
    "protocol_number",
    "protocol_name",
    "parse_addr",
    "parse_net",
    "VpcNetwork",
    "Subnet",
    "NetworkInterface",
    "Instance",
    "InternetGateway",
    "NatGateway",
    "PeeringConnection",
]

#: IANA protocol numbers by the names AWS accepts; AWS writes "-1" for "all protocols".
PROTOCOLS: dict[str, int] = {"all": -1, **protocol_table(["icmp", "tcp", "udp", "icmpv6"])}

#: The client's ephemeral ports that return traffic goes to. AWS recommends allowing
#: 1024-65535 in network ACLs: Linux, Windows, ELB and NAT gateways each use a part of it.
EPHEMERAL_PORTS: tuple[int, int] = (1024, 65535)

#: The address that stands for "the internet" when a learner names it as an endpoint
#: (a documentation address from RFC 5737, never a real host).
INTERNET_ADDR = "198.51.100.100"

_NAMES = {number: name for name, number in PROTOCOLS.items()}

#: The addresses AWS keeps in every IPv4 subnet, by offset from the start (negative: from the
#: end), and why. A VPC has no broadcast, so even the last address is not given to hosts.
RESERVED: dict[int, str] = {
    0: "network address",
    1: "VPC router (the subnet's gateway; the VPC answers ARP itself)",
    2: "reserved by AWS (the Amazon DNS server is at the VPC's base address + 2)",
    3: "reserved by AWS for future use",
    -1: "broadcast address: not used, a VPC does not support broadcast",
}


def reserved_addresses(cidr: str) -> dict[str, str]:
    """The five addresses of an IPv4 subnet that AWS reserves, and why.

    >>> reserved_addresses("10.0.1.0/24")["10.0.1.1"]
    "VPC router (the subnet's gateway; the VPC answers ARP itself)"
    >>> len(reserved_addresses("10.0.1.0/28"))
    5
    """
    net = parse_net(cidr, "subnet")
    if net.version != 4:
        raise VpcError(f"{cidr!r}: AWS's five reserved addresses are an IPv4 rule")
    if net.prefixlen > 28 or net.prefixlen < 16:
        raise VpcError(f"{cidr!r}: an AWS subnet is between /16 and /28")
    return {str(net[offset]): why for offset, why in RESERVED.items()}


def protocol_number(value: str | int) -> int:
    """The protocol number for an AWS protocol value ("-1", "tcp", "6", 17...).

    >>> protocol_number("udp")
    17
    """
    text = str(value).strip().lower()
    if text in PROTOCOLS:
        return PROTOCOLS[text]
    try:
        number = int(text)
    except ValueError:
        raise VpcError(
            f"protocol {value!r}: expected tcp, udp, icmp, -1 (all) or a protocol number"
        ) from None
    if number == -1 or 0 <= number <= 255:
        return number
    raise VpcError(f"protocol {value!r}: a protocol number is 0-255, or -1 for all")


def protocol_name(number: int) -> str:
    """A readable name for a protocol number ("all" for -1).

    >>> protocol_name(-1), protocol_name(47)
    ('all', '47')
    """
    return _NAMES.get(number, str(number))


def port_range_text(ports: tuple[int, int] | None) -> str:
    """A port range as the AWS console shows it.

    >>> port_range_text(None), port_range_text((443, 443)), port_range_text((1024, 65535))
    ('all', '443', '1024-65535')
    """
    if ports is None:
        return "all"
    low, high = ports
    return str(low) if low == high else f"{low}-{high}"


def parse_addr(text: str, where: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """An IP address, or a VpcError naming the resource it came from.

    >>> parse_addr("10.0.1.10", "i-1")
    IPv4Address('10.0.1.10')
    """
    try:
        return ipaddress.ip_address(str(text).strip())
    except ValueError:
        raise VpcError(f"{where}: {text!r} is not an IP address") from None


def parse_net(text: str, where: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """A CIDR block (host bits must be zero), or a VpcError naming the resource.

    >>> parse_net("10.0.0.0/16", "vpc-1")
    IPv4Network('10.0.0.0/16')
    """
    try:
        return ipaddress.ip_network(str(text).strip())
    except ValueError as exc:
        raise VpcError(f"{where}: {text!r} is not a CIDR block ({exc})") from None


@dataclass(frozen=True)
class VpcNetwork:
    """One VPC: its id and CIDR blocks (the primary block first)."""

    vpc_id: str
    cidrs: tuple[str, ...]
    name: str = ""

    @property
    def networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        """The CIDR blocks as ipaddress networks."""
        return tuple(ipaddress.ip_network(c) for c in self.cidrs)

    def contains(self, addr) -> bool:
        """Whether an address lies inside one of the VPC's CIDR blocks."""
        addr = ipaddress.ip_address(addr)
        return any(addr in net for net in self.networks if net.version == addr.version)


@dataclass(frozen=True)
class Subnet:
    """A subnet: lives in one VPC and one availability zone; public when its routes reach an IGW."""

    subnet_id: str
    vpc_id: str
    cidr: str
    zone: str = ""
    name: str = ""

    @property
    def network(self) -> ipaddress.IPv4Network:
        """The subnet's CIDR block as an ipaddress network."""
        return ipaddress.ip_network(self.cidr)


@dataclass(frozen=True)
class NetworkInterface:
    """An elastic network interface (ENI): where security groups apply."""

    eni_id: str
    subnet_id: str
    vpc_id: str
    private_ip: str
    public_ip: str | None
    group_ids: tuple[str, ...]
    instance_id: str | None = None
    device_index: int = 0


@dataclass(frozen=True)
class Instance:
    """An EC2 instance and its network interfaces (the primary one first)."""

    instance_id: str
    subnet_id: str
    vpc_id: str
    private_ip: str
    public_ip: str | None
    interfaces: tuple[NetworkInterface, ...]
    name: str = ""
    state: str = "running"

    @property
    def primary(self) -> NetworkInterface:
        """The primary network interface (device index 0)."""
        return self.interfaces[0]

    @property
    def label(self) -> str:
        """The Name tag if there is one, else the instance id."""
        return self.name or self.instance_id


@dataclass(frozen=True)
class InternetGateway:
    """An internet gateway: one-to-one NAT between public and private IPv4 addresses."""

    igw_id: str
    vpc_ids: tuple[str, ...]
    name: str = ""


@dataclass(frozen=True)
class NatGateway:
    """A NAT gateway: outbound-only translation for private subnets, living in a public subnet."""

    nat_id: str
    subnet_id: str
    vpc_id: str
    state: str
    private_ip: str | None
    public_ip: str | None
    connectivity: str = "public"
    name: str = ""

    @property
    def available(self) -> bool:
        """Whether the NAT gateway forwards traffic (state "available")."""
        return self.state == "available"


@dataclass(frozen=True)
class PeeringConnection:
    """A VPC peering connection between a requester and an accepter VPC (not transitive)."""

    pcx_id: str
    requester_vpc: str
    accepter_vpc: str
    status: str = "active"
    name: str = field(default="")

    @property
    def active(self) -> bool:
        """Whether the peering connection carries traffic (status "active")."""
        return self.status == "active"

    def peer_of(self, vpc_id: str) -> str | None:
        """The VPC at the other end from ``vpc_id``, or None if ``vpc_id`` is not an end."""
        if vpc_id == self.requester_vpc:
            return self.accepter_vpc
        if vpc_id == self.accepter_vpc:
            return self.requester_vpc
        return None
