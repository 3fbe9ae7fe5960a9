"""VPCs built with the boto3 calls a person makes, against moto, dumped as ``aws ec2 describe-*``.

An :class:`Account` wraps one region of moto's in-process EC2 and offers one method per step a
person takes in the console or the CLI (create a VPC, a subnet, attach an internet gateway,
allocate an Elastic IP for a NAT gateway, add routes, authorize security group rules, add
network ACL entries, peer two VPCs, launch and stop instances), remembering each resource's id
under the name the test gave it. :meth:`Account.dump` then runs every ``describe-*`` command the
VPC model's loader reads (``netcourse.vpc.loader.KEYS``) and returns one dict shaped like the
AWS CLI's ``--output json``: pages merged, ``ResponseMetadata`` stripped, datetimes as ISO 8601
strings in UTC. :func:`write_folder` writes that dict as a folder of ``describe-*.json`` files,
one per command, which ``Vpc.from_aws_files`` reads.

The scenario functions below each build one small account for one documented AWS rule and return
a :class:`Scenario` (the dump and the ids). Every region starts with moto's default VPC
(172.31.0.0/16 with its default subnets), as a real account does; the dumps keep it.

Where moto prints less than AWS (found in moto 5.2), a test that needs the real shape adds it
and says so:

- no ``IcmpTypeCode`` on ICMP network ACL entries, and no ``*`` (32767) deny entries on a
  custom network ACL (the model denies unmatched traffic either way);
- a route to a deleted target stays ``"State": "active"``; AWS prints ``"blackhole"``
  (:func:`as_aws_prints_blackholes`);
- a NAT gateway's private address is picked outside its subnet (:func:`dump` moves it in, see
  :func:`nat_addresses_in_their_subnet`), and Elastic IPs come from 127.0.0.0/8 (the model only
  carries them through);
- an instance launched with ``NetworkInterfaces`` has an empty top-level ``SecurityGroups``
  (the loader reads each interface's ``Groups``, which moto fills);
- dual-stack (:func:`as_aws_prints_dual_stack`): no IPv6 rules in network ACLs (AWS adds rule
  101 allow ``::/0`` to a default ACL and the IPv6 catch-all 32768 deny ``::/0`` to every ACL
  of a VPC with an IPv6 block), a subnet's ``Ipv6CidrBlockState`` written as the text of a dict
  (``"{'State': 'associated'}"``), ``Ipv6AddressCount`` at launch ignored (use
  :meth:`Account.assign_ipv6`), and an interface in an IPv6-only subnet given its IPv6 address
  as ``PrivateIpAddress`` in describe-instances and describe-network-interfaces (AWS prints no
  private IPv4 there: the address is in ``Ipv6Addresses``).
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import ipaddress
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import boto3
from moto import mock_aws

from netcourse.vpc import Vpc
from netcourse.vpc.loader import ENTRIES_COMMAND, ENTRIES_KEY, KEYS, entries_file

#: The region every scenario is built in (moto's default VPC lives in each region).
REGION = "us-east-1"

#: One boto3 session for every scenario: it loads EC2's service model once (a new session per
#: client costs a second); each client is still made inside its own ``mock_aws``.
_SESSION = boto3.session.Session()

#: An image id for run_instances (moto launches any id; see :func:`account`).
AMI = "ami-12c6146b"

#: The boto3 keyword that names a route's target, by the target id's prefix.
_ROUTE_TARGETS = {
    "igw-": "GatewayId",
    "nat-": "NatGatewayId",
    "pcx-": "VpcPeeringConnectionId",
    "eni-": "NetworkInterfaceId",
    "eigw-": "EgressOnlyInternetGatewayId",
    "tgw-": "TransitGatewayId",
    "vgw-": "GatewayId",
}


def to_cli_json(value):
    """A boto3 response as the AWS CLI prints it: no ResponseMetadata, datetimes as ISO text."""
    if isinstance(value, dict):
        return {k: to_cli_json(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [to_cli_json(v) for v in value]
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc)
        return value.isoformat()
    return value


def dump(ec2) -> dict:
    """Every describe-* output the loader reads, merged into the one dict ``Vpc.from_aws`` takes.

    Each command is paginated to the end and its pages merged, as the AWS CLI does by default;
    then get-managed-prefix-list-entries runs for every prefix list (under ``ENTRIES_KEY``).
    """
    data = {}
    for key, command in KEYS.items():
        merged: dict = {}
        operation = command.replace("-", "_")
        pages = (
            ec2.get_paginator(operation).paginate()
            if ec2.can_paginate(operation)
            else [getattr(ec2, operation)()]  # describe-addresses has no pages
        )
        for page in pages:
            for name, value in to_cli_json(page).items():
                if name == "NextToken":
                    continue
                if isinstance(value, list):
                    merged.setdefault(name, []).extend(value)
                else:
                    merged[name] = value
        data[key] = merged.get(key, [])
    entries = []
    for listed in data.get("PrefixLists", []):
        pl_id = listed["PrefixListId"]
        pages = ec2.get_paginator(ENTRIES_COMMAND.replace("-", "_")).paginate(PrefixListId=pl_id)
        rows = [row for page in pages for row in to_cli_json(page).get("Entries", [])]
        entries.append({"PrefixListId": pl_id, "Entries": rows})
    data[ENTRIES_KEY] = sorted(entries, key=lambda e: e["PrefixListId"])  # as files sort
    return nat_addresses_in_their_subnet(data)


def nat_addresses_in_their_subnet(data: dict) -> dict:
    """A NAT gateway's private address moved into its subnet, as AWS assigns it.

    moto picks the address of a NAT gateway's interface outside the gateway's subnet; AWS takes
    it from the subnet. This gives it the subnet's last address but one (the last is reserved),
    in describe-nat-gateways, describe-network-interfaces and describe-addresses alike.
    """
    cidrs = {s["SubnetId"]: s.get("CidrBlock") for s in data.get("Subnets", [])}
    moved = {}
    for nat in data.get("NatGateways", []):
        cidr = cidrs.get(nat.get("SubnetId"))
        for address in nat.get("NatGatewayAddresses", []):
            if cidr and address.get("PrivateIp"):
                new = str(ipaddress.ip_network(cidr)[-2])
                moved[address["PrivateIp"]] = new
                address["PrivateIp"] = new
    for nic in data.get("NetworkInterfaces", []):
        if nic.get("PrivateIpAddress") in moved:
            nic["PrivateIpAddress"] = moved[nic["PrivateIpAddress"]]
            for item in nic.get("PrivateIpAddresses", []):
                item["PrivateIpAddress"] = moved.get(item["PrivateIpAddress"],
                                                     item["PrivateIpAddress"])  # fmt: skip
    for address in data.get("Addresses", []):
        if address.get("PrivateIpAddress") in moved:
            address["PrivateIpAddress"] = moved[address["PrivateIpAddress"]]
    return data


def write_folder(data: dict, folder: str | Path) -> Path:
    """Write a dump as ``describe-*.json`` files (the CLI's 4-space JSON), one per command, and
    one ``get-managed-prefix-list-entries-<pl-id>.json`` per prefix list, as aws_dump does."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for key, command in KEYS.items():
        text = json.dumps({key: data.get(key, [])}, indent=4, ensure_ascii=False)
        (folder / f"{command}.json").write_text(text + "\n")
    for item in data.get(ENTRIES_KEY, []):
        text = json.dumps({"Entries": item["Entries"]}, indent=4, ensure_ascii=False)
        (folder / entries_file(item["PrefixListId"])).write_text(text + "\n")
    return folder


def without_entries(data: dict, pl_id: str) -> dict:
    """A copy of a dump without the get-managed-prefix-list-entries output of ``pl_id``."""
    data = copy.deepcopy(data)
    data[ENTRIES_KEY] = [e for e in data.get(ENTRIES_KEY, []) if e["PrefixListId"] != pl_id]
    return data


def as_aws_prints_blackholes(data: dict, target_id: str) -> dict:
    """A copy where routes to ``target_id`` say ``"State": "blackhole"``, as AWS prints them.

    AWS marks a route whose target was deleted (a NAT gateway, a detached internet gateway)
    as a blackhole; moto keeps it "active".
    """
    data = copy.deepcopy(data)
    for table in data["RouteTables"]:
        for route in table["Routes"]:
            if target_id in route.values():
                route["State"] = "blackhole"
    return data


def as_aws_prints_dual_stack(data: dict) -> dict:
    """A copy of a dump with the IPv6 parts moto leaves out or misprints, as AWS prints them.

    - Every network ACL of a VPC with an IPv6 block gets the IPv6 catch-all, rule 32768 deny
      ``::/0`` in each direction (the CLI's describe-network-acls example shows it:
      https://docs.aws.amazon.com/cli/latest/reference/ec2/describe-network-acls.html); the
      default ACL also gets rule 101 allow ``::/0`` in each direction
      (https://docs.aws.amazon.com/vpc/latest/userguide/default-network-acl.html).
    - A subnet's ``Ipv6CidrBlockState`` is ``{"State": "associated"}``.
    - An interface in an IPv6-only subnet has no ``PrivateIpAddress``: moto's IPv6 address
      there moves to ``Ipv6Addresses`` (and the instance's ``Ipv6Address``).
    """
    data = copy.deepcopy(data)
    dual = {v["VpcId"] for v in data["Vpcs"] if v.get("Ipv6CidrBlockAssociationSet")}
    for acl in data["NetworkAcls"]:
        if acl["VpcId"] not in dual:
            continue
        numbers = {(e["RuleNumber"], e["Egress"]) for e in acl["Entries"]}
        for egress in (False, True):
            extra = [(32768, "deny")] + [(101, "allow")] * bool(acl.get("IsDefault"))
            for number, action in extra:
                if (number, egress) not in numbers:
                    acl["Entries"].append({"Egress": egress, "Ipv6CidrBlock": "::/0",
                                           "Protocol": "-1", "RuleAction": action,
                                           "RuleNumber": number})  # fmt: skip
    for subnet in data["Subnets"]:
        for block in subnet.get("Ipv6CidrBlockAssociationSet", []):
            block["Ipv6CidrBlockState"] = {"State": "associated"}

    def move_ipv6(nic: dict) -> str | None:
        addr = nic.get("PrivateIpAddress")
        if not addr or ipaddress.ip_address(addr).version != 6:
            return None
        del nic["PrivateIpAddress"]
        nic["PrivateIpAddresses"] = []
        nic["Ipv6Addresses"] = [{"Ipv6Address": addr, "IsPrimaryIpv6": True}]
        return addr

    for reservation in data["Reservations"]:
        for instance in reservation["Instances"]:
            for nic in instance.get("NetworkInterfaces", []):
                addr = move_ipv6(nic)
                if addr and nic["Attachment"]["DeviceIndex"] == 0:
                    instance.pop("PrivateIpAddress", None)
                    instance["Ipv6Address"] = addr
    for nic in data.get("NetworkInterfaces", []):
        move_ipv6(nic)
    return data


def as_aws_prints_elastic_ip(
    data: dict, public_ip: str, private_ip: str, *, primary_public: str | None = None
) -> dict:
    """A copy where the Elastic IP ``public_ip`` translates ``private_ip``, as AWS prints it.

    moto ignores associate-address's ``PrivateIpAddress`` and maps the Elastic IP to the
    interface's primary address, replacing the public IP the primary had (``primary_public``).
    AWS prints it on the private address it was associated with: ``PrivateIpAddress`` in
    describe-addresses, and the ``Association`` of that address in ``PrivateIpAddresses`` of
    describe-network-interfaces and describe-instances, while the primary keeps its public IP
    in the top-level ``Association``
    (https://docs.aws.amazon.com/cli/latest/reference/ec2/describe-network-interfaces.html).
    """
    data = copy.deepcopy(data)
    for address in data["Addresses"]:
        if address["PublicIp"] == public_ip:
            address["PrivateIpAddress"] = private_ip
    nics = list(data.get("NetworkInterfaces", []))
    for reservation in data["Reservations"]:
        for instance in reservation["Instances"]:
            nics += instance.get("NetworkInterfaces", [])
            if instance.get("PublicIpAddress") == public_ip:
                del instance["PublicIpAddress"]
                if primary_public:
                    instance["PublicIpAddress"] = primary_public
    for nic in nics:
        if (nic.get("Association") or {}).get("PublicIp") != public_ip:
            continue
        association = nic.pop("Association")
        primary = None
        if primary_public:
            primary = {"IpOwnerId": "amazon", "PublicIp": primary_public}
            nic["Association"] = primary
        for item in nic.get("PrivateIpAddresses", []):
            if item.get("Association", {}).get("PublicIp") == public_ip:
                del item["Association"]
            if item.get("Primary") and primary:
                item["Association"] = primary
            if item["PrivateIpAddress"] == private_ip:
                item["Association"] = association
    return data


#: How AWS prints the interface a service creates in a subnet: the fields only the service
#: sets (moto's create-network-interface prints ``InterfaceType`` "interface", its own
#: ``RequesterId``, ``RequesterManaged`` false and no attachment). From the describe-network-
#: interfaces output of each service's interfaces (InterfaceType values:
#: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NetworkInterface.html).
SERVICE_ENIS = {
    "lambda": {"InterfaceType": "lambda", "RequesterId": "123456789012:awslambda_resize",
               "Owner": "amazon-aws"},
    "load-balancer": {"InterfaceType": "interface", "RequesterId": "amazon-elb",
                      "Owner": "amazon-elb"},
    "nat-gateway": {"InterfaceType": "nat_gateway", "RequesterId": "440000000000",
                    "Owner": "amazon-aws"},
    "vpc-endpoint": {"InterfaceType": "vpc_endpoint", "RequesterId": "AROAEXAMPLE:vpce",
                     "Owner": "amazon-aws"},
}  # fmt: skip


def as_aws_prints_service_eni(data: dict, eni_id: str, kind: str, description: str) -> dict:
    """A copy where interface ``eni_id`` is printed as the service ``kind`` created it
    (:data:`SERVICE_ENIS`): type, requester, ``RequesterManaged`` true, in use, attached to the
    service (an attachment with no ``InstanceId``), and AWS's description for it. A NAT
    gateway's interface has no security group."""
    data = copy.deepcopy(data)
    spec = SERVICE_ENIS[kind]
    for nic in data["NetworkInterfaces"]:
        if nic["NetworkInterfaceId"] != eni_id:
            continue
        nic.update(
            InterfaceType=spec["InterfaceType"], RequesterId=spec["RequesterId"],
            RequesterManaged=True, Status="in-use", Description=description,
            Attachment={"AttachmentId": f"ela-attach-{eni_id[4:]}", "DeviceIndex": 1,
                        "InstanceOwnerId": spec["Owner"], "Status": "attached"},
        )  # fmt: skip
        if kind == "nat-gateway":
            nic["Groups"] = []
    return data


def allow(protocol: str, ports, *peers: str) -> dict:
    """One security group permission (boto3 ``IpPermissions`` item) from CIDRs and group ids.

    ``ports`` is None (all), a port, or a (low, high) pair; a peer with a "/" is a CIDR block
    (IPv6 when it has a ":"), any other a security group (its ``sg-`` id, or its name in an
    :class:`Account`).
    """
    perm: dict = {"IpProtocol": protocol}
    if ports is not None:
        low, high = (ports, ports) if isinstance(ports, int) else ports
        perm["FromPort"], perm["ToPort"] = low, high
    cidrs = [p for p in peers if "/" in p and ":" not in p]
    cidrs6 = [p for p in peers if "/" in p and ":" in p]
    groups = [p for p in peers if "/" not in p]
    if cidrs:
        perm["IpRanges"] = [{"CidrIp": c} for c in cidrs]
    if cidrs6:
        perm["Ipv6Ranges"] = [{"CidrIpv6": c} for c in cidrs6]
    if groups:
        perm["UserIdGroupPairs"] = [{"GroupId": g} for g in groups]
    return perm


def entry(number: int, action: str, protocol: str, cidr: str, ports=None) -> dict:
    """One network ACL entry (the arguments of create_network_acl_entry but the ACL and way).

    ``protocol`` is AWS's number as text ("6" tcp, "17" udp, "-1" all); ``ports`` a
    (low, high) pair or None.
    """
    key = "Ipv6CidrBlock" if ":" in cidr else "CidrBlock"
    item = {"RuleNumber": number, "RuleAction": action, "Protocol": protocol, key: cidr}
    if ports is not None:
        item["PortRange"] = {"From": ports[0], "To": ports[1]}
    return item


@dataclass(frozen=True)
class Eni:
    """One network interface of an instance to launch: subnet and security group names."""

    subnet: str
    groups: tuple[str, ...]
    private_ip: str | None = None
    public_ip: bool = False


@dataclass(frozen=True)
class Scenario:
    """A built account: its describe-* dump and the ids of what the builder named."""

    data: dict
    ids: dict[str, str] = field(default_factory=dict)

    def vpc(self) -> Vpc:
        """The VPC model read from this scenario's dump."""
        return Vpc.from_aws(self.data)


class Account:
    """One region of moto's EC2, driven with the calls a person makes; ids kept by name."""

    def __init__(self, ec2):
        self.ec2 = ec2
        self.ids: dict[str, str] = {}
        self.zone = f"{ec2.meta.region_name}a"

    def _name(self, kind: str, name: str) -> list[dict]:
        return [{"ResourceType": kind, "Tags": [{"Key": "Name", "Value": name}]}]

    def _remember(self, name: str, value: str) -> None:
        if name in self.ids:
            raise ValueError(f"{name!r} already names {self.ids[name]}; give each resource its own")
        self.ids[name] = value

    def _id(self, name_or_id: str) -> str:
        return self.ids.get(name_or_id, name_or_id)

    def vpc(self, name: str, cidr: str, *, ipv6: bool = False) -> str:
        """create-vpc; also remembers the main route table as ``<name>-main-rt``.

        ``ipv6`` asks for an Amazon-provided IPv6 /56 (AmazonProvidedIpv6CidrBlock), remembered
        as ``<name>-v6``.
        """
        made = self.ec2.create_vpc(
            CidrBlock=cidr, AmazonProvidedIpv6CidrBlock=ipv6,
            TagSpecifications=self._name("vpc", name),
        )["Vpc"]  # fmt: skip
        vpc_id = made["VpcId"]
        self._remember(name, vpc_id)
        if ipv6:
            block = made["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
            self._remember(f"{name}-v6", str(ipaddress.ip_network(block)))  # compressed
        tables = self.ec2.describe_route_tables(
            Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "association.main",
                                                             "Values": ["true"]}]
        )["RouteTables"]  # fmt: skip
        self._remember(f"{name}-main-rt", tables[0]["RouteTableId"])
        return vpc_id

    def subnet(self, name: str, vpc: str, cidr: str | None, *, ipv6: int | None = None) -> str:
        """create-subnet in the account's first availability zone.

        ``ipv6`` gives the subnet the ``ipv6``-th /64 of its VPC's IPv6 block (remembered as
        ``<name>-v6``); ``cidr=None`` with it makes an IPv6-only subnet (Ipv6Native).
        """
        extra: dict = {} if cidr is None else {"CidrBlock": cidr}
        if ipv6 is not None:
            block = ipaddress.ip_network(self.ids[f"{vpc}-v6"])
            six = str(next(n for k, n in enumerate(block.subnets(new_prefix=64)) if k == ipv6))
            extra.update(Ipv6CidrBlock=six, Ipv6Native=cidr is None)
            self._remember(f"{name}-v6", six)
        subnet_id = self.ec2.create_subnet(
            VpcId=self._id(vpc), AvailabilityZone=self.zone,
            TagSpecifications=self._name("subnet", name), **extra,
        )["Subnet"]["SubnetId"]  # fmt: skip
        self._remember(name, subnet_id)
        return subnet_id

    def egress_only_gateway(self, name: str, vpc: str) -> str:
        """create-egress-only-internet-gateway for ``vpc`` (attached as it is created)."""
        eigw_id = self.ec2.create_egress_only_internet_gateway(
            VpcId=self._id(vpc), TagSpecifications=self._name("egress-only-internet-gateway", name)
        )["EgressOnlyInternetGateway"]["EgressOnlyInternetGatewayId"]
        self._remember(name, eigw_id)
        return eigw_id

    def transit_gateway(self, name: str, vpc: str, subnet: str) -> str:
        """create-transit-gateway, then create-transit-gateway-vpc-attachment in ``subnet``."""
        tgw_id = self.ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
        self.ec2.create_transit_gateway_vpc_attachment(
            TransitGatewayId=tgw_id, VpcId=self._id(vpc), SubnetIds=[self._id(subnet)]
        )
        self._remember(name, tgw_id)
        return tgw_id

    def vpn_gateway(self, name: str, vpc: str) -> str:
        """create-vpn-gateway, then attach-vpn-gateway to ``vpc``."""
        vgw_id = self.ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
        self.ec2.attach_vpn_gateway(VpcId=self._id(vpc), VpnGatewayId=vgw_id)
        self._remember(name, vgw_id)
        return vgw_id

    def gateway_endpoint(self, name: str, vpc: str, service: str, tables=()) -> str:
        """create-vpc-endpoint of type Gateway (S3, DynamoDB): AWS adds a route to the service's
        prefix list in each of ``tables``."""
        vpce_id = self.ec2.create_vpc_endpoint(
            VpcId=self._id(vpc), ServiceName=f"com.amazonaws.{self.ec2.meta.region_name}.{service}",
            VpcEndpointType="Gateway", RouteTableIds=[self._id(t) for t in tables],
        )["VpcEndpoint"]["VpcEndpointId"]  # fmt: skip
        self._remember(name, vpce_id)
        return vpce_id

    def assign_ipv6(self, eni: str) -> str:
        """assign-ipv6-addresses: one address from the subnet's /64, remembered as ``<eni>-v6``."""
        addr = self.ec2.assign_ipv6_addresses(NetworkInterfaceId=self._id(eni), Ipv6AddressCount=1)[
            "AssignedIpv6Addresses"
        ][0]
        self._remember(f"{eni}-v6", addr)
        return addr

    def network_interface(
        self, name: str, subnet: str, groups, private_ip: str, *, description: str = ""
    ) -> str:
        """create-network-interface in ``subnet`` with these groups (by name) and address."""
        eni_id = self.ec2.create_network_interface(
            SubnetId=self._id(subnet), Groups=[self._id(g) for g in groups],
            PrivateIpAddress=private_ip, Description=description,
            TagSpecifications=self._name("network-interface", name),
        )["NetworkInterface"]["NetworkInterfaceId"]  # fmt: skip
        self._remember(name, eni_id)
        return eni_id

    def assign_private_ips(self, eni: str, *addrs: str) -> None:
        """assign-private-ip-addresses: secondary private IPv4 addresses on ``eni``."""
        self.ec2.assign_private_ip_addresses(
            NetworkInterfaceId=self._id(eni), PrivateIpAddresses=list(addrs)
        )

    def elastic_ip(self, name: str, eni: str, private_ip: str | None = None) -> str:
        """allocate-address, then associate-address with ``eni`` (and one of its addresses).

        The public address is remembered as ``name``.
        """
        eip = self.ec2.allocate_address(Domain="vpc")
        extra = {} if private_ip is None else {"PrivateIpAddress": private_ip}
        self.ec2.associate_address(
            AllocationId=eip["AllocationId"], NetworkInterfaceId=self._id(eni), **extra
        )
        self._remember(name, eip["PublicIp"])
        return eip["PublicIp"]

    def attach(self, eni: str, instance: str, device_index: int) -> None:
        """attach-network-interface: ``eni`` becomes device ``device_index`` of ``instance``."""
        self.ec2.attach_network_interface(
            NetworkInterfaceId=self._id(eni), InstanceId=self._id(instance),
            DeviceIndex=device_index,
        )  # fmt: skip

    def source_dest_check(self, eni: str, on: bool) -> None:
        """modify-network-interface-attribute --(no-)source-dest-check."""
        self.ec2.modify_network_interface_attribute(
            NetworkInterfaceId=self._id(eni), SourceDestCheck={"Value": on}
        )

    def internet_gateway(self, name: str, vpc: str) -> str:
        """create-internet-gateway, then attach-internet-gateway to ``vpc``."""
        igw_id = self.ec2.create_internet_gateway(
            TagSpecifications=self._name("internet-gateway", name)
        )["InternetGateway"]["InternetGatewayId"]
        self.ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=self._id(vpc))
        self._remember(name, igw_id)
        return igw_id

    def nat_gateway(self, name: str, subnet: str) -> str:
        """allocate-address (an Elastic IP), then create-nat-gateway in ``subnet``.

        The Elastic IP's address is remembered as ``<name>-eip``.
        """
        eip = self.ec2.allocate_address(Domain="vpc")
        nat_id = self.ec2.create_nat_gateway(
            SubnetId=self._id(subnet), AllocationId=eip["AllocationId"],
            TagSpecifications=self._name("natgateway", name),
        )["NatGateway"]["NatGatewayId"]  # fmt: skip
        self._remember(name, nat_id)
        self._remember(f"{name}-eip", eip["PublicIp"])
        return nat_id

    def delete_nat_gateway(self, name: str) -> None:
        """delete-nat-gateway (routes to it stay, as on AWS)."""
        self.ec2.delete_nat_gateway(NatGatewayId=self._id(name))

    def route_table(
        self, name: str, vpc: str, *, subnets=(), routes: dict | None = None, gateways=()
    ) -> str:
        """create-route-table, create-route for each ``cidr: target``, associate-route-table
        with each subnet, and with each gateway of ``gateways`` (an edge association: a gateway
        route table)."""
        rtb_id = self.ec2.create_route_table(
            VpcId=self._id(vpc), TagSpecifications=self._name("route-table", name)
        )["RouteTable"]["RouteTableId"]
        self._remember(name, rtb_id)
        for cidr, target in (routes or {}).items():
            self.route(rtb_id, cidr, target)
        for subnet in subnets:
            self.ec2.associate_route_table(RouteTableId=rtb_id, SubnetId=self._id(subnet))
        for gateway in gateways:
            self.ec2.associate_route_table(RouteTableId=rtb_id, GatewayId=self._id(gateway))
        return rtb_id

    def route(self, table: str, cidr: str, target: str) -> None:
        """create-route with the keyword that fits the target (GatewayId, NatGatewayId, ...)."""
        target_id = self._id(target)
        keyword = next(k for prefix, k in _ROUTE_TARGETS.items() if target_id.startswith(prefix))
        where = "DestinationIpv6CidrBlock" if ":" in cidr else "DestinationCidrBlock"
        self.ec2.create_route(RouteTableId=self._id(table), **{where: cidr, keyword: target_id})

    def security_group(self, name: str, vpc: str, *, ingress=(), egress=None) -> str:
        """create-security-group, authorize-security-group-ingress for each permission.

        ``egress=None`` keeps the rule AWS adds to every new group (all traffic out); a list
        revokes it and authorizes these instead (an empty list leaves no outbound rule).
        Permissions may name groups by the builder's names (resolved to ``sg-`` ids).
        """
        group_id = self.ec2.create_security_group(
            GroupName=name, Description=f"{name} tier", VpcId=self._id(vpc),
            TagSpecifications=self._name("security-group", name),
        )["GroupId"]  # fmt: skip
        self._remember(name, group_id)
        if ingress:
            self.ec2.authorize_security_group_ingress(
                GroupId=group_id, IpPermissions=[self._resolve(p) for p in ingress]
            )
        if egress is not None:
            self.ec2.revoke_security_group_egress(
                GroupId=group_id, IpPermissions=[allow("-1", None, "0.0.0.0/0")]
            )
            if egress:
                self.ec2.authorize_security_group_egress(
                    GroupId=group_id, IpPermissions=[self._resolve(p) for p in egress]
                )
        return group_id

    def _resolve(self, perm: dict) -> dict:
        perm = copy.deepcopy(perm)
        for pair in perm.get("UserIdGroupPairs", []):
            pair["GroupId"] = self._id(pair["GroupId"])
        return perm

    def network_acl(self, name: str, vpc: str, *, subnets=(), inbound=(), outbound=()) -> str:
        """create-network-acl, create-network-acl-entry for each entry (in the order given),
        then replace-network-acl-association for each subnet."""
        acl_id = self.ec2.create_network_acl(
            VpcId=self._id(vpc), TagSpecifications=self._name("network-acl", name)
        )["NetworkAcl"]["NetworkAclId"]
        self._remember(name, acl_id)
        for egress, entries in ((False, inbound), (True, outbound)):
            for item in entries:
                self.ec2.create_network_acl_entry(NetworkAclId=acl_id, Egress=egress, **item)
        for subnet in subnets:
            subnet_id = self._id(subnet)
            current = self.ec2.describe_network_acls(
                Filters=[{"Name": "association.subnet-id", "Values": [subnet_id]}]
            )["NetworkAcls"][0]
            association = next(
                a["NetworkAclAssociationId"]
                for a in current["Associations"]
                if a["SubnetId"] == subnet_id
            )
            self.ec2.replace_network_acl_association(AssociationId=association, NetworkAclId=acl_id)
        return acl_id

    def peering(self, name: str, vpc: str, peer: str) -> str:
        """create-vpc-peering-connection from ``vpc`` to ``peer``, then accept it."""
        pcx_id = self.ec2.create_vpc_peering_connection(
            VpcId=self._id(vpc), PeerVpcId=self._id(peer),
            TagSpecifications=self._name("vpc-peering-connection", name),
        )["VpcPeeringConnection"]["VpcPeeringConnectionId"]  # fmt: skip
        self.ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx_id)
        self._remember(name, pcx_id)
        return pcx_id

    def peering_to_region(self, name: str, vpc: str, region: str, cidr: str) -> str:
        """create-vpc in another ``region`` (remembered as ``<name>-vpc``), then a peering
        connection to it with PeerRegion, accepted from that region."""
        there = _SESSION.client("ec2", region_name=region)
        peer_id = there.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
        self._remember(f"{name}-vpc", peer_id)
        pcx_id = self.ec2.create_vpc_peering_connection(
            VpcId=self._id(vpc), PeerVpcId=peer_id, PeerRegion=region,
            TagSpecifications=self._name("vpc-peering-connection", name),
        )["VpcPeeringConnection"]["VpcPeeringConnectionId"]  # fmt: skip
        there.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx_id)
        self._remember(name, pcx_id)
        return pcx_id

    def instance(self, name: str, *interfaces: Eni) -> str:
        """run-instances with these network interfaces (device 0 first), tagged with its Name.

        Each interface's id is remembered as ``<name>-eni<device index>``.
        """
        specs = []
        for index, eni in enumerate(interfaces):
            spec = {
                "DeviceIndex": index,
                "SubnetId": self._id(eni.subnet),
                "Groups": [self._id(g) for g in eni.groups],
            }
            if eni.private_ip:
                spec["PrivateIpAddress"] = eni.private_ip
            if eni.public_ip:
                spec["AssociatePublicIpAddress"] = True
            specs.append(spec)
        launched = self.ec2.run_instances(
            ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro",
            NetworkInterfaces=specs, TagSpecifications=self._name("instance", name),
        )["Instances"][0]  # fmt: skip
        self._remember(name, launched["InstanceId"])
        if launched.get("PublicIpAddress"):
            self._remember(f"{name}-public", launched["PublicIpAddress"])
        for nic in launched["NetworkInterfaces"]:
            index = nic["Attachment"]["DeviceIndex"]
            self._remember(f"{name}-eni{index}", nic["NetworkInterfaceId"])
        return launched["InstanceId"]

    def stop(self, name: str) -> None:
        """stop-instances."""
        self.ec2.stop_instances(InstanceIds=[self._id(name)])

    def dump(self) -> dict:
        """Every describe-* output the loader reads (see :func:`dump`)."""
        return dump(self.ec2)

    def scenario(self) -> Scenario:
        """The dump and the ids, to use after the moto context ends."""
        return Scenario(self.dump(), dict(self.ids))


