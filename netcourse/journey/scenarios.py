"""The journey's scenarios: a healthy one and broken ones, each built from a few components.

A :class:`Scenario` holds the laptop, a neighbour on the same LAN, the home router, the server
(an instance of a VPC from lesson 05 with its own iptables ruleset) and the ports. A broken
scenario changes exactly one component of the healthy one; a learner builds their own the
same way with :meth:`Scenario.replace`, e.g. ``scenario("healthy").replace(laptop_gateway=None)``.
Every field is read when a scenario is made, so a bad one ends as a JourneyError naming it:
``replace(client_port="abc")`` says ``client_port``, ``replace(laptop_mac="12345")`` ``laptop_mac``.

Taught in notebooks/06-packet-journey.ipynb.

>>> sorted(SCENARIOS)[:3]
['healthy', 'host-firewall-drop', 'nacl-no-ephemeral']
>>> scenario("wrong-netmask").laptop.netmask
'0.0.0.0'
>>> scenario("healthy").replace(laptop_netmask="255.0.0.0").laptop.netmask
'255.0.0.0'
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from netcourse import data
from netcourse.errors import JourneyError, quote
from netcourse.journey import vpc_side
from netcourse.journey.events import Journey
from netcourse.journey.fields import read_field, read_fields, read_ipv4, read_tcp_port
from netcourse.journey.home import HomeHost, HomeRouter
from netcourse.journey.pdu import TLS_RECORD
from netcourse.journey.runner import run
from netcourse.readers import read_mac
from netcourse.vpc.loader import read_outputs
from netcourse.vpc.model import examples

__all__ = [
    "Server",
    "Scenario",
    "SCENARIOS",
    "FIXES",
    "HOST_FIREWALL",
    "scenario",
    "scenarios",
    "load_vpc_data",
    "apply_fix",
]

#: The web server's own host firewall (iptables-save format): INPUT and OUTPUT drop by
#: default; new connections to port 80 and everything conntrack already knows are accepted.
HOST_FIREWALL = """\
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT DROP [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
-A INPUT -p tcp -s 10.0.0.0/16 -m tcp --dport 22 -j ACCEPT
-A INPUT -p tcp -m tcp --dport 443 -m conntrack --ctstate NEW -j ACCEPT
-A OUTPUT -o lo -j ACCEPT
-A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
-A OUTPUT -p udp -m udp --dport 53 -j ACCEPT
-A OUTPUT -p tcp -m tcp --dport 443 -j ACCEPT
COMMIT
"""

#: The rule that admits new connections to the web server's port (HTTPS).
WEB_RULE = "-A INPUT -p tcp -m tcp --dport 443 -m conntrack --ctstate NEW -j ACCEPT"


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise JourneyError(f"{quote(value)}: expected text, got {type(value).__name__}")
    return value


def _instance(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise JourneyError(f"{quote(value)}: expected an instance id or Name tag, such as 'web'")
    return value.strip()


def _http(value: Any) -> bytes:
    """An HTTP message as bytes: an ASCII first line ended by CRLF, in one TLS record."""
    if not isinstance(value, bytes | bytearray) or not value:
        raise JourneyError(f"{quote(value)}: expected an HTTP message as bytes, such as b'GET /'")
    data = bytes(value)
    first, crlf, _ = data.partition(b"\r\n")
    if not crlf or not first.isascii():
        raise JourneyError(
            f"{quote(value)}: an HTTP message starts with an ASCII line ended by \\r\\n"
        )
    if len(data) > TLS_RECORD:
        raise JourneyError(f"{len(data):,} bytes: one TLS record carries at most {TLS_RECORD:,}")
    return data


def _target(value: Any) -> str | None:
    return None if value is None else read_ipv4(value)


def _server_mac(value: Any) -> str:
    return read_mac(value, error=JourneyError)


def _kind(cls: type) -> Callable[[Any], Any]:
    """A reader that accepts only an instance of ``cls`` (a component of a scenario)."""

    def read(value: Any) -> Any:
        if not isinstance(value, cls):
            raise JourneyError(
                f"{quote(value)}: expected a {cls.__name__}, got {type(value).__name__}"
            )
        return value

    return read


def _vpc(value: Any) -> dict:
    if not isinstance(value, dict):
        raise JourneyError(
            f"{quote(value)}: expected the VPC's describe-* data as a dict, "
            "such as load_vpc_data('three-tier')"
        )
    return value


@dataclass(frozen=True)
class Server:
    """The web server: which instance of the VPC it is, its port, and its iptables ruleset.

    ``request`` and ``response`` are the HTTP messages; on the wire they travel inside TLS
    records (HTTPS on port 443), see :func:`netcourse.journey.pdu.tls_record`.
    """

    instance: str = "web"
    port: int = 443
    iptables: str = HOST_FIREWALL
    mac: str = "0e:00:00:00:0a:0a"
    request: bytes = b"GET / HTTP/1.1\r\nHost: shop.example\r\n\r\n"
    response: bytes = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"

    #: How each field is read.
    FIELDS: ClassVar[dict[str, Callable[[Any], Any]]] = {
        "instance": _instance,
        "port": read_tcp_port,
        "iptables": _text,
        "mac": _server_mac,
        "request": _http,
        "response": _http,
    }

    def __post_init__(self) -> None:
        read_fields(self, self.FIELDS)


def load_vpc_data(name: str) -> dict:
    """The describe-* data of a shipped example VPC of lesson 05, as one dict.

    >>> sorted(load_vpc_data("three-tier"))[:2]
    ['InternetGateways', 'NatGateways']
    """
    if not isinstance(name, str) or name not in examples():
        raise JourneyError(
            f"{quote(name)}: no such example VPC; expected one of {', '.join(examples())}"
        )
    return read_outputs(data.path("vpc", name))


@dataclass(frozen=True)
class Scenario:
    """Everything a journey needs: the hosts, the home router, the server and its VPC."""

    name: str
    description: str
    laptop: HomeHost = HomeHost(
        "laptop", "10.0.1.7", "255.255.255.0", "02:00:00:00:00:07", "10.0.1.1", 1
    )
    neighbour: HomeHost = HomeHost(
        "printer", "10.0.1.13", "255.255.255.0", "02:00:00:00:00:0d", "10.0.1.1", 2
    )
    router: HomeRouter = HomeRouter()
    server: Server = Server()
    vpc: dict = field(default_factory=lambda: load_vpc_data("three-tier"), repr=False)
    client_port: int = 51514
    target: str | None = None

    #: How each field is read.
    FIELDS: ClassVar[dict[str, Callable[[Any], Any]]] = {
        "name": _text,
        "description": _text,
        "laptop": _kind(HomeHost),
        "neighbour": _kind(HomeHost),
        "router": _kind(HomeRouter),
        "server": _kind(Server),
        "vpc": _vpc,
        "client_port": read_tcp_port,
        "target": _target,
    }

    def __post_init__(self) -> None:
        read_fields(self, self.FIELDS)

    def replace(self, **changes) -> Scenario:
        """A copy with components changed: a field (``server=...``) or one part of one
        (``laptop_netmask="255.0.0.0"``, ``router_nat_first_port=50000``).

        >>> scenario("healthy").replace(laptop_gateway=None).laptop.gateway is None
        True
        >>> scenario("healthy").replace(laptop_mac="12345")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        netcourse.errors.JourneyError: laptop_mac: '12345': not a MAC address; expected six hex ...
        """
        top: dict = {}
        parts: dict[str, dict] = {}
        names = {f.name for f in dataclasses.fields(self)}
        for key, value in changes.items():
            if key in names:
                top[key] = value
                continue
            component, _, attr = key.partition("_")
            inner = getattr(self, component, None) if component in names else None
            if not dataclasses.is_dataclass(inner) or attr not in {
                f.name for f in dataclasses.fields(inner)
            }:
                raise JourneyError(
                    f"{quote(key)}: not a part of a scenario; expected one of {sorted(names)} or "
                    "component_part such as laptop_netmask, laptop_gateway, server_iptables"
                )
            read_field(type(inner).FIELDS[attr], value, key)  # the error names the key
            parts.setdefault(component, {})[attr] = value
        for key, value in top.items():
            read_field(self.FIELDS[key], value, key)
        for component, attrs in parts.items():
            top[component] = dataclasses.replace(getattr(self, component), **attrs)
        top.setdefault("name", f"{self.name} (changed)" if changes else self.name)
        return dataclasses.replace(self, **top)

    def with_vpc(self, edit: Callable[[dict], None], name: str | None = None) -> Scenario:
        """A copy whose VPC data was changed by ``edit`` (which edits a deep copy in place).

        >>> sc = scenario("healthy").with_vpc(lambda data: data["Vpcs"][0].update(Tags=[]))
        >>> sc.vpc["Vpcs"][0]["Tags"], scenario("healthy").vpc["Vpcs"][0]["Tags"] != []
        ([], True)
        """
        data = copy.deepcopy(self.vpc)
        edit(data)
        return dataclasses.replace(self, vpc=data, name=name or self.name)

    def run(self) -> Journey:
        """Follow the request and its reply through every device; see :func:`run`.

        >>> scenario("healthy").run().delivered
        True
        """
        return run(self)

    def __repr__(self) -> str:
        return f"<Scenario {self.name!r}: {self.description}>"


# --- the named scenarios ---------------------------------------------------------------

_HEALTHY = "the laptop, the home router, the VPC and the server are all configured correctly"

#: Each named scenario: what is wrong, and how it is built from the healthy one.
SCENARIOS: dict[str, tuple[str, Callable[[], Scenario]]] = {
    "healthy": (_HEALTHY, lambda: Scenario("healthy", _HEALTHY)),
    "wrong-netmask": (
        "the laptop's netmask was typed as 0.0.0.0, so every address looks on its own LAN",
        lambda: _base("wrong-netmask").replace(name="wrong-netmask", laptop_netmask="0.0.0.0"),
    ),
    "no-default-route": (
        "the laptop has an address and a mask but no default gateway",
        lambda: _base("no-default-route").replace(name="no-default-route", laptop_gateway=None),
    ),
    "nacl-no-ephemeral": (
        "the web subnet's network ACL allows HTTPS in but not the reply to ephemeral ports out",
        lambda: _base("nacl-no-ephemeral").replace(
            name="nacl-no-ephemeral", vpc=load_vpc_data("acl-no-ephemeral")
        ),
    ),
    "sg-missing-port": (
        "the web server's security group does not allow HTTPS (port 443)",
        lambda: _base("sg-missing-port").replace(
            name="sg-missing-port", vpc=load_vpc_data("sg-missing-port")
        ),
    ),
    "host-firewall-drop": (
        "the server's own iptables INPUT chain has no rule for port 443 and drops by default",
        lambda: _base("host-firewall-drop").replace(
            name="host-firewall-drop", server_iptables=HOST_FIREWALL.replace(WEB_RULE + "\n", "")
        ),
    ),
    "no-public-ip": (
        "the web instance has no public IPv4 address (the laptop still uses the old one)",
        lambda: _base("no-public-ip").replace(
            name="no-public-ip", vpc=load_vpc_data("no-public-ip"), target=_healthy_target()
        ),
    ),
}


def _base(name: str) -> Scenario:
    return Scenario(name, SCENARIOS[name][0])


def _healthy_target() -> str:
    return vpc_side.public_ip(Scenario("healthy", _HEALTHY))


def scenarios() -> dict[str, str]:
    """The named scenarios: name -> what is wrong in it.

    >>> scenarios()["no-default-route"]
    'the laptop has an address and a mask but no default gateway'
    """
    return {name: description for name, (description, _) in SCENARIOS.items()}


def scenario(name: str = "healthy") -> Scenario:
    """A named scenario, ready to :meth:`~Scenario.run`.

    >>> scenario("sg-missing-port").server.port
    443
    """
    if not isinstance(name, str) or name not in SCENARIOS:
        raise JourneyError(
            f"{quote(name)}: no such scenario; expected one of {', '.join(SCENARIOS)}"
        )
    return SCENARIOS[name][1]()


# --- fixes a learner can apply ---------------------------------------------------------


def _fix_netmask(sc: Scenario) -> Scenario:
    return sc.replace(laptop_netmask=sc.router.lan_netmask)


def _fix_gateway(sc: Scenario) -> Scenario:
    return sc.replace(laptop_gateway=sc.router.lan_ip)


def _server_instance(data: dict, name: str) -> dict:
    for reservation in data.get("Reservations", []):
        for inst in reservation.get("Instances", []):
            tags = {t.get("Key"): t.get("Value") for t in inst.get("Tags", []) or []}
            if name in (inst.get("InstanceId"), tags.get("Name")):
                return inst
    raise JourneyError(f"{quote(name)}: no such instance (id or Name tag) in the VPC data")


def _fix_nacl(sc: Scenario) -> Scenario:
    vpc = vpc_side.model(sc)
    acl = vpc.nacl_for_subnet(vpc.instance(sc.server.instance).subnet_id)
    entry = {
        "RuleNumber": 120,
        "Protocol": "6",
        "RuleAction": "allow",
        "Egress": True,
        "CidrBlock": "0.0.0.0/0",
        "PortRange": {"From": 1024, "To": 65535},
    }
    return dataclasses.replace(sc, vpc=vpc.with_acl_entries(acl.acl_id, [entry]).data)


def _fix_sg(sc: Scenario) -> Scenario:
    def edit(data: dict) -> None:
        inst = _server_instance(data, sc.server.instance)
        group_id = inst["SecurityGroups"][0]["GroupId"]
        for group in data["SecurityGroups"]:
            if group["GroupId"] == group_id:
                group.setdefault("IpPermissions", []).append(
                    {
                        "IpProtocol": "tcp",
                        "FromPort": sc.server.port,
                        "ToPort": sc.server.port,
                        "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                    }
                )

    return sc.with_vpc(edit)


def _fix_public_ip(sc: Scenario) -> Scenario:
    address = sc.target or _healthy_target()

    def edit(data: dict) -> None:
        inst = _server_instance(data, sc.server.instance)
        inst["PublicIpAddress"] = address
        for eni in inst.get("NetworkInterfaces", []):
            if (eni.get("Attachment") or {}).get("DeviceIndex", 0) == 0:
                eni["Association"] = {"PublicIp": address}

    return sc.with_vpc(edit)


def _fix_host_firewall(sc: Scenario) -> Scenario:
    rule = WEB_RULE.replace("443", str(sc.server.port))
    text = sc.server.iptables
    if rule in text:
        return sc
    if "COMMIT" in text:
        text = text.replace("COMMIT", f"{rule}\nCOMMIT", 1)
    else:
        text = f"{text.rstrip()}\n{rule}\n"
    return sc.replace(server_iptables=text)


#: The fixes a learner can choose from: name -> (what it does, how it changes a scenario).
FIXES: dict[str, tuple[str, Callable[[Scenario], Scenario]]] = {
    "set-laptop-netmask": ("give the laptop the LAN's netmask (the router's)", _fix_netmask),
    "set-default-gateway": ("give the laptop the home router as its default gateway", _fix_gateway),
    "allow-ephemeral-in-nacl": (
        "add an outbound network ACL rule allowing TCP to ports 1024-65535",
        _fix_nacl,
    ),
    "allow-port-in-security-group": (
        "add an inbound security group rule for the server's port from anywhere",
        _fix_sg,
    ),
    "assign-public-ip": (
        "give the instance the public IPv4 address the laptop uses",
        _fix_public_ip,
    ),
    "allow-port-in-host-firewall": (
        "add an iptables INPUT rule accepting new connections to the server's port",
        _fix_host_firewall,
    ),
}


def apply_fix(sc: Scenario, fix: str) -> Scenario:
    """The scenario with one named fix from :data:`FIXES` applied.

    >>> apply_fix(scenario("no-default-route"), "set-default-gateway").run().delivered
    True
    """
    if not isinstance(fix, str) or fix not in FIXES:
        raise JourneyError(f"{quote(fix)}: no such fix; expected one of {', '.join(FIXES)}")
    return FIXES[fix][1](sc)
