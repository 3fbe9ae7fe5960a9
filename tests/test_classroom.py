"""The instructor's view: a class of progress files made by the real checks, read back.

Each learner answers real checks (right and wrong) under their own NETCOURSE_PROGRESS, at
scripted times; the expected table is counted from that script here, not by the code under
test. Bad files (truncated, wrong schema, unreadable, missing) sit beside the good ones.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from unittest import mock

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import netcourse  # noqa: E402
from netcourse.checks import cidr, classroom, store, welcome  # noqa: E402
from netcourse.checks.classroom import class_progress, learner_name  # noqa: E402
from netcourse.errors import ProgressError  # noqa: E402
from netcourse.plots.progress import class_figure  # noqa: E402

CIDR, WELCOME = "03-cidr-and-subnets", "00-welcome"
#: (check, its lesson, its exercise name); answers below are written out, not computed.
USABLE = (cidr.usable_hosts, CIDR, "usable-hosts")
BROADCAST = (cidr.broadcast, CIDR, "broadcast")
NEXT_HOP = (cidr.next_hop, CIDR, "next-hop")
BITS = (welcome.bits_in_ipv4_address, WELCOME, "bits-in-ipv4-address")

#: learner -> [(check, answer, minute, True for right or the mistake the hint must name)].
SCRIPT = {
    "alice": [
        (BITS, 4, 0, "counted-numbers"),
        (BITS, 32, 1, True),
        (USABLE, 32, 10, "counts-every-address"),
        (USABLE, 30, 12, True),
        (BROADCAST, "10.20.32.0", 15, "network-address"),
        (BROADCAST, "10.20.39.255", 40, True),
    ],
    "bob": [
        (USABLE, 32, 100, "counts-every-address"),
        (USABLE, 31, 103, "subtracts-one"),  # 32 - 1: the broadcast address counted in
        (USABLE, 30, 107, True),
        (BROADCAST, "10.20.37.255", 110, "broadcast-of-24"),  # the /24 it lies in
        (NEXT_HOP, "10.0.2.13", 111, "the-destination"),
        (NEXT_HOP, "10.0.1.1", 125, True),
    ],
    "carol": [
        (USABLE, 30, 200, True),
        (BROADCAST, 5, 201, "wrong-type"),
        (BROADCAST, "10.20.32.0", 202, "network-address"),
        (BROADCAST, "10.20.32.0", 203, "network-address"),  # same mistake twice: one learner
    ],
    "dora": [  # on a hub: the file records the name $JUPYTERHUB_USER gives
        (BITS, 8, 300, "other"),
        (USABLE, 30, 305, True),
        (NEXT_HOP, "10.0.1.1", 306, True),
    ],
}
HUB_NAME = {"dora": "dora-on-the-hub"}
#: A file from before attempts were recorded: passes only, lesson -> exercise -> time.
OLD_FORMAT = {CIDR: {"usable-hosts": 60.0 * 500, "inside": 60.0 * 530}}


def home_file(home: Path, name: str) -> Path:
    return home / name / ".local" / "share" / "netcourse" / "progress.json"


def build_class(home: Path) -> None:
    """Every scripted answer through the real decorator, each learner in their own file."""
    for name, answers in SCRIPT.items():
        env = {"NETCOURSE_PROGRESS": str(home_file(home, name))}
        if name in HUB_NAME:
            env["JUPYTERHUB_USER"] = HUB_NAME[name]
        for (check, _, _), answer, minute, _ in answers:
            clean = {k: v for k, v in os.environ.items() if k != "JUPYTERHUB_USER"}
            with (
                mock.patch.dict(os.environ, {**clean, **env}, clear=True),
                mock.patch.object(store, "_clock", lambda minute=minute: 60.0 * minute),
                contextlib.redirect_stdout(io.StringIO()),
            ):
                check(answer)
    old = home_file(home, "olga")
    old.parent.mkdir(parents=True)
    old.write_text(json.dumps(OLD_FORMAT))
    truncated = home_file(home, "eve")
    truncated.parent.mkdir(parents=True)
    truncated.write_text('{"version": 2, "passed": {"03-cidr-and-subnets": {"usable-ho')
    schema = home_file(home, "fred")
    schema.parent.mkdir(parents=True)
    schema.write_text(json.dumps({"version": 2, "passed": [], "attempts": {}}))
    (home / "gus").mkdir()  # a learner who has not run a check yet


@pytest.fixture(scope="module")
def hub(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("home")
    build_class(home)
    return home


@pytest.fixture(scope="module")
def report(hub):
    return class_progress(hub)


def expected_checks() -> dict[tuple[str, str], dict]:
    """tried / passed / failed / stuck / mistakes per check, counted from SCRIPT (and olga)."""
    rows: dict[tuple[str, str], dict] = defaultdict(
        lambda: {"tried": set(), "passed": set(), "failed": set(), "mistakes": defaultdict(set)}
    )
    for name, answers in SCRIPT.items():
        for (_, lesson, exercise), _, _, outcome in answers:
            row = rows[(lesson, exercise)]
            row["tried"].add(name)
            if outcome is True:
                row["passed"].add(name)
            else:
                row["failed"].add(name)
                row["mistakes"][outcome].add(name)
    for exercise in OLD_FORMAT[CIDR]:
        rows[(CIDR, exercise)]["tried"].add("olga")
        rows[(CIDR, exercise)]["passed"].add("olga")
    return {
        key: {
            "tried": len(row["tried"]),
            "passed": len(row["passed"]),
            "failed": len(row["failed"]),
            "stuck": len(row["tried"] - row["passed"]),
            "mistakes": {m: len(who) for m, who in row["mistakes"].items()},
        }
        for key, row in rows.items()
    }


def expected_spans(lesson: str) -> list[float]:
    spans = []
    for answers in SCRIPT.values():
        minutes = [minute for (_, slug, _), _, minute, _ in answers if slug == lesson]
        if minutes:
            spans.append(60.0 * (max(minutes) - min(minutes)))
    if lesson == CIDR:
        spans.append(max(OLD_FORMAT[CIDR].values()) - min(OLD_FORMAT[CIDR].values()))
    return spans


def test_each_learner_is_named_by_home_or_by_the_name_the_file_records(report):
    names = sorted(learner.name for learner in report.learners)
    assert names == sorted(["alice", "bob", "carol", "dora-on-the-hub", "olga"])
    by_name = {learner.name: learner for learner in report.learners}
    assert by_name["dora-on-the-hub"].named_by == "file"
    assert by_name["alice"].named_by == "location"
    assert by_name["olga"].version == store.FORMAT  # read from format 1, like any other


def test_bad_and_missing_files_are_named_with_why_and_never_stop_the_report(report, hub):
    problems = {Path(p.path).relative_to(hub).parts[0]: p.why for p in report.problems}
    assert set(problems) == {"eve", "fred", "gus"}
    assert "not complete JSON" in problems["eve"]
    assert "passed: it holds a JSON list" in problems["fred"]
    assert "no progress file" in problems["gus"]
    assert str(home_file(hub, "eve")) in [p.path for p in report.problems]


def test_who_passed_what_matches_the_script(report):
    by_name = {learner.name: learner for learner in report.learners}
    for name, answers in SCRIPT.items():
        shown = HUB_NAME.get(name, name)
        for lesson in (WELCOME, CIDR):
            right = {
                ex for (_, slug, ex), _, _, outcome in answers if slug == lesson and outcome is True
            }
            assert set(by_name[shown].passed_in(lesson)) == right, (name, lesson)
    assert set(by_name["olga"].passed_in(CIDR)) == set(OLD_FORMAT[CIDR])


def test_the_check_table_counts_learners_as_the_script_does(report):
    expected = expected_checks()
    for (lesson, exercise), want in expected.items():
        row = report.check(lesson, exercise)
        got = {
            "tried": row.tried,
            "passed": row.passed,
            "failed": row.failed,
            "stuck": row.stuck,
            "mistakes": dict(row.mistakes),
        }
        assert got == want, (lesson, exercise)
    tried = {(row.lesson, row.exercise) for row in report.checks if row.tried}
    assert tried == set(expected)  # no check nobody tried shows up as tried


def test_mistakes_are_ordered_most_common_first(report):
    row = report.check(CIDR, "usable-hosts")
    assert row.mistakes[0] == ("counts-every-address", 2)
    assert report.hardest(1)[0].exercise == "broadcast"  # three learners got it wrong


def test_lesson_times_are_the_median_and_range_of_first_to_last_attempt(report):
    for lesson in (WELCOME, CIDR):
        spans = expected_spans(lesson)
        row = report.lesson_time(lesson)
        assert row.learners == len(spans)
        assert row.median == pytest.approx(statistics.median(spans))
        assert (row.shortest, row.longest) == (min(spans), max(spans))
    assert report.lesson_time("04-firewalls").learners == 0


def test_the_html_and_text_show_the_tables_escaped(report):
    html = report._repr_html_()
    assert "counts-every-address (2)" in html and "5 learner(s); 3 file(s) not read" in html
    assert "not complete JSON" in html and "<table" in html
    text = repr(report)
    assert "broadcast: 3/3" in text and "not read:" in text


def test_the_figure_draws_the_scripts_bars(report):
    fig = class_figure(report)
    checks_ax, time_ax = fig.axes
    expected = expected_checks()
    ordered = [(row.lesson, row.exercise) for row in report.checks if row.tried]
    passed_bars, failed_bars = checks_ax.containers
    assert [bar.get_width() for bar in passed_bars] == [expected[k]["passed"] for k in ordered]
    assert [bar.get_width() for bar in failed_bars] == [expected[k]["failed"] for k in ordered]
    labels = [text.get_text() for text in checks_ax.texts]
    assert "counts-every-address (2) +1 more" in labels  # the script's two named mistakes
    assert "the-destination (1)" in labels
    medians = [bar.get_width() for bar in time_ax.containers[0]]
    want = [statistics.median(expected_spans(lesson)) / 60 for lesson in (WELCOME, CIDR)]
    assert medians == pytest.approx(want)
    assert checks_ax.get_xlabel() == "learners"


def test_paths_globs_and_lists_find_the_same_files(hub, report):
    pattern = str(hub / "*" / ".local" / "share" / "netcourse" / "progress.json")
    by_glob = class_progress(pattern)
    assert sorted(x.name for x in by_glob.learners) == sorted(x.name for x in report.learners)
    assert {Path(p.path).parts[-5] for p in by_glob.problems} == {"eve", "fred"}
    one = class_progress([home_file(hub, "alice"), home_file(hub, "alice")])  # counted once
    assert [x.name for x in one.learners] == ["alice"]
    missing = class_progress([hub / "nobody.json", str(hub / "zz*" / "progress.json")])
    assert [p.why for p in missing.problems] == [
        "no such file or folder",
        "no file matches this pattern (or its folders cannot be read)",
    ]
    with pytest.raises(ProgressError, match="expected a path"):
        class_progress(42)


def test_the_reader_writes_nothing(hub):
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in hub.rglob("*") if p.is_file()}
    class_progress(hub)
    after = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in hub.rglob("*") if p.is_file()}
    assert after == before


def test_clashing_names_are_told_apart(tmp_path):
    for folder in ("a", "b"):
        path = tmp_path / folder / "sam.json"
        path.parent.mkdir()
        path.write_text(json.dumps({"version": 2, "learner": "sam"}))
    report = class_progress([tmp_path / "a" / "sam.json", tmp_path / "b" / "sam.json"])
    assert [x.name for x in report.learners] == ["sam", "sam (2)"]


def test_location_names():
    assert learner_name("/home/jupyter-ana/.local/share/netcourse/progress.json") == "jupyter-ana"
    assert learner_name("/srv/class/ben/netcourse/progress.json") == "ben"
    assert learner_name("/srv/handed-in/cleo.json") == "cleo"


def test_a_pipe_in_place_of_a_file_is_reported_not_waited_on(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    (problem,) = class_progress(fifo).problems
    assert problem.why == "it is not a regular file"


def test_a_file_too_large_is_refused_unread(tmp_path):
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (store.MAX_BYTES + 1))
    (problem,) = class_progress(big).problems
    assert "larger than" in problem.why


READ_AS_UNPRIVILEGED = """
import json, sys
from netcourse.checks.classroom import class_progress
report = class_progress(sys.argv[1])
print(json.dumps({"learners": [x.name for x in report.learners],
                  "problems": {p.path: p.why for p in report.problems}}))
