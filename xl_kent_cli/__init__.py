"""The ``xl-kent`` command: recalc, awards, fill, template, sample and demo (the top layer)."""
