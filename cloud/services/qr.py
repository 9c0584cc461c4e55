"""Pickup QR codes: the token a board checks offline (protocol/qr_tokens.py: compartment,
expiry and a MAC under the board's own key over those, the parcel code and the verifier of one
pickup credential). Its image is drawn by cloud/notify/qr_image.py.

Each credential has its own code: a delegate's is not the recipient's. The board opens only for
a code bound to a live credential of the parcel inside, and a pickup (by PIN or code) drops all
the parcel's credentials, a `revoke` too, so the code is single use, dies with its PIN, and never
opens a later parcel that comes with the same tracking code into the same compartment."""

from cloud.core.clock import to_ms
from cloud.models import Compartment, Locker, Parcel, PickupCredential
from protocol.qr_tokens import qr_token


def token_for(
    locker: Locker, compartment: Compartment, parcel: Parcel, credential: PickupCredential
) -> str:
    """The QR token of `credential` for the parcel in its compartment, valid as long as it is."""
    return qr_token(
        bytes.fromhex(locker.device_key),
        credential.board_verifier,
        compartment.number,
        parcel.tracking_code,
        to_ms(credential.expires_at) // 1000,
    )
