"""``ledger.json``: one record per (assignment, student) of what was handed in and what became of it.

nbgrader's gradebook holds scores; the ledger holds everything nbgrader does
not know about: the original file and its SHA-256, and why a submission could
not be scored. Written atomically, so an interrupted run leaves the old or the
new ledger, never half of one.
"""
import json
import os
import tempfile
from pathlib import Path


class Ledger:
    def __init__(self, workspace):
        self.path = Path(workspace) / "ledger.json"
        self.records = json.loads(self.path.read_text()) if self.path.exists() else {}

    @staticmethod
    def key(assignment, student_id):
        return f"{assignment}/{student_id}"

    def get(self, assignment, student_id):
        return self.records.get(self.key(assignment, student_id))

    def put(self, record):
        self.records[self.key(record["assignment"], record["student_id"])] = record

    def for_assignment(self, assignment=None):
        rows = [r for r in self.records.values() if assignment in (None, r["assignment"])]
        return sorted(rows, key=lambda r: (r["assignment"], r["student_id"]))

    def save(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".ledger-")
        with os.fdopen(fd, "w") as f:
            json.dump(self.records, f, indent=1, sort_keys=True)
        os.replace(tmp, self.path)
