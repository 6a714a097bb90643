"""A numpy.random.Generator passed by a test cell reaches student code as a Generator in the same state,
and the draws the student's code made advance the test's own Generator, as in one process.
(Lectures 04 and 05 grade functions that take an ``rng``: ``init_weights``, ``iterate_minibatches``.)"""
import nbformat
import numpy as np
import pytest

from autograder.sandboxed import wire
from autograder.cells import grade_id, is_test_cell
from autograder.judge import Judge
from autograder.sandbox import Limits, run_notebook

STUDENT = '''import numpy as np

def draw(rng, n):
    return rng.permutation(n)

def draw_twice(rngs):
    return [g.normal() for g in rngs] + [rngs[0].normal()]

def make():
    return np.random.default_rng(7)
'''

TEST = '''rng = np.random.default_rng(3)
twin = np.random.default_rng(3)
check(np.array_equal(draw(rng, 10), twin.permutation(10)), "the student's draws differ from the test's own generator")
check(rng.random() == twin.random(), "the test's generator did not advance with the student's draws")
mt = np.random.Generator(np.random.MT19937(5))
mt_twin = np.random.Generator(np.random.MT19937(5))
check(np.array_equal(draw(mt, 6), mt_twin.permutation(6)), "an MT19937 generator did not cross")
check(mt.random() == mt_twin.random(), "the MT19937 generator did not advance")
a = np.random.default_rng(1)
got = draw_twice([a, a])
a_twin = np.random.default_rng(1)
check(got == [a_twin.normal(), a_twin.normal(), a_twin.normal()], "one generator passed twice should be one generator")
check(a.normal() == a_twin.normal(), "a generator passed twice did not advance once per draw")
g = make()
check(isinstance(g, np.random.Generator) and g.random() == np.random.default_rng(7).random(), "a returned generator")
before = np.random.get_state()
draw(np.random.default_rng(0), 5)
after = np.random.get_state()
check(np.array_equal(before[1], after[1]) and before[2] == after[2], "a Generator's draws touched the global state")
print("generators: all passed")
'''


def test_a_generator_crosses_and_comes_back_advanced():
    cells = [nbformat.v4.new_code_cell(STUDENT, metadata={"nbgrader": {"solution": True, "grade": False, "grade_id": "student"}}),
             nbformat.v4.new_code_cell(TEST, metadata={"nbgrader": {"grade": True, "solution": False, "grade_id": "gen", "points": 1}})]
    nb = nbformat.v4.new_notebook(cells=cells)
    judge = Judge(nb, {i: grade_id(c) for i, c in enumerate(nb.cells) if is_test_cell(c)}, budget=20)
    for i in judge.judged:
        nb.cells[i].metadata["judged"] = True
    run_notebook(nb, Limits(cell_timeout=20, wall_timeout=120), judge=judge.serve)
    outputs = {judge.judged[i]: outs for i, outs in {**judge.unjudged(), **judge.outputs}.items()}["gen"]
    errors = [(o["ename"], o["evalue"]) for o in outputs if o["output_type"] == "error"]
    assert not errors, errors
    assert outputs[0]["text"] == "generators: all passed\n"


@pytest.mark.parametrize("state", [
    {"bit_generator": "os.system", "state": {}},
    {"bit_generator": "PCG64", "state": "nonsense"},
    "PCG64",
    None,
])
def test_the_wire_refuses_malformed_generator_states(state):
    enc = wire.Encoder(lambda v: None)
    tree = {"$": "gen", "i": 0, "s": enc.encode(state)}
    with pytest.raises(wire.ProtocolError):
        wire.decode(tree, enc.blobs, lambda tag, node: None)


def test_a_generator_state_round_trips():
    gen = np.random.default_rng(11)
    enc = wire.Encoder(lambda v: None)
    tree = enc.encode([gen, gen])
    a, b = wire.decode(tree, enc.blobs, lambda tag, node: None)
    assert a is b and a is not gen
    assert a.random() == gen.random()
    wire.set_generator_state(gen, a.bit_generator.state)
    assert gen.random() == a.random()
