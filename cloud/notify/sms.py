"""SMS through a provider: a Protocol, a logging provider (the default) and one HTTP shape."""

import logging
from typing import Protocol

import httpx

from cloud.core.config import Settings

log = logging.getLogger(__name__)


class SmsProvider(Protocol):
    """Hands one text to an SMS gateway; raises if the gateway did not take it. Returns the
    gateway's id for the message, which its delivery receipt names, or None."""

    def send_sms(self, phone: str, text: str) -> str | None: ...


class LoggingSmsProvider:
    """No gateway: logs each text (development, demos)."""

    def send_sms(self, phone: str, text: str) -> None:
        log.info("sms to %s: %s", phone, text)
        return None


class HttpSmsProvider:
    """The common HTTP gateway shape: POST {"to", "text"} as JSON with a bearer token; any 2xx
    means accepted (Twilio, MessageBird and their peers differ only in field names). The
    answer's message id, if any, is what the gateway's delivery receipts will name."""

    timeout_s = 10.0  # a slow gateway delays the other messages: give up, retry later
    id_fields = ("id", "message_id", "sid")  # the spellings gateways use for the message id

    def __init__(self, url: str, token: str | None = None):
        self.url, self.token = url, token

    @classmethod
    def from_settings(cls, settings: Settings) -> "HttpSmsProvider":
        token = settings.sms_token.get_secret_value() if settings.sms_token else None
        return cls(settings.sms_url, token)

    def send_sms(self, phone: str, text: str) -> str | None:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        response = httpx.post(
            self.url, json={"to": phone, "text": text}, headers=headers, timeout=self.timeout_s
        )
        response.raise_for_status()
        return self._message_id(response)

    def _message_id(self, response: httpx.Response) -> str | None:
        # Taken is taken: an answer without a usable id only means no receipt will match.
        try:
            answer = response.json()
        except ValueError:
            return None
        if not isinstance(answer, dict):
            return None
        found = next((answer[f] for f in self.id_fields if answer.get(f) not in (None, "")), None)
        return str(found)[:100] if isinstance(found, str | int) else None
