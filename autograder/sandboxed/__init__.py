"""The code that runs inside the student's sandbox: the trust boundary is this folder.

``runner.py`` executes the notebook cell by cell in the sandboxed kernel; ``agent.py``
runs in the kernel in place of each test cell and answers the judge's requests;
``wire.py`` is the message format both ends speak (the judge's end is ``stand_ins.py``).

The sandbox sees these three files (mounted read-only at ``/grader``), and nothing else
of the grader. So they import nothing of ``autograder`` outside this folder: only the
standard library, NumPy, and (the runner) nbformat and nbclient. ``tests/test_sandbox.py``
checks that. Nothing here is trusted: student code can patch or replace it, and the
verdicts are reached on the grader's side.
"""
