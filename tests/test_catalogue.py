"""Proof that the hidden tests grade fairly.

For every lecture, tests/catalogue/<module>.py lists wrong implementations a
student would plausibly write and correct ones written differently from the
reference. Each is put into the release notebook on top of the reference
answers and graded through the real autograder (collect, then grade): a wrong
one must lose its function's points with a plain-words AssertionError, a
correct one must get them all.

Variants of different functions share a hand-in (see ``pack``): one
notebook per variant would be 350 notebooks, packed they are 132 (plus the
PAIRS). Each variant keeps its own test and its own assertions.
"""
import importlib
import re
import pkgutil

import nbformat
import pytest

import catalogue
from autograder import collect, grade, judge
from autograder.cells import find_cell, reference_answers
from autograder.judge import own_forward
from autograder.ledger import Ledger

from conftest import solved_nb, source_nb, write_nb

MODULES = [importlib.import_module(f"catalogue.{m.name}") for m in pkgutil.iter_modules(catalogue.__path__)]


def _variants(module):
    out = [(f"wrong{i:02d}", "wrong", *entry) for i, entry in enumerate(module.WRONG)]
    out += [(f"right{i:02d}", "correct", *entry) for i, entry in enumerate(module.CORRECT)]
    return out


def _clash(f, g):
    """Two graded functions whose variants may not share a hand-in (see ``pack``)."""
    return f == g or own_forward(f) == g or own_forward(g) == f


def pack(functions, apart=None):
    """Group variants into hand-ins: ``functions[i]`` is the graded function variant i replaces; lists of indices.

    Sound because of the judge's isolation (autograder/judge.py): while the test of F runs, every other graded
    function is the reference answer, in the grader's process and in the kernel, so the only student code the
    test of F reaches is F itself and, for a backward pass, its own forward (``own_forward(F)``, whose cache
    it reads); test cells see nothing of the kernel but the graded names. Hence in a hand-in where the other
    variants replace neither F nor ``own_forward(F)``, the test of F sees exactly what it saw when the variant was
    handed in alone, and the test of any function not in the pack (nor its own forward) sees only reference code.

    What it excludes: two variants of one function (a notebook holds one answer per function) and a function with
    its own-forward partner (f and g with ``own_forward(f) == g`` or ``own_forward(g) == f``): a wrong forward
    would fail its backward's test too, and a forward that caches differently would fail a backward that reads
    the reference layout. ``apart`` ({i: functions}) keeps variant i also away from those functions: _packs uses
    it so that for every function G some wrong variant of G shares its hand-in with none of G's callers, whose
    tests then show that a wrong G costs them nothing (the point of the isolation, checked once per caller).
    Graded classes (TwoLayerNet, FullyConnectedNet) are not stood in for by the judge, but nothing except their
    own test reaches them (test_packing_is_sound checks that no other test cell, reference answer or variant
    names one), so they pack like functions. The caller of pack keeps wrong and correct variants apart (a correct
    variant's test must not share a notebook with a mistake) and hands in the PAIRS on their own.

    Greedy first fit in the order given: the same packs on every run and in every xdist worker.
    """
    apart = apart or {}

    def fits(i, p):
        return not any(_clash(functions[i], functions[j]) or functions[j] in apart.get(i, ())
                       or functions[i] in apart.get(j, ()) for j in p)

    packs = []
    for i in range(len(functions)):
        for p in packs:
            if fits(i, p):
                p.append(i)
                break
        else:
            packs.append([i])
    return packs


def _callers(module):
    """{G: the graded functions whose test reaches G}: their test cell or reference answer names G, or names a
    function that does (a backward is left out of its forward's: it is tested with the student's own forward)."""
    nb = source_nb(module.ASSIGNMENT)
    tests, references = judge.test_sources(nb), reference_answers(nb)
    names = set(module.TESTS)
    reaches = {f: {g for g in names - {f}
                   if re.search(rf"\b{g}\b", tests[module.TESTS[f]] + "\n" + references.get(f, ""))} for f in names}
    while True:
        more = {f: set().union(reached, *(reaches[g] for g in reached)) - {f} for f, reached in reaches.items()}
        if more == reaches:
            break
        reaches = more
    return {g: {f for f in names if g in reaches[f] and own_forward(f) != g} for g in names}