@contextlib.contextmanager
def account(region: str = REGION) -> Iterator[Account]:
    """A fresh moto account (inside ``mock_aws``: no request leaves the process).

    moto's catalogue of public AMIs is left unloaded (it costs a second per account and the
    dumps read no image); run_instances accepts any image id without it.
    """
    with mock.patch.dict(os.environ, {"MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}), mock_aws():
        yield Account(_SESSION.client("ec2", region_name=region))


# --- scenarios, one per documented rule ----------------------------------------------------

#: The security group and network ACL entries that let anything in, so a scenario can close
#: exactly the part its rule is about.
EVERYTHING = allow("-1", None, "0.0.0.0/0")
EPHEMERAL_OUT = entry(100, "allow", "6", "0.0.0.0/0", (1024, 65535))


def _public_vpc(acct: Account, *, vpc_cidr: str = "10.0.0.0/16") -> None:
    """VPC "main" with subnet "public" (10.0.1.0/24) routed to internet gateway "igw"."""
    acct.vpc("main", vpc_cidr)
    acct.subnet("public", "main", "10.0.1.0/24")
    acct.internet_gateway("igw", "main")
    acct.route_table("public-rt", "main", subnets=["public"], routes={"0.0.0.0/0": "igw"})


def stateful_security_group() -> Scenario:
    """Two public instances: "web" (group "web-sg") lets 443 in and has no outbound rule at
    all; "client" (group "client-sg") has no inbound rule and AWS's default outbound rule."""
    with account() as acct:
        _public_vpc(acct)
        acct.security_group("web-sg", "main", ingress=[allow("tcp", 443, "0.0.0.0/0")], egress=[])
        acct.security_group("client-sg", "main")
        acct.instance("web", Eni("public", ("web-sg",), "10.0.1.10", public_ip=True))
        acct.instance("client", Eni("public", ("client-sg",), "10.0.1.20", public_ip=True))
        return acct.scenario()


def acl_scenario(*, inbound=(), outbound=()) -> Scenario:
    """Public "web" (security group open both ways) behind custom network ACL "web-acl"
    holding these entries, created in the order given."""
    with account() as acct:
        _public_vpc(acct)
        acct.network_acl("web-acl", "main", subnets=["public"], inbound=inbound, outbound=outbound)
        acct.security_group("web-sg", "main", ingress=[EVERYTHING])
        acct.instance("web", Eni("public", ("web-sg",), "10.0.1.10", public_ip=True))
        return acct.scenario()


def default_and_new_acl() -> Scenario:
    """Public subnets "open" (the VPC's default network ACL, untouched) and "closed" (a new
    custom ACL "new-acl" with no entries added), each with an instance open to everything."""
    with account() as acct:
        acct.vpc("main", "10.0.0.0/16")
        acct.subnet("open", "main", "10.0.1.0/24")
        acct.subnet("closed", "main", "10.0.2.0/24")
        acct.internet_gateway("igw", "main")
        acct.route_table("public-rt", "main", subnets=["open", "closed"],
                         routes={"0.0.0.0/0": "igw"})  # fmt: skip
        acct.network_acl("new-acl", "main", subnets=["closed"])
        acct.security_group("any", "main", ingress=[EVERYTHING])
        acct.instance("open-web", Eni("open", ("any",), "10.0.1.10", public_ip=True))
        acct.instance("closed-web", Eni("closed", ("any",), "10.0.2.10", public_ip=True))
        return acct.scenario()


def group_references() -> Scenario:
    """Group "app-sg" admits tcp 8080 from members of group "web-sg" only; "ssh" admits tcp 22
    from the VPC. Instances: "web" (web-sg), "other" (other-sg), "app" (app-sg), "both" (app-sg
    and ssh on one interface) and "multi" with two interfaces: eni0 in "other-sg", eni1 in
    "web-sg"."""
    with account() as acct:
        acct.vpc("main", "10.0.0.0/16")
        acct.subnet("front", "main", "10.0.1.0/24")
        acct.subnet("back", "main", "10.0.2.0/24")
        acct.security_group("web-sg", "main")
        acct.security_group("other-sg", "main")
        acct.security_group("app-sg", "main", ingress=[allow("tcp", 8080, "web-sg")])
        acct.security_group("ssh", "main", ingress=[allow("tcp", 22, "10.0.0.0/16")])
        acct.instance("web", Eni("front", ("web-sg",), "10.0.1.10"))
        acct.instance("other", Eni("front", ("other-sg",), "10.0.1.11"))
        acct.instance("multi", Eni("front", ("other-sg",), "10.0.1.20"),
                      Eni("front", ("web-sg",), "10.0.1.21"))  # fmt: skip
        acct.instance("app", Eni("back", ("app-sg",), "10.0.2.10"))
        acct.instance("both", Eni("back", ("app-sg", "ssh"), "10.0.2.11"))
        return acct.scenario()


def public_and_private() -> Scenario:
    """Subnet "public" routes 0.0.0.0/0 to the internet gateway; subnet "private" uses the
    main route table (local route only). "web" is public with a public IP, "hidden" is in
    the public subnet without one, "stranded" has a public IP in the private subnet."""
    with account() as acct:
        _public_vpc(acct)
        acct.subnet("private", "main", "10.0.2.0/24")
        acct.security_group("open", "main", ingress=[allow("tcp", 443, "0.0.0.0/0")])
        acct.instance("web", Eni("public", ("open",), "10.0.1.10", public_ip=True))
        acct.instance("hidden", Eni("public", ("open",), "10.0.1.11"))
        acct.instance("stranded", Eni("private", ("open",), "10.0.2.10", public_ip=True))
        return acct.scenario()


def nat_gateway(*, delete: bool = False) -> Scenario:
    """Instance "app" in subnet "private" (no public IP); its route table "private-rt" sends
    0.0.0.0/0 to NAT gateway "nat" in subnet "public"; ``delete`` deletes the NAT gateway
    afterwards (the route stays)."""
    with account() as acct:
        _public_vpc(acct)
        acct.subnet("private", "main", "10.0.2.0/24")
        acct.nat_gateway("nat", "public")
        acct.route_table("private-rt", "main", subnets=["private"], routes={"0.0.0.0/0": "nat"})
        acct.security_group("app-sg", "main", ingress=[allow("tcp", 8080, "0.0.0.0/0")])
        acct.instance("app", Eni("private", ("app-sg",), "10.0.2.10"))
        if delete:
            acct.delete_nat_gateway("nat")
        return acct.scenario()


def peering_chain() -> Scenario:
    """VPCs "a-vpc" 10.1/16, "b-vpc" 10.2/16, "c-vpc" 10.3/16 peered a-b ("ab") and b-c
    ("bc"), with routes on both sides of each; "a-vpc" also sends 10.3.0.0/16 to "ab" and
    "c-vpc" sends 10.1.0.0/16 to "bc", hoping to pass through "b-vpc". One instance in each
    VPC: "a", "b", "c"."""
    with account() as acct:
        for name, second in (("a", 1), ("b", 2), ("c", 3)):
            acct.vpc(f"{name}-vpc", f"10.{second}.0.0/16")
            acct.subnet(f"{name}-net", f"{name}-vpc", f"10.{second}.1.0/24")
            acct.security_group(f"{name}-sg", f"{name}-vpc",
                                ingress=[allow("tcp", 443, "10.0.0.0/8")])  # fmt: skip
        acct.peering("ab", "a-vpc", "b-vpc")
        acct.peering("bc", "b-vpc", "c-vpc")
        routes = {
            "a": {"10.2.0.0/16": "ab", "10.3.0.0/16": "ab"},
            "b": {"10.1.0.0/16": "ab", "10.3.0.0/16": "bc"},
            "c": {"10.2.0.0/16": "bc", "10.1.0.0/16": "bc"},
        }
        for name, second in (("a", 1), ("b", 2), ("c", 3)):
            acct.route_table(f"{name}-rt", f"{name}-vpc", subnets=[f"{name}-net"],
                             routes=routes[name])  # fmt: skip
            acct.instance(name, Eni(f"{name}-net", (f"{name}-sg",), f"10.{second}.1.10"))
        return acct.scenario()


def stopped_instance() -> Scenario:
    """Public "admin" and "db" in one subnet, both open to tcp 22 from everywhere, both
    launched with a public IP; then "db" is stopped."""
    with account() as acct:
        _public_vpc(acct)
        acct.security_group("ssh", "main", ingress=[allow("tcp", 22, "0.0.0.0/0")])
        acct.instance("admin", Eni("public", ("ssh",), "10.0.1.10", public_ip=True))
        acct.instance("db", Eni("public", ("ssh",), "10.0.1.20", public_ip=True))
        acct.stop("db")
        return acct.scenario()


def same_subnet() -> Scenario:
    """Subnet "locked" has a custom network ACL with no entries; "a" and "b" live in it, "c"
    in subnet "other" (default ACL). Every group admits all traffic from the VPC."""
    with account() as acct:
        acct.vpc("main", "10.0.0.0/16")
        acct.subnet("locked", "main", "10.0.1.0/24")
        acct.subnet("other", "main", "10.0.2.0/24")
        acct.network_acl("locked-acl", "main", subnets=["locked"])
        acct.security_group("vpc", "main", ingress=[allow("-1", None, "10.0.0.0/16")])
        acct.instance("a", Eni("locked", ("vpc",), "10.0.1.10"))
        acct.instance("b", Eni("locked", ("vpc",), "10.0.1.11"))
        acct.instance("c", Eni("other", ("vpc",), "10.0.2.10"))
        return acct.scenario()


def peering_to_another_region() -> Scenario:
    """VPC "main" 10.0.0.0/16 in us-east-1 peered ("west") with a VPC 10.9.0.0/16 in
    us-west-2; on this side "main-rt" sends 10.9.0.0/16 to "west". Instance
    "app" in subnet "private". The dump, like the CLI's, holds one region: the peer VPC's own
    resources are not in it."""
    with account() as acct:
        acct.vpc("main", "10.0.0.0/16")
        acct.subnet("private", "main", "10.0.2.0/24")
        acct.peering_to_region("west", "main", "us-west-2", "10.9.0.0/16")
        acct.route_table("main-rt", "main", subnets=["private"], routes={"10.9.0.0/16": "west"})
        acct.security_group("app-sg", "main")
        acct.instance("app", Eni("private", ("app-sg",), "10.0.2.10"))
        return acct.scenario()


def dual_stack() -> Scenario:
    """VPC "main" 10.0.0.0/16 with an Amazon IPv6 /56, as AWS prints it
    (:func:`as_aws_prints_dual_stack`). Subnet "public" (10.0.1.0/24 and a /64) routes
    0.0.0.0/0 and ::/0 to internet gateway "igw"; subnet "private" (10.0.2.0/24 and a /64)
    and the IPv6-only subnet "v6only" route only ::/0, to egress-only internet gateway "eigw".
    Group "web-sg" admits tcp 443 from 0.0.0.0/0 and ::/0, tcp 22 from 0.0.0.0/0 only, and
    ICMPv6 echo requests (type 128) from ::/0; every group keeps AWS's default outbound rules
    (all IPv4 and, in a VPC with IPv6, all IPv6). Instances, each with one IPv6 address: "web"
    in "public" (also a public IPv4), "app" in "private", "only6" in "v6only". Default ACLs."""
    with account() as acct:
        acct.vpc("main", "10.0.0.0/16", ipv6=True)
        acct.subnet("public", "main", "10.0.1.0/24", ipv6=1)
        acct.subnet("private", "main", "10.0.2.0/24", ipv6=2)
        acct.subnet("v6only", "main", None, ipv6=3)
        acct.internet_gateway("igw", "main")
        acct.egress_only_gateway("eigw", "main")
        acct.route_table("public-rt", "main", subnets=["public"],
                         routes={"0.0.0.0/0": "igw", "::/0": "igw"})  # fmt: skip
        acct.route_table("private-rt", "main", subnets=["private", "v6only"],
                         routes={"::/0": "eigw"})  # fmt: skip
        web = [allow("tcp", 443, "0.0.0.0/0", "::/0"), allow("tcp", 22, "0.0.0.0/0"),
               {**allow("58", None, "::/0"), "FromPort": 128, "ToPort": -1}]  # fmt: skip
        acct.security_group("web-sg", "main", ingress=web)
        acct.instance("web", Eni("public", ("web-sg",), "10.0.1.10", public_ip=True))
        acct.instance("app", Eni("private", ("web-sg",), "10.0.2.10"))
        acct.instance("only6", Eni("v6only", ("web-sg",)))
        for name in ("web", "app"):
            acct.assign_ipv6(f"{name}-eni0")
        scenario = acct.scenario()
        return Scenario(as_aws_prints_dual_stack(scenario.data), scenario.ids)


def dual_stack_acl(*, inbound=(), outbound=()) -> Scenario:
    """Dual-stack public "web" (IPv4 10.0.1.10 and a public IPv4, one IPv6 address; its group
    open to everything over both versions) behind custom network ACL "web-acl" holding these
    entries, as AWS prints it (with the IPv6 catch-all 32768)."""
    with account() as acct:
        acct.vpc("main", "10.0.0.0/16", ipv6=True)
        acct.subnet("public", "main", "10.0.1.0/24", ipv6=1)
        acct.internet_gateway("igw", "main")
        acct.route_table("public-rt", "main", subnets=["public"],
                         routes={"0.0.0.0/0": "igw", "::/0": "igw"})  # fmt: skip
        acct.network_acl("web-acl", "main", subnets=["public"], inbound=inbound, outbound=outbound)
        acct.security_group("web-sg", "main", ingress=[allow("-1", None, "0.0.0.0/0", "::/0")])
        acct.instance("web", Eni("public", ("web-sg",), "10.0.1.10", public_ip=True))
        acct.assign_ipv6("web-eni0")
        scenario = acct.scenario()
        return Scenario(as_aws_prints_dual_stack(scenario.data), scenario.ids)


def same_cidr_vpcs() -> Scenario:
    """Two unpeered VPCs from one template, "dev" and "prod", both 10.0.0.0/16 with subnet
    10.0.1.0/24; "dev-app" and "prod-app" both at 10.0.1.10, "dev-db" at 10.0.1.20. Every group
    admits all traffic from 10.0.0.0/8."""
    with account() as acct:
        for env in ("dev", "prod"):
            acct.vpc(env, "10.0.0.0/16")
            acct.subnet(f"{env}-net", env, "10.0.1.0/24")
            acct.security_group(f"{env}-sg", env, ingress=[allow("-1", None, "10.0.0.0/8")])
            acct.instance(f"{env}-app", Eni(f"{env}-net", (f"{env}-sg",), "10.0.1.10"))
        acct.instance("dev-db", Eni("dev-net", ("dev-sg",), "10.0.1.20"))
        return acct.scenario()


def unmodelled_targets() -> Scenario:
    """VPC "main" with subnet "private" whose route table "private-rt" sends 10.20.0.0/16 to
    transit gateway "tgw", 192.168.0.0/16 to VPN gateway "vgw", and holds the prefix-list route
    of S3 gateway endpoint "s3"; instance "app" there, its group open outbound."""
    with account() as acct:
        acct.vpc("main", "10.0.0.0/16")
        acct.subnet("private", "main", "10.0.2.0/24")
        acct.route_table("private-rt", "main", subnets=["private"])
        acct.transit_gateway("tgw", "main", "private")
        acct.vpn_gateway("vgw", "main")
        acct.route("private-rt", "10.20.0.0/16", "tgw")
        acct.route("private-rt", "192.168.0.0/16", "vgw")
        acct.gateway_endpoint("s3", "main", "s3", tables=["private-rt"])
        acct.security_group("app-sg", "main")
        acct.instance("app", Eni("private", ("app-sg",), "10.0.2.10"))
        return acct.scenario()


def prefix_list_rule() -> Scenario:
    """Public "bastion" whose group "admin-sg" admits tcp 22 only from the customer-managed
    prefix list "office" (198.51.100.0/24), made with create-managed-prefix-list; "peer" is in
    the same group without a public IP. The dump holds every list and its entries (moto, like
    AWS, also lists AWS-managed lists such as S3's)."""
    with account() as acct:
        _public_vpc(acct)
        pl_id = acct.ec2.create_managed_prefix_list(
            PrefixListName="office", AddressFamily="IPv4", MaxEntries=5,
            Entries=[{"Cidr": "198.51.100.0/24", "Description": "office"}],
        )["PrefixList"]["PrefixListId"]  # fmt: skip
        acct._remember("office", pl_id)
        ssh = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
               "PrefixListIds": [{"PrefixListId": pl_id}]}  # fmt: skip
        acct.security_group("admin-sg", "main", ingress=[ssh])
        acct.instance("bastion", Eni("public", ("admin-sg",), "10.0.1.10", public_ip=True))
        acct.instance("peer", Eni("public", ("admin-sg",), "10.0.1.20"))
        return acct.scenario()


def enis(*, nat_instance_check: bool = False) -> Scenario:
    """Network interfaces as the unit: VPC "main" 10.0.0.0/16 with an IPv6 /56.

    - Subnet "public" (10.0.1.0/24) routes 0.0.0.0/0 to internet gateway "igw"; subnet "private"
      (10.0.2.0/24) routes it to NAT gateway "nat" (in "public"); subnet "legacy" (10.0.3.0/24)
      routes it to the interface of NAT instance "natbox" (10.0.1.60, public IP, group
      "nat-sg" admitting everything from 10.0.0.0/16), whose source/destination check is
      ``nat_instance_check`` (off by default, as a NAT instance needs).
    - "web" (group "web-sg": tcp 443 from anywhere) at 10.0.1.10 with a public IP, secondary
      addresses 10.0.1.11 (Elastic IP "web-eip") and 10.0.1.12 (none), and a second interface
      "web-eth1" in "private" at 10.0.2.20 in group "app-sg", attached as device 1.
    - "app" (group "app-sg": tcp 8080 from members of "alb-sg") at 10.0.2.10 with secondary
      10.0.2.11; "db" (group "db-sg": tcp 5432 from members of "app-sg" and "lambda-sg") at
      10.0.2.30; "old" in "legacy" at 10.0.3.10 (group "lambda-sg": no inbound, all out).
    - Interfaces of services, made with create-network-interface and printed as the service
      prints them (:func:`as_aws_prints_service_eni`): Lambda "fn-eni" at 10.0.2.40
      (lambda-sg), load balancer "alb-eni" at 10.0.1.40 (alb-sg: tcp 443 from anywhere; Elastic
      IP "alb-eip"), interface endpoint "vpce-eni" at 10.0.2.50 (endpoint-sg: tcp 443 from the
      VPC); and NAT gateway "nat"'s own interface, remembered as "nat-eni".
    """
    with account() as acct:
        acct.vpc("main", "10.0.0.0/16")
        acct.subnet("public", "main", "10.0.1.0/24")
        acct.subnet("private", "main", "10.0.2.0/24")
        acct.subnet("legacy", "main", "10.0.3.0/24")
        acct.internet_gateway("igw", "main")
        acct.route_table("public-rt", "main", subnets=["public"], routes={"0.0.0.0/0": "igw"})
        acct.nat_gateway("nat", "public")
        acct.route_table("private-rt", "main", subnets=["private"], routes={"0.0.0.0/0": "nat"})
        acct.security_group("web-sg", "main", ingress=[allow("tcp", 443, "0.0.0.0/0")])
        acct.security_group("alb-sg", "main", ingress=[allow("tcp", 443, "0.0.0.0/0")])
        acct.security_group("app-sg", "main", ingress=[allow("tcp", 8080, "alb-sg")])
        acct.security_group("lambda-sg", "main")
        acct.security_group("db-sg", "main",
                            ingress=[allow("tcp", 5432, "app-sg", "lambda-sg")])  # fmt: skip
        acct.security_group("endpoint-sg", "main", ingress=[allow("tcp", 443, "10.0.0.0/16")])
        acct.security_group("nat-sg", "main", ingress=[allow("-1", None, "10.0.0.0/16")])
        acct.instance("web", Eni("public", ("web-sg",), "10.0.1.10", public_ip=True))
        acct.assign_private_ips("web-eni0", "10.0.1.11", "10.0.1.12")
        acct.elastic_ip("web-eip", "web-eni0", "10.0.1.11")
        acct.network_interface("web-eth1", "private", ["app-sg"], "10.0.2.20")
        acct.attach("web-eth1", "web", 1)
        acct.instance("app", Eni("private", ("app-sg",), "10.0.2.10"))
        acct.assign_private_ips("app-eni0", "10.0.2.11")
        acct.instance("db", Eni("private", ("db-sg",), "10.0.2.30"))
        acct.instance("natbox", Eni("public", ("nat-sg",), "10.0.1.60", public_ip=True))
        acct.source_dest_check("natbox-eni0", nat_instance_check)
        acct.route_table("legacy-rt", "main", subnets=["legacy"],
                         routes={"0.0.0.0/0": "natbox-eni0"})  # fmt: skip
        acct.instance("old", Eni("legacy", ("lambda-sg",), "10.0.3.10"))
        services = {
            "fn-eni": ("lambda", "private", "lambda-sg", "10.0.2.40",
                       "AWS Lambda VPC ENI-resize-7f3c1a52-4d1e-4c1b-9e2a-1b2c3d4e5f60"),
            "alb-eni": ("load-balancer", "public", "alb-sg", "10.0.1.40",
                        "ELB app/shop-alb/50dc6c495c0c9188"),
            "vpce-eni": ("vpc-endpoint", "private", "endpoint-sg", "10.0.2.50",
                         "VPC Endpoint Interface vpce-0123456789abcdef0"),
        }  # fmt: skip
        for name, (_, subnet, group, addr, text) in services.items():
            acct.network_interface(name, subnet, [group], addr, description=text)
        acct.elastic_ip("alb-eip", "alb-eni")
        nat = acct.ec2.describe_nat_gateways(NatGatewayIds=[acct.ids["nat"]])["NatGateways"][0]
        acct._remember("nat-eni", nat["NatGatewayAddresses"][0]["NetworkInterfaceId"])
        scenario = acct.scenario()
    data = as_aws_prints_elastic_ip(
        scenario.data, scenario.ids["web-eip"], "10.0.1.11",
        primary_public=scenario.ids["web-public"],
    )  # fmt: skip
    for name, (kind, *_, text) in services.items():
        data = as_aws_prints_service_eni(data, scenario.ids[name], kind, text)
    data = as_aws_prints_service_eni(
        data, scenario.ids["nat-eni"], "nat-gateway",
        f"Interface for NAT Gateway {scenario.ids['nat']}",
    )  # fmt: skip
    return Scenario(data, scenario.ids)


def prefix_list_routes() -> Scenario:
    """Prefix lists in routes and in security group rules.

    VPC "a" 10.1.0.0/16 (subnet "a-net" 10.1.1.0/24, internet gateway "igw") is peered ("ab")
    with VPC "b" 10.2.0.0/16 (subnet "b-net" 10.2.1.0/24); each side routes the other through
    a customer-managed prefix list ("b-nets" holds 10.2.0.0/16, "a-nets" 10.1.0.0/16) instead
    of a CIDR. "a-rt" also sends 0.0.0.0/0 to "igw", the static 198.51.100.0/24 to "igw" and
    the prefix list "office" (198.51.100.0/24, the same block) to "ab", and holds the route of
    S3 gateway endpoint "s3" (AWS-managed list "s3-list"). Instances: "a1" and "a2" in "a-net"
    with public IPs ("a1" in "open": everything out; "a2" in "s3-only": out only tcp 443 to
    "s3-list"), "b1" in "b-net"; every group admits tcp 443 from 10.0.0.0/8.
    """
    with account() as acct:
        acct.vpc("a", "10.1.0.0/16")
        acct.subnet("a-net", "a", "10.1.1.0/24")
        acct.vpc("b", "10.2.0.0/16")
        acct.subnet("b-net", "b", "10.2.1.0/24")
        acct.internet_gateway("igw", "a")
        acct.peering("ab", "a", "b")
        for name, cidr in (("b-nets", "10.2.0.0/16"), ("a-nets", "10.1.0.0/16"),
                           ("office", "198.51.100.0/24")):  # fmt: skip
            pl_id = acct.ec2.create_managed_prefix_list(
                PrefixListName=name, AddressFamily="IPv4", MaxEntries=5, Entries=[{"Cidr": cidr}]
            )["PrefixList"]["PrefixListId"]
            acct._remember(name, pl_id)
        acct.route_table("a-rt", "a", subnets=["a-net"],
                         routes={"0.0.0.0/0": "igw", "198.51.100.0/24": "igw"})  # fmt: skip
        acct.route_table("b-rt", "b", subnets=["b-net"])
        for table, listed in (("a-rt", "b-nets"), ("b-rt", "a-nets"), ("a-rt", "office")):
            acct.ec2.create_route(RouteTableId=acct.ids[table],
                                  DestinationPrefixListId=acct.ids[listed],
                                  VpcPeeringConnectionId=acct.ids["ab"])  # fmt: skip
        acct.gateway_endpoint("s3", "a", "s3", tables=["a-rt"])
        s3 = acct.ec2.describe_managed_prefix_lists(
            Filters=[{"Name": "prefix-list-name", "Values": [f"com.amazonaws.{REGION}.s3"]}]
        )["PrefixLists"][0]["PrefixListId"]
        acct._remember("s3-list", s3)
        https_in = [allow("tcp", 443, "10.0.0.0/8")]
        acct.security_group("open", "a", ingress=https_in)
        to_s3 = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                 "PrefixListIds": [{"PrefixListId": s3}]}  # fmt: skip
        acct.security_group("s3-only", "a", ingress=https_in, egress=[to_s3])
        acct.security_group("b-sg", "b", ingress=https_in)
        acct.instance("a1", Eni("a-net", ("open",), "10.1.1.10", public_ip=True))
        acct.instance("a2", Eni("a-net", ("s3-only",), "10.1.1.20", public_ip=True))
        acct.instance("b1", Eni("b-net", ("b-sg",), "10.2.1.10"))
        return acct.scenario()


