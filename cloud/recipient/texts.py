"""Every word of the recipient page, in the parcel's language (cloud/i18n `say`): labels,
states, timeline entries and refusals. One literal `say` call per text, so that the catalogue
test (tests/cloud/test_i18n.py) finds each one."""

from cloud.i18n import say
from cloud.models import ParcelState
from cloud.services import recipient_hold


def labels(lang: str) -> dict[str, str]:
    """The page's fixed texts, by the name the template uses."""
    return {
        "title": say(lang, "Your parcel {code}", code="{code}"),
        "status": say(lang, "Status"),
        "where": say(lang, "Where"),
        "compartment": say(lang, "Compartment {number}", number="{number}"),
        "deadline": say(lang, "Collect it by"),
        "timeline": say(lang, "What happened so far"),
        "qr_heading": say(lang, "Your QR code"),
        "qr_alt": say(lang, "QR code that opens the compartment at the locker's scanner"),
        "qr_help": say(lang, "Hold this code up to the locker's scanner."),
        "pin_heading": say(lang, "Your PIN"),
        "pin_help": say(
            lang,
            "Showing your PIN issues a new one: the PIN and QR code you got before stop working.",
        ),
        "pin_button": say(lang, "Show my PIN"),
        "pin_shown": say(lang, "Your new PIN is {pin}. It is shown only once.", pin="{pin}"),
        "extend_heading": say(lang, "More time"),
        "extend_help": say(lang, "You can push the deadline back once."),
        "extend_button": say(lang, "Extend the deadline"),
        "delegate_heading": say(lang, "Let someone else collect it"),
        "delegate_help": say(
            lang, "They get a PIN and QR code of their own, by SMS or email. Give a phone or email."
        ),
        "delegate_name": say(lang, "Their name"),
        "delegate_phone": say(lang, "Their mobile number"),
        "delegate_email": say(lang, "Their email address"),
        "delegate_button": say(lang, "Share the pickup"),
        "delegated_to": say(lang, "{name} may collect it too.", name="{name}"),
        "redirect_heading": say(lang, "Send it to another locker"),
        "redirect_help": say(lang, "These lockers nearby have room for it."),
        "redirect_option": say(
            lang,
            "{name}, {address} ({metres} m away)",
            name="{name}",
            address="{address}",
            metres="{metres}",
        ),
        "redirect_button": say(lang, "Send it there"),
        "hold_heading": say(lang, "Away? Hold the delivery"),
        "hold_help": say(
            lang, "We bring it to the locker no earlier than the day you choose, once."
        ),
        "hold_label": say(lang, "Deliver no earlier than"),
        "hold_button": say(lang, "Hold the delivery"),
        "held_until": say(lang, "Held at your request until {day}.", day="{day}"),
    }


def fill(text: str, **fields: object) -> str:
    """A label with its {fields} put in: the template's way to word a label (labels() keeps
    the placeholders, since the values differ per parcel)."""
    return text.format(**fields)


def state_text(lang: str, state: str) -> str:
    """The parcel's state as the recipient reads it."""
    words = {
        ParcelState.ANNOUNCED: say(lang, "Announced: on its way to the locker"),
        ParcelState.RESERVED: say(lang, "On its way: a compartment is reserved for it"),
        ParcelState.DEPOSITED: say(lang, "Ready for pickup"),
        ParcelState.COLLECTED: say(lang, "Collected"),
        ParcelState.CANCELLED: say(lang, "Cancelled by the sender"),
        ParcelState.EXPIRED: say(lang, "Not collected in time: it goes back to the sender"),
        ParcelState.LAPSED: say(lang, "Not delivered to the locker"),
        ParcelState.RETURNED: say(lang, "Returned to the sender"),
    }
    return words.get(state, state)


def milestone_text(lang: str, milestone: str) -> str:
    words = {
        "created_at": say(lang, "Announced by the sender"),
        "deposited_at": say(lang, "Put into the locker"),
        "extended_at": say(lang, "Deadline extended"),
        "collected_at": say(lang, "Collected"),
        "expired_at": say(lang, "Deadline passed"),
        "returned_at": say(lang, "Taken back to the sender"),
    }
    return words[milestone]


def done_text(lang: str, done: str) -> str | None:
    """What a form achieved, shown after the redirect that follows it."""
    words = {
        "extended": say(lang, "Done: you have more time to collect your parcel."),
        "delegated": say(lang, "Done: we sent them their PIN and QR code."),
        "redirected": say(lang, "Done: your parcel goes to the locker you chose."),
        "held": say(lang, "Done: we hold your parcel until the day you chose."),
    }
    return words.get(done)


def refusal_text(lang: str, code: str) -> str:
    """A refusal in the recipient's words, by the service's code (anything else: generic)."""
    words = {
        "already_extended": say(lang, "The deadline can be extended only once."),
        "already_delegated": say(lang, "Someone else may already collect this parcel."),
        "delegate_of_delegate": say(
            lang, "Only the recipient can extend the deadline or let someone else collect."
        ),
        "not_in_locker": say(lang, "This is possible only while the parcel is in the locker."),
        "deadline_passed": say(lang, "The pickup deadline has passed."),
        "too_many_reveals": say(
            lang, "Your PIN was shown too often. Use the last one, or contact the sender."
        ),
        "invalid_contact": say(lang, "Give a name and a valid mobile number or email address."),
        "locker_not_offered": say(lang, "That locker cannot take your parcel. Choose another."),
        "locker_full": say(lang, "That locker cannot take your parcel. Choose another."),
        "already_deposited": say(lang, "Your parcel is already in the locker."),
        "already_held": say(lang, "A parcel can be held only once."),
        "hold_out_of_range": say(
            lang, "Choose a day from tomorrow to {days} days ahead.", days=recipient_hold.MAX_DAYS
        ),
        "csrf_failed": say(lang, "This form has expired. Open the page again from your link."),
    }
    return words.get(code) or say(
        lang, "That is not possible right now. Please try again later or contact the sender."
    )
