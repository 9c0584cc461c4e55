"""`locker install`: probe the board, provision it, write the bundle, config last, reset,
and wait until the cloud sees it online. Each step names itself; InstallError stops it."""

import hashlib
import tempfile
from pathlib import Path

from fleet.firmware_build import board_config, build
from fleet.install import identity as identities
from fleet.install.board_link import TransportExecError
from fleet.install.cloud_watch import open_alarms, read_locker, summary, wait_online
from fleet.install.errors import InstallError
from fleet.install.plan import flash_shortfall, is_managed, plan_install, state_to_forget
from fleet.install.probe import open_board, probe_board, size
from fleet.install.rom_deploy import deploy_image
from fleet.install.romfs import RomfsError, build_image, code_files
from fleet.install.writing import leftovers, write_files, write_together
from protocol.broker_url import TLS_SCHEMES, parse

PLACEHOLDER_KEY = "00" * 32  # --dry-run with no identity yet: nothing is asked of the cloud


class InstallOptions:
    """The command line, as the installer reads it (see locker/cli.py for the help)."""

    def __init__(self, **fields):
        self.port = fields["port"]
        self.board = fields["board"]
        self.locker_id = fields["locker_id"]
        self.api = fields["api"]
        self.headers = fields.get("headers") or {}
        self.compartments = fields["compartments"]
        self.broker = fields.get("broker")
        self.ca_dir = fields.get("ca_dir", "pki")
        self.wifi = (fields.get("wifi_ssid"), fields.get("wifi_password"))
        self.lang = fields.get("lang")  # the locker's language; None: what the board has
        self.reprovision = fields.get("reprovision", False)
        self.image = fields.get("micropython_image")
        self.bootsel = fields.get("bootsel_drive")
        self.dry_run = fields.get("dry_run", False)
        self.online_timeout = fields.get("online_timeout", 60.0)
        self.identity_dir = Path(fields.get("identity_dir") or Path("provisioned", self.locker_id))


