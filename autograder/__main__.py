"""python -m autograder: the instructor's command line."""
import argparse
import sys
from pathlib import Path

from . import bundle, collect, demo, export, feedback, grade, lecture_text, nbgrader_setup, release, report
from .ledger import Status
from .paths import DEFAULT_WORKSPACE, assignments, check_assignment


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    parser.add_argument("--workspace", type=Path, default=DEFAULT_WORKSPACE,
                        help="the instructor's grading folder (default: grading/ in the repository)")
    # --workspace is also accepted after the sub-command; SUPPRESS keeps the value given before it
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--workspace", type=Path, default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True)
    add = lambda name, **kw: sub.add_parser(name, parents=[common], **kw)  # noqa: E731
    p = add("build", help="build source_notebooks/<A>/<A>.ipynb from the lecture text <A>.py")
    p.add_argument("assignments", nargs="*", help="default: all")
    p.add_argument("--check", action="store_true", help="only check that every notebook is what its text builds")
    p = add("release", help="build, then regenerate release/ from source_notebooks/")
    p.add_argument("assignments", nargs="*", help="default: all")
    p = add("bundle", help="a zip per assignment for students (notebook, course helpers, data, README); "
                           "or with --tree the public student repository")
    p.add_argument("assignments", nargs="*", help="default: all")
    p.add_argument("--out", type=Path, default=Path("bundles"), help="folder for the zips (default: bundles/)")
    p.add_argument("--tree", type=Path, help="write the student-facing public tree into this folder instead")
    p = add("collect", help="import handed-in notebooks (folder per student, or an LMS folder or zip)")
    p.add_argument("path", type=Path)
    p.add_argument("--assignment", required=True)
    p.add_argument("--pattern", default=collect.CANVAS_PATTERN,
                   help="regular expression for LMS file names, with a named group student_id (default: Canvas)")
    p = add("grade", help="autograde the collected submissions of an assignment")
    p.add_argument("assignment")
    p.add_argument("--regrade", action="store_true", help="grade again what was graded before")
    p.add_argument("--timeout", type=int, default=60, help="seconds one cell may run (default 60)")
    p.add_argument("--workers", type=int, default=None, help="submissions graded side by side (default: all cores)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="send the jobs to the Dask scheduler at ADDRESS "
                   "(e.g. tcp://10.0.0.5:8786) instead of grading on this machine; see the README")
    p = add("feedback", help="HTML feedback per student (no hidden test source)")
    p.add_argument("assignment")
    p = add("export", help="write the grade table as CSV")
    p.add_argument("--assignment")
    p.add_argument("--out", type=Path, help="CSV file (default: print to the terminal); a grade report "
                   "(<out>-report.png and .html: score histogram, share passing each test cell) is written beside it")
    p.add_argument("--format", choices=["table", "canvas"], default="table",
                   help="canvas: Canvas's gradebook-import CSV (ID = the Canvas user id collect found)")
    add("demo", help="release, then grade the bundled sample class and print the grade table")
    args = parser.parse_args(argv)

    try:
        if args.command == "build":
            texts = lecture_text.text_lectures()
            for a in args.assignments or texts:
                if a not in texts:  # a new lecture has its text before its first notebook
                    raise ValueError(f"unknown assignment {a!r}: no lecture text source_notebooks/{a}/{a}.py; "
                                     f"the course has: {', '.join(texts)}")
                path = lecture_text.build(a, check=args.check)
                print(f"{'up to date' if args.check else 'built'}: {path}")
        elif args.command == "release":
            for a in args.assignments or assignments():
                lecture_text.build(check_assignment(a))
                print(f"released {release.generate(check_assignment(a))}")
        elif args.command == "bundle":
            chosen = [check_assignment(a) for a in args.assignments] or assignments()
            if args.tree:
                print(f"wrote the public student tree to {bundle.write_tree(args.tree, chosen)}")
            else:
                for a in chosen:
                    path = bundle.write_zip(a, args.out)
                    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
        elif args.command == "collect":
            records = collect.collect(args.path, check_assignment(args.assignment), args.workspace, args.pattern)
            nbgrader_setup.write(args.workspace)  # nbgrader's own tools, run there, use the course's pipeline
            for r in records:
                print(f"{r.student_id:<12} {r.file:<50} {r.status_text}")
            print(f"{sum(r.status is Status.COLLECTED for r in records)} new or changed submissions to grade, "
                  f"{sum(r.status is Status.NOT_GRADED for r in records)} that cannot be graded")
        elif args.command == "grade":
            done = grade.grade(args.workspace, check_assignment(args.assignment), regrade=args.regrade,
                               timeout=args.timeout, workers=args.workers,
                               scheduler=args.scheduler)
            print(f"graded {len(done)} submissions")
            print(export.to_text(export.rows(args.workspace, args.assignment)))
        elif args.command == "feedback":
            paths = feedback.generate(args.workspace, check_assignment(args.assignment))
            print(f"wrote {len(paths)} feedback pages under {args.workspace / 'feedback'}")
        elif args.command == "export":
            table = export.rows(args.workspace, args.assignment)
            if not table:
                print(f"note: nothing collected yet in {args.workspace}; run `collect` first", file=sys.stderr)
            if args.format == "canvas":
                out = args.out or Path("canvas-grades.csv")
                print(f"wrote Canvas's gradebook import for {len({r['student_id'] for r in table})} students "
                      f"to {report.to_canvas(table, out)}")
            elif args.out:
                print(f"wrote {len(table)} rows to {export.to_csv(table, args.out)}")
            else:
                sys.stdout.write(export.to_csv(table))
            if args.out:
                made = report.write_report(args.workspace, args.out, args.assignment)
                if made:
                    print(f"wrote the grade report {made[1]} (and {made[0].name})")
        elif args.command == "demo":
            return 0 if demo.run(args.workspace) else 1
    except (ValueError, FileNotFoundError, KeyError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
