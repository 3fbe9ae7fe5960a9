"""Broken describe-* JSON never ends in a traceback from deep inside: only VpcError (or success)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vpcdata import tiny

from netcourse.errors import NetcourseError, VpcError
from netcourse.vpc import Vpc

JUNK = st.sampled_from([None, "x", -1, 99999, [], {}, [1], {"a": 1}, True, "10.0.0.0/33", ""])


def paths(value, prefix=()):
    """Every (path, value) inside a nested dict/list."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths(item, prefix + (index,))


ALL_PATHS = [p for p in paths(tiny()) if p]


def mutate(data, where, junk, delete):
    target = data
    for key in where[:-1]:
        target = target[key]
    if delete and isinstance(target, dict):
        del target[where[-1]]
    else:
        target[where[-1]] = junk


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(where=st.sampled_from(ALL_PATHS), junk=JUNK, delete=st.booleans())
def test_broken_input_raises_only_vpc_error(where, junk, delete):
    data = tiny()
    mutate(data, where, junk, delete)
    try:
        vpc = Vpc.from_aws(data)
    except VpcError as exc:
        assert str(exc)  # names the bad part
        return
    for src, dst in [("internet", "web"), ("web", "app"), ("app", "internet")]:
        try:
            vpc.reachability(src, dst, 443)
        except NetcourseError:
            pass
    vpc.matrix(port=443)
