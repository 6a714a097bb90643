"""Execute one notebook, cell by cell, surviving whatever the cells do.

    python runner.py IN.ipynb OUT.ipynb --cell-timeout SECONDS

This file runs inside the grading sandbox and imports only the standard
library, nbformat and nbclient. A cell that runs too long (interrupts ignored
or not) or kills its kernel (os._exit, a crash, memory) is marked with an
error; the kernel is restarted, the cells that had finished are replayed, and
the notebook goes on. Code cells that never ran get an error too, so nbgrader
can never mistake "not run" for "passed".

Test cells (marked ``"judged"`` in their metadata) never reach this process:
the grader replaced each by a call to its agent (``agent.py``) before it
wrote the notebook into the sandbox, so the kernel lets the judge outside the
sandbox call the student's code for that test. They get a longer timeout,
since the judge stops a slow test itself, and are not replayed after a restart.
"""
import argparse
import copy
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete, CellTimeoutError, DeadKernelError

MAX_RESTARTS = 3
MAX_TEXT = 20_000  # characters of text output kept per output


def error(ename, evalue):
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def _limit(cell):
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and len(out.get("text", "")) > MAX_TEXT:
            out["text"] = out["text"][:MAX_TEXT] + f"\n... [output cut at {MAX_TEXT} characters]\n"
    del cell["outputs"][50:]


JUDGE_GRACE = 5  # seconds a judged cell may run beyond the cell timeout (the judge ends the test at the timeout)


class _Client(NotebookClient):
    """nbclient, except that a message from the kernel that is no valid output costs an error output, not the run."""

    def process_message(self, msg, cell, cell_index):
        try:
            return super().process_message(msg, cell, cell_index)
        except CellExecutionComplete:
            raise  # how nbclient learns the cell is done
        except Exception as exc:
            cell.outputs.append(error("InvalidOutput", f"the kernel sent an output that is not a valid notebook "
                                      f"output ({type(exc).__name__}); it was dropped"))


def execute(nb, cell_timeout, path="."):
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    judged = {i for i in code if nb.cells[i].get("metadata", {}).get("judged")}

    def timeout_for(cell):
        return cell_timeout + JUDGE_GRACE if cell.get("metadata", {}).get("judged") else cell_timeout

    done, pending, restarts = [], list(code), 0
    while pending:
        client = _Client(nb, timeout=cell_timeout, timeout_func=timeout_for, allow_errors=True, kernel_name="python3",
                                interrupt_on_timeout=False, startup_timeout=60, shutdown_kernel="immediate",
                                extra_arguments=["--HistoryManager.hist_file=:memory:"],
                                resources={"metadata": {"path": path}})
        with client.setup_kernel():
            try:
                for i in (i for i in done if i not in judged):  # replay what had finished, keeping its first outputs
                    client.execute_cell(copy.deepcopy(nb.cells[i]), i)
            except (CellTimeoutError, DeadKernelError):
                break  # replaying kills it again: the rest stays "not run"
            while pending:
                i = pending.pop(0)
                try:
                    client.execute_cell(nb.cells[i], i)
                    done.append(i)
                except CellTimeoutError:
                    nb.cells[i].outputs.append(error("TimeoutError", f"this cell ran longer than {cell_timeout} s and was stopped"))
                    break
                except DeadKernelError:
                    nb.cells[i].outputs.append(error("DeadKernelError", "the kernel died while running this cell "
                                                     "(a crash, os._exit, or more memory than allowed)"))
                    break
                finally:
                    _limit(nb.cells[i])
        restarts += 1
        if restarts > MAX_RESTARTS:
            break
    for i in pending:
        nb.cells[i].outputs = [error("NotRun", "this cell did not run: the notebook was stopped before it")]
    return nb


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("infile")
    p.add_argument("outfile")
    p.add_argument("--cell-timeout", type=int, default=60)
    args = p.parse_args(argv)
    nb = nbformat.read(args.infile, as_version=4)
    execute(nb, args.cell_timeout)
    nbformat.write(nb, args.outfile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
