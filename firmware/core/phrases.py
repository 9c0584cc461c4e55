# The display lines a recipient sees, in each language the board speaks (protocol.md, "Keypad",
# "Languages"). Only those: courier prompts (courier_session.py) and an operator's remote open
# stay English, the trade's language on the van. A language is its index in LANGUAGES, a line
# its English text: nothing else to name or hold in RAM.
# ASCII only, transliterated (ue for u-umlaut, no Polish diacritics, "-" for an en dash): a
# character LCD and the OLED font (drivers/ssd1306.py) have no glyphs beyond it.

# The two-letter codes a `credential`'s `lang` may name. Append only: a credential record on
# flash keeps a language by its place here (pickups.py).
LANGUAGES = ("en", "de", "pl")

# Each language's lines joined by "|" into one string, English first and in the same order: one
# object per language, not one per line (a line is split out when the display needs it).
_LINES = (
    "Door %d open|Wrong code|Too many attempts - wait %d s|Door %d unavailable|"
    "Locker offline - try later|Door %d jammed - call support|Unreadable code",
    "Tuer %d offen|Falscher Code|Zu viele Versuche - %d s warten|Tuer %d nicht verfuegbar|"
    "Station offline - spaeter erneut|Tuer %d klemmt - Support anrufen|Code nicht lesbar",
    "Skrytka %d otwarta|Zly kod|Za duzo prob - czekaj %d s|Skrytka %d niedostepna|"
    "Automat offline - sprobuj pozniej|Skrytka %d zablokowana - infolinia|Nieczytelny kod",
)


def say(lang, english):
    """The line whose English is `english`, in the language at index `lang` of LANGUAGES."""
    return _LINES[lang].split("|")[_LINES[0].split("|").index(english)]