def _packs(module):
    """[(student, [variant, ...])]: the lecture's hand-ins of wrong variants, then those of correct ones.

    A function's first wrong variant is its witness: packed apart from the function's callers (see ``pack``)."""
    callers = _callers(module)
    out = []
    for kind, prefix in (("wrong", "wrongpack"), ("correct", "rightpack")):
        variants = [v for v in _variants(module) if v[1] == kind]
        apart = {}
        if kind == "wrong":
            for i, v in enumerate(variants):
                if callers[v[2]] and not any(variants[j][2] == v[2] for j in apart):
                    apart[i] = callers[v[2]]
        for n, indices in enumerate(pack([v[2] for v in variants], apart)):
            out.append((f"{prefix}{n:02d}", [variants[j] for j in indices]))
    return out


PACKS = {m.ASSIGNMENT: _packs(m) for m in MODULES}


def _pack_of(module, name):
    """(student, variants) of the hand-in that carries variant ``name`` (wrongNN or rightNN)."""
    (found,) = [(student, vs) for student, vs in PACKS[module.ASSIGNMENT] if any(v[0] == name for v in vs)]
    return found


_graded = {}


def _code(module, kind, gid, what):
    (code,) = [c for g, w, c in (module.WRONG if kind == "wrong" else module.CORRECT) if (g, w) == (gid, what)]
    return code


def _pairs(module):
    """(student, G, wrong G, F, correct F that calls G): a hand-in with both."""
    return [(f"pair{i:02d}", g, wrong, f, right) for i, (g, wrong, f, right) in enumerate(getattr(module, "PAIRS", []))]


def _graded_workspace(module, tmp_path_factory):
    """Grade every hand-in of a lecture once, in one batch; cached per lecture (and per xdist worker)."""
    if module.ASSIGNMENT not in _graded:
        root = tmp_path_factory.mktemp(module.ASSIGNMENT)
        a = module.ASSIGNMENT
        for student, variants in PACKS[a]:
            answers = {gid: code for _, _, gid, _, code in variants}
            write_nb(solved_nb(a, **answers), root / "inbox" / student / f"{a}.ipynb")
        for student, g, wrong, f, right in _pairs(module):
            answers = {g: _code(module, "wrong", g, wrong), f: _code(module, "correct", f, right)}
            write_nb(solved_nb(a, **answers), root / "inbox" / student / f"{a}.ipynb")
        collect.collect(root / "inbox", a, root / "ws")
        grade.grade(root / "ws", a, progress=False, timeout=120)
        _graded[a] = root / "ws"
    return _graded[module.ASSIGNMENT]


def _cell_error(ws, assignment, student, test_id):
    nb = nbformat.read(str(ws / "autograded" / student / assignment / f"{assignment}.ipynb"), as_version=4)
    cell = find_cell(nb, test_id)
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    return errors[0] if errors else None


