"""The labs' checks (lessons 05 and 06): a clean path passes, anything else says where it stops.

Where the packet stops is computed here from the models directly (reachability for the VPC
labs, a plain journey run for the journey labs); no wrong-answer message or hint may contain
any part of a fix.
"""

import itertools
import json

import pytest

from netcourse.checks import journey as check6
from netcourse.checks import registered
from netcourse.checks import vpc as check5
from netcourse.journey import run
from netcourse.journey.troubleshoot import troubleshoot as lab6
from netcourse.vpc import Vpc
from netcourse.vpc.troubleshoot import troubleshoot as lab5

#: lab -> (how to make it, its check, the fixes that repair it)
LABS = {
    "web-unreachable": (
        lab5,
        check5.lab_web_unreachable,
        ({"sg": "allow tcp 443 from 0.0.0.0/0"}, {"route": "0.0.0.0/0 -> igw"}),
    ),
    "reply-lost": (
        lab5,
        check5.lab_reply_lost,
        ({"acl": "100 allow tcp 1024-65535 to 0.0.0.0/0"}, {"route_table": "public"}),
    ),
    "no-connection": (
        lab6,
        check6.lab_no_connection,
        (
            {"netmask": "255.255.255.0"},
            {"iptables": "-A INPUT -p tcp --dport 443 -m conntrack --ctstate NEW -j ACCEPT"},
            {"route": "0.0.0.0/0 -> igw"},
        ),
    ),
    "server-silent": (
        lab6,
        check6.lab_server_silent,
        (
            {"gateway": "10.0.1.1"},
            {"sg": "allow tcp 443 from 0.0.0.0/0"},
            {"iptables": "-A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT"},
        ),
    ),
}

#: Pieces of the fixes that no wrong-answer message may give away.
SECRETS = (
    "allow tcp 443",
    "-> igw",
    "1024-65535 to",
    "route_table",
    "255.255.255.0",
    "10.0.1.1",
    "--dport 443",
    "ESTABLISHED,RELATED",
    "-A ",
    "lab.fix(",
)


def _where(lab):
    """Where the packet stops, asked of the models without the lab's help."""
    if hasattr(lab, "question"):
        src, dst, port = lab.question
        return Vpc(lab.data).reachability(src, dst, port=port).blocked_by
    return run(lab.scenario).failed_at.device


@pytest.mark.parametrize(
    "name,subset",
    [
        (name, subset)
        for name, (_, _, fixes) in LABS.items()
        for size in range(len(fixes))
        for subset in itertools.combinations(fixes, size)
    ],
)
def test_until_the_path_is_clean_the_check_says_where_it_stops(name, subset):
    make, check, _ = LABS[name]
    lab = make(name)
    for fix in subset:
        lab.fix(**fix)
    runs = lab.runs
    feedback = check.feedback(lab)
    assert feedback.ok is False
    assert _where(lab) in feedback.message
    assert f"{len(subset)} fix" in feedback.message if subset else "no fix yet" in feedback.message
    assert feedback.hint  # where to look
    text = feedback.message + feedback.hint
    assert not [secret for secret in SECRETS if secret in text]
    assert lab.runs == runs, "checking is not a run of the learner's"


@pytest.mark.parametrize("name", LABS)
def test_a_clean_path_passes_and_counts_the_attempts(name):
    make, check, fixes = LABS[name]
    lab = make(name)
    lab.run()
    lab.fix(**fixes[-1])  # a later fault first: kept, but the packet does not move
    for fix in fixes[:-1]:
        lab.fix(**fix)
    feedback = check.feedback(lab)
    assert feedback.ok, feedback.message
    assert f"{len(fixes)} fixes and {len(fixes) + 1} runs" in feedback.message
    assert "(1 of them did not move the packet on)" in feedback.message
    assert f"{len(fixes)} faults" in feedback.message


@pytest.mark.parametrize(
    "name,fixes",
    [
        ("web-unreachable", [{"sg": "allow all from 0.0.0.0/0"}, {"route": "0.0.0.0/0 -> igw"}]),
        (
            "reply-lost",
            [{"acl": "100 allow tcp 1024-65535 to 0.0.0.0/0"}, {"route": "0.0.0.0/0 -> igw"}],
        ),
        (
            "server-silent",
            [
                {"gateway": "10.0.1.1"},
                {"sg": "allow tcp 443 from 0.0.0.0/0"},
                {"iptables": "-P OUTPUT ACCEPT"},
            ],
        ),
    ],
)
def test_a_path_opened_too_wide_or_breaking_another_fails(name, fixes):
    make, check, _ = LABS[name]
    lab = make(name)
    for fix in fixes:
        lab.fix(**fix)
    assert lab.run().delivered
    feedback = check.feedback(lab)
    assert feedback.ok is False
    assert "gets through, but the fixes opened" in feedback.message or "broke" in feedback.message


def test_the_wrong_thing_is_named():
    assert check5.lab_reply_lost.feedback("reply-lost").ok is False
    feedback = check5.lab_reply_lost.feedback(lab5("web-unreachable"))
    assert feedback.ok is False and "'reply-lost' lab" in feedback.message
    assert check6.lab_no_connection.feedback(lab6("server-silent")).ok is False


def test_lab_clean_runs_the_labs_check_prints_and_records(monkeypatch, tmp_path, capsys):
    store = tmp_path / "progress.json"
    monkeypatch.setenv("NETCOURSE_PROGRESS", str(store))
    monkeypatch.setenv("NO_COLOR", "1")
    lab = lab6("no-connection")
    check6.lab_clean(lab)
    assert capsys.readouterr().out.startswith("✘ not yet: no fix yet, the packet still stops")
    for fix in LABS["no-connection"][2]:
        lab.fix(**fix)
    check6.lab_clean(lab)
    assert capsys.readouterr().out.startswith("✔ correct: the path is clean")
    assert "lab-no-connection" in json.loads(store.read_text())["passed"]["06-packet-journey"]
    for garbage in (None, "no-connection", lab5("web-unreachable")):
        check6.lab_clean(garbage)
        assert "expected one of this lesson's labs" in capsys.readouterr().out
    check5.lab_clean(lab)  # a lesson 06 lab given to lesson 05's check
    assert "'web-unreachable', 'reply-lost'" in capsys.readouterr().out


def test_each_lab_check_is_a_registered_exercise():
    names = {(e.lesson, e.name) for e in registered()}
    assert {
        ("05-aws-vpc", "lab-web-unreachable"),
        ("05-aws-vpc", "lab-reply-lost"),
        ("06-packet-journey", "lab-no-connection"),
        ("06-packet-journey", "lab-server-silent"),
    } <= names
