"""Delivery receipts from the SMS gateway, signed with the secret both sides share
(LOCKER_SMS_RECEIPT_SECRET), as carriers' webhooks are: `Sms-Signature: t=<unix>,v1=<hex
HMAC-SHA256 of "<t>.<body>">`, at most five minutes old."""

from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Request
from pydantic import BaseModel, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from cloud.notify import webhooks
from cloud.services import sms_receipts
from cloud.web.deps import NowDep, SessionDep, SettingsDep

router = APIRouter(prefix="/notifications", tags=["notifications"])
SIGNATURE_HEADER = "Sms-Signature"


class SmsReceipt(BaseModel):
    id: str = Field(min_length=1, max_length=100)  # the gateway's id of the message
    status: str = Field(min_length=1, max_length=32)
    error: str | None = Field(default=None, max_length=500)


@router.post("/sms-receipts", status_code=204)
async def sms_receipt(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    signature: Annotated[str | None, Header(alias=SIGNATURE_HEADER)] = None,
) -> None:
    """The gateway tells whether an SMS reached the phone; a final failure raises an alarm."""
    body = await request.body()
    _check_signature(settings, signature, body)
    try:
        receipt = SmsReceipt.model_validate_json(body)
    except ValidationError as error:
        raise HTTPException(422, {"code": "bad_receipt", "message": str(error)})
    # The body had to be awaited (the signature covers its bytes); the database work is
    # blocking, so it runs in the thread pool as a sync route's would, not on the event loop.
    await run_in_threadpool(_apply, session, receipt, now)


def _apply(session, receipt: SmsReceipt, now) -> None:
    sms_receipts.apply_receipt(session, receipt.id, receipt.status, receipt.error, now)
    session.commit()


def _check_signature(settings, signature: str | None, body: bytes) -> None:
    secret = settings.sms_receipt_secret
    if secret is None:  # no signature can be valid: refused as an unsigned receipt is
        raise HTTPException(
            401, {"code": "receipts_off", "message": "SMS delivery receipts are not configured"}
        )
    if not signature or not webhooks.verify_signature(secret.get_secret_value(), signature, body):
        raise HTTPException(
            401,
            {
                "code": "bad_signature",
                "message": f"{SIGNATURE_HEADER} missing, wrong or older than five minutes",
            },
        )
