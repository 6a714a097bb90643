"""The grader's layout: where things are imports nothing; the modules of autograder/ import each other without a cycle."""
import ast
import json
import subprocess
import sys

from autograder.paths import REPO_ROOT

PACKAGE = REPO_ROOT / "autograder"


def _module_name(path):
    parts = path.relative_to(REPO_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path):
    """The autograder modules ``path`` imports, when it is loaded or later (imports inside functions too)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "autograder"}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1] + ([base] if base else []))
            if base.split(".")[0] == "autograder":
                subs = [f"{base}.{a.name}" for a in node.names]
                found |= {s for s in subs if (REPO_ROOT / (s.replace(".", "/") + ".py")).exists()
                          or (REPO_ROOT / s.replace(".", "/")).is_dir()} or {base}
    return found - {name}


def test_paths_imports_nothing_of_the_package_nor_nbgrader():
    code = ("import json, sys\nimport autograder.paths\n"
            "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('autograder', 'nbgrader'))))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == ["autograder", "autograder.paths"]


def test_the_modules_of_the_grader_import_each_other_without_a_cycle():
    graph = {_module_name(p): _imports(p) for p in PACKAGE.rglob("*.py")}
    done, path = set(), []

    def visit(module):
        assert module not in path, f"import cycle: {' -> '.join(path[path.index(module):] + [module])}"
        if module in done or module not in graph:
            return
        path.append(module)
        for imported in sorted(graph[module]):
            visit(imported)
        path.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)
    assert "autograder.pipeline" in graph["autograder.release"] and "autograder.pipeline" in graph["autograder.feedback"]
