"""The AWS resources of a VPC model as frozen dataclasses, and the vocabulary they share.

Each class mirrors one ``aws ec2 describe-*`` resource, keeping only what decides where
traffic may go; :class:`Endpoint` is one end of a path through them. The readers here turn
one field of describe-* data into a value, or raise a :class:`~netcourse.errors.VpcError`
naming the resource and the field. Protocol numbers and ICMP types come from
:mod:`netcourse.protocols`. Taught in notebooks/05-aws-vpc.ipynb.

>>> protocol_number("tcp"), protocol_number("6"), protocol_number("-1")
(6, 6, -1)
>>> protocol_name(17), protocol_name(-1)
('udp', 'all')
>>> reply_type(PROTOCOLS["icmp"], 8), reply_type(PROTOCOLS["icmpv6"], 128)
(0, 129)
"""

from __future__ import annotations

import ipaddress
from dataclasses import KW_ONLY, dataclass, field

from netcourse import protocols
from netcourse.cidr import CLOUD_PROVIDERS, SPECIAL_RANGES
from netcourse.errors import VpcError, quote
from netcourse.protocols import ICMP_TYPES, ICMPV6_TYPES, IcmpType, protocol_table
from netcourse.readers import read_address, read_int, read_interface

__all__ = [
    "PROTOCOLS",
    "PORT_PROTOCOLS",
    "ICMP_PROTOCOLS",
    "ECHO_REQUEST",
    "QUESTION_ICMP_CODE",
    "port_range_text",
    "EPHEMERAL_PORTS",
    "INTERNET_ADDR",
    "INTERNET_ADDR6",
    "RESERVED",
    "MAX_DEPTH",
    "reserved_addresses",
    "internet_restriction",
    "RUNNING",
    "protocol_number",
    "protocol_name",
    "reply_type",
    "return_ports",
    "direction_name",
    "parse_addr",
    "parse_net",
    "read_number",
    "read_text",
    "read_list",
    "read_dict",
    "read_flag",
    "name_tag",
    "check_depth",
    "VpcNetwork",
    "VpcSubnet",
    "ENI_KINDS",
    "NO_GROUP_KINDS",
    "NOT_ENDPOINT_KINDS",
    "eni_kind",
    "NetworkInterface",
    "Instance",
    "InternetGateway",
    "EgressOnlyInternetGateway",
    "NatGateway",
    "PeeringConnection",
    "PrefixList",
    "Endpoint",
]

#: IANA protocol numbers by the names AWS accepts; AWS writes "-1" for "all protocols".
PROTOCOLS: dict[str, int] = {"all": -1, **protocol_table(["icmp", "tcp", "udp", "icmpv6"])}

#: The protocols whose rules and packets carry ports (TCP and UDP).
PORT_PROTOCOLS: frozenset[int] = frozenset(protocol_table(["tcp", "udp"]).values())

#: The ICMP protocols, each with its table of types: AWS puts the ICMP type where TCP and UDP
#: have a port (``FromPort`` of a security group rule, ``IcmpTypeCode`` of an ACL entry).
ICMP_PROTOCOLS: dict[int, dict[int, IcmpType]] = {
    PROTOCOLS["icmp"]: ICMP_TYPES,
    PROTOCOLS["icmpv6"]: ICMPV6_TYPES,
}

#: The type a ping sends (echo request) in each ICMP protocol: what a reachability question
#: about ICMP asks when no type is given.
ECHO_REQUEST: dict[int, int] = {
    proto: next(t.number for t in types.values() if t.name == "echo-request")
    for proto, types in ICMP_PROTOCOLS.items()
}

#: The ICMP code of the messages a reachability question sends and answers: echo request and
#: reply, timestamp and its reply all have code 0, so a rule for another code does not match.
QUESTION_ICMP_CODE = 0

#: The client's ephemeral ports that return traffic goes to: the range covering every client's
#: (protocols.EPHEMERAL_PORT_RANGES), 1024-65535, as AWS recommends for network ACLs.
EPHEMERAL_PORTS: tuple[int, int] = (
    min(low for low, _ in protocols.EPHEMERAL_PORT_RANGES.values()),
    max(high for _, high in protocols.EPHEMERAL_PORT_RANGES.values()),
)

