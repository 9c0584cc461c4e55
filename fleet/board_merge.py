"""One module for a whole package on the board (docs/firmware-ram.md B): each module costs the
board ~200 B (module object, globals dict, its sys.modules slot) plus its import slots and
qstrs, so the build joins firmware/core's modules into firmware/core/__init__ in the order they
import each other. The source stays modular: CPython and the tests import it as it is.

Inside the package, `from firmware.core.x import Y` goes (Y is the same global once merged) and
`states.AVAILABLE` (`from firmware.core import compartments as states`) becomes `AVAILABLE`;
private names that two modules both define get their module's name appended. Outside it,
`from firmware.core.x import Y` becomes `from firmware.core import Y`. Whatever this cannot
rewrite surely is refused (MergeError) rather than guessed at: a public name defined twice, an
aliased, relative or private import, a submodule used other than as `alias.name`, a rewritten
name that a function binds too, a builtin a merged name would hide, `__name__`.

A package can leave some modules out, each kept as its own module: those a file copied as it is
imports by name (main.py, the simulator's harness), those imported lazily to spare RAM (the
display's driver), those unloaded after boot (firmware/board/wiring.py). The merged part may
import a module left out only if that one needs nothing from the merged part, directly or
through others left out: the package's __init__ would still be running when it asks.
"""

import ast
import builtins


class MergeError(RuntimeError):
    """The package cannot be merged safely as written: refused, nothing is compiled."""


def merge(package, modules, left_out=()):
    """The source of the one module that replaces `package` ("firmware.core"): `modules` maps
    each submodule's short name ("journal"; "__init__" for the package's own) to its source;
    imports of the submodules `left_out` (not in `modules`) stay as they are."""
    trees = {name: ast.parse(text) for name, text in modules.items()}
    deps = {name: _inline_imports(package, name, tree, left_out) for name, tree in trees.items()}
    renames = _private_renames(trees)
    defined = {name: set(_top_level(tree)) for name, tree in trees.items()}
    for name, tree in trees.items():
        _rewrite(tree, renames.get(name, {}), deps[name][1], renames, defined)
    _refuse_hidden_builtins(trees)
    order = _import_order({name: set(deps[name][0]) for name in trees})
    body = []
    for name in order:
        body += trees[name].body
    return ast.unparse(ast.Module(body=body, type_ignores=[])) + "\n"


def rewrite_imports(package, submodules, text, left_out=()):
    """`text` (a module outside `package`, or one `left_out` of the merge) importing the merged
    package instead of its `submodules`; None when it imports none of them."""
    tree = ast.parse(text)
    changed = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(package + "."):
                    raise MergeError("`import %s`: import names from it instead" % alias.name)
        if not isinstance(node, ast.ImportFrom) or node.level:
            continue
        if node.module == package and [a for a in node.names if a.name in submodules]:
            raise MergeError("`from %s import` a submodule, outside the package" % package)
        if _submodule(node.module, package) in left_out:
            continue  # a module of its own on the board too
        if node.module and node.module.startswith(package + "."):
            if [a for a in node.names if a.name.startswith("_")]:
                raise MergeError("%s: a private name imported from outside" % node.module)
            node.module, changed = package, True
    return ast.unparse(tree) + "\n" if changed else None


def _inline_imports(package, name, tree, left_out=()):
    """Drop `name`'s imports from inside `package`: (the submodules it needs first,
    {alias: submodule} for those it imported whole). Imports of `left_out` submodules stay."""
    needs, aliases, kept = [], {}, []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level:
            raise MergeError("%s: a relative import" % name)
        if _imports_left_out(node, package, left_out):
            kept.append(node)
            continue
        if isinstance(node, ast.ImportFrom) and node.module == package:
            for alias in node.names:
                aliases[alias.asname or alias.name] = alias.name
                needs.append(alias.name)
            continue
        if isinstance(node, ast.ImportFrom) and node.module.startswith(package + "."):
            if [a for a in node.names if a.asname and a.asname != a.name]:
                raise MergeError("%s: an aliased import from %s" % (name, node.module))
            if [a for a in node.names if a.name.startswith("_")]:
                raise MergeError("%s: a private name imported from %s" % (name, node.module))
            needs.append(node.module[len(package) + 1 :])
            continue
        kept.append(node)
    tree.body = kept
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)) and _names_package(node, package):
            if node in kept and _imports_left_out(node, package, left_out):
                continue
            raise MergeError("%s: an import of %s left (inside a function?)" % (name, package))
    return needs, aliases


