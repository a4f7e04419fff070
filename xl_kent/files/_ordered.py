"""Pieces of an output built on a pool of threads and written in order by one writer thread:
the one pipeline of the CSV and xlsx writers (pyarrow's kernels and deflate let go of the
interpreter lock, so building, writing and the caller's own work overlap).

>>> from concurrent.futures import ThreadPoolExecutor
>>> out = []
>>> with ThreadPoolExecutor(2) as pool, ThreadPoolExecutor(1) as writer:
...     pieces = OrderedWrites(pool, writer)
...     for k in range(5):
...         pieces.add(lambda k=k: k * k, out.append)
...         pieces.settle(2)
...     pieces.settle(0)
>>> out
[0, 1, 4, 9, 16]
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor


class OrderedWrites:
    """Each piece built by ``build()`` on ``pool`` and handed to ``write`` on ``writer`` (one
    thread: the writes come in the order the pieces were added)."""

    def __init__(self, pool: ThreadPoolExecutor, writer: ThreadPoolExecutor):
        self.pool, self.writer = pool, writer
        self._pending: deque[tuple[Future, Future]] = deque()  # (built, written), oldest first

    def add(self, build: Callable[[], object], write: Callable[[object], None]) -> None:
        """Queue a piece: ``build()`` on the pool, then ``write(piece)`` on the writer."""
        built = self.pool.submit(build)
        self._pending.append((built, self.writer.submit(_write_when_built, write, built)))

    def settle(self, most: int) -> None:
        """Wait until at most ``most`` pieces are unwritten (their errors raised here, in order)."""
        while len(self._pending) > most:
            self._pending.popleft()[1].result()

    def cancel(self) -> None:
        """Drop the pieces not started (an error or Ctrl-C: nothing more is built or written)."""
        for built, written in list(self._pending):  # (a copy: another thread may still be adding)
            built.cancel()
            written.cancel()


def _write_when_built(write: Callable[[object], None], built: Future) -> None:
    write(built.result())
