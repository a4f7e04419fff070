"""Faults end cleanly: one line, the right exit code, and the output set whole or untouched.

A CSV result is three files (``OUT.csv``, ``OUT.errors.csv``, ``OUT.summary.csv``): the files
on disk are always the whole old set or the whole new set, whatever goes wrong (a refused
path, a cell CSV cannot carry, a failing rename, Ctrl-C or SIGTERM mid-write, a bug). Temporary
files of a killed run are removed by the next write; a live process's are kept.
"""

from __future__ import annotations

import hashlib
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from xl_kent.files import writing
from xl_kent.files.writing import OutputFileError, Sheet, all_or_nothing, remove_leftovers, write_csv
from xl_kent.lists import source, synth
from xl_kent_cli import cli
from xl_kent_cli import recalc as recalc_cmd

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2027-03-31"
SIDE = ("out.csv", "out.errors.csv", "out.summary.csv")


class PanicException(BaseException):
    """As pyo3's: a Rust panic surfacing in Python derives from BaseException."""


def run(*argv) -> tuple[int, str, str]:
    """``xl-kent ARGV`` in this process: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        code = cli.main([str(a) for a in argv])
    except SystemExit as e:
        code = e.code
    finally:
        sys.stdout, sys.stderr = old
    return code, out.getvalue(), err.getvalue()


def files(folder: Path) -> dict[str, str]:
    """Every file in ``folder`` (temporary ones included) with a digest of its bytes."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def one_clean_line(err: str) -> str:
    assert "Traceback" not in err, err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert len(lines[0]) <= 300 and lines[0].startswith("xl-kent"), lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("small")
    src = d / "staff.csv"
    synth.write_sample(src, synth.staff_sample(300, 4, seed=5))
    return src


@pytest.fixture
def old_set(tmp_path, small) -> dict[str, str]:
    """An earlier result set in ``tmp_path/out``: its files and digests."""
    out = tmp_path / "out"
    out.mkdir()
    code, _, err = run("recalc", small, "--as-of", "2026-03-31", "-o", out / "out.csv")
    assert code in (0, 1), err
    before = files(out)
    assert sorted(before) == sorted(SIDE)
    return before


