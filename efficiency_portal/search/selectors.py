"""Reads of the search index: a query cut into terms, widened by the synonym list, scored against the index.

Score of a document = Σ over the query's terms of (term weight in the document × idf of the term × the term's
weight in the query), times the share of the query's own terms the document matched (a document that matches
"营业执照" and "变更" beats one that matches "营业执照" only). idf = ln(1 + N / df) over the scope's documents, so a
word every document has (申请, 登记) counts little. Terms that come from a synonym count ``SYNONYM_WEIGHT`` of a
typed term. One query for the document frequencies, one for the scores, one for the synonyms.
"""

from __future__ import annotations

import difflib
import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Case, Count, F, FloatField, Sum, Value, When
from pypinyin import lazy_pinyin

from .models import IndexedTerm, Synonym
from .text import has_cjk, normalise, terms

MAX_QUERY_LENGTH = 100
MAX_QUERY_TERMS = 24


def _setting(name: str, default):
    return getattr(settings, name, default)


@dataclass(frozen=True)
class QueryPlan:
    text: str  # the normalised query
    typed: tuple[str, ...]  # terms of what was typed
    widened: dict[str, float] = field(default_factory=dict)  # every term to look up → its weight in the query
    synonyms: tuple[str, ...] = ()  # the synonym phrases that matched

    @property
    def empty(self) -> bool:
        return not self.widened


def active_synonyms() -> list[tuple[str, str]]:
    return list(Synonym.objects.filter(is_active=True).values_list("phrase", "expansion"))


def plan(query: str | None, synonyms: Iterable[tuple[str, str]] | None = None) -> QueryPlan:
    """The terms to look up for ``query``: its own, and those of every synonym whose phrase it contains."""
    text = normalise((query or "")[:MAX_QUERY_LENGTH])
    compact = text.replace(" ", "")
    typed = tuple(dict.fromkeys(terms(text)))[:MAX_QUERY_TERMS]
    widened: dict[str, float] = dict.fromkeys(typed, 1.0)
    matched: list[str] = []
    if compact:
        synonym_weight = float(_setting("SEARCH_SYNONYM_WEIGHT", 0.8))
        for phrase, expansion in active_synonyms() if synonyms is None else synonyms:
            if phrase and phrase in compact:
                matched.append(phrase)
                for term in terms(expansion):
                    widened.setdefault(term, synonym_weight)
    if len(widened) > MAX_QUERY_TERMS:
        widened = dict(list(widened.items())[:MAX_QUERY_TERMS])
    return QueryPlan(text=text, typed=typed, widened=widened, synonyms=tuple(matched))


@dataclass(frozen=True)
class Hit:
    object_id: int
    score: float


def document_count(scope: str) -> int:
    return IndexedTerm.objects.filter(scope=scope).values("object_id").distinct().count()


def rank(scope: str, query_plan: QueryPlan, *, limit: int | None = None) -> list[Hit]:
    """Documents of ``scope`` matching the plan, best first (ties by id)."""
    if query_plan.empty:
        return []
    looked_up = list(query_plan.widened)
    frequencies = dict(
        IndexedTerm.objects.filter(scope=scope, term__in=looked_up)
        .values("term")
        .annotate(df=Count("object_id"))
        .values_list("term", "df")
    )
    if not frequencies:
        return []
    total = max(document_count(scope), 1)
    coefficient = {term: query_plan.widened[term] * math.log(1 + total / df) for term, df in frequencies.items() if df}
    typed = [term for term in query_plan.typed if term in frequencies]
    rows = (
        IndexedTerm.objects.filter(scope=scope, term__in=list(coefficient))
        .values("object_id")
        .annotate(
            raw=Sum(
                Case(
                    *[When(term=term, then=F("weight") * Value(value)) for term, value in coefficient.items()],
                    default=Value(0.0),
                    output_field=FloatField(),
                )
            ),
            typed_hits=Count(Case(When(term__in=typed, then=Value(1)))) if typed else Value(0),
        )
        .values_list("object_id", "raw", "typed_hits")
    )
    wanted = len(query_plan.typed) or 1
    hits = []
    for object_id, raw, typed_hits in rows:
        # A document found only through a synonym keeps half the share; one matching every typed word keeps all.
        share = max(typed_hits / wanted, 0.5) if query_plan.typed else 1.0
        hits.append(Hit(object_id, round(float(raw) * share, 6)))
    hits.sort(key=lambda hit: (-hit.score, hit.object_id))
    return hits[:limit] if limit else hits