#: The address that stands for "the internet" when a learner names it as an endpoint
#: (a documentation address from RFC 5737, never a real host).
INTERNET_ADDR = "198.51.100.100"

#: The address that stands for "the internet" in a question asked over IPv6 (ICMPv6, or an
#: IPv6 address at the other end): a documentation address from RFC 3849.
INTERNET_ADDR6 = "2001:db8::100"

#: How deeply describe-* data may nest. ``aws ec2 describe-instances`` nests about 10 levels
#: (Reservations > Instances > NetworkInterfaces > PrivateIpAddresses > Association); anything
#: far deeper is not describe-* output, and would exhaust Python's recursion limit.
MAX_DEPTH = 32

#: The addresses AWS keeps in every IPv4 subnet, by offset from the start (negative: from the
#: end), and why: the cloud subnet calculator's AWS rules (netcourse.cidr.CLOUD_PROVIDERS).
RESERVED: dict[int, str] = dict(CLOUD_PROVIDERS["aws"].reserved)

_DIRECTIONS = {
    "inbound": "inbound",
    "ingress": "inbound",
    "in": "inbound",
    "outbound": "outbound",
    "egress": "outbound",
    "out": "outbound",
}


def _prefix(where: str | None) -> str:
    return f"{where}: " if where else ""


# --- reading fields of describe-* data -----------------------------------------------------


def check_depth(value: object, where: str, limit: int = MAX_DEPTH) -> None:
    """Refuse data nested deeper than ``limit`` levels, naming where it gets too deep.

    Walked without recursion, so even a self-referencing structure ends in a VpcError.

    >>> check_depth({"Vpcs": [{"VpcId": "vpc-1"}]}, "data")
    >>> check_depth("text", "data")
    >>> check_depth([[[[1]]]], "data", limit=3)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    netcourse.errors.VpcError: data: nested more than 3 levels deep at '[0][0][0]'; describe-* ...
    """
    containers = (dict, list, tuple)
    stack: list[tuple[object, int, tuple | None]] = []  # (container, depth, trail to it)
    if isinstance(value, containers):
        stack.append((value, 0, None))
    while stack:
        item, depth, trail = stack.pop()
        pairs = item.items() if isinstance(item, dict) else enumerate(item)
        if depth >= limit:
            steps = []
            while trail is not None:
                trail, key = trail
                steps.append(f".{key}" if isinstance(key, str) else f"[{key!r}]")
            spot = "".join(reversed(steps)).lstrip(".")
            raise VpcError(
                f"{where}: nested more than {limit} levels deep at {quote(spot)}; "
                "describe-* output nests about 10"
            )
        stack.extend(
            (child, depth + 1, (trail, key))
            for key, child in pairs
            if isinstance(child, containers)
        )


def read_number(
    value: object,
    *,
    where: str,
    field: str,
    what: str = "number",
    low: int = 0,
    high: int | None = None,
    all_value: bool = False,
) -> int:
    """An integer field (an int or ASCII digits, as AWS reads it); ``all_value`` admits -1.

    >>> read_number("443", where="sg-1", field="FromPort", what="port", high=65535)
    443
    >>> read_number("٤٤٣", where="sg-1", field="FromPort", what="port")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    netcourse.errors.VpcError: sg-1: FromPort '٤٤٣': a port is written with the digits 0-9 ...
    """
    if all_value and not isinstance(value, bool) and value in (-1, "-1"):
        return -1
    try:
        return read_int(value, what=what, low=low, high=high, error=VpcError)
    except VpcError as exc:
        raise VpcError(f"{where}: {field} {exc}") from None


def read_text(
    item: dict, key: str, *, where: str, default: str | None = None, required: bool = False
) -> str:
    """A text field of a describe-* resource: missing gives ``default``, else it must be text.

    >>> read_text({"VpcId": "vpc-1"}, "VpcId", where="subnet-1")
    'vpc-1'
    >>> read_text({"VpcId": 7}, "VpcId", where="subnet-1")
    Traceback (most recent call last):
    ...
    netcourse.errors.VpcError: subnet-1: VpcId should be text, got 7
    """
    value = item.get(key)
    if value is None or value == "":
        if required:
            raise VpcError(f"{where}: no {key}")
        return "" if default is None else default
    if not isinstance(value, str):
        raise VpcError(f"{where}: {key} should be text, got {quote(value)}")
    return value