class Installer:
    def __init__(self, options, reporter):
        self.options, self.report = options, reporter

    def run(self):
        with open_board(self.options, self.report) as link:
            facts = probe_board(link, self.options, self.report)
            if facts.get("main") and not self.options.dry_run:
                self.report.step("probe", "holding the board at the REPL while it is written")
                link.hold()
            identity, source = self._identity(link, facts)
            with tempfile.TemporaryDirectory() as folder:
                bundle_dir = Path(folder) / "bundle"
                config = self._build(facts, identity, bundle_dir)
                plan, image = self._plan(link, facts, bundle_dir, config)
                if self.options.dry_run:
                    return self._show_plan(plan, image, source, config)
                telemetry_before = self._telemetry_now()
                self._write(link, plan, image, bundle_dir)
                self._config(link, plan, bundle_dir)
                self.report.step("online", "resetting the board (machine.reset())")
                link.reset()
        return self._online(telemetry_before, config)

    # step 2 -----------------------------------------------------------------------------
    def _identity(self, link, facts):
        options = self.options
        tls = self._tls(facts)
        local = identities.read_local(options.identity_dir, tls=tls)
        source = identities.identity_source(
            options.locker_id, facts["config"], local, reprovision=options.reprovision
        )
        if not options.dry_run:  # the token is checked before anything is written
            read_locker(options.api, options.locker_id, options.headers, step="provision")
        if options.dry_run and source in (identities.NEW, identities.REPROVISION):
            self.report.step("provision", _DRY_RUN_TEXT[source] % options.locker_id)
            return None, source
        identity = identities.obtain(
            source,
            options.locker_id,
            options.compartments,
            options.identity_dir,
            api=options.api,
            headers=options.headers,
            ca_dir=options.ca_dir,
            tls=tls,
            board_config=facts["config"],
            board_files=link.read,
        )
        self.report.step("provision", _PROVISION_TEXT[source] % options.locker_id)
        self.report.note("identity kept in %s" % options.identity_dir)
        return identity, source

    def _broker_url(self, facts):
        if self.options.broker:
            return self.options.broker
        held = facts["config"] or {}
        if held.get("locker_id") == self.options.locker_id and held.get("broker"):
            broker = held["broker"]  # a rerun keeps the broker the board already has
            scheme = "mqtts" if broker.get("tls", True) else "mqtt"
            return "%s://%s:%d" % (scheme, broker["host"], broker["port"])
        raise InstallError("provision", "give --broker mqtt(s)://host:port: the board has none")

    def _tls(self, facts):
        try:
            return parse(self._broker_url(facts))[0] in TLS_SCHEMES
        except ValueError as error:
            raise InstallError("provision", str(error)) from None

    # step 3 -----------------------------------------------------------------------------
    def _build(self, facts, identity, bundle_dir):
        options = self.options
        scheme, host, port = parse(self._broker_url(facts))
        tls = self._tls(facts)
        held = facts["config"] or {}
        wifi = held.get("wifi", {}) if held.get("locker_id") == options.locker_id else {}
        ssid = options.wifi[0] if options.wifi[0] is not None else wifi.get("ssid", "")
        password = options.wifi[1] if options.wifi[1] is not None else wifi.get("password", "")
        same_board = held.get("locker_id") == options.locker_id
        lang = options.lang or (held.get("lang") if same_board else None)  # a rerun keeps it
        if identity is None:  # dry run, no identity yet: a stand-in key, plain TCP
            identity = {
                "locker_id": options.locker_id,
                "key": PLACEHOLDER_KEY,
                "compartments": options.compartments,
            }
            tls = False
        config = board_config(
            options.locker_id,
            identity["key"],
            identity["compartments"],
            host,
            port,
            ssid,
            password,
            tls=tls,
            resume=identity.get("resume"),
            lang=lang,
        )
        try:
            files = build(options.board, bundle_dir, config, options.identity_dir if tls else None)
        except (ValueError, RuntimeError) as error:
            raise InstallError("build", str(error)) from None
        self.report.step(
            "build",
            "bundle for %s: %d files, broker %s://%s:%d"
            % (options.board, len(files), scheme, host, port),
        )
        return config

    def _plan(self, link, facts, bundle_dir, config):
        bundle = _bundle_hashes(bundle_dir)
        board_files = link.files()
        wanted = [p for p in board_files if p in bundle or is_managed(p)]
        board = link.hashes(wanted)
        image, in_rom, board_rom = None, (), None
        if facts["romfs"]:
            image = build_image(bundle_dir)
            if len(image) <= facts["romfs"]:
                in_rom = code_files(bundle_dir)
                board_rom = link.rom_hash(len(image))
            else:
                self.report.note(
                    "ROMFS image of %s does not fit the %s partition: .mpy files instead"
                    % (size(len(image)), size(facts["romfs"]))
                )
                image = None
        plan = plan_install(
            bundle,
            board,
            in_rom=in_rom,
            rom_image=hashlib.sha256(image).hexdigest() if image else None,
            board_rom=board_rom,
        )
        plan.stale += [p for p in leftovers(board_files) if p not in plan.stale]
        plan.forget = state_to_forget(board_files, facts["config"], config)
        self._check_room(plan, bundle_dir, board_files, facts["free"])
        return plan, image

    def _check_room(self, plan, bundle_dir, board_files, free):
        sizes = {p: (bundle_dir / p).stat().st_size for p, _ in plan.code + plan.last}
        short = flash_shortfall(plan, sizes, board_files, free)
        if short:
            raise InstallError(
                "write",
                "the board's flash lacks %s for this bundle (%s free): remove files you put "
                "there yourself, or erase the filesystem and install again"
                % (size(short), size(free)),
            )

    def _write(self, link, plan, image, bundle_dir):
        code = plan.to_write(plan.code)
        self.report.step(
            "write",
            "%d code files to write, %d already right%s"
            % (len(code), len(plan.code) - len(code), _rom_text(plan)),
        )
        try:
            if plan.rom == "write":
                deploy_image(link, image)
                self.report.note("ROMFS image written (%s)" % size(len(image)))
            if code:
                with self.report.bar("writing", len(code)) as advance:
                    write_files(link, "write", bundle_dir, code, advance)
            if plan.stale:
                link.remove(plan.stale)
                self.report.note(
                    "removed %d files of an older bundle: %s"
                    % (len(plan.stale), ", ".join(plan.stale))
                )
        except (RomfsError, TransportExecError) as error:
            raise InstallError("write", _board_error(error)) from None

    # step 4 -----------------------------------------------------------------------------
    def _config(self, link, plan, bundle_dir):
        last = plan.to_write(plan.last)
        self.report.step(
            "config",
            "%s: %s" % ("config and secrets", ", ".join(last) if last else "already right"),
        )
        try:
            if plan.forget:
                link.remove(plan.forget)
                self.report.note(
                    "forgot the board's saved state under its old identity (%s)"
                    % ", ".join(plan.forget)
                )
            write_together(link, "config", bundle_dir, last, lambda path: None)
            link.release()  # the whole bundle and its config are right: main.py may run
        except TransportExecError as error:
            raise InstallError("config", _board_error(error)) from None

    # step 5 -----------------------------------------------------------------------------
    def _telemetry_now(self):
        locker = read_locker(self.options.api, self.options.locker_id, self.options.headers)
        return locker["telemetry_at"] if locker else None

    def _online(self, telemetry_before, config):
        options = self.options
        broker = "%s:%d" % (config["broker"]["host"], config["broker"]["port"])
        locker = wait_online(
            options.api,
            options.locker_id,
            options.headers,
            telemetry_before=telemetry_before,
            timeout_s=options.online_timeout,
            broker=broker,
        )
        alarms = open_alarms(options.api, options.locker_id, options.headers)
        self.report.note("%s is online" % options.locker_id)
        for line in summary(locker, alarms):
            self.report.note(line)
        return 0

    def _show_plan(self, plan, image, source, config):
        self.report.console.print("[bold]dry run: nothing written, nothing provisioned[/bold]")
        texts = _DRY_RUN_TEXT if source in _DRY_RUN_TEXT else _PROVISION_TEXT
        self.report.note("identity: %s" % texts[source] % self.options.locker_id)
        if plan.rom:
            self.report.note("ROMFS image (%s): %s" % (size(len(image)), plan.rom))
        for path, action in plan.code + plan.last:
            self.report.note("%-5s %s" % (action, path))
        for path in plan.stale:
            self.report.note("remove %s" % path)
        for path in plan.forget:
            self.report.note("forget %s (the board's state under its old identity)" % path)
        self.report.note(
            "config: locker %s, broker %s:%d, WiFi %r"
            % (
                config["locker_id"],
                config["broker"]["host"],
                config["broker"]["port"],
                config["wifi"]["ssid"],
            )
        )
        self.report.note("then: reset the board and wait for it online in the cloud")
        return 0


_DRY_RUN_TEXT = {
    identities.NEW: "%s would be provisioned in the cloud: a new board key",
    identities.REPROVISION: "%s would get a new board key from the cloud (--reprovision)",
}
_PROVISION_TEXT = {
    identities.NEW: "%s provisioned in the cloud: a new board key",
    identities.REPROVISION: "%s given a new board key by the cloud (--reprovision)",
    identities.LOCAL: "%s's identity reused from the local folder",
    identities.BOARD: "%s's identity reused from the board",
}


def _bundle_hashes(bundle_dir):
    return {
        p.relative_to(bundle_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(Path(bundle_dir).rglob("*"))
        if p.is_file()
    }


def _rom_text(plan):
    return {
        None: "",
        "write": "; the ROMFS image to write",
        "skip": "; the ROMFS image already right",
    }[plan.rom]


def _board_error(error):
    lines = str(error.error_output).strip().splitlines() if hasattr(error, "error_output") else []
    return "the board refused: %s" % (lines[-1] if lines else error)
