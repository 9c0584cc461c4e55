"""Who the fleet's broker runs as, and what that user may read.

A system service starts Mosquitto as root; Mosquitto then drops to the `user` its config names
(its own, `mosquitto`, when none is named) before it reads its certificates and key, and reads
them again as that user on every reload. A key only root can read stops it at start. So the
config names its user, and that user gets the files: the server key readable by its group (root
keeps it), the data folder its own, every folder on the way open to it.
"""

import grp
import os
import pwd
import stat
from pathlib import Path

SYSTEM_USER = "mosquitto"  # the Debian/Ubuntu/Alpine packages' user
KEY_MODE, DATA_MODE, FOLDER_MODE = 0o640, 0o750, 0o755


def default_user():
    """mosquitto when root writes the config (a system service will start it), else the writer."""
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid()).pw_name
    try:
        pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        raise ValueError(
            "there is no %r user here: name the user the broker runs as (--user)" % SYSTEM_USER
        ) from None
    return SYSTEM_USER


def check_user(folder, user):
    """ValueError unless `user` exists, this process can give it files, and it can reach
    `folder` (where it exists yet): checked before anything is written."""
    entry = _user(user)
    if os.geteuid() not in (0, entry.pw_uid):
        raise ValueError(
            "only root can give the broker's files to %s: run as root, or --user %s"
            % (user, pwd.getpwuid(os.geteuid()).pw_name)
        )
    blocked = unreachable(folder, entry)
    if blocked is not None:
        raise ValueError(
            "%s cannot reach %s: %s is closed to it (mode %o). Put the broker's "
            "folder where it can (e.g. under /etc/mosquitto), or open %s"
            % (user, folder, blocked, stat.S_IMODE(blocked.stat().st_mode), blocked)
        )


def hand_over(broker, user):
    """Give `user` what the broker in BrokerFolder `broker` reads and writes (check_user first)."""
    entry = _user(user)
    for folder in (broker.folder, broker.tls):
        folder.chmod(FOLDER_MODE)
    key = broker.tls / "server.key"
    os.chown(key, os.geteuid(), entry.pw_gid)  # the owner stays; the broker reads it by group
    key.chmod(KEY_MODE)
    os.chown(broker.data, entry.pw_uid, entry.pw_gid)
    broker.data.chmod(DATA_MODE)


def unreachable(path, entry):
    """The first existing folder from / down to the one holding `path` that user `entry` may
    not pass; None if none (`path` itself, and what is still to be made, will be opened)."""
    path = Path(path).resolve()
    for folder in reversed(path.parents):
        if folder.exists() and not _may_pass(folder.stat(), entry):
            return folder
    return None


def _may_pass(st, entry):
    if entry.pw_uid == 0:
        return True
    if st.st_uid == entry.pw_uid:
        return bool(st.st_mode & stat.S_IXUSR)
    if st.st_gid in _groups(entry):
        return bool(st.st_mode & stat.S_IXGRP)
    return bool(st.st_mode & stat.S_IXOTH)


def _groups(entry):
    return {entry.pw_gid} | {g.gr_gid for g in grp.getgrall() if entry.pw_name in g.gr_mem}


def _user(name):
    try:
        return pwd.getpwnam(name)
    except KeyError:
        raise ValueError("there is no user %r on this machine" % name) from None