def peer_group_reference() -> Scenario:
    """The account of :func:`peering_to_another_region` ("main" peered as "west" with a VPC in
    us-west-2), where "app-sg" allows tcp 5432 out only to members of "peer-db", a group of the
    peer VPC. moto refuses a reference to another region's group (InvalidGroup.NotFound) where
    AWS accepts it across an active peering connection, so the rule is added to the dump as
    AWS prints it (``UserIdGroupPairs`` with ``VpcId``, ``VpcPeeringConnectionId`` and
    ``PeeringStatus``; https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-security-groups.html).
    """
    with account() as acct:
        acct.vpc("main", "10.0.0.0/16")
        acct.subnet("private", "main", "10.0.2.0/24")
        acct.peering_to_region("west", "main", "us-west-2", "10.9.0.0/16")
        acct.route_table("main-rt", "main", subnets=["private"], routes={"10.9.0.0/16": "west"})
        there = _SESSION.client("ec2", region_name="us-west-2")
        peer_db = there.create_security_group(
            GroupName="peer-db", Description="db tier", VpcId=acct.ids["west-vpc"]
        )["GroupId"]
        acct._remember("peer-db", peer_db)
        acct.security_group("app-sg", "main", egress=[allow("tcp", 443, "0.0.0.0/0")])
        acct.instance("app", Eni("private", ("app-sg",), "10.0.2.10"))
        scenario = acct.scenario()
    data = copy.deepcopy(scenario.data)
    group = next(g for g in data["SecurityGroups"] if g["GroupId"] == scenario.ids["app-sg"])
    group["IpPermissionsEgress"].append(
        {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [],
         "Ipv6Ranges": [], "PrefixListIds": [],
         "UserIdGroupPairs": [{"GroupId": peer_db, "UserId": "123456789012",
                               "VpcId": scenario.ids["west-vpc"],
                               "VpcPeeringConnectionId": scenario.ids["west"],
                               "PeeringStatus": "active"}]}
    )  # fmt: skip
    return Scenario(data, scenario.ids)


