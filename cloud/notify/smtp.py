"""Email over SMTP: plain text and HTML, the pickup QR code inline as a PNG (segno)."""

import html
import logging
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from cloud.core.config import Settings
from cloud.notify import Outgoing, qr_image

log = logging.getLogger(__name__)
DEFAULT_SUBJECT = "Your parcel"


def build_email(outgoing: Outgoing, sender: str) -> EmailMessage:
    """The email for `outgoing`: text, HTML, and the QR code as an inline image."""
    email = EmailMessage()
    email["From"], email["To"] = sender, outgoing.recipient
    email["Subject"] = outgoing.subject or DEFAULT_SUBJECT
    domain = sender.rpartition("@")[2] or "localhost"
    email["Message-ID"] = f"<{_safe(outgoing.key)}@{domain}>"  # the same on every resend
    email.set_content(outgoing.text)
    if outgoing.qr_token is None:
        return email
    cid = make_msgid(domain=domain)
    email.add_alternative(_html(outgoing.text, cid), subtype="html")
    email.get_payload()[1].add_related(
        qr_image.png(outgoing.qr_token),
        "image",
        "png",
        cid=cid,
        filename="pickup-qr.png",
        disposition="inline",
    )
    return email


def _html(text: str, cid: str) -> str:
    return (
        f"<html><body><p>{html.escape(text)}</p>"
        f"<p>Or show this code at the locker's scanner:</p>"
        f'<p><img src="cid:{cid[1:-1]}" alt="pickup QR code"></p></body></html>'
    )


def _safe(key: str) -> str:
    return "".join(c if c.isalnum() or c in ".-" else "." for c in key)


class SmtpMailer:
    timeout_s = 15.0

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        user: str | None = None,
        password: str | None = None,
        starttls: bool = True,
    ):
        self.host, self.port, self.sender = host, port, sender
        self.user, self.password, self.starttls = user, password, starttls

    @classmethod
    def from_settings(cls, settings: Settings) -> "SmtpMailer":
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        return cls(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_from,
            settings.smtp_user,
            password,
            settings.smtp_starttls,
        )

    def send_email(self, outgoing: Outgoing) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout_s) as smtp:
            if self.starttls:
                smtp.starttls()  # never a password or a PIN in clear over the network
            if self.user:
                smtp.login(self.user, self.password or "")
            smtp.send_message(build_email(outgoing, self.sender))


class LoggingMailer:
    """No SMTP server configured: logs each email (development, demos)."""

    def send_email(self, outgoing: Outgoing) -> None:
        log.info("email to %s: %s", outgoing.recipient, outgoing.text)
