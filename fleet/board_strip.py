"""The board-only build step (docs/firmware-ram.md E, F): what the board never runs is cut out of
its copy of a module before mpy-cross, so it takes no RAM there. The source stays whole: the
cloud, the bridge and the tests import the same modules on CPython.

`strip()` cuts one module's source; `check_bundle()` fails the build when anything left on the
board still names what was cut, or holds an `assert` (mpy-cross -O3 drops those).
"""

import ast

# Top-level defs, classes and assignments cut, per path in the bundle.
STRIPPED = {
    "protocol/wire.py": (
        # the cloud's checks of what boards send (the bridge runs them) and their field tables:
        # the board checks only the commands it receives (check_command, COMMAND_*)
        "check_event",
        "check_telemetry",
        "check_inventory",
        "check_status",
        "EVENT_ENVELOPE",
        "EVENT_FIELDS",
        "TELEMETRY_FIELDS",
        "INVENTORY_FIELDS",
        "STATUS_FIELDS",
        "_is_inventory_row",
        # the bridge reads the locker from a topic; the board knows its own id
        "parse_topic",
    ),
    "protocol/layout.py": (
        # installers and the cloud read layouts and sizes; the board's compartments come numbered
        # in config.json
        "parse_layout",
        "DIMENSIONS_MM",
        "MAX_COMPARTMENTS",
    ),
    "protocol/qr_tokens.py": (
        # the cloud issues pickup QR codes; the board only reads and checks them
        "qr_token",
    ),
    "firmware/core/events.py": (
        # the events' makers: the board's drivers and network loops build the tuples themselves
        # (firmware/board), the simulator and the tests call the makers on CPython
        "KeyPressed",
        "CodeScanned",
        "DoorOpened",
        "DoorClosed",
        "MessageReceived",
        "Connected",
        "Disconnected",
        "Booted",
        "Tick",
    ),
    "firmware/net/mqtt_packets.py": (
        # what only a broker sends (the tests' embedded broker): the board is a client
        "connack",
        "suback",
        "pingresp",
        # what only a broker receives
        "_decode_connect",
        "_decode_subscribe",
    ),
}
# Entries cut from module-level dict literals, by key (a string, or a name as written).
STRIPPED_ENTRIES = {
    "protocol/wire.py": {
        # field kinds that only the cloud-side tables above use ("count" is the `service`
        # command's `out`, so the board keeps it)
        "_KINDS": ("int", "word", "cmps"),
    },
    "firmware/net/mqtt_packets.py": {
        # packets a broker never sends to a client: the board now refuses them as an
        # unsupported packet type (MqttError), as it refuses any junk, instead of refusing them
        # one step later as an unexpected packet type
        "_DECODERS": ("CONNECT", "SUBSCRIBE", "PINGREQ", "DISCONNECT"),
    },
}


# Methods cut from top-level classes, per path in the bundle: {class: (method, ...)}. A method is
# called through an attribute of an object whose class no check can know, so its name must be
# written nowhere left on the board (no attribute, name or string of that name, in any module).
STRIPPED_METHODS = {
    "firmware/core/controller.py": {
        # what only CPython asks (the simulator's virtual locker, locker/scenario.py, the tests);
        # the wasm harness (simulator/wasm/harness.py, bench.py) works its figures out from
        # snapshot() and the controller's parts instead (`compartment` stays: the core writes
        # that name for its own variables, and the check cannot tell them from a call)
        "Controller": (
            "has_reservation",
            "keypad_wait_ms",
            "courier_session_active",
            "compartment_numbers",
            "has_credential_for",
            "has_return_code_for",
            "parcels_to_collect",
            "courier_count",
            "footprint",
        ),
    },
    # what only the accessors cut above ask (Controller.courier_count, .has_credential_for,
    # .has_return_code_for, .footprint): the wasm harness counts the snapshot's couriers and
    # asks the packed records, bench.py counts the parts' collections itself
    "firmware/core/credentials.py": {
        "Credentials": ("courier_count", "reservation_count", "has_pickup", "has_return"),
    },
    "firmware/core/uplink.py": {"Uplink": ("sent_count",)},
    "firmware/core/commands.py": {"Commands": ("refusals_remembered",)},
    "firmware/core/refusals.py": {"Refusals": ("remembered_count",)},
    "firmware/core/courier_session.py": {"CourierSession": ("asked_count",)},
    "firmware/drivers/lock_bank.py": {
        # what only the tests ask of the locks
        "LockBank": ("energised", "deferred"),
    },
    # what only tests and the benchmark ask (bench.py reads the outbox and the store itself)
    "firmware/net/mqtt_client.py": {"MqttClient": ("outbox_size",)},
    "firmware/board/store.py": {"FlashStore": ("owes",)},
    "firmware/drivers/door_bank.py": {
        # what only CPython asks of the door sensors (simulator/virtual_locker.py, the tests)
        "DoorBank": ("is_open",),
    },
}


class StripError(RuntimeError):
    """The board-only build would break the board: refused, nothing is compiled."""


def strip(name, text, stripped=None, entries=None, methods=None):
    """`text` (the source of the module at `name` in the bundle) without what the board never
    runs: the same text when nothing is cut from it. Cutting twice changes nothing."""
    return _strip(name, text, stripped, entries, methods)[0]


