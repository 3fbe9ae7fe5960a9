"""Shared by the journey tests: every named scenario, run once per module."""

import pytest

from netcourse.journey import SCENARIOS, scenario


@pytest.fixture(scope="module")
def journeys():
    """Each named scenario's journey, by name."""
    return {name: scenario(name).run() for name in SCENARIOS}