def _imports_left_out(node, package, left_out):
    """`from package.x import Y` with x left out of the merge (a module of its own on the
    board); MergeError for `from package import x`, whole, or `import package.x`."""
    if isinstance(node, ast.Import):
        if [a for a in node.names if _submodule(a.name, package) in left_out]:
            raise MergeError("`import %s`: import names from it instead" % node.names[0].name)
        return False
    if not isinstance(node, ast.ImportFrom) or node.level:
        return False
    if node.module == package and [a for a in node.names if a.name in left_out]:
        raise MergeError("`from %s import` a module left out: import names from it" % package)
    return _submodule(node.module, package) in left_out


def _submodule(dotted, package):
    """ "x" for "package.x" (and "package.x.y"), else None."""
    if not (dotted or "").startswith(package + "."):
        return None
    return dotted[len(package) + 1 :].split(".")[0]


def _micropython_guard(node):
    """`try: from micropython import const` / `except ImportError:` (a stand-in for CPython):
    on the board the import succeeds and mpy-cross inlines the constants."""
    imports = node.body
    return (
        len(imports) == 1
        and isinstance(imports[0], ast.ImportFrom)
        and imports[0].module == "micropython"
        and not (node.orelse or node.finalbody)
        and all(isinstance(h.type, ast.Name) and h.type.id == "ImportError" for h in node.handlers)
    )


def _names_package(node, package):
    if isinstance(node, ast.ImportFrom):
        return (node.module or "").startswith(package)
    return [a for a in node.names if a.name.startswith(package)]


def _top_level(tree):
    """{name: the statement binding it} at a module's top level."""
    bound = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound[node.name] = node
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                bound[alias.asname or alias.name.split(".")[0]] = node
        elif isinstance(node, ast.Try) and _micropython_guard(node):
            for alias in node.body[0].names:  # the same import in two modules is kept
                bound[alias.asname or alias.name] = node.body[0]
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for leaf in ast.walk(target):
                    if isinstance(leaf, ast.Name):
                        bound[leaf.id] = node
        elif not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
            raise MergeError(
                "a top-level %s: merge only defs, classes, assignments and imports"
                % type(node).__name__
            )
    return bound


def _private_renames(trees):
    """{module: {name: new name}} for the private names several modules define; MergeError for
    a public one, unless each binds the same import or the same constant (kept as it is)."""
    owners = {}
    for module, tree in trees.items():
        for name, node in _top_level(tree).items():
            owners.setdefault(name, []).append((module, node))
    renames = {}
    for name, defined in owners.items():
        nodes = [node for _, node in defined]
        if len(defined) < 2 or _same_import(nodes, name) or _same_constant(nodes):
            continue
        if not name.startswith("_") or name.startswith("__"):
            raise MergeError("%s is defined in %s" % (name, ", ".join(m for m, _ in defined)))
        for module, _ in defined:
            renames.setdefault(module, {})[name] = name + "_" + module
    return renames


def _same_constant(nodes):
    """Two modules giving a name the same constant (the same text on the keypad's display)."""
    values = [
        (type(n.value.value), n.value.value)
        for n in nodes
        if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.value, ast.Constant)
    ]
    return len(values) == len(nodes) and len(set(values)) == 1


def _same_import(nodes, name):
    def source(node):
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            return None
        alias = [a for a in node.names if (a.asname or a.name.split(".")[0]) == name][0]
        return (getattr(node, "module", None), alias.name)

    first = source(nodes[0])
    return first is not None and all(source(n) == first for n in nodes)


def _rewrite(tree, own_renames, aliases, renames, defined):
    """Rename `tree`'s clashing privates and turn `alias.name` (a submodule) into the name."""
    local = _locally_bound(tree)
    clashing = sorted(set(own_renames) & local)
    if clashing:
        raise MergeError("%s: bound inside a function too, cannot be renamed" % clashing)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            node.name = own_renames.get(node.name, node.name)
    _Rewriter(own_renames, aliases, renames, local, defined).visit(tree)