def _strip(name, text, stripped, entries, methods=None):
    """(the text cut, the names listed for `name` that it does not define)."""
    names = (STRIPPED if stripped is None else stripped).get(name, ())
    keys = (STRIPPED_ENTRIES if entries is None else entries).get(name, {})
    classes = (STRIPPED_METHODS if methods is None else methods).get(name, {})
    if not names and not keys and not classes:
        return text, set()
    tree = ast.parse(text)
    found = set()
    tree.body = [node for node in tree.body if not _cut(node, names, found)]
    for node in tree.body:
        found.update(_cut_entries(node, keys))
        found.update(_cut_methods(node, classes))
    listed = set(names) | {d + "[" + k + "]" for d in keys for k in keys[d]}
    listed |= {c + "." + m for c in classes for m in classes[c]}
    return ast.unparse(tree) + "\n", listed - found


def _cut(node, names, found):
    defined = _defined(node)
    if defined and all(n in names for n in defined):
        found.update(defined)
        return True
    return False


def _defined(node):
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets):
        return [t.id for t in node.targets]
    return []


def _cut_entries(node, keys):
    """The "dict[key]" entries cut from `node`, when it assigns a dict literal named in `keys`."""
    defined = _defined(node)
    if len(defined) != 1 or defined[0] not in keys or not isinstance(node.value, ast.Dict):
        return []
    cut, kept_keys, kept_values = [], [], []
    for key, value in zip(node.value.keys, node.value.values):
        written = _key_text(key)
        if written in keys[defined[0]]:
            cut.append(defined[0] + "[" + written + "]")
        else:
            kept_keys.append(key)
            kept_values.append(value)
    node.value.keys, node.value.values = kept_keys, kept_values
    return cut


def _cut_methods(node, classes):
    """The "Class.method" cut from `node`, when it is a class named in `classes`."""
    if not isinstance(node, ast.ClassDef) or node.name not in classes:
        return []
    cut, kept = [], []
    for member in node.body:
        is_def = isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef))
        if is_def and member.name in classes[node.name]:
            cut.append(node.name + "." + member.name)
        else:
            kept.append(member)
    node.body = kept or [ast.Pass()]
    return cut


def _key_text(key):
    if isinstance(key, ast.Constant) and isinstance(key.value, str):
        return key.value
    if isinstance(key, ast.Name):
        return key.id
    return None


def check_bundle(modules, users, stripped=None, entries=None, methods=None):
    """Refuse (StripError) a bundle in which something left still needs what strip() cuts:
    `modules` are the bundle's (source path, path in the bundle), `users` the other sources
    that run on the board against it (main.py, boot.py, the simulator's harness). A cut name
    or method counts as needed wherever it is written as a name, an attribute, an imported
    name or a whole string (getattr); a cut string key wherever its module still writes that
    string. Keys written as names (packet types) arrive as data: no check can see them."""
    stripped = STRIPPED if stripped is None else stripped
    entries = STRIPPED_ENTRIES if entries is None else entries
    methods = STRIPPED_METHODS if methods is None else methods
    trees, faults = {}, []
    for source, target in modules:
        name = target.with_suffix(".py").as_posix()
        text, missing = _strip(name, source.read_text(), stripped, entries, methods)
        trees[name] = ast.parse(text)
        faults += ["%s has no %s to cut (a stale list)" % (name, m) for m in sorted(missing)]
    for source in users:
        trees[str(source)] = ast.parse(source.read_text())
    cut_methods = {m: tuple(c + "." + n for c in v for n in v[c]) for m, v in methods.items()}
    faults += _needed(trees, stripped) + _needed_methods(trees, cut_methods)
    faults += _needed_keys(trees, entries) + _asserts(modules, trees)
    if faults:
        raise StripError("the board-only build would break the board:\n  " + "\n  ".join(faults))


def _needed(trees, stripped):
    faults = []
    for user, tree in trees.items():
        written = _written(tree)
        for module, names in stripped.items():
            for name in sorted(written & set(names)):
                faults.append("%s uses %s, cut from %s" % (user, name, module))
    return faults


def _needed_methods(trees, cut_methods):
    """Faults for each "Class.method" cut whose method name is still written somewhere."""
    faults = []
    for user, tree in trees.items():
        written = _written(tree)
        for module, names in cut_methods.items():
            for name in sorted(n for n in names if n.split(".")[1] in written):
                faults.append("%s uses %s, cut from %s" % (user, name.split(".")[1], module))
    return faults


def _needed_keys(trees, entries):
    faults = []
    for module, dicts in entries.items():
        strings = _strings(trees[module]) if module in trees else set()
        for dict_name, keys in dicts.items():
            for key in sorted(strings & set(keys)):
                faults.append("%s still names %r, cut from %s" % (module, key, dict_name))
    return faults


def _asserts(modules, trees):
    # mpy-cross -O3 (fleet/firmware_build.py) compiles them away: a check would silently vanish
    names = [target.with_suffix(".py").as_posix() for _, target in modules]
    return [
        "%s line %d: assert (mpy-cross -O3 drops it: raise instead)" % (name, node.lineno)
        for name in names
        for node in ast.walk(trees[name])
        if isinstance(node, ast.Assert) or (isinstance(node, ast.Name) and node.id == "__debug__")
    ]


def _written(tree):
    written = _strings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            written.add(node.id)
        elif isinstance(node, ast.Attribute):
            written.add(node.attr)
        elif isinstance(node, ast.ImportFrom):
            written.update(alias.name for alias in node.names)
    return written


def _strings(tree):
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
