"""`locker ca revoke NAME`: every certificate of a board (or a service) on the CRL, and the
running broker made to act on it at once, without a restart:

1. The name's certificates go on the CRL, with a probe certificate of the same name; the broker
   takes the CRL and the ACL again (SIGHUP). Once it refuses the probe, it refuses them all.
2. A connection with one more certificate of that name closes the live one (the broker lets one
   client id, here the name, in at a time), with a clean session: the commands queued for it
   are dropped, and its last will goes out, so the cloud sees it go offline.
3. That certificate goes on the CRL too; with none left, the ACL shuts the name out of every
   topic (a copy of a certificate that escaped the record gets nothing either), and the broker
   takes both again. Once it refuses that last certificate, the revocation is complete.

The probe and evicting certificates live ten minutes, in a temporary folder, and are revoked.
"""

import socket
import ssl
import tempfile
import time
from pathlib import Path

from firmware.net import mqtt_packets as packets

CONFIRM_S = 20  # how long the broker may take to act on a reload before we say it did not
ANSWER_S = 1.0  # a TLS session the broker keeps this long took the certificate


class BrokerDidNotReload(RuntimeError):
    """The broker still takes a revoked certificate after being asked to reload."""


def revoke(ca, name, broker=None, say=print):
    """Revoke `name`'s certificates in FleetCA `ca` and, if BrokerFolder `broker` is given, on
    the broker; UnknownIdentity (nothing changed) if `ca` never issued one to `name`."""
    if broker is None or broker.broker_pid() is None:
        return _revoke_offline(ca, name, broker, say)
    with tempfile.TemporaryDirectory() as scratch:
        probe, evictor = Path(scratch) / "probe", Path(scratch) / "evictor"
        ca.issue_eviction(name, probe)  # UnknownIdentity here, before anything is revoked
        evicting = ca.issue_eviction(name, evictor)
        serials = ca.revoke_identity(name, keep=(evicting,))
        try:
            _reload_until_refused(ca, broker, probe)
            _evict(broker, evictor)
        finally:
            ca.revoke(evicting)  # whatever happened: no good certificate of the name is left
            broker.refresh(ca)
        _reload_until_refused(ca, broker, evictor)
    say(
        "revoked %s: %d certificate(s) on the CRL; the broker at %s:%d refuses them now and "
        "closed its live connection, if it had one"
        % ((name, len(serials) - 1) + broker.address()[:2])
    )
    return serials


def _revoke_offline(ca, name, broker, say):
    serials = ca.revoke_identity(name)
    say("revoked %s: %d certificate(s) added to %s" % (name, len(serials), ca.crl_path))
    if broker is None:
        say(
            "no broker folder here: copy %s to the broker's tls/ca.crl and reload the broker"
            % ca.crl_path
        )
    else:
        broker.refresh(ca)
        say(
            "no broker runs with %s: reload the broker (e.g. systemctl reload mosquitto) so "
            "that it reads the new CRL and ACL" % broker.conf
        )
    return serials


def _reload_until_refused(ca, broker, identity):
    broker.refresh(ca)
    if not broker.reload():
        raise BrokerDidNotReload("the broker of %s stopped while revoking" % broker.folder)
    deadline = time.monotonic() + CONFIRM_S
    while _accepts(broker, identity):
        if time.monotonic() > deadline:
            raise BrokerDidNotReload(
                "the broker of %s still takes a revoked certificate %d s after "
                "a reload: does it read %s?" % (broker.folder, CONFIRM_S, broker.tls / "ca.crl")
            )
        time.sleep(0.1)


def _accepts(broker, identity):
    """Whether the broker completes a TLS session with `identity`'s certificate (no MQTT sent:
    a CONNECT would take over the session of that name)."""
    try:
        with _tls(broker, identity) as session:
            session.settimeout(ANSWER_S)
            return session.recv(1) != b""  # an alert or a close: refused
    except (socket.timeout, TimeoutError):
        return True  # it waits for our CONNECT: it took the certificate
    except ConnectionRefusedError:
        raise BrokerDidNotReload("nothing listens at %s:%d" % broker.address()[:2]) from None
    except (ssl.SSLError, ConnectionError):
        return False


def _evict(broker, identity):
    """Connect as the name, with a clean session, and leave: the broker closes the old link."""
    with _tls(broker, identity) as session:
        session.settimeout(CONFIRM_S)
        session.sendall(packets.connect("evict", 10, True))  # the broker names it after the cert
        connack = _read(session, 4)
        if connack[0] != packets.CONNACK << 4 or connack[3] != 0:
            raise BrokerDidNotReload("the broker refused the evicting connection: %r" % connack)
        session.sendall(packets.disconnect())


def _tls(broker, identity):
    host, port, server_name = broker.address()
    context = ssl.create_default_context(cafile=str(broker.tls / "ca.crt"))
    context.load_cert_chain(str(identity / "client.crt"), str(identity / "client.key"))
    raw = socket.create_connection((host, port), timeout=CONFIRM_S)
    try:
        return context.wrap_socket(raw, server_hostname=server_name)
    except BaseException:
        raw.close()
        raise


def _read(session, size):
    data = b""
    while len(data) < size:
        chunk = session.recv(size - len(data))
        if not chunk:
            raise BrokerDidNotReload("the broker closed the evicting connection")
        data += chunk
    return data
