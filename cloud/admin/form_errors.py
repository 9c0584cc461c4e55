"""Bad input in an admin form, told in an operator's words: which field, and what it takes."""

from pydantic import ValidationError

from cloud.models.base import CODE_PATTERN
from cloud.models.depot import ACCESS_PATTERN, CLOCK_PATTERN

PATTERN_HINTS = {
    CODE_PATTERN: "1 to 32 letters, digits, dots, dashes or underscores",
    CLOCK_PATTERN: "a time of day as HH:MM, e.g. 06:30",
    ACCESS_PATTERN: '"24/7" or opening hours such as 09:00-20:00',
}


def explain(error: ValidationError, labels: dict[str, str]) -> str:
    """One sentence per wrong field, e.g. "Latitude: should be less than or equal to 90."."""
    return " ".join(_sentence(problem, labels) for problem in error.errors())


def _sentence(problem: dict, labels: dict[str, str]) -> str:
    where = problem["loc"][0] if problem["loc"] else None
    text = _what_it_takes(problem)
    if where is None:
        return text[:1].upper() + text[1:] + "."
    label = labels.get(str(where), str(where).replace("_", " ").capitalize())
    return f"{label}: {text}."


def _what_it_takes(problem: dict) -> str:
    if problem["type"] == "string_pattern_mismatch":
        return PATTERN_HINTS.get(problem["ctx"]["pattern"], "not in the form expected")
    message = problem["msg"].removeprefix("Value error, ")
    if problem["type"] == "missing":
        return "required"
    return message[:1].lower() + message[1:]
