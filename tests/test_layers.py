"""Every import points down: one table of allowed directions, no cycles, no exception list.

Reads each module's imports with ast (nothing is imported, so a broken module is still read)
and checks three things: an import between top-level packages follows ALLOWED; no two
packages, sub-packages or modules import each other, directly or round a longer circle.
`python -m tests.test_layers` prints the figures for the tree it is run in.
"""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Who may import whom. The floor (protocol, hardware) imports no project package.
ALLOWED = {
    "protocol": set(),
    "hardware": set(),
    "firmware": {"protocol", "hardware"},
    "cloud": {"protocol"},
    "bridge": {"cloud", "protocol"},
    "fleet": {"protocol", "hardware", "firmware"},
    "simulator": {"firmware", "protocol", "fleet", "hardware"},
    "locker": {"protocol", "hardware", "firmware", "cloud", "bridge", "fleet", "simulator"},
    "benchmarks": {
        "protocol",
        "hardware",
        "firmware",
        "cloud",
        "bridge",
        "fleet",
        "simulator",
        "locker",
    },
}
PACKAGES = tuple(ALLOWED)
SKIP_PARTS = {"node_modules", "__pycache__", ".venv"}


def module_files(root=ROOT):
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            if not SKIP_PARTS.intersection(path.relative_to(root).parts):
                yield path


def module_name(path, root=ROOT):
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_names(path, root=ROOT):
    """The project modules one file imports, resolved to absolute dotted names."""
    name = module_name(path, root)
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute_base(name, is_package, node)
            for alias in node.names:
                found.add(base + "." + alias.name if base else alias.name)
    return {n for n in found if n and n.split(".")[0] in ALLOWED}


def _absolute_base(name, is_package, node):
    if not node.level:
        return node.module or ""
    parts = name.split(".")
    if not is_package:
        parts = parts[:-1]
    parts = parts[: len(parts) - (node.level - 1)]
    return ".".join(parts + ([node.module] if node.module else []))


def import_graph(root=ROOT):
    """module -> the project modules it imports (a name that is no module maps to its module)."""
    files = {module_name(p, root): p for p in module_files(root)}
    graph = {}
    for name, path in files.items():
        targets = set()
        for imported in imported_names(path, root):
            target = _known_module(imported, files)
            if target and target != name:
                targets.add(target)
        graph[name] = targets
    return graph


def _known_module(dotted, files):
    while dotted and dotted not in files:
        dotted = dotted.rpartition(".")[0]
    return dotted


def upward_imports(graph):
    found = []
    for source, targets in graph.items():
        top = source.split(".")[0]
        for target in targets:
            other = target.split(".")[0]
            if other != top and other not in ALLOWED[top]:
                found.append((source, target))
    return sorted(found)


def collapse(graph, depth):
    """The graph between names cut to `depth` parts (1: packages, 2: sub-packages)."""
    out = {}
    for source, targets in graph.items():
        a = ".".join(source.split(".")[:depth])
        for target in targets:
            b = ".".join(target.split(".")[:depth])
            out.setdefault(a, set())
            if a != b:
                out[a].add(b)
    return out


def cycles(graph):
    """Strongly connected components with more than one member (Tarjan, iterative)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = [0]
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                members = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.append(member)
                    if member == node:
                        break
                if len(members) > 1:
                    found.append(sorted(members))
    return sorted(found)


def report(root=ROOT):
    graph = import_graph(root)
    return {
        "modules": len(graph),
        "upward": upward_imports(graph),
        "package_cycles": cycles(collapse(graph, 1)),
        "subpackage_cycles": [c for c in cycles(collapse(graph, 2)) if "." in c[0]],
        "module_cycles": cycles(graph),
    }


_REPORT = report()


def test_every_import_points_down():
    assert _REPORT["upward"] == []


def test_no_cycle_between_packages():
    assert _REPORT["package_cycles"] == []


def test_no_cycle_between_subpackages():
    assert _REPORT["subpackage_cycles"] == []


def test_no_cycle_between_modules():
    assert _REPORT["module_cycles"] == []


def test_the_check_sees_what_it_is_meant_to(tmp_path):
    """The checker itself: a made-up tree with one of each fault is caught."""
    for rel, text in {
        "protocol/__init__.py": "",
        "protocol/wire.py": "from cloud import models\n",  # points up
        "cloud/__init__.py": "",
        "cloud/models.py": "from . import services\n",
        "cloud/services.py": "from .models import thing\n",  # module cycle
        "cloud/api.py": "from protocol import wire\n",  # package cycle with protocol.wire
        "firmware/__init__.py": "",
        "firmware/core.py": "import protocol.wire\n",  # allowed
    }.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    found = report(tmp_path)
    assert found["upward"] == [("protocol.wire", "cloud.models")]
    assert found["module_cycles"] == [["cloud.models", "cloud.services"]]
    assert ["cloud", "protocol"] in found["package_cycles"]


def _print(found):
    print(f"modules read: {found['modules']}")
    print(f"imports against the allowed directions: {len(found['upward'])}")
    pairs = {}
    for source, target in found["upward"]:
        key = source.split(".")[0] + " -> " + target.split(".")[0]
        pairs[key] = pairs.get(key, 0) + 1
    for key, count in sorted(pairs.items()):
        print(f"  {key}: {count}")
    for label in ("package_cycles", "subpackage_cycles", "module_cycles"):
        print(f"{label.replace('_', ' ')}: {len(found[label])}")
        for members in found[label]:
            print("  " + " <-> ".join(members))


if __name__ == "__main__":
    _print(report(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT))
