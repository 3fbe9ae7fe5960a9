"""Dump one's own AWS account's VPCs, read-only, into a folder that ``Vpc.from_aws_files`` reads.

Runs one ``aws ec2 describe-* --output json`` command per output the VPC model reads
(:data:`netcourse.vpc.loader.KEYS`) and writes each to ``FOLDER/describe-*.json``; then, for
every managed prefix list that describe-managed-prefix-lists printed, ``aws ec2
get-managed-prefix-list-entries --prefix-list-id PL`` into
``FOLDER/get-managed-prefix-list-entries-PL.json`` (the output does not name its list, so the
file name does). Every command is a Describe or Get call, so the read-only IAM policy in
docs/aws-account.md is all it needs; nothing in the account changes. It needs the AWS CLI
and credentials for one's own account, and a region: ``--region``, else ``AWS_REGION``, else
``AWS_DEFAULT_REGION``.

    python -m netcourse.tools.aws_dump my-vpc --region eu-west-1
    python -m netcourse.tools.aws_dump my-vpc --print      # show the commands, run nothing

>>> [" ".join(argv) for argv in commands("eu-west-1").values()][0]
'aws ec2 describe-vpcs --region eu-west-1 --output json'
>>> len(commands("eu-west-1")) == len(KEYS)
True
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from netcourse.errors import VpcError, quote
from netcourse.vpc import Vpc
from netcourse.vpc.loader import ENTRIES_COMMAND, KEYS, entries_file

__all__ = ["commands", "entries_command", "region_from", "dump", "main"]

#: How an AWS region name looks: "us-east-1", "eu-central-2", "us-gov-west-1", "ap-southeast-4".
REGION_PATTERN = re.compile(r"[a-z]{2}(-[a-z]+)+-[0-9]")

#: How a prefix list id looks ("pl-" and hex digits): it goes into a command line and a file name.
PREFIX_LIST_PATTERN = re.compile(r"pl-[0-9a-f]{8,17}")

#: The longest any one describe-* call may take, in seconds.
TIMEOUT = 120


def commands(region: str, *, aws: str = "aws") -> dict[str, list[str]]:
    """The read-only commands to run: file name -> argv, one per describe-* output the model reads.

    >>> commands("us-east-1")["describe-instances.json"][2]
    'describe-instances'
    """
    region = _check_region(region)
    return {
        f"{command}.json": [aws, "ec2", command, "--region", region, "--output", "json"]
        for command in KEYS.values()
    }


def entries_command(region: str, pl_id: str, *, aws: str = "aws") -> list[str]:
    """The read-only command that prints one prefix list's entries.

    >>> " ".join(entries_command("eu-west-1", "pl-0123456789abcdef0"))  # doctest: +ELLIPSIS
    'aws ec2 get-managed-prefix-list-entries --prefix-list-id pl-0123456789abcdef0 --region ...'
    """
    if not isinstance(pl_id, str) or not PREFIX_LIST_PATTERN.fullmatch(pl_id):
        raise VpcError(f"prefix list id {quote(pl_id)}: expected pl- and hex digits")
    region = _check_region(region)
    return [aws, "ec2", ENTRIES_COMMAND, "--prefix-list-id", pl_id, "--region", region,
            "--output", "json"]  # fmt: skip


def region_from(given: str | None, env: Mapping[str, str]) -> str:
    """The region to dump: the one given, else ``AWS_REGION``, else ``AWS_DEFAULT_REGION``.

    >>> region_from(None, {"AWS_REGION": "eu-west-1"}), region_from("us-east-2", {})
    ('eu-west-1', 'us-east-2')
    """
    region = given or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")
    if not region:
        raise VpcError(
            "no region: pass --region (e.g. --region eu-west-1) or set AWS_REGION; "
            "a VPC lives in one region"
        )
    return _check_region(region)


def _check_region(region: str) -> str:
    if not isinstance(region, str) or not REGION_PATTERN.fullmatch(region.strip()):
        raise VpcError(
            f"region {quote(region)}: expected an AWS region name such as us-east-1 or eu-west-1"
        )
    return region.strip()


def dump(
    folder: str | Path,
    *,
    region: str,
    aws: str = "aws",
    env: Mapping[str, str] | None = None,
    timeout: float = TIMEOUT,
) -> tuple[Path, ...]:
    """Run every command of :func:`commands` and write their outputs into ``folder``.

    Nothing is written unless every command succeeds and prints the JSON its key needs.
    The CLI's pager is switched off (``AWS_PAGER=""``) so output goes straight to the file.
    """
    env = dict(os.environ if env is None else env, AWS_PAGER="")
    outputs = {}
    for name, argv in commands(region, aws=aws).items():
        key = next(k for k, c in KEYS.items() if f"{c}.json" == name)
        outputs[name] = _run(argv, key, env=env, timeout=timeout)
    listed = json.loads(outputs[f"{KEYS['PrefixLists']}.json"])["PrefixLists"] or []
    for item in listed:
        pl_id = item.get("PrefixListId") if isinstance(item, dict) else None
        argv = entries_command(region, pl_id, aws=aws)
        outputs[entries_file(pl_id)] = _run(argv, "Entries", env=env, timeout=timeout)
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in outputs.items():
        path = root / name
        path.write_text(text if text.endswith("\n") else text + "\n")
        written.append(path)
    return tuple(written)


def _run(argv: list[str], key: str, *, env: Mapping[str, str], timeout: float) -> str:
    """Run one command; its output, which must be JSON with ``key``, or a VpcError saying why."""
    text = shlex.join(argv)
    try:
        done = subprocess.run(
            argv, capture_output=True, text=True, env=env, timeout=timeout, check=False
        )
    except FileNotFoundError:
        raise VpcError(
            f"{argv[0]!r}: the AWS CLI is not installed or not on PATH "
            "(see docs/aws-account.md for installing it)"
        ) from None
    except subprocess.TimeoutExpired:
        raise VpcError(f"{text}: no answer within {timeout:g} s") from None
    if done.returncode != 0:
        why = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise VpcError(f"{text}: exit status {done.returncode}: {why}")
    try:
        data = json.loads(done.stdout)
    except ValueError:
        raise VpcError(f"{text}: printed no JSON ({quote(done.stdout)})") from None
    if not isinstance(data, dict) or key not in data:
        raise VpcError(f"{text}: the JSON has no {key!r} key ({quote(done.stdout)})")
    return done.stdout


def main(argv: list[str] | None = None) -> int:
    """Dump the account's VPCs into a folder, then read it back once to check it loads."""
    parser = argparse.ArgumentParser(
        prog="python -m netcourse.tools.aws_dump",
        description="Write the read-only aws ec2 describe-* outputs the VPC model reads.",
    )
    parser.add_argument("folder", type=Path, help="where the describe-*.json files go")
    parser.add_argument("--region", help="AWS region (default: AWS_REGION, AWS_DEFAULT_REGION)")
    parser.add_argument("--print", action="store_true", help="print the commands, run nothing")
    args = parser.parse_args(argv)
    try:
        region = region_from(args.region, os.environ)
        if args.print:
            for name, command in commands(region).items():
                print(f"{shlex.join(command)} > {shlex.quote(str(args.folder / name))}")
            each = shlex.join(entries_command(region, "pl-00000000")).replace("pl-00000000", "PL")
            target = shlex.quote(str(args.folder / entries_file("PL")))
            print(f"# then for each PrefixListId PL of {KEYS['PrefixLists']}.json:")
            print(f"# {each} > {target}")
            return 0
        written = dump(args.folder, region=region)
        vpc = Vpc.from_aws_files(args.folder)
    except VpcError as exc:
        print(f"aws_dump: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {len(written)} files to {args.folder}; they load as {vpc!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