def unknown_terms(scope: str, query_plan: QueryPlan) -> list[str]:
    """Typed terms that no document of ``scope`` has (a typo, or a word the catalogue does not use)."""
    if not query_plan.typed:
        return []
    known = set(IndexedTerm.objects.filter(scope=scope, term__in=query_plan.typed).values_list("term", flat=True))
    return [term for term in query_plan.typed if term not in known]


@functools.lru_cache(maxsize=4096)
def _sound(text: str) -> str:
    """The toneless pinyin of ``text``: most typos in Chinese are homophones picked from the input method's list
    (低报 for 低保, 营业只照 for 营业执照), which agree in sound though not in characters."""
    return " ".join(lazy_pinyin(text))


def _similarity(matcher: difflib.SequenceMatcher, query: str, query_sound: str, candidate: str) -> float:
    matcher.set_seqs(candidate, query)
    ratio = matcher.ratio()
    matcher.set_seqs(_sound(candidate), query_sound)
    return max(ratio, matcher.ratio())


def _closest(text: str, vocabulary: Iterable[str], *, heads: bool) -> tuple[str, float]:
    sound = _sound(text)
    matcher = difflib.SequenceMatcher(autojunk=False)
    best, best_score = "", 0.0
    for word in vocabulary:
        compact = normalise(word).replace(" ", "")
        if not compact or compact in text:
            continue
        candidates = (compact, compact[: len(text)]) if heads and len(compact) > len(text) else (compact,)
        for candidate in candidates:
            if candidate in text:
                continue
            score = _similarity(matcher, text, sound, candidate)
            if score > best_score or (score == best_score and len(candidate) < len(best)):
                best, best_score = candidate, score
    return best, best_score


def suggest(query_plan: QueryPlan, vocabulary: Iterable[str]) -> str:
    """您是不是要找: a query close to the one typed that the index knows, or "".

    Closeness is the better of the characters' and the sounds' similarity. First the whole query against the
    vocabulary (titles, synonym phrases, and long titles by their head: 营业只照 → 营业执照); when nothing is that
    close, each word the index does not know is replaced by its closest known word (结昏登记 → 结婚登记).
    """
    text = query_plan.text.replace(" ", "")
    if len(text) < 2 or not has_cjk(text):
        return ""
    cutoff = float(_setting("SEARCH_SUGGEST_CUTOFF", 0.6))
    words = list(dict.fromkeys(vocabulary))
    whole, whole_score = _closest(text, words, heads=True)
    if whole_score >= max(cutoff, 0.85):
        return whole
    # A single word is short: replace it only when it sounds (almost) the same (结昏 → 结婚, not 预报 → 低保).
    word_cutoff = max(cutoff, 0.8)
    known = set(words)
    corrected = text
    for term in query_plan.typed:
        if term in known or term not in corrected:
            continue
        replacement, score = _closest(term, [word for word in words if len(word) <= len(term) + 2], heads=False)
        if score >= word_cutoff:
            corrected = corrected.replace(term, replacement)
    if corrected != text:
        return corrected
    return whole if whole_score >= cutoff else ""


def vocabulary(scope: str) -> list[str]:
    """The words the index of ``scope`` knows (one query; a few thousand at most for a city's catalogue)."""
    return list(IndexedTerm.objects.filter(scope=scope).values_list("term", flat=True).distinct())


def synonym_phrases() -> list[str]:
    return list(Synonym.objects.filter(is_active=True).values_list("phrase", flat=True))
