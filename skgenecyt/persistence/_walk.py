"""The object walker: replace objects anywhere inside an estimator, copying what changes."""

from __future__ import annotations

import copy


def transform(obj, fn, memo=None):
    """Apply ``fn`` to every object reachable from ``obj``; copy containers that change.

    ``fn(x)`` returns a replacement for ``x`` or None to look inside it: the
    items of lists and tuples (named tuples too), the values of dicts and the
    attributes (``vars``) of other objects. The original objects are never
    modified: a list, tuple, dict or object whose contents change is copied
    (shallowly). An object reached twice is replaced by the same result, and
    a cycle leads back to the original.

    Parameters
    ----------
    obj : object
        Where to start.
    fn : callable
        ``fn(x) -> replacement or None``, called once per object.
    memo : dict, default=None
        Results by ``id`` of the objects already seen; share one between calls
        that must agree on shared objects.

    Returns
    -------
    result : object
        ``obj`` itself when nothing inside it changed, otherwise a copy.

    Examples
    --------
    >>> from skgenecyt.persistence._walk import transform
    >>> data = {"a": [1, 2], "b": (3, "x")}
    >>> transform(data, lambda x: x * 10 if type(x) is int else None)
    {'a': [10, 20], 'b': (30, 'x')}
    >>> data
    {'a': [1, 2], 'b': (3, 'x')}
    """
    memo = {} if memo is None else memo
    key = id(obj)
    if key in memo:
        return memo[key]
    replaced = fn(obj)
    if replaced is not None:
        memo[key] = replaced
        return replaced
    memo[key] = obj  # a cycle leads back here: keep the original
    result = obj
    if type(obj) in (list, tuple) or (isinstance(obj, tuple) and hasattr(obj, "_fields")):
        items = [transform(item, fn, memo) for item in obj]
        if any(new is not old for new, old in zip(items, obj)):
            result = items if isinstance(obj, list) else (
                type(obj)(*items) if hasattr(obj, "_fields") else tuple(items)
            )
    elif isinstance(obj, dict):
        items = {k: transform(v, fn, memo) for k, v in obj.items()}
        if any(items[k] is not v for k, v in obj.items()):
            result = copy.copy(obj)
            result.update(items)
    elif hasattr(obj, "__dict__") and not isinstance(obj, type) and not callable(obj):
        attrs = {k: transform(v, fn, memo) for k, v in vars(obj).items()}
        if any(attrs[k] is not v for k, v in vars(obj).items()):
            result = copy.copy(obj)
            vars(result).update(attrs)
    memo[key] = result
    return result


def visit(obj, fn):
    """Call ``fn`` on every object reachable from ``obj`` (as :func:`transform` walks).

    ``fn(x)`` returns True to stop looking inside ``x``.
    """
    transform(obj, lambda x: x if fn(x) else None)
