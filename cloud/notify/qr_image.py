"""The image of a pickup QR token (cloud/services/qr.py makes the token): what an email shows
the recipient to hold up to the locker's scanner."""

import io

import segno


def qr_code(token: str) -> segno.QRCode:
    # Upper case, digits and '.': QR's alphanumeric mode, the smallest code a scanner reads.
    return segno.make_qr(token, error="m", mode="alphanumeric")


def png(token: str, scale: int = 8) -> bytes:
    """The token as a PNG image a phone shows to the locker's scanner."""
    buffer = io.BytesIO()
    qr_code(token).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def data_uri(token: str, scale: int = 6) -> str:
    """The token as a PNG `data:` URI, for a page to show without another request."""
    return qr_code(token).png_data_uri(scale=scale, border=4)