"""


def test_unreadable_files_and_homes_are_reported_as_permission_denied():
    """Real permissions: as root, the reader runs without the capability to override them."""
    folder = Path(tempfile.mkdtemp())
    try:
        folder.chmod(0o755)
        for name, mode in (("ann", 0o644), ("bea", 0o000)):
            path = folder / f"{name}.json"
            path.write_text(json.dumps({"version": 2}))
            path.chmod(mode)
        closed = folder / "cid"
        home_file(folder, "cid").parent.mkdir(parents=True)
        home_file(folder, "cid").write_text("{}")
        closed.chmod(0o000)
        command = [sys.executable, "-c", READ_AS_UNPRIVILEGED, str(folder)]
        if os.geteuid() == 0:
            if not shutil.which("setpriv"):
                pytest.skip("running as root without setpriv: permissions cannot be enforced")
            command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]
        env = {**os.environ, "PYTHONPATH": str(Path(netcourse.__file__).parents[1])}
        out = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
        assert out.returncode == 0, out.stderr
        seen = json.loads(out.stdout)
        assert seen["learners"] == ["ann"]
        assert seen["problems"] == {
            str(folder / "bea.json"): "permission denied: it cannot be read by this user",
            str(closed): "permission denied: it cannot be read by this user",
        }
    finally:
        (folder / "cid").chmod(0o755)
        shutil.rmtree(folder)


def test_old_format_files_read_as_passes():
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "old.json"
        path.write_text(json.dumps(OLD_FORMAT))
        report = class_progress(path)
    (learner,) = report.learners
    assert learner.attempts == ()
    assert set(learner.passed_in(CIDR)) == {"usable-hosts", "inside"}
    assert report.check(CIDR, "inside").passed == 1


def test_import_netcourse_does_not_load_the_class_view():
    code = "import sys, netcourse; print('netcourse.checks' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr
    assert netcourse.class_progress([]).learners == ()


#: Any JSON value, nested a little, and stores shaped almost like format 2.
JSON = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
ATTEMPT = st.fixed_dictionaries(
    {"at": st.floats() | st.integers() | st.none(), "ok": st.booleans() | JSON},
    optional={"mistake": st.none() | st.text(max_size=12) | JSON},
)
NEAR_FORMAT_2 = st.fixed_dictionaries(
    {"version": st.sampled_from([2, 2, 2, 1, 3, "2", True])},
    optional={
        "learner": st.none() | st.text(max_size=12) | JSON,
        "passed": st.dictionaries(
            st.sampled_from([CIDR, "x"]),
            st.dictionaries(st.text(max_size=8), st.floats() | st.integers() | JSON),
        )
        | JSON,
        "attempts": st.dictionaries(
            st.sampled_from([CIDR, WELCOME, "x"]),
            st.dictionaries(st.text(max_size=8), st.lists(ATTEMPT, max_size=4) | JSON),
        )
        | JSON,
    },
)


@settings(max_examples=200, deadline=None)
@given(st.one_of(JSON, NEAR_FORMAT_2))
def test_any_json_gives_a_learner_or_a_named_problem(value):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "who.json"
        path.write_text(json.dumps(value))
        report = class_progress(path)
    assert len(report.learners) + len(report.problems) == 1
    for problem in report.problems:
        assert problem.path == str(path) and problem.why
    for learner in report.learners:
        assert learner.name and all(a.at == a.at for a in learner.attempts)  # no NaN got in
    report._repr_html_(), repr(report)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_give_a_learner_or_a_named_problem(raw):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "who.json"
        path.write_bytes(raw)
        report = class_progress(path)
    assert len(report.learners) + len(report.problems) == 1


def test_model_types_are_frozen(report):
    with pytest.raises(AttributeError):
        report.learners = ()  # type: ignore[misc]
    assert isinstance(report.checks[0], classroom.CheckSummary)
    assert Counter(type(x).__name__ for x in report.problems) == {"FileProblem": 3}


def test_asking_for_an_unknown_check_or_lesson_names_the_known_ones(report):
    with pytest.raises(ProgressError, match="known: .*usable-hosts"):
        report.check(CIDR, "no-such-check")
    with pytest.raises(ProgressError, match="known: 00-welcome"):
        report.lesson_time("99-nope")
