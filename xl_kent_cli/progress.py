"""A small progress bar on stderr, shown only when stderr is a terminal.

Long runs (a million rows) show what they are doing; tests, CI and redirected output
see nothing. No dependency: one line redrawn with a carriage return, at most ten
times a second.

Examples
--------
>>> import io
>>> bar = Progress("writing", total=100, stream=io.StringIO())  # not a terminal: silent
>>> bar.enabled
False
>>> bar.update(50); bar.close()
>>> bar.stream.getvalue()
''
>>> bar = Progress("writing", total=100, stream=io.StringIO(), enabled=True)
>>> bar.update(50, force=True)
>>> bar.stream.getvalue().strip()
'writing  [##########          ]  50%  50/100 rows'
"""

from __future__ import annotations

import sys
import time

__all__ = ["Progress", "stage", "is_terminal"]

#: Bar width in characters.
WIDTH = 20
#: Seconds between redraws.
INTERVAL_S = 0.1
#: A run is long (worth a bar) from this many rows; shorter runs stay quiet.
LONG_RUN_ROWS = 20_000


def is_terminal(stream) -> bool:
    """True when ``stream`` is an interactive terminal."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class Progress:
    """A progress bar for ``total`` units (rows, or steps) labelled ``label``.

    ``enabled`` defaults to "stderr is a terminal and the run is long" (``rows``, or
    ``total`` when counting rows, at least :data:`LONG_RUN_ROWS`). Use :meth:`update` with the count
    done so far (it is also a ``progress`` callback for the file writers) and
    :meth:`close` at the end (also as a context manager).
    """

    def __init__(self, label: str, total: int, stream=None, enabled: bool | None = None, unit: str = "rows",
                 rows: int | None = None):
        self.label = label
        self.total = max(int(total), 0)
        self.stream = sys.stderr if stream is None else stream
        rows = self.total if rows is None and unit == "rows" else rows
        long_run = rows is None or rows >= LONG_RUN_ROWS
        self.enabled = (is_terminal(self.stream) and long_run) if enabled is None else enabled
        self.unit = unit
        self._last = 0.0
        self._shown = False

    def __call__(self, done: int) -> None:
        self.update(done)

    def update(self, done: int, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < INTERVAL_S:
            return
        self._last = now
        frac = min(1.0, done / self.total) if self.total else 1.0
        fill = int(round(frac * WIDTH))
        bar = "#" * fill + " " * (WIDTH - fill)
        self.stream.write(f"\r{self.label}  [{bar}] {frac:4.0%}  {done:,}/{self.total:,} {self.unit}")
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        if self.enabled:
            self.update(self.total, force=True)
            self.stream.write("\n")
            self.stream.flush()

    def abandon(self) -> None:
        """End the bar where it stands (an error or Ctrl-C): the line is ended, never shown as done."""
        if self.enabled and self._shown:
            try:
                self.stream.write("\n")
                self.stream.flush()
            except (OSError, ValueError):
                pass

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abandon()


def stage(message: str, stream=None, enabled: bool | None = None) -> None:
    """Print one status line (``"reading staff.xlsx ..."``) on a terminal only."""
    stream = sys.stderr if stream is None else stream
    if is_terminal(stream) if enabled is None else enabled:
        stream.write(message + "\n")
        stream.flush()
