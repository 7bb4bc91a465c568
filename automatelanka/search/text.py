"""Text normalisation shared by the index and the query parser: words, stop words, stemming."""

from __future__ import annotations

import re

_WORD = re.compile(r"[0-9a-z]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")

#: Words that carry no meaning in a search (English function words and request filler).
STOP_WORDS = frozenset(["a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "either", "else", "ever", "every", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "let", "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "whenever", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "yourself", "yourselves", "also", "via", "using", "use", "used", "uses", "want", "wants", "need", "needs", "like", "please", "show", "find", "search", "give", "get", "gets", "getting", "make", "makes", "made", "way", "ways", "help", "something", "thing", "things", "any", "anything", "everything", "automatically", "automatic", "automate", "automated", "automates", "automation", "automations", "workflow", "workflows", "flow", "template", "templates", "n8n", "example", "examples", "simple", "new", "when", "whenever", "each", "one", "two"])

#: Stop words that still say something about a workflow's trigger; kept for trigger detection.
TRIGGER_HINTS = frozenset({"when", "whenever", "new", "on", "every", "each", "receive", "received", "trigger"})


def words(text: str) -> list[str]:
    """Lower-cased alphanumeric words of ``text`` (everything else separates words)."""
    return _WORD.findall(text.lower())


def split_camel(name: str) -> str:
    """``googleSheetsTrigger`` -> ``google Sheets Trigger``."""
    return _CAMEL.sub(" ", name)


def stem(word: str) -> str:
    """A light English stemmer: plural and verb endings, enough to match ``sheets`` to ``sheet``.

    Deliberately conservative so that brand names survive (``postgres``, ``gmail``, ``aws``).
    """
    w = word
    if len(w) <= 3 or w.isdigit():
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "shes", "ches", "xes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    if w.endswith("ing") and len(w) > 5:
        base = w[:-3]
        return base[:-1] if len(base) > 2 and base[-1] == base[-2] and base[-1] not in "lsz" else base
    if w.endswith("ed") and len(w) > 4 and not w.endswith("eed"):
        base = w[:-2]
        return base[:-1] if len(base) > 2 and base[-1] == base[-2] and base[-1] not in "lsz" else base
    return w


def terms(text: str) -> list[str]:
    """Stemmed words of ``text`` without stop words."""
    return [stem(w) for w in words(text) if w not in STOP_WORDS]
