"""Describe-* output as people save it: encodings and the AWS CLI's output formats."""

import json

import pytest

from netcourse.errors import VpcError
from netcourse.vpc import Vpc

DATA = {"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]}
TEXT = json.dumps(DATA, indent=4)


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: t.encode("utf-8-sig"),  # a UTF-8 BOM (Notepad, some Windows tools)
        lambda t: t.encode("utf-16"),  # PowerShell 5's `>`: UTF-16 LE with a BOM
        lambda t: t.encode("utf-16-le"),  # no BOM
        lambda t: t.encode("utf-16-be"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-bom", "utf-16-le", "utf-16-be"],
)
def test_every_encoding_a_shell_writes_loads(tmp_path, encode):
    path = tmp_path / "describe-vpcs.json"
    path.write_bytes(encode(TEXT))
    assert Vpc.from_aws_files(path).vpc_ids == ("vpc-1",)


#: What ``aws ec2 describe-vpcs`` prints with --output yaml, text and table (AWS CLI v2).
OTHER_FORMATS = {
    "yaml": "Vpcs:\n- CidrBlock: 10.0.0.0/16\n  VpcId: vpc-1\n",
    "text": "VPCS\t10.0.0.0/16\tdopt-1\tdefault\tFalse\t123456789012\tavailable\tvpc-1\n",
    "table": "-------------------\n|  DescribeVpcs   |\n+-----------------+\n",
}


@pytest.mark.parametrize("kind", list(OTHER_FORMATS))
def test_other_output_formats_are_named_and_refused(tmp_path, kind):
    path = tmp_path / "describe-vpcs.json"
    path.write_text(OTHER_FORMATS[kind])
    with pytest.raises(VpcError, match=rf"describe-vpcs.json.*{kind} output.*--output json"):
        Vpc.from_aws_files(path)


def test_bytes_that_are_no_text_are_named(tmp_path):
    path = tmp_path / "describe-vpcs.json"
    path.write_bytes(b"{\xff\xfa\xfb}")
    with pytest.raises(VpcError, match=r"describe-vpcs.json.*not UTF-8 or UTF-16 text"):
        Vpc.from_aws_files(path)


def test_tags_as_a_dict_keep_the_name():
    """Terraform and CloudFormation outputs give tags as a dict; the Name is still the name."""
    data = {
        **DATA,
        "Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24"}],
        "Reservations": [{"Instances": [{
            "InstanceId": "i-1", "SubnetId": "subnet-1", "PrivateIpAddress": "10.0.1.10",
            "Tags": {"Name": "web"}}]}],
    }  # fmt: skip
    assert Vpc.from_aws(data).instance("web").instance_id == "i-1"
