"""The widget tests' helpers (widget_views) and a clock the tests move by hand."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def clock(monkeypatch):
    """Every widget waits on this clock: errors show when the test advances it by the pause."""
    from netcourse.widgets import common

    manual = common.ManualClock()
    monkeypatch.setattr(common, "clock", manual)
    return manual
