"""export's grade report (histogram, share passing each test cell) and Canvas's gradebook-import CSV."""
import csv

from autograder.__main__ import main
from autograder.ledger import Ledger, Record, Status
from autograder import report

A = "02_softmax"  # test cells: test_softmax 3, test_softmax_cross_entropy 4, test_linear_softmax_loss 3


def make_class(ws):
    ledger = Ledger(ws)
    cells = {"full": (3, 4, 3), "no-softmax": (0, 4, 3), "no-loss": (3, 4, 0), "nothing": (0, 0, 0)}
    for student, (s, x, l) in cells.items():
        ledger.put(Record(A, student, Status.GRADED, score=s + x + l, max_score=10,
                          cells={"test_softmax": [s, 3], "test_softmax_cross_entropy": [x, 4],
                                 "test_linear_softmax_loss": [l, 3]}))
    ledger.put(Record(A, "broken", Status.NOT_GRADED, reason="not a notebook"))
    ledger.save()


def test_summary_counts_full_points_per_test_cell(tmp_path):
    make_class(tmp_path)
    d = report.summary(tmp_path)[A]
    assert sorted(d["scores"]) == [0, 7, 7, 10] and d["max_score"] == 10 and d["not_graded"] == 1
    assert d["cells"] == [("test_softmax", 3, 2, 4), ("test_softmax_cross_entropy", 4, 3, 4),
                          ("test_linear_softmax_loss", 3, 2, 4)]


def test_export_writes_csv_report_png_and_html(tmp_path, capsys):
    make_class(tmp_path / "ws")
    out = tmp_path / "grades.csv"
    assert main(["export", "--out", str(out), "--workspace", str(tmp_path / "ws")]) == 0
    assert "grades-report.html" in capsys.readouterr().out
    png, page = tmp_path / "grades-report.png", tmp_path / "grades-report.html"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    text = page.read_text()
    assert "data:image/png;base64," in text
    assert "<td>test_softmax</td><td>3</td><td>2 of 4</td><td>50 %</td>" in text
    assert "<td>test_softmax_cross_entropy</td><td>4</td><td>3 of 4</td><td>75 %</td>" in text
    assert len(list(csv.DictReader(open(out)))) == 5


def test_nothing_graded_no_report(tmp_path):
    assert report.write_report(tmp_path, tmp_path / "g.csv") is None


def test_canvas_import_csv(tmp_path):
    make_class(tmp_path / "ws")
    out = tmp_path / "canvas.csv"
    assert main(["export", "--format", "canvas", "--out", str(out), "--workspace", str(tmp_path / "ws")]) == 0
    rows = list(csv.reader(open(out)))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", A]
    assert rows[1] == ["    Points Possible", "", "", "", "", "10"]
    by_id = {r[1]: r[5] for r in rows[2:]}
    assert by_id == {"broken": "", "full": "10", "no-loss": "7", "no-softmax": "7", "nothing": "0"}