# --- the shipped example of a dumped account ---------------------------------------------------

#: Prefixes of the ids moto makes, longest first (so "eni-attach-" is not read as "eni-").
_ID = re.compile(
    r"\b(eni-attach|ela-attach|rtbassoc|aclassoc|eipalloc|eipassoc|subnet|vpce|eigw|igw|nat|rtb"
    r"|acl|sgr|sg|eni|pcx|pl|vpc|ami|i|r)-([0-9a-f]{8,17})\b"
)


def stable(data: dict, public_ips=()) -> dict:
    """A copy of a dump with moto's random ids and public addresses replaced in order of first
    appearance (ids ``<prefix>-0a1b2c3d4e<n>``, addresses from 203.0.113.0/24), so a shipped
    folder looks the same however often it is made."""
    text = json.dumps(data, sort_keys=True)
    names: dict[str, str] = {}
    counts: dict[str, int] = {}

    def rename(match: re.Match) -> str:
        old = match.group(0)
        if old not in names:
            prefix = match.group(1)
            counts[prefix] = counts.get(prefix, 0) + 1
            names[old] = f"{prefix}-0a1b2c3d4e{counts[prefix]:07x}"
        return names[old]

    text = _ID.sub(rename, text).replace("AIDAIT2UOQQY3AUEMOTO", "AIDACKCEVSQ6C2EXAMPLE")
    for k, addr in enumerate(dict.fromkeys(public_ips)):
        new = f"203.0.113.{10 + k}"
        text = text.replace(f'"{addr}"', f'"{new}"').replace(addr.replace(".", "-"),
                                                            new.replace(".", "-"))  # fmt: skip
    return json.loads(text)