def read_list(item: dict, key: str, *, where: str) -> list:
    """A list field (missing or null: empty), or a VpcError naming it.

    >>> read_list({"Routes": None}, "Routes", where="rtb-1")
    []
    """
    value = item.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise VpcError(f"{where}: {key} should be a list, got {type(value).__name__}")
    return value


def read_dict(value: object, *, where: str, field: str) -> dict:
    """A value that must be a dict (one item of a list, or a nested object).

    >>> read_dict({"From": 1}, where="acl-1 rule 100", field="PortRange")
    {'From': 1}
    """
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise VpcError(f"{where}: {field} should be an object (a dict), got {quote(value)}")
    return value


def read_flag(item: dict, key: str, *, where: str, default: bool = False) -> bool:
    """A true/false field: JSON's true and false only (the text "false" is not false).

    >>> read_flag({"Egress": True}, "Egress", where="acl-1 rule 100")
    True
    """
    value = item.get(key, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise VpcError(f"{where}: {key} {quote(value)}: expected true or false")
    return value


def name_tag(item: dict, where: str = "") -> str:
    """The value of a resource's ``Name`` tag, or "".

    >>> name_tag({"Tags": [{"Key": "Name", "Value": "web"}]})
    'web'

    Tags written as a dict (``{"Name": "web"}``, as Terraform and CloudFormation outputs give
    them) are read too:

    >>> name_tag({"Tags": {"Name": "web", "env": "dev"}})
    'web'
    """
    tags = item.get("Tags")
    if isinstance(tags, dict):
        value = tags.get("Name", "")
        if not isinstance(value, str):
            raise VpcError(f"{where or 'resource'}: Tags.Name should be text, got {quote(value)}")
        return value
    for index, tag in enumerate(read_list(item, "Tags", where=where or "resource")):
        if isinstance(tag, dict) and tag.get("Key") == "Name":
            value = tag.get("Value", "")
            if not isinstance(value, str):
                raise VpcError(
                    f"{where or 'resource'}: Tags[{index}].Value of the Name tag should be text, "
                    f"got {quote(value)}"
                )
            return value
    return ""


# --- protocols, ports, directions ----------------------------------------------------------


def protocol_number(value: str | int, *, where: str | None = None, field: str = "protocol") -> int:
    """The protocol number for an AWS protocol value ("-1", "tcp", "6", 17...).

    >>> protocol_number("udp")
    17
    >>> protocol_number("sctp", where="acl-1 rule 100", field="Protocol")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    netcourse.errors.VpcError: acl-1 rule 100: Protocol 'sctp': expected tcp, udp, icmp, ...
    """
    expected = (
        "expected tcp, udp, icmp, icmpv6, -1 (all) or a protocol number 0-255 (AWS names "
        "only these four)"
    )
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise VpcError(f"{_prefix(where)}{field} {quote(value)}: {expected}")
    text = str(value).strip().lower()
    if text in PROTOCOLS:
        return PROTOCOLS[text]
    if text == str(PROTOCOLS["all"]):
        return PROTOCOLS["all"]
    try:
        number = read_int(text, what="protocol number", high=255, error=VpcError)
    except VpcError:
        raise VpcError(f"{_prefix(where)}{field} {quote(value)}: {expected}") from None
    return number


def protocol_name(number: int) -> str:
    """A readable name for a protocol number: "all" for -1, else its /etc/protocols name.

    >>> protocol_name(-1), protocol_name(6), protocol_name(47), protocol_name(253)
    ('all', 'tcp', 'gre', '253')
    """
    return "all" if number == PROTOCOLS["all"] else protocols.protocol_name(number)


def reply_type(proto: int, icmp_type: int | None) -> int | None:
    """The ICMP type that answers ``icmp_type`` (echo request 8 -> echo reply 0), or None.

    >>> reply_type(1, 13), reply_type(1, 3)
    (14, None)
    """
    if not isinstance(icmp_type, int):
        return None
    kind = ICMP_PROTOCOLS.get(proto, {}).get(icmp_type)
    return None if kind is None else kind.reply


def return_ports(proto: int, port: int | None) -> tuple[int, int] | None:
    """What a network ACL must let back for the reply: ports for TCP/UDP, a type for ICMP.

    TCP and UDP replies go to the client's ephemeral ports; an ICMP request is answered with
    its reply type. None means the reply is matched on protocol alone (an ICMP message that
    has no reply type, or a protocol without ports).

    >>> return_ports(6, 443), return_ports(1, 8), return_ports(1, 3)
    ((1024, 65535), (0, 0), None)
    """
    if proto in PORT_PROTOCOLS:
        return EPHEMERAL_PORTS
    reply = reply_type(proto, port)
    return None if reply is None else (reply, reply)


def direction_name(direction: str) -> str:
    """Normalise a direction to "inbound" or "outbound" ("ingress"/"egress" are accepted).

    >>> direction_name("egress")
    'outbound'
    """
    key = direction.strip().lower() if isinstance(direction, str) else None
    if key not in _DIRECTIONS:
        raise VpcError(f"direction {quote(direction)}: expected 'inbound' or 'outbound'")
    return _DIRECTIONS[key]


def port_range_text(ports: tuple[int, int] | None) -> str:
    """A port range as the AWS console shows it.

    >>> port_range_text(None), port_range_text((443, 443)), port_range_text((1024, 65535))
    ('all', '443', '1024-65535')
    """
    if ports is None:
        return "all"
    low, high = ports
    return str(low) if low == high else f"{low}-{high}"


# --- addresses -----------------------------------------------------------------------------


def parse_addr(text: str, where: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """An IP address, or a VpcError naming the resource (and field) it came from.

    >>> parse_addr("10.0.1.10", "i-1 PrivateIpAddress")
    IPv4Address('10.0.1.10')
    >>> parse_addr("10.0.1.256", "i-1 PrivateIpAddress")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    netcourse.errors.VpcError: i-1 PrivateIpAddress: '10.0.1.256': the 4th number is 256, ...
    """
    try:
        return read_address(text, error=VpcError)
    except VpcError as exc:
        raise VpcError(f"{where}: {exc}") from None


def parse_net(text: str, where: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """A CIDR block (host bits must be zero), or a VpcError naming the resource and field.

    >>> parse_net("10.0.0.0/16", "vpc-1 CidrBlock")
    IPv4Network('10.0.0.0/16')
    >>> parse_net("10.0.1.5/24", "vpc-1 CidrBlock")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    netcourse.errors.VpcError: vpc-1 CidrBlock: '10.0.1.5/24' has host bits set; the block is ...
    """
    if isinstance(text, str) and len(text.split()) > 1:
        raise VpcError(
            f"{where}: {quote(text)} is not a CIDR block; write it as address/prefix, "
            "like 10.0.0.0/16"
        )
    try:
        interface = read_interface(text, error=VpcError)
    except VpcError as exc:
        raise VpcError(f"{where}: not a CIDR block: {exc}") from None
    if interface.ip != interface.network.network_address:
        raise VpcError(
            f"{where}: {quote(text)} has host bits set; the block is {interface.network}"
        )
    return interface.network


def reserved_addresses(cidr: str) -> dict[str, str]:
    """The five addresses of an IPv4 subnet that AWS reserves, and why.

    >>> reserved_addresses("10.0.1.0/24")["10.0.1.1"]
    'VPC router'
    >>> len(reserved_addresses("10.0.1.0/28"))
    5
    """
    net = parse_net(cidr, "subnet")
    if net.version != 4:
        raise VpcError(f"{quote(cidr)}: AWS's five reserved addresses are an IPv4 rule")
    aws = CLOUD_PROVIDERS["aws"]
    if not aws.largest <= net.prefixlen <= aws.smallest:
        raise VpcError(
            f"{quote(cidr)}: an AWS subnet is between /{aws.largest} and /{aws.smallest}"
        )
    return {str(net[offset]): why for offset, why in RESERVED.items()}


#: Special ranges whose addresses are internet hosts' as far as a lesson is concerned: the
#: documentation and benchmarking blocks stand for internet hosts in examples and tests.
_STANDS_FOR_INTERNET = ("documentation", "benchmarking (RFC 2544)")

#: The special ranges, most specific first, as networks.
_SPECIAL = sorted(
    ((ipaddress.ip_network(net), label) for net, label in SPECIAL_RANGES),
    key=lambda pair: -pair[0].prefixlen,
)


def internet_restriction(addr) -> tuple[str, str] | None:
    """Why ``addr`` cannot be an internet host's address: ("RFC1918" | "RFC6598" | "other",
    the range's name), or None when it can (public and documentation addresses).

    Internet gateways drop traffic from or to RFC 1918 and RFC 6598 (CGNAT) addresses; other
    special ranges (loopback, link-local, multicast, IPv6 unique local) are never routed there.

    >>> internet_restriction("10.1.2.3"), internet_restriction("100.64.0.9")[0]
    (('RFC1918', 'private (RFC 1918)'), 'RFC6598')
    >>> internet_restriction("127.0.0.1"), internet_restriction("198.51.100.7")
    (('other', 'loopback'), None)
    """
    addr = ipaddress.ip_address(addr)
    label = next(
        (lbl for net, lbl in _SPECIAL if net.version == addr.version and addr in net), None
    )
    if label is None or label in _STANDS_FOR_INTERNET:
        return None
    if "RFC 1918" in label:
        return "RFC1918", label
    if "RFC 6598" in label:
        return "RFC6598", label
    return "other", label


#: The instance state in which an instance sends and answers traffic. Pending, stopping,
#: stopped and shutting-down instances do neither (terminated ones are not loaded at all).
RUNNING = "running"


# --- resources -----------------------------------------------------------------------------


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
class VpcSubnet:
    """A VPC subnet: lives in one VPC and one availability zone; public when its routes reach
    an internet gateway. (The CIDR lesson's :class:`netcourse.cidr.Subnet` is the arithmetic
    of any address block; this is the AWS resource.)"""

    subnet_id: str
    vpc_id: str
    cidr: str
    zone: str = ""
    name: str = ""
    _: KW_ONLY
    #: The subnet's IPv6 blocks (a /64 each, from ``Ipv6CidrBlockAssociationSet``). An
    #: IPv6-only subnet has no IPv4 block: its ``cidr`` is then its first IPv6 block.
    ipv6_cidrs: tuple[str, ...] = ()

    @property
    def network(self) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
        """The subnet's CIDR block (IPv4, or IPv6 for an IPv6-only subnet) as a network."""
        return ipaddress.ip_network(self.cidr)

    @property
    def networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        """Every block of the subnet, IPv4 first."""
        return tuple(dict.fromkeys((self.network, *map(ipaddress.ip_network, self.ipv6_cidrs))))

    @property
    def ipv6_only(self) -> bool:
        """Whether the subnet has no IPv4 block (AWS: ``Ipv6Native``)."""
        return self.network.version == 6

    def contains(self, addr) -> bool:
        """Whether an address lies in one of the subnet's blocks.

        >>> VpcSubnet("subnet-1", "vpc-1", "10.0.1.0/24", ipv6_cidrs=("2001:db8:0:1::/64",)
        ...     ).contains("2001:db8:0:1::10")
        True
        """
        addr = ipaddress.ip_address(addr)
        return any(addr in net for net in self.networks if net.version == addr.version)


#: What an ENI is for, from the fields describe-network-interfaces prints: InterfaceType
#: values first (exact), then how the Description starts, then RequesterId. Services create
#: these interfaces in your subnets; they have no EC2 instance behind them.
ENI_KINDS: tuple[tuple[str, str, str], ...] = (
    ("InterfaceType", "lambda", "lambda"),
    ("InterfaceType", "nat_gateway", "nat-gateway"),
    ("InterfaceType", "natGateway", "nat-gateway"),
    ("InterfaceType", "vpc_endpoint", "vpc-endpoint"),
    ("InterfaceType", "network_load_balancer", "load-balancer"),
    ("InterfaceType", "load_balancer", "load-balancer"),
    ("InterfaceType", "gateway_load_balancer", "load-balancer"),
    ("InterfaceType", "gateway_load_balancer_endpoint", "vpc-endpoint"),
    ("InterfaceType", "transit_gateway", "transit-gateway"),
    ("Description", "AWS Lambda VPC ENI", "lambda"),
    ("Description", "Interface for NAT Gateway", "nat-gateway"),
    ("Description", "VPC Endpoint Interface", "vpc-endpoint"),
    ("Description", "ELB ", "load-balancer"),
    ("RequesterId", "amazon-elb", "load-balancer"),
)

#: The kinds of interface AWS lets run without a security group (NAT and transit gateways; a
#: network load balancer or gateway load balancer endpoint created without one): an interface
#: of these kinds with no group filters nothing. An instance's interface always has a group.
NO_GROUP_KINDS = frozenset({"nat-gateway", "transit-gateway", "load-balancer", "vpc-endpoint"})

#: Kinds of interface that carry other traffic but neither start nor answer a connection.
NOT_ENDPOINT_KINDS = frozenset({"nat-gateway", "transit-gateway"})


def eni_kind(*, interface_type: str = "", description: str = "", requester_id: str = "") -> str:
    """What an ENI is for: "instance", "lambda", "load-balancer", "nat-gateway", "vpc-endpoint"...

    >>> eni_kind(description="ELB app/shop-alb/50dc6c495c0c9188", requester_id="amazon-elb")
    'load-balancer'
    >>> eni_kind(interface_type="lambda"), eni_kind(interface_type="interface")
    ('lambda', 'interface')
    """
    fields = {
        "InterfaceType": interface_type or "",
        "Description": description or "",
        "RequesterId": requester_id or "",
    }
    for key, value, kind in ENI_KINDS:
        text = fields[key]
        if (text == value) if key == "InterfaceType" else text.startswith(value):
            return kind
    return "interface"


@dataclass(frozen=True, kw_only=True)
class NetworkInterface:
    """An elastic network interface (ENI): where security groups apply, the unit of a path.

    An instance has one or more; services (Lambda, load balancers, NAT gateways, interface
    endpoints) create ENIs of their own with no instance behind them.
    """

    eni_id: str
    subnet_id: str
    vpc_id: str
    #: The primary private IPv4 address ("" for an interface in an IPv6-only subnet).
    private_ip: str
    #: The public IPv4 address (or Elastic IP) mapped to the primary private address.
    public_ip: str | None
    group_ids: tuple[str, ...]
    instance_id: str | None = None
    device_index: int = 0
    #: The interface's IPv6 addresses. AWS gives only global unicast addresses, so they are
    #: reachable from the internet when the routes and gateways allow: IPv6 has no NAT here.
    ipv6_addrs: tuple[str, ...] = ()
    #: Secondary private IPv4 addresses (assign-private-ip-addresses), after the primary.
    secondary_ips: tuple[str, ...] = ()
    #: Public IPv4 address of each private address that has one: (private, public) pairs. An
    #: internet gateway translates only these; a secondary address needs its own Elastic IP.
    public_ips: tuple[tuple[str, str], ...] = ()
    #: Source/destination check: when on (the default), the interface drops traffic that is
    #: neither from nor to one of its own addresses, so it cannot forward (NAT instances).
    source_dest_check: bool = True
    #: What the interface is for (see :func:`eni_kind`): "interface" for an instance's.
    kind: str = "interface"
    description: str = ""
    #: "in-use" when attached (to an instance or a service), "available" when detached.
    status: str = "in-use"
    name: str = ""

    @property
    def addresses(self) -> tuple[str, ...]:
        """Every private address: primary IPv4, secondary IPv4, then IPv6 (no public IPv4)."""
        return tuple(a for a in (self.private_ip, *self.secondary_ips, *self.ipv6_addrs) if a)

    def address(self, version: int) -> str | None:
        """The interface's first address of this IP version (4 or 6), or None.

        >>> NetworkInterface(eni_id="eni-1", subnet_id="subnet-1", vpc_id="vpc-1",
        ...     private_ip="10.0.1.5", public_ip=None, group_ids=(),
        ...     ipv6_addrs=("2001:db8::5",)).address(6)
        '2001:db8::5'
        """
        if version == 4:
            return self.private_ip or (self.secondary_ips[0] if self.secondary_ips else None)
        return self.ipv6_addrs[0] if self.ipv6_addrs else None

    def public_for(self, private: str) -> str | None:
        """The public IPv4 address mapped to one of the interface's private addresses, or None.

        >>> eni = NetworkInterface(eni_id="eni-1", subnet_id="s", vpc_id="v",
        ...     private_ip="10.0.1.5", public_ip=None, group_ids=(), secondary_ips=("10.0.1.6",),
        ...     public_ips=(("10.0.1.6", "198.51.100.6"),))
        >>> eni.public_for("10.0.1.6"), eni.public_for("10.0.1.5"), eni.private_for("198.51.100.6")
        ('198.51.100.6', None, '10.0.1.6')
        """
        return next((pub for priv, pub in self.public_ips if priv == private), None)

    def private_for(self, public: str) -> str | None:
        """The private address a public IPv4 address of the interface maps to, or None."""
        return next((priv for priv, pub in self.public_ips if pub == public), None)

    @property
    def first_public(self) -> tuple[str, str] | None:
        """(private, public) of the primary address's public IP, else of the first that has one."""
        if self.public_ip:
            return self.private_for(self.public_ip) or self.private_ip, self.public_ip
        return self.public_ips[0] if self.public_ips else None

    @property
    def label(self) -> str:
        """A name for the interface: its Name tag, else its kind and description, else its id.

        >>> NetworkInterface(eni_id="eni-1", subnet_id="s", vpc_id="v", private_ip="10.0.1.5",
        ...     public_ip=None, group_ids=(), kind="lambda",
        ...     description="AWS Lambda VPC ENI-resize-1a2b").label
        'lambda eni-1'
        """
        if self.name:
            return self.name
        if self.kind not in ("interface", "instance"):
            return f"{self.kind} {self.eni_id}"
        return self.eni_id


@dataclass(frozen=True, kw_only=True)
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
class EgressOnlyInternetGateway:
    """An egress-only internet gateway: IPv6 out to the internet and the replies back in, but
    no connection started from the internet (stateful, like a NAT gateway without NAT)."""

    eigw_id: str
    vpc_ids: tuple[str, ...]
    name: str = ""


@dataclass(frozen=True, kw_only=True)
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
    _: KW_ONLY
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


@dataclass(frozen=True, kw_only=True)
class PrefixList:
    """A managed prefix list: a named set of CIDR blocks that security group rules and routes
    may name instead of a CIDR (``PrefixListIds``, ``DestinationPrefixListId``).

    ``entries`` is None when the data holds the list but not its entries (no
    get-managed-prefix-list-entries output for it): then whether an address is in it is unknown.

    >>> PrefixList(pl_id="pl-1", name="office", owner_id="111122223333",
    ...     entries=("198.51.100.0/24",)).contains("198.51.100.7")
    True
    """

    pl_id: str
    name: str = ""
    #: "AWS" for an AWS-managed list (a service's addresses: S3, DynamoDB, CloudFront...).
    owner_id: str = ""
    address_family: str = "IPv4"
    entries: tuple[str, ...] | None = None

    @property
    def aws_managed(self) -> bool:
        """Whether AWS manages the list (its entries are a service's addresses)."""
        return self.owner_id == "AWS"

    @property
    def networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        """The entries as networks (empty when they are not in the data)."""
        return tuple(ipaddress.ip_network(e) for e in self.entries or ())

    def contains(self, addr) -> bool | None:
        """Whether ``addr`` is in one of the entries; None when the entries are not known."""
        if self.entries is None:
            return None
        addr = ipaddress.ip_address(addr)
        return any(addr.version == n.version and addr in n for n in self.networks)

    def describe(self) -> str:
        """The list's id and what it is: "pl-1 (office, customer-managed)"."""
        owner = "AWS-managed" if self.aws_managed else "customer-managed"
        return f"{self.pl_id} ({self.name + ', ' if self.name else ''}{owner})"


@dataclass(frozen=True)
class Endpoint:
    """One end of a path: a network interface (by its private or public address) or outside.

    >>> Endpoint("internet", INTERNET_ADDR).component
    'internet'
    """

    label: str
    addr: str
    interface: NetworkInterface | None = None
    _: KW_ONLY
    public: bool = False
    named: bool = False

    @property
    def outside(self) -> bool:
        """Whether this end is outside every VPC (the internet or an outside address)."""
        return self.interface is None

    @property
    def component(self) -> str:
        """The id that names this end: the instance id, ENI id, or the address."""
        if self.interface is None:
            return "internet" if self.addr in (INTERNET_ADDR, INTERNET_ADDR6) else self.addr
        return self.interface.instance_id or self.interface.eni_id
