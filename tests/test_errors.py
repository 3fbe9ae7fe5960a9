"""The error model: one base class, catchable as ValueError, one subclass per topic."""

import inspect

import pytest

import netcourse
from netcourse import errors


def subclasses():
    return [
        obj
        for name, obj in vars(errors).items()
        if inspect.isclass(obj) and issubclass(obj, errors.NetcourseError)
    ]


def test_all_lists_every_error_class_and_the_message_helper():
    assert sorted(errors.__all__) == sorted([*(cls.__name__ for cls in subclasses()), "quote"])


@pytest.mark.parametrize("cls", subclasses(), ids=lambda cls: cls.__name__)
def test_every_error_is_a_netcourse_error_and_a_value_error(cls):
    assert issubclass(cls, netcourse.NetcourseError)
    assert issubclass(cls, ValueError)
    assert cls.__doc__, f"{cls.__name__} needs a docstring saying when it is raised"


def test_topics_have_their_own_class():
    names = {cls.__name__ for cls in subclasses()}
    assert {"AddressError", "PortError", "PacketError", "RuleError", "VpcError"} <= names
