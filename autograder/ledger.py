"""``ledger.json``: one record per (assignment, student) of what was handed in and what became of it.

nbgrader's gradebook holds scores; the ledger holds everything nbgrader does
not know about: the original file and its SHA-256, and why a submission could
not be scored. A record is a ``Record``: its ``status`` is one of ``Status``,
and when it is ``NOT_GRADED`` its ``reason`` says why in plain words. The
grade table's ``status`` column shows both as one text (``status_text``).
Written atomically, so an interrupted run leaves the old or the new ledger,
never half of one.
"""
import enum
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

REASON_CHARS = 300


class Status(str, enum.Enum):
    COLLECTED = "collected"    # handed in, stored for grading, not graded yet
    GRADED = "graded"          # scored; the scores are in the record and in nbgrader's gradebook
    NOT_GRADED = "not graded"  # could not be scored: the record's reason says why


@dataclass
class Record:
    assignment: str
    student_id: str
    status: Status = Status.COLLECTED
    reason: str = ""              # why it is not graded (only with NOT_GRADED)
    file: str = ""                # the handed-in file's name
    sha256: str = ""              # of the handed-in file, as it was handed in
    files_handed_in: int = 0      # files this student handed in for the assignment (the latest is graded)
    note: str = ""                # what collect repaired
    score: float = None
    max_score: float = None
    cells: dict = field(default_factory=dict)  # grade id -> [score, max score]

    def __post_init__(self):
        self.status = Status(self.status)

    @property
    def status_text(self):
        """The status as the grade table shows it: ``graded``, ``collected`` or ``not graded: <reason>``."""
        return f"{self.status.value}: {self.reason}" if self.status is Status.NOT_GRADED else self.status.value

    def mark_graded(self, score, max_score, cells):
        self.status, self.reason, self.score, self.max_score, self.cells = Status.GRADED, "", score, max_score, dict(cells)

    def mark_not_graded(self, reason):
        self.status, self.reason = Status.NOT_GRADED, str(reason)[:REASON_CHARS]
        self.score, self.max_score, self.cells = None, None, {}

    def to_json(self):
        return {**asdict(self), "status": self.status.value}

    @classmethod
    def from_json(cls, data):
        known = {f.name for f in fields(cls)}
        data = {k: v for k, v in data.items() if k in known}
        status = data.get("status", "")
        if status.startswith(f"{Status.NOT_GRADED.value}:"):  # a ledger written before status and reason were apart
            data["status"], data["reason"] = Status.NOT_GRADED, status.split(":", 1)[1].strip()
        data["cells"] = data.get("cells") or {}
        return cls(**data)


class Ledger:
    def __init__(self, workspace):
        self.path = Path(workspace) / "ledger.json"
        raw = json.loads(self.path.read_text()) if self.path.exists() else {}
        self.records = {}
        for key, r in raw.items():
            try:
                self.records[key] = Record.from_json(r)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"{self.path}: the record {key!r} cannot be read ({exc}); "
                                 "restore the ledger from a backup or collect again") from exc

    @staticmethod
    def key(assignment, student_id):
        return f"{assignment}/{student_id}"

    def get(self, assignment, student_id):
        return self.records.get(self.key(assignment, student_id))

    def put(self, record):
        self.records[self.key(record.assignment, record.student_id)] = record

    def for_assignment(self, assignment=None):
        rows = [r for r in self.records.values() if assignment in (None, r.assignment)]
        return sorted(rows, key=lambda r: (r.assignment, r.student_id))

    def save(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".ledger-")
        with os.fdopen(fd, "w") as f:
            json.dump({k: r.to_json() for k, r in self.records.items()}, f, indent=1, sort_keys=True)
        os.replace(tmp, self.path)
