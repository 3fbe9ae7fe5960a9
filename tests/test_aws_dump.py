"""netcourse.tools.aws_dump, run against a fake ``aws`` on PATH that answers from a moto account."""

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("moto", reason="moto[ec2] is a test dependency: pip install -e '.[test]'")

sys.path.insert(0, str(Path(__file__).parent / "vpc"))  # the scenario builders live there

import aws_scenarios as aws  # noqa: E402

from netcourse.errors import VpcError  # noqa: E402
from netcourse.tools.aws_dump import commands, dump, main, region_from  # noqa: E402
from netcourse.vpc import Vpc  # noqa: E402
from netcourse.vpc.loader import ENTRIES_COMMAND, KEYS, entries_file  # noqa: E402

#: A stand-in for the AWS CLI: it logs each call and prints what the real CLI would print for
#: the describe-* command it is asked: the file of that name in a folder written by
#: aws_scenarios.write_folder. Exit statuses are the CLI v2's: 252 for a command it does not
#: know, 254 for an error the service returned.
FAKE_AWS = """#!{python}
import json, os, sys

args = sys.argv[1:]
with open(os.environ["FAKE_AWS_LOG"], "a") as log:
    log.write(json.dumps({{"argv": args, "pager": os.environ.get("AWS_PAGER")}}) + "\\n")
name = (args[1:2] or ["?"])[0]
if name == "get-managed-prefix-list-entries" and "--prefix-list-id" in args:
    name += "-" + args[args.index("--prefix-list-id") + 1]
answer = os.path.join(os.environ["FAKE_AWS_ANSWERS"], name + ".json")
if len(args) < 2 or args[0] != "ec2" or not os.path.exists(answer):
    print("aws: error: argument operation: Invalid choice", file=sys.stderr)
    sys.exit(252)
if args[1] == os.environ.get("FAKE_AWS_FAIL"):
    print("\\nAn error occurred (UnauthorizedOperation) when calling the "
          "operation: You are not authorized to perform this operation.", file=sys.stderr)
    sys.exit(254)
with open(answer) as f:
    sys.stdout.write(f.read())
"""


@pytest.fixture(scope="module")
def account():
    """A moto-built account: public and private subnets, an internet and a NAT gateway."""
    return aws.nat_gateway()


