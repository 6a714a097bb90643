"""The ledger: records with a status and a separate reason, saved atomically, read back the same."""
import json

import pytest

from autograder.ledger import Ledger, Record, Status


def test_a_record_round_trips_and_the_grade_table_shows_status_and_reason_as_one_text(tmp_path):
    ledger = Ledger(tmp_path)
    done = Record("02_softmax", "alice", file="hw.ipynb", sha256="ab", files_handed_in=2)
    done.mark_graded(7.0, 10.0, {"test_softmax": [0.0, 3.0]})
    broken = Record("02_softmax", "bob")
    broken.mark_not_graded("not a readable notebook: " + "x" * 1000)
    for r in (done, broken):
        ledger.put(r)
    ledger.save()
    again = Ledger(tmp_path)
    assert again.get("02_softmax", "alice") == done and again.get("02_softmax", "bob") == broken
    assert again.get("02_softmax", "alice").status is Status.GRADED
    assert again.get("02_softmax", "bob").status_text.startswith("not graded: not a readable notebook: xxx")
    assert len(again.get("02_softmax", "bob").reason) == 300
    saved = json.loads((tmp_path / "ledger.json").read_text())["02_softmax/bob"]
    assert saved["status"] == "not graded" and saved["reason"].startswith("not a readable notebook")


def test_grading_again_clears_the_old_scores_and_a_new_grade_clears_the_reason():
    r = Record("02_softmax", "carol")
    r.mark_graded(10, 10, {"test_softmax": [3, 3]})
    r.mark_not_graded("the grading process failed")
    assert (r.score, r.max_score, r.cells) == (None, None, {})
    r.mark_graded(9, 10, {})
    assert r.reason == "" and r.status_text == "graded"


def test_a_ledger_written_before_status_and_reason_were_apart_still_reads(tmp_path):
    (tmp_path / "ledger.json").write_text(json.dumps({
        "02_softmax/dave": {"assignment": "02_softmax", "student_id": "dave", "status": "not graded: empty file",
                            "file": "x.ipynb", "sha256": "00"},
        "02_softmax/erin": {"assignment": "02_softmax", "student_id": "erin", "status": "graded", "score": 10,
                            "max_score": 10, "cells": {"t": [10, 10]}, "note": "rebuilt"}}))
    ledger = Ledger(tmp_path)
    dave, erin = ledger.for_assignment("02_softmax")
    assert (dave.status, dave.reason) == (Status.NOT_GRADED, "empty file")
    assert erin.status is Status.GRADED and erin.cells == {"t": [10, 10]} and erin.note == "rebuilt"


def test_an_unknown_status_is_an_error_not_a_silent_guess(tmp_path):
    (tmp_path / "ledger.json").write_text(json.dumps({"a/b": {"assignment": "a", "student_id": "b", "status": "graded?"}}))
    with pytest.raises(ValueError, match="the record .a/b. cannot be read .*graded\\?"):
        Ledger(tmp_path)