class _Rewriter(ast.NodeTransformer):
    def __init__(self, own_renames, aliases, renames, local, defined):
        self.own_renames, self.aliases = own_renames, aliases
        self.renames, self.local, self.defined = renames, local, defined

    def visit_Attribute(self, node):
        if not (isinstance(node.value, ast.Name) and node.value.id in self.aliases):
            return self.generic_visit(node)
        submodule = self.aliases[node.value.id]
        if node.attr not in self.defined.get(submodule, ()):
            raise MergeError("%s.%s: not defined in %s itself" % (submodule, node.attr, submodule))
        name = self.renames.get(submodule, {}).get(node.attr, node.attr)
        if name in self.local:
            raise MergeError("%s.%s: a function binds %s too" % (submodule, node.attr, name))
        return ast.copy_location(ast.Name(name, node.ctx), node)

    def visit_Name(self, node):
        if node.id in self.aliases:
            raise MergeError("submodule %s used as an object" % self.aliases[node.id])
        if node.id == "__name__":
            raise MergeError("__name__ would name the merged module, not the submodule")
        if node.id in self.own_renames:
            return ast.copy_location(ast.Name(self.own_renames[node.id], node.ctx), node)
        return node

    def visit_Global(self, node):
        raise MergeError("a global statement: merge only modules without them")

    visit_Nonlocal = visit_Global


def _locally_bound(tree):
    """Names bound anywhere below the top level: arguments, assignments, loop targets."""
    bound = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            for inner in ast.walk(node):
                if isinstance(inner, ast.arg):
                    bound.add(inner.arg)
                elif isinstance(inner, ast.Name) and not isinstance(inner.ctx, ast.Load):
                    bound.add(inner.id)
    return bound


def _refuse_hidden_builtins(trees):
    defined = set()
    for tree in trees.values():
        defined |= set(_top_level(tree))
    hidden = sorted(n for n in defined if hasattr(builtins, n) and not n.startswith("__"))
    if hidden:
        raise MergeError("merged names would hide builtins: %s" % ", ".join(hidden))


def _import_order(needs):
    """The modules, each after those it imports; MergeError for a circle."""
    order, visiting = [], set()

    def visit(name):
        if name in order:
            return
        if name in visiting:
            raise MergeError("%s imports itself through others" % name)
        if name not in needs:
            raise MergeError("%s is not a module of the package" % name)
        visiting.add(name)
        for need in sorted(needs[name]):
            visit(need)
        order.append(name)

    for name in sorted(needs):
        visit(name)
    return order


def merge_packages(texts, packages, users, left_out=None):
    """`texts` ([(path in the bundle as .py, source)]) with each of `packages` ("firmware/core")
    merged into its __init__.py and every other module importing from the package itself.
    `left_out` ({package: (submodule, ...)}) stay modules of their own. `users` (main.py, the
    harness: copied as they are) must not import a merged submodule."""
    left_out = left_out or {}
    for package in packages:
        dotted, kept = package.replace("/", "."), set(left_out.get(package, ()))
        members = [(path, text) for path, text in texts if path.parent.as_posix() == package]
        unknown = kept - {path.stem for path, _ in members}
        if unknown or "__init__" in kept:
            raise MergeError("%s: no module %s to leave out" % (package, ", ".join(unknown)))
        members = [(path, text) for path, text in members if path.stem not in kept]
        submodules = {path.stem for path, _ in members}
        if "__init__" not in submodules:
            raise MergeError("%s has no __init__.py to merge into" % package)
        merged = merge(dotted, {path.stem: text for path, text in members}, kept)
        _refuse_circles_through_left_out(dotted, merged, texts, package, submodules, kept)
        for user in users:
            if rewrite_imports(dotted, submodules, user.read_text(), kept) is not None:
                raise MergeError(
                    "%s imports from a submodule of %s: import from it" % (user, dotted)
                )
        joined = []
        for path, text in texts:
            if path.parent.as_posix() != package or path.stem in kept:
                joined.append((path, rewrite_imports(dotted, submodules, text, kept) or text))
            elif path.stem == "__init__":
                joined.append((path, merged))
        texts = joined
    return texts


def _refuse_circles_through_left_out(dotted, merged, texts, package, submodules, kept):
    """MergeError when the merged module imports a module left out that needs, directly or
    through others left out, a name of the merged part: it would ask a half-run __init__."""
    sources = {path.stem: text for path, text in texts if path.parent.as_posix() == package}
    reached, todo = set(), list(_left_out_imported(dotted, merged, kept))
    while todo:
        name = todo.pop()
        if name in reached:
            continue
        reached.add(name)
        if rewrite_imports(dotted, submodules, sources[name], kept) is not None:
            raise MergeError(
                "%s.%s, left out, imports from the merged part that imports it" % (dotted, name)
            )
        todo += _left_out_imported(dotted, sources[name], kept)


def _left_out_imported(dotted, text, kept):
    """The modules left out of `dotted`'s merge that `text` imports, anywhere in it."""
    return [
        _submodule(node.module, dotted)
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.ImportFrom)
        and not node.level
        and _submodule(node.module, dotted) in kept
    ]
