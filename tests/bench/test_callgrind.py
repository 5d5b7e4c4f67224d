"""bench/callgrind.py reads callgrind's dumps in the order of the renders that made them."""

import importlib.util
from pathlib import Path

import pytest

PATH = Path(__file__).resolve().parent.parent.parent / "bench" / "callgrind.py"
spec = importlib.util.spec_from_file_location("bench_callgrind", PATH)
callgrind = importlib.util.module_from_spec(spec)
spec.loader.exec_module(callgrind)


def dump(folder, name, instructions):
    (folder / name).write_text(
        f"# callgrind format\nversion: 1\ncmd: python\npart: 1\nevents: Ir\n"
        f"summary: {instructions}\n\nfn=(1) main\n0 {instructions}\n\ntotals: {instructions}\n"
    )


def test_dumps_are_read_in_the_order_they_were_written(tmp_path):
    # Ten renders: render.PID.10 comes after render.PID.9, not after render.PID.1.
    for number in range(1, 11):
        dump(tmp_path, f"render.4242.{number}", number * 1_000_000)
    dump(tmp_path, "render.4242", 0)  # the dump at the end of the program, outside renders
    assert callgrind.sorted_dumps(tmp_path) == [n * 1_000_000 for n in range(1, 11)]


def test_the_report_gives_each_pages_medians_and_their_ratio(capsys):
    labels = [["/a/", "warm"], ["/a/", "cold"]] * 3
    dumps = [10_000_000, 19_000_000, 11_000_000, 21_000_000, 12_000_000, 20_000_000]
    callgrind.report(labels, dumps)
    line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("/a/"))
    assert line.split()[1:] == ["11.00M", "20.00M", "1.818"]


def test_a_dump_that_is_not_a_render_is_refused():
    with pytest.raises(SystemExit, match="3 dumps for 2 renders"):
        callgrind.report([["/a/", "warm"], ["/a/", "cold"]], [1, 2, 3])
