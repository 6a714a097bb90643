"""course.memory.reuse_freed_memory: fewer page faults for repeated large temporaries, and a plain False where it cannot."""
import subprocess
import sys
import textwrap

import pytest

from course import memory

# Ten "training steps" that each make arrays of 1 to 9 MB, three alive at a time, as a CNN's step makes its temporaries;
# prints whether the setting took and the page faults the steps cost.
_FAULTS = textwrap.dedent("""
    import resource, sys
    import numpy as np
    sys.path.insert(0, {root!r})
    from course.memory import reuse_freed_memory
    took = reuse_freed_memory() if sys.argv[1] == "reuse" else None

    def step():
        alive = []
        for mb in (5, 9, 2, 6, 1, 9, 3):
            alive.append(np.ones(mb * 2**18, dtype=np.float32))
            if len(alive) > 3:
                alive.pop(0)

    step()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(10):
        step()
    print(took, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
""")


def _faults(mode):
    from conftest import ROOT
    out = subprocess.run([sys.executable, "-c", _FAULTS.format(root=str(ROOT)), mode], capture_output=True, text=True,
                         check=True).stdout.split()
    return out[0], int(out[1])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the setting is glibc's; elsewhere it returns False")
def test_reusing_freed_memory_removes_the_page_faults_of_repeated_large_arrays():
    took, reused = _faults("reuse")
    _, fresh = _faults("fresh")
    assert took == "True"
    assert fresh >= 5000, f"without the setting the fresh arrays should fault their pages in; got only {fresh} faults"
    assert reused < fresh / 20, f"{reused} page faults with freed memory reused, {fresh} without"


def test_elsewhere_it_says_it_did_nothing(monkeypatch):
    monkeypatch.setattr(memory.sys, "platform", "darwin")
    assert memory.reuse_freed_memory() is False


def test_a_c_library_without_mallopt_is_reported_not_raised(monkeypatch):
    class NoMallopt:
        def __init__(self, name):
            pass
    monkeypatch.setattr(memory.ctypes, "CDLL", NoMallopt)
    assert memory.reuse_freed_memory() is False
