"""Text likeness by character trigrams: the one definition the server ranks similar orders by.

Trigrams follow PostgreSQL's pg_trgm (so an order its index finds ranks the same way here): text
is lower-cased, anything but letters and digits separates words — Chinese characters are letters,
so a run of them is one word — and each word is padded with two spaces before and one after.
Pure Python.
"""

from __future__ import annotations


def words(text: str) -> list[str]:
    cleaned = "".join(ch if ch.isalnum() else " " for ch in text.lower())
    return cleaned.split()


def trigrams(text: str) -> frozenset[str]:
    """The set of character trigrams of ``text``, as pg_trgm's ``show_trgm`` forms them."""
    found: set[str] = set()
    for word in words(text):
        padded = f"  {word} "
        found.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(found)


def similarity(a: str, b: str) -> float:
    """Shared trigrams ÷ all trigrams of both (0 … 1), as pg_trgm's ``similarity``."""
    ta, tb = trigrams(a), trigrams(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def inner_trigrams(text: str, limit: int) -> list[str]:
    """Up to ``limit`` trigrams made of three characters of a word (no padding), spread over the
    text: what a plain ``LIKE '%abc%'`` can look for where no trigram index exists."""
    grams: list[str] = []
    for word in words(text):
        grams.extend(word[i : i + 3] for i in range(len(word) - 2))
    unique = list(dict.fromkeys(grams))
    if len(unique) <= limit:
        return unique
    step = len(unique) / limit
    return [unique[int(i * step)] for i in range(limit)]
