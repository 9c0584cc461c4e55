"""One sender for every channel: routes each message to the email, SMS or webhook sender."""

from cloud.core.config import Settings
from cloud.notify import Outgoing
from cloud.notify.sms import HttpSmsProvider, LoggingSmsProvider, SmsProvider
from cloud.notify.smtp import LoggingMailer, SmtpMailer
from cloud.notify.webhooks import WebhookPoster


class Channels:
    """Delivers an Outgoing on its channel; raises if the channel could not take it. An SMS
    gateway's id for the message comes back (None from the other channels)."""

    def __init__(self, email=None, sms: SmsProvider | None = None, webhook=None):
        self.email = email or LoggingMailer()
        self.sms = sms or LoggingSmsProvider()
        self.webhook = webhook or WebhookPoster()  # public https addresses only

    def deliver(self, outgoing: Outgoing) -> str | None:
        if outgoing.channel == "email":
            self.email.send_email(outgoing)
        elif outgoing.channel == "sms":
            return self.sms.send_sms(outgoing.recipient, outgoing.text)
        elif outgoing.channel == "webhook":
            self.webhook.post(outgoing)
        else:
            raise ValueError(f"no channel {outgoing.channel!r}")
        return None


def channels_from(settings: Settings) -> Channels:
    """Real SMTP and SMS providers where configured, logging stand-ins where not."""
    email = SmtpMailer.from_settings(settings) if settings.smtp_host else LoggingMailer()
    sms = HttpSmsProvider.from_settings(settings) if settings.sms_url else LoggingSmsProvider()
    return Channels(email=email, sms=sms, webhook=WebhookPoster.from_settings(settings))