def check_variant(module, variant, tmp_path_factory):
    """A variant graded in its hand-in: a wrong one loses its function's points (and only those), a correct one keeps them."""
    name, kind, gid, what, _ = variant
    student, variants = _pack_of(module, name)
    others = [f"{v[0]} {v[2]} ({v[3]})" for v in variants if v[0] != name]
    where = f" [hand-in {student}, with {'; '.join(others)}]" if others else f" [hand-in {student}, alone]"
    test_id = module.TESTS[gid]
    ws = _graded_workspace(module, tmp_path_factory)
    record = Ledger(ws).get(module.ASSIGNMENT, student)
    assert record.status_text == "graded", record.status_text + where
    score, max_score = record.cells[test_id]
    error = _cell_error(ws, module.ASSIGNMENT, student, test_id)
    if kind == "correct":
        assert score == max_score, f"correct {gid} ({what}) lost points: {error and error['evalue']}{where}"
    else:
        assert score == 0, f"wrong {gid} ({what}) still got {score} of {max_score} points{where}"
        # one mistake costs one function: every test of a function outside the hand-in gets full marks, even where
        # the reference calls gid (a backward pass is the exception: it is tested with the student's own forward,
        # whose cache it reads); the hand-in's other functions are all wrong, each checked by its own case, and a
        # function's first wrong variant shares no hand-in with its callers, so every caller is checked (pack)
        packed = {v[2] for v in variants}
        for other, other_test in module.TESTS.items():
            if other not in packed and own_forward(other) not in packed:
                got, full = record.cells[other_test]
                assert got == full, f"wrong {gid} ({what}) also cost {other_test} {full - got} of {full} points{where}"
        assert error is not None, f"wrong {gid} ({what}) lost its points without an error shown to the student{where}"
        if error["ename"] == "AssertionError":
            assert len(error["evalue"].strip()) > 20, (
                f"the message for {what} is too short to act on: {error['evalue']!r}{where}")
        else:  # acceptable only when the student's own function raised it: the traceback shows their line
            frames = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(error.get("traceback", [])))  # no colour codes
            assert f"in {gid}(" in frames or f"in {gid}." in frames, (
                f"wrong {gid} ({what}) failed with {error['ename']}: {error['evalue']} outside the student's "
                f"code; a check should catch it first and say what is wrong{where}")


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.ASSIGNMENT)
def test_packing_is_sound(module):
    """No grading: the hand-ins test_variant_is_graded_fairly grades are packed as ``pack`` promises."""
    packs = PACKS[module.ASSIGNMENT]
    assert packs == _packs(module), "packing differs between two calls"
    names = [v[0] for _, vs in packs for v in vs]
    assert sorted(names) == sorted(v[0] for v in _variants(module)), "a variant is in no hand-in or in several"
    students = [student for student, _ in packs] + [p[0] for p in _pairs(module)]
    assert len(set(students)) == len(students), f"two hand-ins under one name: {students}"
    for student, vs in packs:
        functions = [v[2] for v in vs]
        assert len({v[1] for v in vs}) == 1, f"{student} mixes wrong and correct variants: {[v[0] for v in vs]}"
        assert len(set(functions)) == len(functions), f"{student} holds two variants of one function: {functions}"
        for f in functions:
            assert own_forward(f) not in functions, f"{student} holds {f} with its own forward {own_forward(f)}"
    # every caller of a function keeps full marks in some hand-in with a wrong variant of that function
    for g, callers in _callers(module).items():
        lone = [student for student, vs in packs if student.startswith("wrong") and g in {v[2] for v in vs}
                and not callers & {v[2] for v in vs}]
        assert lone or not callers or not any(e[0] == g for e in module.WRONG), (
            f"every wrong {g} shares its hand-in with one of its callers {sorted(callers)}")
    # pack() relies on the judge standing in the reference for every graded name but the tested one; it does so
    # for functions only. A graded class must therefore be reached from its own test alone: no other test cell,
    # reference answer or catalogue variant may name it.
    nb = source_nb(module.ASSIGNMENT)
    not_isolated = judge.graded_names(nb) - set(judge.reference_functions(nb))
    code = {**{f"test cell {gid}": src for gid, src in judge.test_sources(nb).items()},
            **{f"reference {gid}": src for gid, src in reference_answers(nb).items()},
            **{f"variant {v[0]} of {v[2]}": v[4] for v in _variants(module)}}
    for name in not_isolated:
        own = {f"test cell test_{name}", f"reference {name}"} | {f"variant {v[0]} of {name}" for v in _variants(module)}
        users = [where for where, src in code.items() if where not in own and re.search(rf"\b{name}\b", src)]
        assert not users, f"{users} name {name}, which the judge does not replace with the reference: pack it alone"


