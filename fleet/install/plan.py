"""What an install changes on a board, decided in pure code from two lists of sha256: the
bundle's and the board's. Files already right are skipped; config and secrets come last
(a board cut off mid-install never boots half a bundle with a new config); files of an older
bundle that are no longer in it are removed. Nothing else on the board (its journal, its
counters) is ever touched: only .mpy modules and tls/ are the installer's to remove."""

# firmware/board/store.py: the journal, counters and codes, and the credential records apart
STATE = ("state.json", "state.json.tmp", "state.json.records", "state.json.records.tmp")
LAST = ("config.json",)  # with every file under tls/: written once every code file is right
SECRETS = "tls/"
MODULE = ".mpy"
WRITE, SKIP = "write", "skip"


def is_last(path):
    return path in LAST or path.startswith(SECRETS)


def is_managed(path):
    """A board file that an install wrote and a later one may remove."""
    return path.endswith(MODULE) or path.startswith(SECRETS)


class InstallPlan:
    """Each file to write or skip, in order, the stale ones to remove, and the ROMFS image's
    fate (None: the code goes as .mpy files)."""

    def __init__(self, code, last, stale, rom):
        self.code, self.last, self.stale, self.rom = code, last, stale, rom
        self.forget = []  # the board's saved state, when its identity changes

    def to_write(self, group):
        return [path for path, action in group if action == WRITE]

    @property
    def changes_nothing(self):
        changes = self.to_write(self.code) or self.to_write(self.last) or self.stale
        return not (changes or self.forget) and (self.rom in (None, SKIP))


def plan_install(bundle, board, *, in_rom=(), rom_image=None, board_rom=None):
    """The plan for `bundle` ({path: sha256}) onto a board holding `board` ({path: sha256}).
    `in_rom`: the bundle's paths that go in the ROMFS image instead of files; `rom_image` its
    sha256, `board_rom` the sha256 of as many bytes of the board's ROMFS partition."""
    as_files = {path: digest for path, digest in bundle.items() if path not in set(in_rom)}
    code = [_action(path, as_files, board) for path in sorted(as_files) if not is_last(path)]
    last = [_action(path, as_files, board) for path in _last_order(as_files)]
    stale = sorted(path for path in board if is_managed(path) and path not in as_files)
    rom = None
    if rom_image is not None:
        rom = SKIP if rom_image == board_rom else WRITE
    return InstallPlan(code, last, stale, rom)


def _action(path, bundle, board):
    return (path, SKIP if board.get(path) == bundle[path] else WRITE)


def _last_order(files):
    # the secrets before config.json: a config naming TLS never lands before its certificates
    return sorted(p for p in files if p.startswith(SECRETS)) + [p for p in LAST if p in files]


def state_to_forget(board_files, held_config, identity):
    """The board's saved state (its journal, credentials, counters) when the identity changes:
    events and codes of another locker or signed with a dead key must not follow the board
    into its new identity. Kept when the identity stays: unacknowledged events survive."""
    held = held_config or {}
    if (held.get("locker_id"), held.get("key")) == (identity["locker_id"], identity["key"]):
        return []
    return [path for path in STATE if path in board_files]


def flash_shortfall(plan, new_sizes, board_sizes, free):
    """Bytes the board's flash lacks for `plan` (0 if it fits): what is written, less what it
    replaces or removes, plus room for the largest file's temporary copy."""
    if free is None:
        return 0
    written = plan.to_write(plan.code) + plan.to_write(plan.last)
    grows = sum(new_sizes[p] for p in written)
    frees = sum(max(board_sizes.get(p, 0), 0) for p in written + plan.stale + plan.forget)
    largest = max([new_sizes[p] for p in written] or [0])
    return max(0, grows - frees + largest - free)