#: How AWS describes the interface of Lambda function "orders" (function name and a uuid).
ORDERS_ENI = "AWS Lambda VPC ENI-orders-0f6d8a21-3c4b-4e5f-9a7b-2c1d0e9f8a7b"


def account_example() -> Scenario:
    """A small shop in one region, as aws_dump writes it (with the region's default VPC and
    AWS-managed prefix lists, as a real account has them).

    VPC "shop" 10.0.0.0/16: subnet "public" (10.0.1.0/24) routes 0.0.0.0/0 to internet gateway
    "shop-igw"; subnet "private" (10.0.2.0/24) routes it to NAT gateway "shop-nat" and holds the
    route of S3 gateway endpoint "s3". Groups: "bastion-sg" admits tcp 22 from the customer
    prefix list "office" (192.0.2.0/24); "web-sg" tcp 443 from anywhere and 22 from
    bastion-sg; "app-sg" tcp 8080 from web-sg and 22 from bastion-sg; "db-sg" tcp 5432 from
    app-sg and lambda-sg; "lambda-sg" nothing in. Instances "bastion" (10.0.1.5) and "web"
    (10.0.1.10, secondary 10.0.1.11) with public IPs, "app" (10.0.2.10), "db" (10.0.2.20); the
    Lambda function "orders" has an interface at 10.0.2.40 in lambda-sg.
    """
    with account() as acct:
        acct.vpc("shop", "10.0.0.0/16")
        acct.subnet("public", "shop", "10.0.1.0/24")
        acct.subnet("private", "shop", "10.0.2.0/24")
        acct.internet_gateway("shop-igw", "shop")
        acct.route_table("public-rt", "shop", subnets=["public"],
                         routes={"0.0.0.0/0": "shop-igw"})  # fmt: skip
        acct.nat_gateway("shop-nat", "public")
        acct.route_table("private-rt", "shop", subnets=["private"],
                         routes={"0.0.0.0/0": "shop-nat"})  # fmt: skip
        acct.gateway_endpoint("s3", "shop", "s3", tables=["private-rt"])
        office = acct.ec2.create_managed_prefix_list(
            PrefixListName="office", AddressFamily="IPv4", MaxEntries=10,
            Entries=[{"Cidr": "192.0.2.0/24", "Description": "head office"}],
            TagSpecifications=acct._name("prefix-list", "office"),
        )["PrefixList"]["PrefixListId"]  # fmt: skip
        acct._remember("office", office)
        ssh = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
               "PrefixListIds": [{"PrefixListId": office, "Description": "office"}]}  # fmt: skip
        acct.security_group("bastion-sg", "shop", ingress=[ssh])
        acct.security_group("web-sg", "shop", ingress=[allow("tcp", 443, "0.0.0.0/0"),
                                                       allow("tcp", 22, "bastion-sg")])  # fmt: skip
        acct.security_group("app-sg", "shop", ingress=[allow("tcp", 8080, "web-sg"),
                                                       allow("tcp", 22, "bastion-sg")])  # fmt: skip
        acct.security_group("lambda-sg", "shop")
        acct.security_group("db-sg", "shop",
                            ingress=[allow("tcp", 5432, "app-sg", "lambda-sg")])  # fmt: skip
        acct.instance("bastion", Eni("public", ("bastion-sg",), "10.0.1.5", public_ip=True))
        acct.instance("web", Eni("public", ("web-sg",), "10.0.1.10", public_ip=True))
        acct.assign_private_ips("web-eni0", "10.0.1.11")
        acct.instance("app", Eni("private", ("app-sg",), "10.0.2.10"))
        acct.instance("db", Eni("private", ("db-sg",), "10.0.2.20"))
        acct.network_interface("orders-eni", "private", ["lambda-sg"], "10.0.2.40",
                               description=ORDERS_ENI)  # fmt: skip
        nat = acct.ec2.describe_nat_gateways(NatGatewayIds=[acct.ids["shop-nat"]])["NatGateways"]
        acct._remember("nat-eni", nat[0]["NatGatewayAddresses"][0]["NetworkInterfaceId"])
        scenario = acct.scenario()
    data = as_aws_prints_service_eni(
        scenario.data, scenario.ids["orders-eni"], "lambda", ORDERS_ENI
    )
    data = as_aws_prints_service_eni(
        data, scenario.ids["nat-eni"], "nat-gateway",
        f"Interface for NAT Gateway {scenario.ids['shop-nat']}",
    )  # fmt: skip
    publics = [scenario.ids.get(f"{n}-public") for n in ("bastion", "web")]
    publics += [a["PublicIp"] for a in data["Addresses"]]
    return Scenario(stable(data, [p for p in publics if p]), {})


