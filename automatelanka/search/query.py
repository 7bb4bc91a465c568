"""Query understanding: any user string -> concepts (node types) and free terms.

Never raises: the string is reduced to words before anything else sees it, so quotes, ``*``,
``NEAR``, ``-`` and unbalanced parentheses are just separators. Phrases are matched longest
first against the vocabulary; unknown words close to a product name (one or two edits) are
read as that product.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from automatelanka.search import vocab
from automatelanka.search.text import STOP_WORDS, TRIGGER_HINTS, stem, words

MAX_WORDS = 32


@dataclass(frozen=True)
class Concept:
    """One thing the query asks for: any of ``types`` satisfies it."""

    text: str
    types: dict[str, float]
    strong: bool
    fuzzy: bool = False


@dataclass
class ParsedQuery:
    text: str
    concepts: list[Concept] = field(default_factory=list)
    #: stemmed words that matched no concept (searched as text)
    terms: list[str] = field(default_factory=list)
    wants_trigger: bool = False

    @property
    def empty(self) -> bool:
        return not self.concepts and not self.terms


def _variants(word: str) -> list[str]:
    s = stem(word)
    out = [s]
    if word.endswith(("ed", "ing")) and not s.endswith("e"):
        out.append(s + "e")
    if word != s:
        out.append(word)
    return out


def _edit_distance(a: str, b: str, limit: int) -> int | None:
    """Damerau-Levenshtein distance of ``a`` and ``b`` if at most ``limit``, else None."""
    if abs(len(a) - len(b)) > limit:
        return None
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return None
        prev2, prev = prev, cur
    return prev[-1] if prev[-1] <= limit else None


@lru_cache(maxsize=4096)
def correct(word: str) -> str | None:
    """The known word ``word`` is probably a misspelling of, or None.

    Words of four letters or more, one edit away (two from seven letters on; a swap of two
    neighbours is one edit). The closest candidate wins, a product name before a capability word
    at the same distance; a tie that remains is no correction. Below seven letters the first
    letter must match.
    """
    if len(word) < 4 or word.isdigit():
        return None
    limit = 1 if len(word) < 7 else 2
    best: tuple[int, int] | None = None
    found: list[str] = []
    letters = set(word)
    for target, is_product, target_letters in _targets():
        if (target[0] != word[0] and len(word) < 7) or abs(len(target) - len(word)) > limit:
            continue
        if len(letters ^ target_letters) > 2 * limit:  # each edit changes at most two letters
            continue
        distance = _edit_distance(word, target, limit)
        if distance is None:
            continue
        rank = (distance, 0 if is_product else 1)
        if best is None or rank < best:
            best, found = rank, [target]
        elif rank == best:
            found.append(target)
    return found[0] if len(found) == 1 else None


@lru_cache(maxsize=1)
def _targets() -> list[tuple[str, bool, frozenset[str]]]:
    return [(t, is_product, frozenset(t)) for t, is_product in vocab.typo_targets().items()]


def _lookup(ws: list[str]) -> vocab.Entry | None:
    table = vocab.phrases()
    if len(ws) == 1:
        for v in _variants(ws[0]):
            if (v,) in table:
                return table[(v,)]
        return None
    return table.get(tuple(stem(w) for w in ws))


def parse(text: str) -> ParsedQuery:
    """Read ``text`` into concepts and free terms (see module docstring)."""
    cached = _parse(text if isinstance(text, str) else str(text))
    return ParsedQuery(cached.text, list(cached.concepts), list(cached.terms), cached.wants_trigger)


@lru_cache(maxsize=2048)
def _parse(text: str) -> ParsedQuery:
    raw = words(text if isinstance(text, str) else str(text))[:MAX_WORDS]
    fixed_words = set()
    for n, w in enumerate(raw):
        if w not in STOP_WORDS and not _known_word(w):
            fixed = correct(w)
            if fixed is not None:
                raw[n] = fixed
                fixed_words.add(n)
    parsed = ParsedQuery(text=text)
    parsed.wants_trigger = any(w in TRIGGER_HINTS for w in raw)
    seen: set[frozenset[str]] = set()
    i = 0
    longest = vocab.max_phrase_len()
    while i < len(raw):
        match = None
        for n in range(min(longest, len(raw) - i), 0, -1):
            chunk = raw[i : i + n]
            if n == 1 and chunk[0] in STOP_WORDS and chunk[0] != "n8n":
                break
            entry = _lookup(chunk)
            if entry is not None:
                match = (n, " ".join(chunk), entry, bool(fixed_words & set(range(i, i + n))))
                break
        if match is None:
            if raw[i] not in STOP_WORDS:
                parsed.terms.append(stem(raw[i]))
            i += 1
            continue
        n, phrase, entry, fuzzy = match
        key = frozenset(entry.types)
        if key not in seen:
            seen.add(key)
            types = _as_destination(entry.types) if _after_destination_word(raw, i) else dict(entry.types)
            parsed.concepts.append(Concept(phrase, types, entry.strong, fuzzy))
        i += n
    _drop_subsumed(parsed)
    return parsed


_DESTINATION = frozenset({"to", "into", "in", "onto"})
_ARTICLES = frozenset({"a", "an", "the", "my", "our", "your", "their", "new", "same"})


def _after_destination_word(raw: list[str], i: int) -> bool:
    """Whether the phrase starting at ``raw[i]`` is where data goes (``... to a google sheet``)."""
    j = i - 1
    while j >= 0 and raw[j] in _ARTICLES:
        j -= 1
    return j >= 0 and raw[j] in _DESTINATION


def _as_destination(types: dict[str, float]) -> dict[str, float]:
    """A product data is sent to: its action node, more than its trigger, does the job."""
    if not any(t == vocab.family(t) for t in types):
        return dict(types)
    return {t: (w if t == vocab.family(t) else w * 0.7) for t, w in types.items()}


def _drop_subsumed(parsed: ParsedQuery) -> None:
    """Soft words that refine a named product ("slack *channel*", "telegram *bot*") are dropped;
    others keep only the node types no named product already stands for."""
    strong_types = {t for c in parsed.concepts if c.strong for t in c.types}
    kept = []
    for c in parsed.concepts:
        if not c.strong and strong_types:
            top = max(c.types.values())
            if all(t in strong_types for t, w in c.types.items() if w == top):
                continue
            rest = {t: w for t, w in c.types.items() if t not in strong_types}
            if not rest:
                continue
            c = Concept(c.text, rest, c.strong, c.fuzzy)
        kept.append(c)
    parsed.concepts = kept


ENGLISH_FILE = Path(__file__).with_name("english.txt")


@lru_cache(maxsize=1)
def _english() -> frozenset[str]:
    """Real words, never read as typos: common English (``english.txt``) and the words of node
    names and descriptions."""
    seen = {line for line in ENGLISH_FILE.read_text().splitlines() if not line.startswith("#")}
    for meta in vocab.nodes().values():
        seen.update(words(meta["name"]))
        seen.update(words(meta["description"]))
    for key in vocab.phrases():
        seen.update(key)
    return frozenset(seen)


def _known_word(word: str) -> bool:
    return word in _english() or stem(word) in _english()