@pytest.fixture
def fake_aws(tmp_path, account):
    """PATH, answers and log for the fake ``aws``: the environment to run the tool with."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "aws"
    script.write_text(FAKE_AWS.format(python=sys.executable))
    script.chmod(0o755)
    answers = aws.write_folder(account.data, tmp_path / "answers")
    env = dict(os.environ)
    env.update(
        PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
        FAKE_AWS_ANSWERS=str(answers),
        FAKE_AWS_LOG=str(tmp_path / "calls.log"),
        AWS_REGION="us-east-1",
    )
    env.pop("AWS_DEFAULT_REGION", None)
    return env


def calls(env) -> list[dict]:
    log = Path(env["FAKE_AWS_LOG"])
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def test_the_dumped_folder_loads_as_the_account(tmp_path, fake_aws, account):
    out = tmp_path / "my-vpc"
    done = subprocess.run(
        [sys.executable, "-m", "netcourse.tools.aws_dump", str(out)],
        env=fake_aws, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lists = [item["PrefixListId"] for item in account.data["PrefixLists"]]
    assert lists  # moto, like AWS, lists a region's AWS-managed prefix lists
    assert f"wrote {len(KEYS) + len(lists)} files" in done.stdout
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{c}.json" for c in KEYS.values()] + [entries_file(pl) for pl in lists]
    )
    for path in out.iterdir():  # the CLI's output, unchanged
        assert path.read_text() == (Path(fake_aws["FAKE_AWS_ANSWERS"]) / path.name).read_text()
    loaded, built = Vpc.from_aws_files(out), account.vpc()
    assert set(loaded.instances) == set(built.instances) == {account.ids["app"]}
    assert set(loaded.subnets) == set(built.subnets)
    assert loaded.data == account.data
    assert loaded.reachability("app", "internet", port=443).reachable


def test_one_read_only_command_per_key_the_loader_reads(tmp_path, fake_aws, account):
    dump(tmp_path / "out", region="us-east-1", env=fake_aws)
    made = calls(fake_aws)
    described = [c for c in made if c["argv"][1] != ENTRIES_COMMAND]
    assert sorted(c["argv"][1] for c in described) == sorted(KEYS.values())
    for call in described:
        command = call["argv"][1]
        assert command.startswith("describe-")  # Describe calls change nothing
        assert call["argv"] == ["ec2", command, "--region", "us-east-1", "--output", "json"]
    lists = [item["PrefixListId"] for item in account.data["PrefixLists"]]
    assert [c["argv"] for c in made if c["argv"][1] == ENTRIES_COMMAND] == [
        ["ec2", ENTRIES_COMMAND, "--prefix-list-id", pl, "--region", "us-east-1", "--output",
         "json"]
        for pl in lists
    ]  # fmt: skip
    assert all(call["pager"] == "" for call in made)  # the pager is off: output goes to files


DOC = Path(__file__).parents[1] / "docs" / "aws-account.md"


def test_the_documented_policy_allows_exactly_the_describe_calls_made():
    """Each CLI command is its API operation in kebab case; the policy lists no other action."""
    policy = json.loads(re.search(r"```json\n(.*?)```", DOC.read_text(), re.S).group(1))
    (statement,) = policy["Statement"]
    made = [*KEYS.values(), ENTRIES_COMMAND]
    operations = {"".join(w.capitalize() for w in c.split("-")) for c in made}
    assert statement["Effect"] == "Allow" and statement["Resource"] == "*"
    assert sorted(statement["Action"]) == sorted(f"ec2:{op}" for op in operations)
    assert all(op.startswith(("Describe", "GetManagedPrefixListEntries")) for op in operations)


def test_the_documented_shell_commands_are_the_tool_commands():
    lines = [line for line in DOC.read_text().splitlines() if line.startswith("aws ec2 ")]
    documented = [line.split(" > ") for line in lines]
    expected = commands("eu-west-1")
    assert [shlex.split(cmd) for cmd, _ in documented] == list(expected.values())
    assert [target for _, target in documented] == [f"my-vpc/{name}" for name in expected]


def test_the_region_argument_wins_over_the_environment(tmp_path, fake_aws):
    region = region_from("eu-west-1", fake_aws)
    dump(tmp_path / "out", region=region, env=fake_aws)
    assert {c["argv"][c["argv"].index("--region") + 1] for c in calls(fake_aws)} == {"eu-west-1"}


def test_region_from_the_environment():
    assert region_from(None, {"AWS_DEFAULT_REGION": "ap-southeast-4"}) == "ap-southeast-4"
    assert region_from(None, {"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "x"}) == "eu-west-1"


@pytest.mark.parametrize("region", ["Frankfurt", "us-east-１", "us-east-1; rm -rf ~", " "])
def test_a_bad_region_is_named(region):
    with pytest.raises(VpcError, match="expected an AWS region name"):
        commands(region)


def test_no_region_anywhere(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    assert main([str(tmp_path / "out")]) == 2
    assert "no region" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_failing_command_writes_nothing(tmp_path, fake_aws):
    fake_aws["FAKE_AWS_FAIL"] = "describe-instances"
    with pytest.raises(VpcError, match=r"describe-instances .*status 254.*UnauthorizedOperation"):
        dump(tmp_path / "out", region="us-east-1", env=fake_aws)
    assert not (tmp_path / "out").exists()


def test_output_without_the_expected_key(tmp_path, fake_aws):
    (Path(fake_aws["FAKE_AWS_ANSWERS"]) / "describe-subnets.json").write_text('{"Vpcs": []}\n')
    with pytest.raises(VpcError, match="describe-subnets .*no 'Subnets' key"):
        dump(tmp_path / "out", region="us-east-1", env=fake_aws)


def test_a_failing_entries_command_writes_nothing(tmp_path, fake_aws):
    fake_aws["FAKE_AWS_FAIL"] = ENTRIES_COMMAND
    with pytest.raises(VpcError, match=rf"{ENTRIES_COMMAND} --prefix-list-id pl-.*status 254"):
        dump(tmp_path / "out", region="us-east-1", env=fake_aws)
    assert not (tmp_path / "out").exists()


def test_no_cli_installed(tmp_path, fake_aws):
    with pytest.raises(VpcError, match="not installed or not on PATH"):
        dump(tmp_path / "out", region="us-east-1", aws="aws-is-not-here", env=fake_aws)


def test_print_shows_the_commands_and_runs_none(tmp_path, monkeypatch, capsys, fake_aws):
    monkeypatch.setenv("PATH", fake_aws["PATH"])
    monkeypatch.setenv("FAKE_AWS_LOG", fake_aws["FAKE_AWS_LOG"])
    assert main([str(tmp_path / "out"), "--region", "us-east-1", "--print"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(KEYS) + 2
    assert lines[-1].startswith(f"# aws ec2 {ENTRIES_COMMAND} --prefix-list-id PL ")
    assert lines[0] == (
        f"aws ec2 describe-vpcs --region us-east-1 --output json > {tmp_path / 'out'}/"
        "describe-vpcs.json"
    )
    assert calls(fake_aws) == [] and not (tmp_path / "out").exists()


def test_a_route_into_a_peering_with_a_vpc_outside_the_dump():
    """A dump of one region lists an inter-region peering connection, but not the peer VPC.

    The dump must load (it is what AWS prints for one region), and a question whose route
    leads into that connection must end in a Path that names the peering connection, not a
    verdict about a VPC the data does not hold.
    """
    scenario = aws.peering_to_another_region()
    vpc = scenario.vpc()
    path = vpc.reachability("app", "10.9.1.10", port=443)
    assert not path.reachable
    assert path.verdict == "unknown" and path.blocked_by is None
    assert path.unknown_at == scenario.ids["west"]
    assert path.blocking_hop.code == "UNKNOWN_DESTINATION"
    assert scenario.ids["west"] in path.explanation and "beyond the data" in path.explanation
    assert vpc.matrix(port=443).blocker("app", "internet") != ""  # the matrix loads it too
