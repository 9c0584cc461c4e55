"""Mosquitto configuration for the platform's brokers (tests, single-building installs)."""

import os


def run_as():
    """The user for a broker whose data lives in a private folder: started as root, Mosquitto
    drops to its own user, which cannot write there; as anyone else it stays who it is."""
    return "root" if os.geteuid() == 0 else None


def mosquitto_config(port, data_dir, host="127.0.0.1", user=None):
    """A plain-TCP listener for development and tests; the TLS fleet config is separate.

    `user`: started as root, Mosquitto drops to its own user, which cannot write a private
    data_dir; "root" keeps it able to save its sessions there."""
    return "\n".join(
        [
            "# written by openlocker: development listener",
            "user %s" % user if user else "# user: Mosquitto's default",
            "per_listener_settings false",
            "listener %d %s" % (port, host),
            "allow_anonymous true",
            # Boards reconnect with clean_session=False: their commands wait here while they are
            # away.
            "persistence true",
            "persistence_location %s/" % data_dir,
            "autosave_interval 1",
            "max_queued_messages 10000",
            "log_dest stderr",
            "log_type error",
            "log_type warning",
            "",
        ]
    )