# ---------------------------------------------------------------- refused paths, refused cells
def test_output_that_is_a_folder_writes_no_side_files(tmp_path, small):
    (tmp_path / "out.csv").mkdir()
    code, _, err = run("recalc", small, "--as-of", AS_OF, "-o", tmp_path / "out.csv")
    assert code == 3 and "folder" in one_clean_line(err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_a_side_file_that_is_a_folder_or_the_input_is_refused_before_reading(tmp_path, small):
    (tmp_path / "out.errors.csv").mkdir()
    code, _, err = run("recalc", small, "--as-of", AS_OF, "-o", tmp_path / "out.csv")
    assert code == 3 and "out.errors.csv" in one_clean_line(err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.errors.csv"]
    src = tmp_path / "x.summary.csv"
    src.write_bytes(small.read_bytes())
    code, _, err = run("recalc", src, "--as-of", AS_OF, "-o", tmp_path / "x.csv")
    assert code == 3 and "input file" in one_clean_line(err)
    assert src.read_bytes() == small.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.errors.csv", "x.summary.csv"]


def test_a_nul_in_a_cell_is_escaped_and_listed_not_a_failed_run(tmp_path, small, old_set, monkeypatch):
    real = source.read_list

    def with_nul(*a, **k):
        loaded = real(*a, **k)
        names = loaded.table.columns[loaded.table.headers.index("Name")]
        names.flags.writeable = True  # (the cells read are read only)
        names[len(names) // 2] = "Smith\x00Jones"
        return loaded

    monkeypatch.setattr(source, "read_list", with_nul)
    code, out, _ = run("recalc", small, "--as-of", AS_OF, "-o", tmp_path / "out" / "out.csv")
    assert code == 1  # written; the row with the changed cell is a problem row
    new = files(tmp_path / "out")
    assert set(new) == set(old_set) and all(new[k] != old_set[k] for k in new)  # the whole new set
    main = (tmp_path / "out" / "out.csv").read_bytes()
    assert b"\x00" not in main and b"Smith_x0000_Jones" in main
    errors = (tmp_path / "out" / "out.errors.csv").read_text(encoding="utf-8-sig")
    assert "Name,,the text holds control characters (U+0000)" in errors


def test_a_write_refused_midway_leaves_the_old_set_byte_identical(tmp_path, small, old_set, monkeypatch):
    def refuse(raw, block, out, start, stop, progress):
        raise OutputFileError(f"{out}: refused in rows {start + 1}-{stop} (a test)")

    monkeypatch.setattr(writing, "_write_block", refuse)
    code, _, err = run("recalc", small, "--as-of", AS_OF, "-o", tmp_path / "out" / "out.csv")
    assert code == 3 and "refused in rows" in one_clean_line(err)
    assert files(tmp_path / "out") == old_set


def test_a_failing_move_puts_every_old_file_back(tmp_path, small, old_set, monkeypatch):
    real = os.replace
    moves = []

    def fail_on_the_summary(src, dst):
        if str(dst).endswith("out.summary.csv") and str(src).endswith(".tmp"):
            raise PermissionError(13, "Permission denied (open in Excel?)")
        moves.append(dst)
        return real(src, dst)

    monkeypatch.setattr(writing.os, "replace", fail_on_the_summary)
    code, _, err = run("recalc", small, "--as-of", AS_OF, "-o", tmp_path / "out" / "out.csv")
    assert code == 3 and "unchanged" in one_clean_line(err)
    assert moves  # the main file and the errors file had been moved in, then back
    assert files(tmp_path / "out") == old_set


@pytest.mark.skipif(os.name != "posix", reason="a signal to this process")
@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_while_the_files_move_in_waits_for_the_whole_new_set(tmp_path, small, old_set, monkeypatch,
                                                                     signum, code):
    real = os.replace

    def replace_then_signal(src, dst):
        real(src, dst)
        if str(dst).endswith("out.csv") and str(src).endswith(".tmp"):  # the first of the three moved in
            os.kill(os.getpid(), signum)

    monkeypatch.setattr(writing.os, "replace", replace_then_signal)
    got, _, err = run("recalc", small, "--as-of", AS_OF, "-o", tmp_path / "out" / "out.csv")
    assert got == code and one_clean_line(err).startswith("xl-kent: interrupted")
    after = files(tmp_path / "out")
    assert sorted(after) == sorted(SIDE) and all(after[n] != old_set[n] for n in SIDE)
    assert "31/03/2027" in (tmp_path / "out" / "out.summary.csv").read_text(encoding="utf-8-sig")


def test_a_failing_move_with_no_old_set_leaves_nothing(tmp_path, small, monkeypatch):
    real = os.replace

    def fail_on_the_errors(src, dst):
        if str(dst).endswith("out.errors.csv"):
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(writing.os, "replace", fail_on_the_errors)
    code, _, err = run("recalc", small, "--as-of", AS_OF, "-o", tmp_path / "out.csv")
    assert code == 3 and "No space left" in one_clean_line(err)
    assert list(tmp_path.iterdir()) == []


def test_all_or_nothing_writes_the_whole_set_or_nothing(tmp_path):
    sheet = Sheet("S", ["x"], [np.array([1.0, 2.0])])
    with pytest.raises(RuntimeError), all_or_nothing():
        write_csv(tmp_path / "a.csv", sheet)
        raise RuntimeError("the second file failed")
    assert list(tmp_path.iterdir()) == []
    with all_or_nothing():
        write_csv(tmp_path / "a.csv", sheet)
        with all_or_nothing():  # a block inside another joins it
            write_csv(tmp_path / "b.csv", sheet)
        assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv"]
    with pytest.raises(OutputFileError, match="twice"), all_or_nothing():
        write_csv(tmp_path / "c.csv", sheet)
        write_csv(tmp_path / "c.csv", sheet)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv"]


def test_sample_writes_the_list_and_its_log_together(tmp_path, monkeypatch):
    real = synth.write_sample

    def fail_on_the_log(path, sample, sheet="Staff", progress=None):
        if sheet == "Awards":
            raise LookupError("no such codec")
        return real(path, sample, sheet, progress)

    monkeypatch.setattr(synth, "write_sample", fail_on_the_log)
    code, _, err = run("sample", "--rows", 50, "-o", tmp_path / "s.csv", "--awards", tmp_path / "a.xlsx")
    assert code == 3 and "internal error while writing" in one_clean_line(err)
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- unexpected exceptions
@pytest.mark.parametrize("exc", [MemoryError(), LookupError("unknown encoding: x-hostile"),
                                 NotImplementedError("format"), PanicException("rust panicked at 'index out'")])
def test_an_unexpected_exception_while_reading_is_one_line_and_exit_2(tmp_path, small, monkeypatch, exc):
    def boom(*a, **k):
        raise exc

    monkeypatch.setattr(source, "read_list", boom)
    code, out, err = run("recalc", small, "--as-of", AS_OF, "-o", tmp_path / "out.csv")
    line = one_clean_line(err)
    assert code == 2 and out == ""
    if isinstance(exc, MemoryError):
        assert "not enough memory while reading staff.csv" in line
    else:
        assert f"internal error while reading staff.csv ({type(exc).__name__})" in line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("exc", [MemoryError(), PanicException("boom"), ZeroDivisionError("bug")])
def test_an_unexpected_exception_while_computing_is_exit_2(tmp_path, small, monkeypatch, exc):
    def boom(*a, **k):
        raise exc

    monkeypatch.setattr(recalc_cmd, "compute", boom)
    code, _, err = run("recalc", small, "--as-of", AS_OF, "-o", tmp_path / "out.xlsx")
    line = one_clean_line(err)
    assert code == 2 and "while computing the figures" in line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
@pytest.mark.parametrize("exc", [MemoryError(), PanicException("rust panicked"), LookupError("x")])
def test_an_unexpected_exception_while_writing_is_exit_3_and_writes_nothing(tmp_path, small, old_set,
                                                                            monkeypatch, exc, ext):
    from xl_kent.files import _xlsx

    calls = []

    def boom_later(*a, **k):  # mid-write: after the first block of the main file
        calls.append(1)
        if len(calls) > 1 or ext == "xlsx":
            raise exc
        return real(*a, **k)

    if ext == "csv":
        real = writing._write_block
        monkeypatch.setattr(writing, "_write_block", boom_later)
    else:
        real = _xlsx.write_workbook
        monkeypatch.setattr(_xlsx, "write_workbook", boom_later)
    monkeypatch.setattr(writing, "CSV_BLOCK_ROWS", 100)
    out = tmp_path / "out" / f"out.{ext}"
    code, _, err = run("recalc", small, "--as-of", AS_OF, "-o", out)
    line = one_clean_line(err)
    assert code == 3 and ("not enough memory while writing" in line or "internal error while writing" in line)
    assert files(tmp_path / "out") == old_set  # no new file, no temporary file, the old set untouched


def test_a_10_mb_message_is_cut_to_300_characters(tmp_path, small, monkeypatch):
    def boom(*a, **k):
        raise LookupError("bad header " + "\n\x1b[2J" + "x" * 10_000_000)

    monkeypatch.setattr(source, "read_list", boom)
    started = time.monotonic()
    code, _, err = run("recalc", small, "--as-of", AS_OF, "-o", tmp_path / "out.csv")
    line = one_clean_line(err)
    assert code == 2 and len(line) == 300 and "x...x" in line and "\x1b" not in line and "bad header" in line
    assert time.monotonic() - started < 5


def test_an_exception_outside_any_command_step_is_one_line_too(monkeypatch):
    def boom(*a, **k):
        raise PanicException("in the parser")

    monkeypatch.setattr(cli, "build_parser", boom)
    code, _, err = run("recalc", "x.csv")
    assert code == 2 and "internal error while running the command (PanicException)" in one_clean_line(err)


def test_xl_kent_debug_shows_the_traceback(tmp_path, small, monkeypatch):
    def boom(*a, **k):
        raise LookupError("hidden detail")

    monkeypatch.setattr(source, "read_list", boom)
    monkeypatch.setenv("XL_KENT_DEBUG", "1")
    code, _, err = run("recalc", small, "--as-of", AS_OF, "-o", tmp_path / "out.csv")
    assert code == 2 and "Traceback" in err and err.rstrip().splitlines()[-1].startswith("xl-kent recalc: error:")


# ---------------------------------------------------------------- leftovers of a killed run
def test_leftovers_of_a_dead_process_are_removed_and_a_live_ones_kept(tmp_path, small):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        names = {"dead": f".out.csv.{dead.pid}.k3x9q2ab.tmp", "dead_side": f".out.errors.csv.{dead.pid}.1f2e3d4c.tmp",
                 "live": f".out.csv.{live.pid}.abcd1234.tmp", "other": f".other.csv.{dead.pid}.abcd1234.tmp",
                 "no_pid": ".out.csv.tmp", "not_ours": f"out.csv.{dead.pid}.abcd1234.tmp"}
        for name in names.values():
            (tmp_path / name).write_bytes(b"half a file")
        code, _, err = run("recalc", small, "--as-of", AS_OF, "-o", tmp_path / "out.csv")
        assert code in (0, 1), err
        left = {p.name for p in tmp_path.iterdir()}
        assert names["dead"] not in left and names["dead_side"] not in left
        for key in ("live", "other", "no_pid", "not_ours"):
            assert names[key] in left, key
        assert set(SIDE) <= left
        assert remove_leftovers(tmp_path / "other.csv") == [tmp_path / names["other"]]
    finally:
        live.kill()
        live.wait()


def test_the_temporary_name_carries_the_pid(tmp_path):
    seen = []
    real = writing._write_block

    def look(raw, block, out, start, stop, progress):
        seen.extend(p.name for p in tmp_path.iterdir())
        return real(raw, block, out, start, stop, progress)

    writing._write_block = look
    try:
        write_csv(tmp_path / "a.csv", Sheet("S", ["x"], [np.array([1.0])]))
    finally:
        writing._write_block = real
    assert len(seen) == 1 and seen[0].startswith(f".a.csv.{os.getpid()}.") and seen[0].endswith(".tmp")


# ---------------------------------------------------------------- Ctrl-C and SIGTERM mid-write
BIG_ROWS = 300_000


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("big")
    src = d / "big.csv"
    synth.write_sample(src, synth.staff_sample(BIG_ROWS, 10, seed=7))
    return src


def _start(*argv) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("XL_KENT_DEBUG", None)
    return subprocess.Popen([sys.executable, "-m", "xl_kent_cli", *map(str, argv)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)


def _whole_new_set(folder: Path) -> bool:
    main = (folder / "out.csv").read_bytes()
    summary = (folder / "out.summary.csv").read_text(encoding="utf-8-sig")
    return main.count(b"\r\n") == BIG_ROWS + 1 and f"rows read,{BIG_ROWS}" in summary.replace('"', "")


@pytest.mark.skipif(os.name != "posix", reason="signals to a child process")
def test_ctrl_c_and_sigterm_mid_write_leave_the_old_set_or_the_whole_new_one(tmp_path, small, big, old_set):
    folder = tmp_path / "out"
    interrupted = 0
    runs = [(signal.SIGINT, 0.0), (signal.SIGTERM, 0.0), (signal.SIGINT, 0.05), (signal.SIGTERM, 0.1),
            (signal.SIGINT, 0.2), (signal.SIGTERM, 0.3), (signal.SIGINT, 0.45), (signal.SIGTERM, 0.6)]
    for signum, delay in runs:
        before = files(folder)
        proc = _start("recalc", big, "--as-of", AS_OF, "-o", folder / "out.csv")
        deadline = time.monotonic() + 120
        while proc.poll() is None and not any(p.name.endswith(".tmp") for p in folder.iterdir()):
            assert time.monotonic() < deadline
            time.sleep(0.002)
        time.sleep(delay)
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=120)
        after = files(folder)
        assert not [n for n in after if n.endswith(".tmp")], (signum, delay, after)
        assert sorted(after) == sorted(SIDE)
        if proc.returncode in (0, 1):  # the signal came after the run had finished
            assert _whole_new_set(folder)
            continue
        expected = 130 if signum == signal.SIGINT else 143
        assert proc.returncode == expected, (signum, delay, proc.returncode, err)
        assert "Traceback" not in err and err.strip().splitlines()[-1].startswith("xl-kent: ")
        assert after == before or _whole_new_set(folder), (signum, delay)
        interrupted += after == before
        if after != before:  # a new set came in just before the signal: start again from an old one
            for name in SIDE:
                (folder / name).unlink()
            assert run("recalc", small, "--as-of", "2026-03-31", "-o", folder / "out.csv")[0] in (0, 1)
    assert interrupted >= 6  # most runs were stopped mid-write, and left the old set untouched
