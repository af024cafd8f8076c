"""Yes-or-no text, read the same way everywhere: environment variables, env files, tight.yml.

`true/yes/on/1` and `false/no/off/0` in any case, surrounding spaces ignored; anything else
is neither, so each caller decides whether that is an error or the default.
"""

TRUE_WORDS = frozenset({"true", "yes", "on", "1"})
FALSE_WORDS = frozenset({"false", "no", "off", "0"})


def parse_flag(value: object) -> "bool | None":
    """True or False for a yes-or-no word (or a bool), None for anything else."""
    if isinstance(value, bool):
        return value
    if not isinstance(value, str):
        return None
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def is_true(value: object) -> bool:
    """Whether `value` says yes; unset, empty and unknown text say no."""
    return parse_flag(value) is True
