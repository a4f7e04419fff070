"""The README's pictures of the templates: ``python3 -m workbooks.pictures``.

Each template is built with its example rows, recalculated in a headless LibreOffice
with the xl-kent Calc extension, and a range of each main sheet is exported as a PDF
(LibreOffice), then turned into a PNG with ``pdftoppm`` (poppler-utils) and trimmed of its
white margins. Needs a checkout (it uses ``tests/lo_calc.py``), LibreOffice 25.2 and
poppler-utils; the pictures are committed in ``docs/img/``.
"""

from __future__ import annotations

import argparse
import struct
import subprocess
import sys
import tempfile
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from . import awards, budget
from .common import FIRST_ROW, save_atomically

ROOT = Path(__file__).resolve().parent.parent
IMG = ROOT / "docs" / "img"
DPI = 130
MARGIN_PX = 12


def shots() -> list[tuple[object, str, str, str]]:
    """(template module, sheet, range, picture name) for every picture."""
    from xlsxwriter.utility import xl_col_to_name

    def data_sheet(module, first: int, last: int) -> str:
        return f"{xl_col_to_name(first)}1:{xl_col_to_name(last)}{FIRST_ROW + len(module.EXAMPLE_ROWS)}"

    n_in, n_calc = len(budget.INPUT_COLUMNS), len(budget.CALC_COLUMNS)
    a_in, a_calc = len(awards.INPUT_COLUMNS), len(awards.CALC_COLUMNS)
    return [
        (budget, "Staff", data_sheet(budget, 0, n_in - 1), "budget-staff-inputs.png"),
        (budget, "Staff", data_sheet(budget, n_in, n_in + n_calc - 1), "budget-staff-results.png"),
        (budget, "Summary", "A1:L49", "budget-summary.png"),
        (awards, "Award log", data_sheet(awards, 0, a_in + a_calc - 1), "awards-log.png"),
        (awards, "Monitoring", "A1:X50", "awards-monitoring.png"),
    ]


def write_png(path: Path, rgb: np.ndarray) -> None:
    """A minimal PNG writer (8-bit RGB), so that no imaging library is needed."""
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[y].tobytes() for y in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
    save_atomically(path, lambda f: f.write(png))


def read_ppm(path: Path) -> np.ndarray:
    data = path.read_bytes()
    parts = data.split(maxsplit=4)  # P6, width, height, maxval, pixels
    w, h = int(parts[1]), int(parts[2])
    return np.frombuffer(parts[4][: w * h * 3], dtype=np.uint8).reshape(h, w, 3)


def trim(rgb: np.ndarray, margin: int = MARGIN_PX) -> np.ndarray:
    """Cut the white page margins, keeping ``margin`` pixels."""
    ink = np.any(rgb < 250, axis=2)
    rows = np.flatnonzero(ink.any(axis=1))
    if not len(rows):
        return rgb
    # the page footer is a thin line far below the content: leave it out
    gaps = np.flatnonzero(np.diff(rows) > rgb.shape[0] // 8)
    if len(gaps) and rows[-1] - rows[gaps[-1] + 1] < rgb.shape[0] // 20:
        rows = rows[: gaps[-1] + 1]
        ink = ink[: rows[-1] + 1]
    cols = np.flatnonzero(ink.any(axis=0))
    r0, r1 = max(rows[0] - margin, 0), min(rows[-1] + margin + 1, rgb.shape[0])
    c0, c1 = max(cols[0] - margin, 0), min(cols[-1] + margin + 1, rgb.shape[1])
    return rgb[r0:r1, c0:c1]


def pdf_to_png(pdf: Path, png: Path, dpi: int = DPI) -> None:
    """First page of ``pdf`` -> trimmed ``png`` (pdftoppm renders, numpy trims)."""
    stem = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
                   check=True)
    write_png(png, trim(read_ppm(stem.with_suffix(".ppm"))))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m workbooks.pictures", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out-dir", type=Path, default=IMG, help="folder for the PNGs (default docs/img)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "tests"))
    import lo_calc  # noqa: PLC0415  (the test helper that drives LibreOffice)

    args.out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, lo_calc.Calc.started(Path(tmp)) as calc:
        tmp = Path(tmp)
        books = {}
        for module, sheet, cells, name in shots():
            if module not in books:
                books[module] = save_atomically(tmp / module.FILE_NAME, module.build)
            pdf = tmp / name.replace(".png", ".pdf")
            calc.render(books[module], [{"sheet": sheet, "range": cells, "pdf": pdf}])
            pdf_to_png(pdf, args.out_dir / name)
            print(args.out_dir / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