if __name__ == "__main__":  # python tests/vpc/aws_scenarios.py FOLDER: write the shipped example
    import sys

    write_folder(account_example().data, sys.argv[1])


def gateway_route_table(*, to_appliance: bool = True, appliance_check: bool = False) -> Scenario:
    """Middlebox routing: VPC "main" with public subnet "public" (10.0.1.0/24, 0.0.0.0/0 to
    internet gateway "igw") holding "web" (public IP, group "web-sg": tcp 443 from anywhere),
    and subnet "inspect" (10.0.9.0/24, same table) holding appliance "box" (public IP, group
    "box-sg": everything in), its source/destination check ``appliance_check``. Route table
    "ingress-rt" is associated with "igw" (an edge association) and holds the local route and,
    with ``to_appliance``, 10.0.1.0/24 -> box's interface."""
    with account() as acct:
        _public_vpc(acct)
        acct.subnet("inspect", "main", "10.0.9.0/24")
        acct.ec2.associate_route_table(RouteTableId=acct.ids["public-rt"],
                                       SubnetId=acct.ids["inspect"])  # fmt: skip
        acct.security_group("web-sg", "main", ingress=[allow("tcp", 443, "0.0.0.0/0")])
        acct.security_group("box-sg", "main", ingress=[EVERYTHING])
        acct.instance("web", Eni("public", ("web-sg",), "10.0.1.10", public_ip=True))
        acct.instance("box", Eni("inspect", ("box-sg",), "10.0.9.10", public_ip=True))
        acct.source_dest_check("box-eni0", appliance_check)
        routes = {"10.0.1.0/24": "box-eni0"} if to_appliance else {}
        acct.route_table("ingress-rt", "main", routes=routes, gateways=["igw"])
        return acct.scenario()


