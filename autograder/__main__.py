"""python -m autograder: the instructor's command line."""
import argparse
import sys
from pathlib import Path

from . import collect, demo, export, feedback, grade, lecture_text, release
from .workspace import DEFAULT_WORKSPACE, assignments, check_assignment


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
    p = add("feedback", help="HTML feedback per student (no hidden test source)")
    p.add_argument("assignment")
    p = add("export", help="write the grade table as CSV")
    p.add_argument("--assignment")
    p.add_argument("--out", type=Path, help="CSV file (default: print to the terminal)")
    add("demo", help="release, then grade the bundled sample class and print the grade table")
    args = parser.parse_args(argv)

    try:
        if args.command == "build":
            for a in args.assignments or lecture_text.text_lectures():
                path = lecture_text.build(check_assignment(a), check=args.check)
                print(f"{'up to date' if args.check else 'built'}: {path}")
        elif args.command == "release":
            for a in args.assignments or assignments():
                lecture_text.build(check_assignment(a))
                print(f"released {release.generate(check_assignment(a))}")
        elif args.command == "collect":
            records = collect.collect(args.path, check_assignment(args.assignment), args.workspace, args.pattern)
            for r in records:
                print(f"{r['student_id']:<12} {r['file']:<50} {r['status']}")
            print(f"{sum(r['status'] == 'collected' for r in records)} new or changed submissions to grade, "
                  f"{sum(r['status'].startswith('not graded') for r in records)} that cannot be graded")
        elif args.command == "grade":
            done = grade.grade(args.workspace, check_assignment(args.assignment), regrade=args.regrade,
                               timeout=args.timeout, workers=args.workers)
            print(f"graded {len(done)} submissions")
            print(export.to_text(export.rows(args.workspace, args.assignment)))
        elif args.command == "feedback":
            paths = feedback.generate(args.workspace, check_assignment(args.assignment))
            print(f"wrote {len(paths)} feedback pages under {args.workspace / 'feedback'}")
        elif args.command == "export":
            table = export.rows(args.workspace, args.assignment)
            if not table:
                print(f"note: nothing collected yet in {args.workspace}; run `collect` first", file=sys.stderr)
            if args.out:
                print(f"wrote {len(table)} rows to {export.to_csv(table, args.out)}")
            else:
                sys.stdout.write(export.to_csv(table))
        elif args.command == "demo":
            return 0 if demo.run(args.workspace) else 1
    except (ValueError, FileNotFoundError, KeyError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
