"""``export``: the grade table, as CSV and as text, from the ledger and nbgrader's gradebook."""
import csv
import io

from .ledger import Ledger, Status

COLUMNS = ["student_id", "assignment", "score", "max_score", "status"]


def rows(workspace, assignment=None):
    """One dict per (student, assignment) the workspace knows of, with the COLUMNS keys."""
    out = []
    for r in Ledger(workspace).for_assignment(assignment):
        graded = r.status is Status.GRADED
        out.append({"student_id": r.student_id, "assignment": r.assignment,
                    "score": _num(r.score) if graded else "", "max_score": _num(r.max_score) if graded else "",
                    "status": r.status_text})
    return out


def _num(x):
    x = round(float(x), 2)
    return int(x) if x.is_integer() else x


def to_csv(table, path=None):
    """Write the table as CSV to ``path``, or return it as a string."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)
    if path is None:
        return buf.getvalue()
    with open(path, "w", newline="") as f:
        f.write(buf.getvalue())
    return path


def to_text(table, extra=None):
    """A fixed-width table for the terminal, the long status column last; ``extra`` maps a title to a function of a row."""
    extra = extra or {}
    first = [c for c in COLUMNS if c != "status"]
    titles = first + list(extra) + ["status"]
    lines = [[str(r[c]) for c in first] + [str(f(r)) for f in extra.values()] + [str(r["status"])] for r in table]
    widths = [max([len(t)] + [len(line[i]) for line in lines]) for i, t in enumerate(titles)]
    widths[-1] = len(titles[-1])  # the last column needs no padding
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    out = [fmt.format(*titles), fmt.format(*["-" * w for w in widths])]
    out += [fmt.format(*line).rstrip() for line in lines]
    return "\n".join(out)
