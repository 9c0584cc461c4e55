# The board's TLS to the fleet broker: its own client certificate and key, and the fleet CA to
# check the broker with (docs/security.md). Only the `ssl` calls MicroPython 1.23+ and CPython
# share: SSLContext(PROTOCOL_TLS_CLIENT), load_verify_locations(cafile=), load_cert_chain(cert,
# key), verify_mode, and asyncio.open_connection(host, port, ssl=, server_hostname=).
import asyncio
import ssl
import sys

FOLDER = "tls"  # inside the bundle, next to config.json (`locker firmware build --identity`)
NAMES = ("ca", "client", "client_key")
# mbedTLS as MicroPython builds it for the Pico W (and every port but ESP32 before 2026) has no
# PEM parser, and takes one DER certificate per buffer; CPython's OpenSSL loads PEM files only.
# So the build writes both, and each interpreter takes its own.
SUFFIXES = {"der": ".der", "pem": ".pem"}
TLS_PORT = 8883


def encoding():
    return "der" if sys.implementation.name == "micropython" else "pem"


def bundle_files(folder=FOLDER, form=None):
    """(CA certificate, board certificate, board key) paths in `folder`, in this
    interpreter's encoding unless `form` ("der" or "pem") says otherwise."""
    suffix = SUFFIXES[form or encoding()]
    return tuple(folder + "/" + name + suffix for name in NAMES)


def client_context(ca_file, cert_file, key_file):
    """An SSL context that presents the board's certificate and accepts only a broker whose
    certificate the fleet CA signed."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    # MicroPython's ssl.SSLContext starts at CERT_NONE even for a client: set it, always
    # (a documented attribute the port stubs leave out).
    context.verify_mode = ssl.CERT_REQUIRED  # type: ignore[attr-defined]
    context.load_verify_locations(cafile=ca_file)
    context.load_cert_chain(cert_file, key_file)
    return context


def opener(host, port, context, server_name=None):
    """The open_transport the MQTT client wants: a TLS stream to host:port. `server_name`:
    the name in the broker's certificate when it differs from `host`; it is checked by CPython
    (check_hostname) and by mbedTLS (server_hostname is also its expected peer name)."""
    name = server_name or host

    async def open_transport():
        return await asyncio.open_connection(host, port, ssl=context, server_hostname=name)

    return open_transport


def broker_opener(broker, folder=FOLDER):
    """open_transport for config.json's "broker": TLS unless it says "tls": false, which only
    the demo's embedded broker and the development Mosquitto should ever see."""
    if broker.get("tls", True) is False:
        host, port = broker["host"], broker["port"]

        async def open_plain():
            return await asyncio.open_connection(host, port)

        return open_plain
    context = client_context(*bundle_files(folder))
    return opener(broker["host"], broker.get("port", TLS_PORT), context, broker.get("server_name"))