def test_pack_keeps_apart_one_function_and_a_backward_with_its_forward():
    functions = ["relu_forward", "relu_backward", "relu_forward", "affine_backward", "relu_backward_alt", "sgd"]
    packs = pack(functions)
    assert packs == [[0, 3, 5], [1, 4], [2]]  # a backward and its _alt may share: neither is the other's forward
    assert pack(functions) == packs
    assert pack(functions, apart={5: {"affine_backward"}}) == [[0, 3], [1, 4, 5], [2]]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.ASSIGNMENT)
def test_catalogue_covers_every_graded_function(module):
    from conftest import source_nb
    from autograder.cells import solution_cells
    functions = solution_cells(source_nb(module.ASSIGNMENT))
    assert sorted(module.TESTS) == sorted(functions)
    for f in functions:
        assert sum(e[0] == f for e in module.WRONG) >= 3, f"{f}: fewer than 3 wrong variants"
        assert sum(e[0] == f for e in module.CORRECT) >= 1, f"{f}: no alternative correct variant"


def check_pair(module, pair, tmp_path_factory):
    """A correct function that calls a wrong one keeps its points; the wrong one loses its own."""
    student, g, wrong, f, right = pair
    ws = _graded_workspace(module, tmp_path_factory)
    cells = Ledger(ws).get(module.ASSIGNMENT, student).cells
    assert cells[module.TESTS[g]][0] == 0, f"wrong {g} ({wrong}) kept points"
    got, full = cells[module.TESTS[f]]
    assert got == full, f"correct {f} ({right}) calling a wrong {g} lost {full - got} of {full} points"


def test_the_catalogue_has_pairs_where_a_students_function_calls_another():
    assert sum(len(getattr(m, "PAIRS", [])) for m in MODULES) >= 1


def _lecture_tests(module):
    """The grading tests of one lecture, as a test class.

    make test runs pytest-xdist with ``--dist loadscope``, which sends a class's tests to one worker (a module's
    functions stay together too, and a notebook's nbval cells): the lecture is graded once in that worker (``_graded``
    caches one grading per lecture and process), and the lectures spread over the workers."""
    cases = [pytest.param(v, id=f"{v[0]}-{v[2]}-{v[3]}") for v in _variants(module)]
    pairs = [pytest.param(p, id=f"{p[0]}-{p[3]}-calls-{p[1]}") for p in _pairs(module)]

    class Lecture:
        @pytest.mark.parametrize("variant", cases)
        def test_variant_is_graded_fairly(self, variant, tmp_path_factory):
            check_variant(module, variant, tmp_path_factory)

        if pairs:
            @pytest.mark.parametrize("pair", pairs)
            def test_a_correct_function_that_calls_a_wrong_one_keeps_its_points(self, pair, tmp_path_factory):
                check_pair(module, pair, tmp_path_factory)

    Lecture.__name__ = Lecture.__qualname__ = f"TestLecture_{module.ASSIGNMENT}"
    return Lecture


for _module in MODULES:
    _tests = _lecture_tests(_module)
    globals()[_tests.__name__] = _tests


def test_each_lecture_is_one_scheduling_scope():
    # --dist loadscope splits a node id at its last "::" (pytest-xdist's documented rule): every grading test of a
    # lecture must land in the scope of its own class, so no id may hold a "::" of its own
    import subprocess
    import sys
    from conftest import ROOT
    listed = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                             "tests/test_catalogue.py"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    scopes = {}
    for nodeid in listed.splitlines():
        if nodeid.startswith("tests/test_catalogue.py::TestLecture_"):
            scopes.setdefault(nodeid.rsplit("::", 1)[0], []).append(nodeid)
    assert sorted(scopes) == sorted(f"tests/test_catalogue.py::TestLecture_{m.ASSIGNMENT}" for m in MODULES)
    for m in MODULES:
        assert len(scopes[f"tests/test_catalogue.py::TestLecture_{m.ASSIGNMENT}"]) == len(_variants(m)) + len(_pairs(m))
