"""Recipients' messages in their language, chosen at pre-advice (Recipient.language).

The English text is the message id; German and Polish live in gettext catalogues
(cloud/i18n/locale/<language>/LC_MESSAGES/messages.po), read with Babel at first use, so
there is no compile step and no .mo file to keep in step. `say(language, message, **fields)`
is the one way a message is worded: the catalogue test extracts every `say` call and checks
each catalogue translates it with the same {fields}."""

import functools
import gettext
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LANGUAGES = ("en", "de", "pl")
DEFAULT = "en"
LOCALE = Path(__file__).resolve().parent / "locale"


def say(language: str | None, message: str, **fields: object) -> str:
    """`message` in `language` (English for one we do not have), its {fields} filled in."""
    return translations(language or DEFAULT).gettext(message).format(**fields)


@functools.cache
def translations(language: str) -> gettext.NullTranslations:
    if language not in LANGUAGES or language == DEFAULT:
        return gettext.NullTranslations()
    with (LOCALE / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)
