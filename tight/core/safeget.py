"""`safeget`: read a value deep inside API Gateway events without a chain of `.get` calls."""


def safeget(dct: object, *keys: object) -> object:
    """Walk `dct` through `keys` (dict keys and list/tuple indexes); None if any step is missing.

    Falsy values are returned as they are: `safeget({'n': 0}, 'n') == 0`. (The original Tight
    turned a falsy value into `{}`, so `0`, `''` and `False` could not be read.)
    """
    value = dct
    for key in keys:
        if isinstance(value, dict):
            try:
                value = value[key]
            except (KeyError, TypeError):  # TypeError: an unhashable key
                return None
        elif isinstance(value, (list, tuple)) and type(key) is int:
            try:
                value = value[key]
            except IndexError:
                return None
        else:
            return None
    return value
