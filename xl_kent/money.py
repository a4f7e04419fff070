"""Rounding money at the output edge (RULES.md: to the penny, only at the edge)."""

from __future__ import annotations

import numpy as np

__all__ = ["round_pennies"]


def round_pennies(gbp) -> np.ndarray:
    """Round pounds to the penny, half a penny away from zero; ``nan`` stays ``nan``.

    >>> round_pennies(np.array([1.005, 2.0049, -1.005, np.nan])).tolist()
    [1.01, 2.0, -1.01, nan]
    """
    x = np.asarray(gbp, dtype=np.float64)
    # 1e-9 absorbs binary noise (1.005 is stored as 1.00499999...).
    return np.sign(x) * np.floor(np.abs(x) * 100 + 0.5 + 1e-9) / 100
