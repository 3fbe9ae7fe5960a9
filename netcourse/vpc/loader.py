"""Read the output of ``aws ec2 describe-*`` commands into the VPC model's resources.

One dict holds every command's output under its usual top-level key (``Vpcs``, ``Subnets``,
``RouteTables``, ``InternetGateways``, ``NatGateways``, ``NetworkAcls``, ``SecurityGroups``,
``Reservations``, ``VpcPeeringConnections``, ``EgressOnlyInternetGateways``,
``NetworkInterfaces``, ``Addresses``); a missing key means none of that resource. Every network
interface is read, from describe-instances and from describe-network-interfaces (which also
lists the interfaces of Lambda functions, load balancers, NAT gateways and interface
endpoints); describe-addresses maps Elastic IPs to the private address they translate.
Broken input raises :class:`~netcourse.errors.VpcError` naming the resource and the field
(and the file, when read from files).
Taught in notebooks/05-aws-vpc.ipynb.

>>> merge_outputs([{"Vpcs": [{"VpcId": "vpc-1"}]}, {"Subnets": []}])
{'Vpcs': [{'VpcId': 'vpc-1'}], 'Subnets': []}
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from netcourse.errors import QUOTE_LIMIT, VpcError, quote
from netcourse.vpc.acls import NetworkAcl
from netcourse.vpc.resources import (
    EgressOnlyInternetGateway,
    Instance,
    InternetGateway,
    NatGateway,
    NetworkInterface,
    PeeringConnection,
    PrefixList,
    VpcNetwork,
    VpcSubnet,
    check_depth,
    eni_kind,
    name_tag,
    parse_addr,
    parse_net,
    read_dict,
    read_flag,
    read_list,
    read_number,
    read_text,
)
from netcourse.vpc.routing import Route, RouteTable
from netcourse.vpc.security_groups import SecurityGroup

__all__ = [
    "KEYS",
    "ENTRIES_COMMAND",
    "ENTRIES_KEY",
    "entries_file",
    "Resources",
    "load",
    "merge_outputs",
    "read_outputs",
    "read_files",
    "local_route",
    "decode_output",
]

#: Top-level key of each describe-* command's output, and the command that prints it.
KEYS = {
    "Vpcs": "describe-vpcs",
    "Subnets": "describe-subnets",
    "RouteTables": "describe-route-tables",
    "InternetGateways": "describe-internet-gateways",
    "NatGateways": "describe-nat-gateways",
    "NetworkAcls": "describe-network-acls",
    "SecurityGroups": "describe-security-groups",
    "Reservations": "describe-instances",
    "VpcPeeringConnections": "describe-vpc-peering-connections",
    "EgressOnlyInternetGateways": "describe-egress-only-internet-gateways",
    "NetworkInterfaces": "describe-network-interfaces",
    "Addresses": "describe-addresses",
    "PrefixLists": "describe-managed-prefix-lists",
}

#: The command that prints one managed prefix list's entries (``{"Entries": [...]}``, which
#: does not say which list): its output is saved as ``ENTRIES_COMMAND-<pl-id>.json`` (see
#: :func:`entries_file`), and read into the key :data:`ENTRIES_KEY`.
ENTRIES_COMMAND = "get-managed-prefix-list-entries"

#: The key of prefix list entries in the merged data: a list of ``{"PrefixListId": "pl-...",
#: "Entries": [{"Cidr": ...}, ...]}``, one per get-managed-prefix-list-entries output.
ENTRIES_KEY = "PrefixListEntries"


def entries_file(pl_id: str) -> str:
    """The file name of one prefix list's get-managed-prefix-list-entries output.

    >>> entries_file("pl-0123456789abcdef0")
    'get-managed-prefix-list-entries-pl-0123456789abcdef0.json'
    """
    return f"{ENTRIES_COMMAND}-{pl_id}.json"


#: Where each item of the merged data came from: key -> one file name per list item.
Origins = Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class Resources:
    """Everything read from the describe-* outputs, keyed by id, before any traffic question."""

    vpcs: dict[str, VpcNetwork]
    subnets: dict[str, VpcSubnet]
    route_tables: dict[str, RouteTable]
    acls: dict[str, NetworkAcl]
    groups: dict[str, SecurityGroup]
    instances: dict[str, Instance]
    interfaces: dict[str, NetworkInterface]
    igws: dict[str, InternetGateway]
    nats: dict[str, NatGateway]
    peerings: dict[str, PeeringConnection]
    eigws: dict[str, EgressOnlyInternetGateway] = field(default_factory=dict)
    prefix_lists: dict[str, PrefixList] = field(default_factory=dict)


def merge_outputs(outputs: Iterable[dict]) -> dict:
    """Merge several describe-* outputs (dicts) into the one dict ``Vpc.from_aws`` reads."""
    return _merge((f"output {index}", output) for index, output in enumerate(outputs))[0]


def _merge(named: Iterable[tuple[str, object]]) -> tuple[dict, dict[str, list[str]]]:
    """Merge (name, output) pairs; also say which name each list item came from."""
    merged: dict = {}
    origins: dict[str, list[str]] = {}
    for name, output in named:
        if not isinstance(output, dict):
            raise VpcError(f"{name}: expected a dict, got {type(output).__name__}")
        for key, value in output.items():
            items = value if isinstance(value, list) else [value]
            if key in merged and isinstance(merged[key], list) and isinstance(value, list):
                merged[key] = merged[key] + value
                origins[key] += [name] * len(items)
            else:
                merged[key] = value
                origins[key] = [name] * len(items)
    return merged, origins


def read_files(paths_or_directory) -> tuple[dict, dict[str, list[str]]]:
    """Read describe-* JSON files into one dict, and the file each list item came from.

    >>> from netcourse.data import path
    >>> data, origins = read_files(path("vpc", "three-tier"))
    >>> origins["Subnets"][0]
    'describe-subnets.json'
    """
    if isinstance(paths_or_directory, (str, Path)):
        root = Path(paths_or_directory)
        if root.is_dir():
            paths = sorted(root.glob("*.json"))
            if not paths:
                raise VpcError(f"{_file(root)}: no .json files in this directory")
        else:
            paths = [root]
    else:
        paths = [Path(p) for p in paths_or_directory]
    outputs = []
    for path in paths:
        try:
            output = json.loads(decode_output(path.read_bytes(), _file(path)))
        except OSError as exc:
            raise VpcError(f"{_file(path)}: cannot read ({exc.strerror})") from None
        except RecursionError:
            raise VpcError(
                f"{_file(path)}: not describe-* JSON (nested too deeply to read)"
            ) from None
        except ValueError as exc:
            raise VpcError(f"{_file(path)}: not JSON ({exc})") from None
        check_depth(output, path.name)
        outputs.append((path.name, _entries_output(output, path)))
    return _merge(outputs)


def _entries_output(output: object, path: Path) -> object:
    """A get-managed-prefix-list-entries output, keyed by the list its file name gives."""
    if not isinstance(output, dict) or "Entries" not in output:
        return output
    stem = path.name.removesuffix(".json")
    pl_id = stem.removeprefix(f"{ENTRIES_COMMAND}-")
    if stem == pl_id or not pl_id.startswith("pl-") or set(output) - {"Entries", "NextToken"}:
        raise VpcError(
            f"{_file(path)}: this looks like {ENTRIES_COMMAND} output, which does not say which "
            f"prefix list it is; save it as {entries_file('pl-...')} (the list's id in the name)"
        )
    return {ENTRIES_KEY: [{"PrefixListId": pl_id, "Entries": output["Entries"]}]}


#: Byte order marks and the encodings they announce: PowerShell 5's ``>`` writes UTF-16 LE
#: with a BOM, Windows tools often add a UTF-8 BOM.
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def decode_output(raw: bytes, where: str) -> str:
    r"""The text of a saved describe-* output: UTF-8 (with or without BOM) or UTF-16, JSON only.

    The AWS CLI's other output formats are recognised and refused with the option to use.

    >>> decode_output(b"\xef\xbb\xbf{}", "f.json"), decode_output("{}".encode("utf-16"), "f")
    ('{}', '{}')
    >>> decode_output(b"Vpcs:\n- CidrBlock: 10.0.0.0/16\n", "f.json")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    netcourse.errors.VpcError: f.json: this is the AWS CLI's yaml output; ...--output json
    """
    encoding = next((enc for bom, enc in _BOMS if raw.startswith(bom)), None)
    if encoding is None and len(raw) >= 2 and (raw[0] == 0) != (raw[1] == 0):
        encoding = "utf-16-be" if raw[0] == 0 else "utf-16-le"  # UTF-16 without a BOM
    try:
        text = raw.decode(encoding or "utf-8")
    except UnicodeDecodeError as exc:
        raise VpcError(
            f"{where}: not UTF-8 or UTF-16 text (byte {exc.start} cannot be decoded as "
            f"{encoding or 'UTF-8'}); save the output of aws ec2 describe-* --output json as is"
        ) from None
    body = text.lstrip()
    if body and body[0] not in "{[":
        first = body.splitlines()[0]
        if first.startswith(("-", "|", "+")) and set(first) <= set("-+| "):
            kind = "table"
        elif "\t" in first or first.split()[0].isupper():
            kind = "text"
        elif ":" in first or first.startswith("- "):
            kind = "yaml"
        else:
            kind = ""
        if kind:
            raise VpcError(
                f"{where}: this is the AWS CLI's {kind} output; the model reads JSON only: run "
                "the command again with --output json"
            )
    return text


def _file(path: Path) -> str:
    """A file for a message: its path, or only its name when the path is too long to repeat."""
    text = str(path)
    return repr(text) if len(text) <= QUOTE_LIMIT else f"{quote(path.name)} (in {quote(text)})"


def read_outputs(paths_or_directory) -> dict:
    """Read describe-* JSON files (a directory of them, or a list of paths) into one dict."""
    return read_files(paths_or_directory)[0]


def _items(data: dict, key: str) -> list:
    value = data.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        command = KEYS.get(key, ENTRIES_COMMAND)
        raise VpcError(f"{key} ({command}): expected a list, got {type(value).__name__}")
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise VpcError(f"{key}[{index}]: expected a dict, got {type(item).__name__}")
    return value


def _need(item: dict, field: str, what: str) -> str:
    return read_text(item, field, where=what, required=True)


def load(data: dict, *, origins: Origins | None = None) -> Resources:
    """Check and read one dict of describe-* outputs into :class:`Resources`.

    ``origins`` (from :func:`read_files`) names the file each resource came from, so that an
    error says which file to fix.

    >>> load({"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]}).vpcs["vpc-1"].cidrs
    ('10.0.0.0/16',)
    """
    where: list[tuple[str, str | None, int | None]] = [("describe-* data", None, None)]
    try:
        check_depth(data, "describe-* data")
        return _load(data, where)
    except VpcError as exc:
        raise VpcError(f"{_origin(where[-1], origins)}{exc}") from None
    except (AttributeError, TypeError, KeyError, ValueError, IndexError) as exc:
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise VpcError(
            f"{_origin(where[-1], origins)}{where[-1][0]}: a field has an unexpected value "
            f"({quote(detail)[1:-1]}); expected the shape that aws ec2 describe-* prints"
        ) from None


def _origin(spot: tuple[str, str | None, int | None], origins: Origins | None) -> str:
    """The file a resource came from, as a message prefix ("describe-subnets.json: ")."""
    _, key, index = spot
    if not origins or key not in origins:
        return ""
    names = origins[key]
    name = names[index] if index is not None and index < len(names) else names[0] if names else ""
    return f"{name}: " if name else ""


def _load(data: dict, where: list) -> Resources:
    if not isinstance(data, dict):
        raise VpcError(
            f"describe-* data: expected a dict with keys such as {', '.join(list(KEYS)[:3])}, "
            f"got {type(data).__name__}"
        )
    unknown = sorted(
        (str(k) for k in data if k not in KEYS and k not in (ENTRIES_KEY, "NextToken")), key=str
    )
    if unknown:
        where.append(("describe-* data", unknown[0], None))
        raise VpcError(
            f"describe-* data: unknown key {quote(unknown[0])}; expected {', '.join(KEYS)}"
        )

    vpcs = {}
    for index, item in enumerate(_items(data, "Vpcs")):
        label = f"Vpcs[{index}]"
        where.append((label, "Vpcs", index))
        vpc_id = _need(item, "VpcId", label)
        primary = _need(item, "CidrBlock", vpc_id)
        cidrs = [primary]
        for k, block in enumerate(read_list(item, "CidrBlockAssociationSet", where=vpc_id)):
            spot = f"{vpc_id} CidrBlockAssociationSet[{k}]"
            block = read_dict(block, where=vpc_id, field=f"CidrBlockAssociationSet[{k}]")
            state = read_dict(block.get("CidrBlockState"), where=spot, field="CidrBlockState")
            text = read_text(block, "CidrBlock", where=spot)
            if (
                text
                and text != primary
                and read_text(state, "State", where=spot, default="associated") == "associated"
            ):
                cidrs.append(text)
        nets = [str(parse_net(c, f"{vpc_id} CidrBlock")) for c in cidrs]
        nets += _ipv6_blocks(item, vpc_id)
        vpcs[vpc_id] = VpcNetwork(vpc_id, tuple(nets), name_tag(item, vpc_id))

    subnets: dict[str, VpcSubnet] = {}
    for index, item in enumerate(_items(data, "Subnets")):
        where.append((f"Subnets[{index}]", "Subnets", index))
        subnet_id = _need(item, "SubnetId", f"Subnets[{index}]")
        vpc_id = _need(item, "VpcId", subnet_id)
        v6 = _ipv6_blocks(item, subnet_id)
        if not read_text(item, "CidrBlock", where=subnet_id) and not v6:
            raise VpcError(
                f"{subnet_id}: no CidrBlock and no associated Ipv6CidrBlockAssociationSet block; "
                "a subnet has an IPv4 block, an IPv6 block, or both"
            )
        blocks = [("Ipv6CidrBlock", ipaddress.ip_network(b)) for b in v6]
        if item.get("CidrBlock"):
            v4 = parse_net(item["CidrBlock"], f"{subnet_id} CidrBlock")
            blocks.insert(0, ("CidrBlock", v4))
        if vpc_id not in vpcs:
            raise VpcError(f"{subnet_id}: its VpcId {quote(vpc_id)} is not in Vpcs")
        vpc = vpcs[vpc_id]
        for key, net in blocks:
            if not any(net.subnet_of(v) for v in vpc.networks if v.version == net.version):
                raise VpcError(
                    f"{subnet_id}: {key} {net} is outside its VPC {vpc_id} "
                    f"({', '.join(vpc.cidrs)}); a subnet must lie inside its VPC's CIDR"
                )
            for other in subnets.values():
                if other.vpc_id == vpc_id and any(
                    net.version == o.version and net.overlaps(o) for o in other.networks
                ):
                    raise VpcError(
                        f"{subnet_id}: {key} {net} overlaps {other.subnet_id} "
                        f"({', '.join(map(str, other.networks))}); subnets of one VPC must not "
                        "overlap"
                    )
        subnets[subnet_id] = VpcSubnet(
            subnet_id,
            vpc_id,
            str(blocks[0][1]),
            read_text(item, "AvailabilityZone", where=subnet_id),
            name_tag(item, subnet_id),
            ipv6_cidrs=tuple(v6),
        )

    prefix_lists = _prefix_lists(data, where)
    groups = {}
    for index, item in enumerate(_items(data, "SecurityGroups")):
        where.append((f"SecurityGroups[{index}]", "SecurityGroups", index))
        group = SecurityGroup.from_aws(item).with_prefix_lists(prefix_lists)
        groups[group.group_id] = group

    instances, interfaces = _instances(data, subnets, groups, where)
    _network_interfaces(data, subnets, groups, instances, interfaces, where)
    _elastic_ips(data, instances, interfaces, where)

    members: dict[str, set[str]] = {}
    for eni in interfaces.values():
        for group_id in eni.group_ids:
            members.setdefault(group_id, set()).update(eni.addresses)
    frozen = {k: frozenset(v) for k, v in members.items()}
    groups = {k: g.with_members(frozen, groups) for k, g in groups.items()}

    igws = {}
    for index, item in enumerate(_items(data, "InternetGateways")):
        where.append((f"InternetGateways[{index}]", "InternetGateways", index))
        igw_id = _need(item, "InternetGatewayId", f"InternetGateways[{index}]")
        attached = []
        for k, attachment in enumerate(read_list(item, "Attachments", where=igw_id)):
            spot = f"{igw_id} Attachments[{k}]"
            attachment = read_dict(attachment, where=igw_id, field=f"Attachments[{k}]")
            vpc_id = read_text(attachment, "VpcId", where=spot)
            state = read_text(attachment, "State", where=spot, default="available")
            if vpc_id and state in ("available", "attached"):
                attached.append(vpc_id)
        igws[igw_id] = InternetGateway(igw_id, tuple(attached), name_tag(item, igw_id))

    eigws = {}
    for index, item in enumerate(_items(data, "EgressOnlyInternetGateways")):
        where.append((f"EgressOnlyInternetGateways[{index}]", "EgressOnlyInternetGateways", index))
        eigw_id = _need(item, "EgressOnlyInternetGatewayId", f"EgressOnlyInternetGateways[{index}]")
        attached = []
        for k, attachment in enumerate(read_list(item, "Attachments", where=eigw_id)):
            spot = f"{eigw_id} Attachments[{k}]"
            attachment = read_dict(attachment, where=eigw_id, field=f"Attachments[{k}]")
            vpc_id = read_text(attachment, "VpcId", where=spot)
            if vpc_id and read_text(attachment, "State", where=spot, default="attached") in (
                "available",
                "attached",
            ):
                attached.append(vpc_id)
        eigws[eigw_id] = EgressOnlyInternetGateway(
            eigw_id, tuple(attached), name_tag(item, eigw_id)
        )

    nats = {}
    for index, item in enumerate(_items(data, "NatGateways")):
        where.append((f"NatGateways[{index}]", "NatGateways", index))
        nat_id = _need(item, "NatGatewayId", f"NatGateways[{index}]")
        subnet_id = _need(item, "SubnetId", nat_id)
        if subnet_id not in subnets:
            raise VpcError(f"{nat_id}: its SubnetId {quote(subnet_id)} is not in Subnets")
        addrs = read_list(item, "NatGatewayAddresses", where=nat_id) or [{}]
        first = read_dict(addrs[0], where=nat_id, field="NatGatewayAddresses[0]")
        spot = f"{nat_id} NatGatewayAddresses[0]"
        private, public = (
            read_text(first, key, where=spot) or None for key in ("PrivateIp", "PublicIp")
        )
        nats[nat_id] = NatGateway(
            nat_id=nat_id,
            subnet_id=subnet_id,
            vpc_id=subnets[subnet_id].vpc_id,
            state=read_text(item, "State", where=nat_id, default="available"),
            private_ip=private and str(parse_addr(private, f"{spot} PrivateIp")),
            public_ip=public and str(parse_addr(public, f"{spot} PublicIp")),
            connectivity=read_text(item, "ConnectivityType", where=nat_id, default="public"),
            name=name_tag(item, nat_id),
        )

    peerings = {}
    for index, item in enumerate(_items(data, "VpcPeeringConnections")):
        where.append((f"VpcPeeringConnections[{index}]", "VpcPeeringConnections", index))
        pcx_id = _need(item, "VpcPeeringConnectionId", f"VpcPeeringConnections[{index}]")
        ends = []
        for side in ("RequesterVpcInfo", "AccepterVpcInfo"):
            info = read_dict(item.get(side), where=pcx_id, field=side)
            # either end may be outside the data (another region or account): paths into it
            # end "unknown: beyond the data"
            ends.append(_need(info, "VpcId", f"{pcx_id} {side}"))
        status = read_dict(item.get("Status"), where=pcx_id, field="Status")
        peerings[pcx_id] = PeeringConnection(
            pcx_id,
            *ends,
            status=read_text(status, "Code", where=f"{pcx_id} Status", default="active"),
            name=name_tag(item, pcx_id),
        )

    acls = {}
    for index, item in enumerate(_items(data, "NetworkAcls")):
        where.append((f"NetworkAcls[{index}]", "NetworkAcls", index))
        acl = NetworkAcl.from_aws(item)
        acls[acl.acl_id] = acl

    route_tables = {}
    for index, item in enumerate(_items(data, "RouteTables")):
        where.append((f"RouteTables[{index}]", "RouteTables", index))
        rtb = RouteTable.from_aws(item)
        rtb = _with_local_routes(rtb, vpcs).with_prefix_lists(prefix_lists)
        missing = _missing_targets(rtb, igws, nats, peerings, interfaces, eigws, instances)
        rtb = rtb.with_blackholes(missing)
        route_tables[rtb.route_table_id] = rtb

    where.append(("references between resources", None, None))
    _check_references(vpcs, subnets, acls, route_tables)
    return Resources(
        vpcs=vpcs,
        subnets=subnets,
        route_tables=route_tables,
        acls=acls,
        groups=groups,
        instances=instances,
        interfaces=interfaces,
        igws=igws,
        nats=nats,
        peerings=peerings,
        eigws=eigws,
        prefix_lists=prefix_lists,
    )


def _prefix_lists(data: dict, where: list) -> dict[str, PrefixList]:
    """describe-managed-prefix-lists, with the entries of each list whose entries are given."""
    lists: dict[str, PrefixList] = {}
    for index, item in enumerate(_items(data, "PrefixLists")):
        where.append((f"PrefixLists[{index}]", "PrefixLists", index))
        pl_id = _need(item, "PrefixListId", f"PrefixLists[{index}]")
        lists[pl_id] = PrefixList(
            pl_id=pl_id,
            name=read_text(item, "PrefixListName", where=pl_id),
            owner_id=read_text(item, "OwnerId", where=pl_id),
            address_family=read_text(item, "AddressFamily", where=pl_id, default="IPv4"),
        )
    for index, item in enumerate(_items(data, ENTRIES_KEY)):
        where.append((f"{ENTRIES_KEY}[{index}]", ENTRIES_KEY, index))
        pl_id = _need(item, "PrefixListId", f"{ENTRIES_KEY}[{index}]")
        cidrs = []
        for k, entry in enumerate(read_list(item, "Entries", where=pl_id)):
            entry = read_dict(entry, where=pl_id, field=f"Entries[{k}]")
            text = read_text(entry, "Cidr", where=f"{pl_id} Entries[{k}]", required=True)
            cidrs.append(str(parse_net(text, f"{pl_id} Entries[{k}] Cidr")))
        known = lists.get(pl_id) or PrefixList(pl_id=pl_id)
        lists[pl_id] = replace(known, entries=tuple((known.entries or ()) + tuple(cidrs)))
    return lists


def _ipv6_blocks(item: dict, where: str) -> list[str]:
    """The associated IPv6 blocks of a VPC or subnet (``Ipv6CidrBlockAssociationSet``)."""
    blocks = []
    for k, block in enumerate(read_list(item, "Ipv6CidrBlockAssociationSet", where=where)):
        spot = f"{where} Ipv6CidrBlockAssociationSet[{k}]"
        block = read_dict(block, where=where, field=f"Ipv6CidrBlockAssociationSet[{k}]")
        state = read_dict(block.get("Ipv6CidrBlockState"), where=spot, field="Ipv6CidrBlockState")
        text = read_text(block, "Ipv6CidrBlock", where=spot)
        if not text or read_text(state, "State", where=spot, default="associated") != "associated":
            continue
        net = parse_net(text, f"{spot} Ipv6CidrBlock")
        if net.version != 6:
            raise VpcError(f"{spot}: Ipv6CidrBlock {net} is an IPv4 block")
        blocks.append(str(net))
    return blocks


def _check_references(vpcs, subnets, acls, route_tables) -> None:
    """Every VpcId and SubnetId that one resource names must be a resource of the data."""
    for acl in acls.values():
        if acl.vpc_id not in vpcs:
            raise VpcError(f"{acl.acl_id}: its VpcId {quote(acl.vpc_id)} is not in Vpcs")
        for subnet_id in acl.subnet_ids:
            if subnet_id not in subnets:
                raise VpcError(f"{acl.acl_id}: associated with {quote(subnet_id)}, not in Subnets")
    for rtb in route_tables.values():
        for subnet_id in rtb.subnet_ids:
            if subnet_id not in subnets:
                raise VpcError(
                    f"{rtb.route_table_id}: associated with {quote(subnet_id)}, not in Subnets"
                )


def _instances(data, subnets, groups, where):
    instances: dict[str, Instance] = {}
    interfaces: dict[str, NetworkInterface] = {}
    for r_index, reservation in enumerate(_items(data, "Reservations")):
        where.append((f"Reservations[{r_index}]", "Reservations", r_index))
        items = read_list(reservation, "Instances", where=f"Reservations[{r_index}]")
        for index, item in enumerate(items):
            label = f"Reservations[{r_index}].Instances[{index}]"
            if not isinstance(item, dict):
                raise VpcError(f"{label}: expected a dict")
            instance_id = _need(item, "InstanceId", label)
            where.append((f"{label} {instance_id}", "Reservations", r_index))
            state_of = read_dict(item.get("State"), where=instance_id, field="State")
            state = read_text(state_of, "Name", where=f"{instance_id} State", default="running")
            if state == "terminated":
                continue
            subnet_id = _need(item, "SubnetId", instance_id)
            if subnet_id not in subnets:
                raise VpcError(f"{instance_id}: its SubnetId {quote(subnet_id)} is not in Subnets")
            public = read_text(item, "PublicIpAddress", where=instance_id)
            nics = read_list(item, "NetworkInterfaces", where=instance_id) or [
                {
                    "NetworkInterfaceId": f"eni-of-{instance_id}",
                    "SubnetId": subnet_id,
                    "PrivateIpAddress": item.get("PrivateIpAddress"),
                    "Groups": item.get("SecurityGroups", []),
                    "Attachment": {"DeviceIndex": 0},
                    **(
                        {"Ipv6Addresses": [{"Ipv6Address": item["Ipv6Address"]}]}
                        if item.get("Ipv6Address")
                        else {}
                    ),
                    **({"Association": {"PublicIp": public}} if public else {}),
                }
            ]
            enis = []
            for k, nic in enumerate(nics):
                nic = read_dict(nic, where=instance_id, field=f"NetworkInterfaces[{k}]")
                eni = _interface(nic, instance_id, subnet_id, subnets, groups)
                if eni.eni_id in interfaces or any(e.eni_id == eni.eni_id for e in enis):
                    raise VpcError(f"{eni.eni_id}: listed twice")
                enis.append(eni)
            enis.sort(key=lambda e: e.device_index)
            primary = enis[0]
            public = public or primary.public_ip
            if public and not primary.public_ip:
                public = str(parse_addr(public, f"{instance_id} PublicIpAddress"))
                pairs = primary.public_ips
                if primary.private_ip:
                    pairs = ((primary.private_ip, public), *pairs)
                primary = replace(primary, public_ip=public, public_ips=pairs)
                enis[0] = primary
            for eni in enis:
                interfaces[eni.eni_id] = eni
            instances[instance_id] = Instance(
                instance_id=instance_id,
                subnet_id=subnet_id,
                vpc_id=subnets[subnet_id].vpc_id,
                private_ip=primary.private_ip,
                public_ip=primary.public_ip,
                interfaces=tuple(enis),
                name=name_tag(item, instance_id),
                state=state,
            )
    return instances, interfaces


def _interface(nic, instance_id, subnet_id, subnets, groups) -> NetworkInterface:
    """One network interface, from describe-instances' ``NetworkInterfaces`` or from
    describe-network-interfaces (``instance_id`` None: read from its ``Attachment``)."""
    owner = instance_id or "NetworkInterfaces"
    eni_id = read_text(nic, "NetworkInterfaceId", where=owner) or f"eni-of-{instance_id}"
    eni_subnet = read_text(nic, "SubnetId", where=eni_id) or subnet_id
    of = f" of {instance_id}" if instance_id else ""
    if eni_subnet not in subnets:
        raise VpcError(f"{eni_id}{of}: its SubnetId {quote(eni_subnet)} is not in Subnets")
    subnet = subnets[eni_subnet]
    v6 = []
    for index, item in enumerate(read_list(nic, "Ipv6Addresses", where=eni_id)):
        spot = f"{eni_id} Ipv6Addresses[{index}]"
        item = read_dict(item, where=eni_id, field=f"Ipv6Addresses[{index}]")
        text = read_text(item, "Ipv6Address", where=spot, required=True)
        v6addr = parse_addr(text, f"{spot} Ipv6Address")
        if v6addr.version != 6 or not any(v6addr in n for n in subnet.networks if n.version == 6):
            raise VpcError(
                f"{spot}: Ipv6Address {v6addr} is outside the IPv6 blocks of {eni_subnet} "
                f"({', '.join(subnet.ipv6_cidrs) or 'it has none'})"
            )
        v6.append(str(v6addr))
    private = read_text(nic, "PrivateIpAddress", where=eni_id)
    association = read_dict(nic.get("Association"), where=eni_id, field="Association")
    public = read_text(association, "PublicIp", where=f"{eni_id} Association")
    public = str(parse_addr(public, f"{eni_id} Association PublicIp")) if public else None
    secondary, publics = [], {}
    for index, item in enumerate(read_list(nic, "PrivateIpAddresses", where=eni_id)):
        spot = f"{eni_id} PrivateIpAddresses[{index}]"
        item = read_dict(item, where=eni_id, field=f"PrivateIpAddresses[{index}]")
        text = read_text(item, "PrivateIpAddress", where=spot, required=True)
        addr = _private_ipv4(text, f"{spot} PrivateIpAddress", eni_id, eni_subnet, subnet)
        if read_flag(item, "Primary", where=spot) and not private:
            private = addr
        elif addr != private and addr not in secondary:
            secondary.append(addr)
        linked = read_dict(item.get("Association"), where=spot, field="Association")
        linked_ip = read_text(linked, "PublicIp", where=f"{spot} Association")
        if linked_ip:
            publics[addr] = str(parse_addr(linked_ip, f"{spot} Association PublicIp"))
    if not private and not (subnet.ipv6_only and v6):
        raise VpcError(f"{eni_id}{of}: no PrivateIpAddress")
    if private:
        private = _private_ipv4(private, f"{eni_id} PrivateIpAddress", eni_id, eni_subnet, subnet)
        secondary = [a for a in secondary if a != private]
        if public:
            publics.setdefault(private, public)
        public = publics.get(private)
    group_ids = []
    for index, group in enumerate(read_list(nic, "Groups", where=eni_id)):
        group_id = group.get("GroupId") if isinstance(group, dict) else None
        if not group_id:
            raise VpcError(f"{eni_id}: Groups[{index}] has no GroupId")
        group_id = read_text(group, "GroupId", where=f"{eni_id} Groups[{index}]")
        if group_id not in groups:
            raise VpcError(
                f"{eni_id}: security group {quote(group_id)} is not in SecurityGroups "
                f"(Groups[{index}] GroupId)"
            )
        group_ids.append(group_id)
    attachment = read_dict(nic.get("Attachment"), where=eni_id, field="Attachment")
    if instance_id is None:
        instance_id = read_text(attachment, "InstanceId", where=f"{eni_id} Attachment") or None
    description = read_text(nic, "Description", where=eni_id)
    kind = eni_kind(
        interface_type=read_text(nic, "InterfaceType", where=eni_id),
        description=description,
        requester_id=read_text(nic, "RequesterId", where=eni_id),
    )
    tags = {"Tags": nic["TagSet"]} if "TagSet" in nic and "Tags" not in nic else nic
    return NetworkInterface(
        eni_id=eni_id,
        subnet_id=eni_subnet,
        vpc_id=subnet.vpc_id,
        private_ip=private or "",
        public_ip=public,
        ipv6_addrs=tuple(dict.fromkeys(v6)),
        secondary_ips=tuple(secondary),
        public_ips=tuple(publics.items()),
        group_ids=tuple(group_ids),
        instance_id=instance_id,
        device_index=read_number(
            attachment.get("DeviceIndex", 0), where=f"{eni_id} Attachment", field="DeviceIndex"
        ),
        source_dest_check=read_flag(nic, "SourceDestCheck", where=eni_id, default=True),
        kind="instance" if instance_id and kind == "interface" else kind,
        description=description,
        status=read_text(nic, "Status", where=eni_id, default="in-use"),
        name=name_tag(tags, eni_id),
    )


def _private_ipv4(text: str, where: str, eni_id: str, subnet_id: str, subnet) -> str:
    """A private IPv4 address of an interface: it must lie in the interface's subnet."""
    addr = parse_addr(text, where)
    if addr.version != 4 or addr not in subnet.network:
        raise VpcError(
            f"{where}: {addr} is outside {subnet_id} ({subnet.cidr}), the subnet of {eni_id}"
        )
    return str(addr)


def _network_interfaces(data, subnets, groups, instances, interfaces, where) -> None:
    """Read describe-network-interfaces: every ENI, the services' ones included.

    An interface describe-instances already listed is read again from here (this output says
    more: its type, requester, status) and stays with its instance.
    """
    for index, item in enumerate(_items(data, "NetworkInterfaces")):
        label = f"NetworkInterfaces[{index}]"
        where.append((label, "NetworkInterfaces", index))
        eni_id = _need(item, "NetworkInterfaceId", label)
        where.append((f"{label} {eni_id}", "NetworkInterfaces", index))
        known = interfaces.get(eni_id)
        eni = _interface(item, None, "", subnets, groups)
        if known is not None:
            if eni.instance_id and known.instance_id and eni.instance_id != known.instance_id:
                raise VpcError(
                    f"{eni_id}: Attachment InstanceId {quote(eni.instance_id)}, but "
                    f"describe-instances lists it on {known.instance_id}"
                )
            eni = replace(eni, instance_id=known.instance_id, kind=known.kind)
        elif eni.instance_id and eni.instance_id not in instances:
            continue  # attached to a terminated instance (or one describe-instances left out)
        interfaces[eni_id] = eni
        if eni.instance_id in instances:
            _reattach(instances, eni)


def _reattach(instances, eni) -> None:
    """Put ``eni`` (new or re-read) among its instance's interfaces, in device order."""
    inst = instances[eni.instance_id]
    enis = [e for e in inst.interfaces if e.eni_id != eni.eni_id] + [eni]
    enis.sort(key=lambda e: e.device_index)
    instances[inst.instance_id] = replace(
        inst,
        interfaces=tuple(enis),
        private_ip=enis[0].private_ip,
        public_ip=enis[0].public_ip,
    )


def _elastic_ips(data, instances, interfaces, where) -> None:
    """Read describe-addresses: each associated Elastic IP translates one private address."""
    for index, item in enumerate(_items(data, "Addresses")):
        label = f"Addresses[{index}]"
        where.append((label, "Addresses", index))
        public = read_text(item, "PublicIp", where=label, required=True)
        spot = f"Addresses[{index}] {public}"
        public = str(parse_addr(public, f"{spot} PublicIp"))
        eni_id = read_text(item, "NetworkInterfaceId", where=spot)
        private = read_text(item, "PrivateIpAddress", where=spot)
        if not eni_id or eni_id not in interfaces:
            continue  # not associated, or with an interface outside the data
        eni = interfaces[eni_id]
        private = (
            str(parse_addr(private, f"{spot} PrivateIpAddress")) if private else eni.private_ip
        )
        if private not in (eni.private_ip, *eni.secondary_ips):
            raise VpcError(
                f"{spot}: PrivateIpAddress {private} is not an address of {eni_id} "
                f"({', '.join((eni.private_ip, *eni.secondary_ips))})"
            )
        publics = {p: q for p, q in eni.public_ips if q != public}
        publics[private] = public
        eni = replace(eni, public_ips=tuple(publics.items()), public_ip=publics.get(eni.private_ip))
        interfaces[eni_id] = eni
        if eni.instance_id in instances:
            _reattach(instances, eni)


def _with_local_routes(rtb: RouteTable, vpcs: dict[str, VpcNetwork]) -> RouteTable:
    """Add the local route for each VPC CIDR if the data left it out (AWS always has it)."""
    vpc = vpcs.get(rtb.vpc_id)
    if vpc is None:
        raise VpcError(f"{rtb.route_table_id}: its VpcId {quote(rtb.vpc_id)} is not in Vpcs")
    have = {r.destination for r in rtb.routes if r.target == "local"}
    extra = tuple(local_route(c) for c in vpc.cidrs if c not in have)
    if not extra:
        return rtb
    return replace(rtb, routes=extra + rtb.routes)


def local_route(block: str) -> Route:
    """The ``local`` route AWS puts in every route table for each of the VPC's CIDR blocks.

    >>> local_route("10.0.0.0/16").describe()
    '10.0.0.0/16 -> local (active)'
    """
    return Route(block, "local", network=ipaddress.ip_network(block))


def _missing_targets(
    rtb, igws, nats, peerings, interfaces, eigws=None, instances=None
) -> dict[str, str]:
    """Targets that do not exist or cannot carry traffic, with the reason AWS would give."""
    missing = {}
    for route in rtb.routes:
        target, kind = route.target, route.kind
        if kind == "internet-gateway":
            igw = igws.get(target)
            if igw is None:
                missing[target] = f"{target} does not exist"
            elif rtb.vpc_id not in igw.vpc_ids:
                missing[target] = f"{target} is not attached to {rtb.vpc_id}"
        elif kind == "nat-gateway":
            nat = nats.get(target)
            if nat is None:
                missing[target] = f"{target} does not exist"
            elif not nat.available:
                missing[target] = f"{target} is {nat.state}"
        elif kind == "peering-connection":
            pcx = peerings.get(target)
            if pcx is None:
                missing[target] = f"{target} does not exist"
            elif not pcx.active:
                missing[target] = f"{target} is {pcx.status}"
            elif pcx.peer_of(rtb.vpc_id) is None:
                missing[target] = f"{target} does not connect {rtb.vpc_id}"
        elif kind == "egress-only-internet-gateway":
            eigw = (eigws or {}).get(target)
            if eigw is None:
                missing[target] = f"{target} does not exist"
            elif rtb.vpc_id not in eigw.vpc_ids:
                missing[target] = f"{target} is not attached to {rtb.vpc_id}"
        elif kind == "network-interface" and target not in interfaces:
            missing[target] = f"{target} does not exist"
        elif kind == "instance" and target not in (instances or {}):
            missing[target] = f"{target} does not exist (or is terminated)"
    return missing