def only_vpc(data: dict, vpc_id: str) -> dict:
    """A copy of a dump holding one VPC's resources, as the describe-* commands print them with
    ``--filters Name=vpc-id,Values=<vpc_id>`` (managed prefix lists, not per VPC, left out)."""
    data = copy.deepcopy(data)
    for key in ("Vpcs", "Subnets", "RouteTables", "NetworkAcls", "SecurityGroups",
                "NetworkInterfaces", "NatGateways"):  # fmt: skip
        data[key] = [item for item in data.get(key, []) if item.get("VpcId") == vpc_id]
    data["InternetGateways"] = [
        igw for igw in data["InternetGateways"]
        if any(a.get("VpcId") == vpc_id for a in igw.get("Attachments", []))
    ]  # fmt: skip
    data["EgressOnlyInternetGateways"] = [
        g for g in data.get("EgressOnlyInternetGateways", [])
        if any(a.get("VpcId") == vpc_id for a in g.get("Attachments", []))
    ]  # fmt: skip
    for reservation in data["Reservations"]:
        reservation["Instances"] = [i for i in reservation["Instances"] if i["VpcId"] == vpc_id]
    data["Reservations"] = [r for r in data["Reservations"] if r["Instances"]]
    enis = {nic["NetworkInterfaceId"] for nic in data["NetworkInterfaces"]}
    data["Addresses"] = [
        a for a in data.get("Addresses", []) if a.get("NetworkInterfaceId") in enis
    ]
    data["VpcPeeringConnections"] = []
    data.pop("PrefixLists", None)
    data.pop(ENTRIES_KEY, None)
    return data


