"""Shared test set-up: the independent reference is importable as ``reference``."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).resolve().parent))

settings.register_profile(
    "ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.load_profile("ci")


@pytest.fixture
def rng():
    import numpy as np

    return np.random.default_rng(20261123)


@pytest.fixture(scope="session")
def calc(tmp_path_factory):
    """A headless LibreOffice Calc with the xl-kent extension (see ``lo_calc``)."""
    import lo_calc

    lo_calc.require_or_skip()
    with lo_calc.Calc.started(tmp_path_factory.mktemp("libreoffice")) as running:
        yield running
