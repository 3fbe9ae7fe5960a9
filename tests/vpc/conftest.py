"""Fixtures of the VPC model's tests."""

import pytest
from vpcdata import tiny


@pytest.fixture
def data():
    """A fresh small VPC as describe-* JSON (see vpcdata.tiny)."""
    return tiny()
