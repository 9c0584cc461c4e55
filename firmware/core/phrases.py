# The display lines a recipient sees, in each language the board speaks (protocol.md, "Keypad",
# "Languages"). Only those: courier prompts (courier_session.py) and an operator's remote open
# stay English, the trade's language on the van. One tuple of lines per language, in LANGUAGES'
# order, so a line is a number and a language an index: nothing else to hold in RAM.
# ASCII only, transliterated (ue for u-umlaut, no Polish diacritics): a character LCD and the
# OLED font (drivers/ssd1306.py) have no glyphs beyond it.
try:
    from micropython import const  # mpy-cross inlines _X = const(n): no name on the board
except ImportError:  # CPython

    def const(value):  # type: ignore[misc]  # the stubs type it generically
        return value


# The two-letter codes a `credential`'s `lang` may name. Append only: a credential record on
# flash keeps a language by its place here (pickups.py).
LANGUAGES = ("en", "de", "pl")

SAY_DOOR_OPEN = const(0)
SAY_WRONG_CODE = const(1)
SAY_WAIT = const(2)
SAY_UNAVAILABLE = const(3)
SAY_OFFLINE = const(4)
SAY_JAMMED = const(5)
SAY_UNREADABLE = const(6)

_LINES = (
    (
        "Door %d open",
        "Wrong code",
        "Too many attempts - wait %d s",
        "Door %d unavailable",
        "Locker offline - try later",  # ASCII: a character LCD has no en dash
        "Door %d jammed - call support",
        "Unreadable code",
    ),
    (
        "Tuer %d offen",
        "Falscher Code",
        "Zu viele Versuche - %d s warten",
        "Tuer %d nicht verfuegbar",
        "Station offline - spaeter erneut",
        "Tuer %d klemmt - Support anrufen",
        "Code nicht lesbar",
    ),
    (
        "Skrytka %d otwarta",
        "Zly kod",
        "Za duzo prob - czekaj %d s",
        "Skrytka %d niedostepna",
        "Automat offline - sprobuj pozniej",
        "Skrytka %d zablokowana - infolinia",
        "Nieczytelny kod",
    ),
)


def language_index(code):
    """The index in LANGUAGES of the two-letter `code`, or None for one the board has no lines
    in (or none given): the caller falls back to the locker's own language."""
    for index, known in enumerate(LANGUAGES):
        if known == code:
            return index
    return None


def say(lang, which):
    """Line `which` (SAY_DOOR_OPEN ...) in language index `lang`."""
    return _LINES[lang][which]