def as_aws_prints_new_acl(data: dict, acl_id: str) -> dict:
    """A copy where the new custom ACL ``acl_id`` holds the ``*`` rules AWS gives every ACL:
    rule 32767 deny all IPv4 traffic, inbound and outbound. moto prints a new ACL's Entries
    empty; AWS prints these two (Custom network ACLs,
    https://docs.aws.amazon.com/vpc/latest/userguide/custom-network-acl.html: it starts out
    denying everything until rules are added)."""
    data = copy.deepcopy(data)
    for acl in data["NetworkAcls"]:
        if acl["NetworkAclId"] == acl_id and not acl["Entries"]:
            acl["Entries"] = [
                {"CidrBlock": "0.0.0.0/0", "Egress": egress, "Protocol": "-1",
                 "RuleAction": "deny", "RuleNumber": 32767}
                for egress in (True, False)
            ]  # fmt: skip
    return data


#: A moment for every timestamp of a shipped folder (LaunchTime, AttachTime...), so that folder
#: is the same however often it is made.
SHIPPED_TIME = "2026-01-05T09:00:00+00:00"


def fixed_volatiles(data: dict) -> dict:
    """A copy with every ``...Time`` value set to :data:`SHIPPED_TIME`, and MAC addresses,
    volume ids, CIDR association ids and client tokens (moto draws them at random) numbered in
    order of appearance."""
    text = json.dumps(data, sort_keys=True)
    text = re.sub(r'("\w*Time": )"[^"]*"', rf'\1"{SHIPPED_TIME}"', text)
    macs: dict[str, str] = {}

    def mac(match: re.Match) -> str:
        macs.setdefault(match.group(2), f"02:00:00:00:0a:{len(macs) + 1:02x}")
        return f'{match.group(1)}"{macs[match.group(2)]}"'

    text = re.sub(r'("MacAddress": )"([0-9a-f:]{17})"', mac, text)
    others: dict[str, str] = {}

    def other(match: re.Match) -> str:
        others.setdefault(match.group(0), f"{match.group(1)}-0a1b2c3d4e{len(others) + 1:07x}")
        return others[match.group(0)]

    text = re.sub(r"\b(vol|vpc-cidr-assoc|subnet-cidr-assoc)-[0-9a-f]{8,17}\b", other, text)
    text = re.sub(r'("ClientToken": )"[^"]*"', r'\1"lab-defaults"', text)
    return json.loads(text)


def defaults_example() -> Scenario:
    """The defaults AWS gives where nothing is changed, as shipped in
    netcourse/data/vpc/defaults (one VPC's describe-* outputs).

    VPC "lab" 10.0.0.0/16 with internet gateway "lab-igw". Subnets "public" (10.0.1.0/24) and
    "closed" (10.0.3.0/24) are associated with route table "public-rt" (0.0.0.0/0 -> lab-igw);
    subnet "spare" (10.0.2.0/24) has no association of its own, so it uses the main route table
    (the local route only). "public" and "spare" keep the VPC's default network ACL; "closed"
    gets a new custom ACL "new-acl" with no rules added. Group "open" admits everything;
    instances "web" (in public), "spare-web" and "closed-web", each at .10 of its subnet, have
    public IPv4 addresses.
    """
    with account() as acct:
        acct.vpc("lab", "10.0.0.0/16")
        for name, third in (("public", 1), ("spare", 2), ("closed", 3)):
            acct.subnet(name, "lab", f"10.0.{third}.0/24")
        acct.internet_gateway("lab-igw", "lab")
        acct.route_table("public-rt", "lab", subnets=["public", "closed"],
                         routes={"0.0.0.0/0": "lab-igw"})  # fmt: skip
        acct.network_acl("new-acl", "lab", subnets=["closed"])
        acct.security_group("open", "lab", ingress=[EVERYTHING])
        for name, subnet, third in (("web", "public", 1), ("spare-web", "spare", 2),
                                    ("closed-web", "closed", 3)):  # fmt: skip
            acct.instance(name, Eni(subnet, ("open",), f"10.0.{third}.10", public_ip=True))
        scenario = acct.scenario()
    data = as_aws_prints_new_acl(only_vpc(scenario.data, scenario.ids["lab"]),
                                 scenario.ids["new-acl"])  # fmt: skip
    publics = [scenario.ids[f"{n}-public"] for n in ("web", "spare-web", "closed-web")]
    return Scenario(fixed_volatiles(stable(data, publics)), {})
