"""Writes to the search index and the synonym list.

A document is a set of weighted fields; indexing replaces its terms in the caller's transaction, so an item saved
through its service is findable by its new words the moment the save commits, and a rolled-back save leaves the
old words.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from efficiency_portal.audit.actions import register_action_labels
from efficiency_portal.audit.services import record

from .models import IndexedTerm, Synonym
from .text import normalise, terms

# (text, weight): e.g. (item.name, 10), (item.summary, 4).
Fields = Sequence[tuple[str, float]]

register_action_labels(
    {
        "search.synonym_save": _("Search synonym saved"),
        "search.synonym_delete": _("Search synonym removed"),
    }
)


def document_terms(fields: Fields) -> dict[str, float]:
    """Each term's weight: the sum, over the fields it appears in, of the field's weight (once per field)."""
    weights: dict[str, float] = defaultdict(float)
    for text, weight in fields:
        for term in set(terms(text)):
            weights[term] += weight
    return dict(weights)


def index_documents(scope: str, documents: Iterable[tuple[int, Fields]]) -> int:
    """Replace the terms of each (id, fields) in ``scope``; returns how many documents were indexed."""
    rows: list[IndexedTerm] = []
    ids: list[int] = []
    for object_id, fields in documents:
        ids.append(object_id)
        rows.extend(
            IndexedTerm(scope=scope, object_id=object_id, term=term, weight=weight)
            for term, weight in document_terms(fields).items()
        )
    with transaction.atomic():
        for start in range(0, len(ids), 500):
            IndexedTerm.objects.filter(scope=scope, object_id__in=ids[start : start + 500]).delete()
        IndexedTerm.objects.bulk_create(rows, batch_size=1000)
    return len(ids)


def index_document(scope: str, object_id: int, fields: Fields) -> None:
    index_documents(scope, [(object_id, fields)])


def remove_documents(scope: str, object_ids: Iterable[int]) -> None:
    IndexedTerm.objects.filter(scope=scope, object_id__in=list(object_ids)).delete()


def rebuild_scope(scope: str, documents: Iterable[tuple[int, Fields]]) -> int:
    """The whole scope anew: documents no longer given lose their terms."""
    with transaction.atomic():
        IndexedTerm.objects.filter(scope=scope).delete()
        return index_documents(scope, documents)


def _clean_expansion(expansion: str) -> str:
    words = normalise((expansion or "").replace("，", " ").replace(",", " ").replace("、", " ")).split()
    return " ".join(dict.fromkeys(words))


def validate_synonym(*, synonym: Synonym | None = None, phrase: str, expansion: str) -> tuple[str, str]:
    """The phrase and expansion in the form queries are compared in, or a ValidationError by field."""
    phrase = normalise(phrase).replace(" ", "")
    expansion = _clean_expansion(expansion)
    errors: dict[str, str] = {}
    if not phrase:
        errors["phrase"] = _("Say what people type.")
    if not expansion:
        errors["expansion"] = _("Give at least one word of the catalogue.")
    elif not terms(expansion):
        errors["expansion"] = _("These words would find nothing: use words of two characters or more.")
    duplicate = Synonym.objects.filter(phrase=phrase)
    if synonym is not None and synonym.pk:
        duplicate = duplicate.exclude(pk=synonym.pk)
    if phrase and duplicate.exists():
        errors["phrase"] = _("This phrase already has an entry; change that one.")
    if errors:
        raise ValidationError(errors)
    return phrase, expansion


def save_synonym(actor, *, synonym: Synonym | None = None, phrase: str, expansion: str, is_active: bool = True):
    """Add or change one synonym. Queries read the list as they come: nothing needs reindexing."""
    phrase, expansion = validate_synonym(synonym=synonym, phrase=phrase, expansion=expansion)
    synonym = synonym or Synonym()
    synonym.phrase, synonym.expansion, synonym.is_active = phrase, expansion, is_active
    synonym.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        synonym.save()
        record(actor, "search.synonym_save", synonym, detail={"phrase": phrase, "expansion": expansion})
    return synonym


def delete_synonym(actor, synonym: Synonym) -> None:
    with transaction.atomic():
        record(actor, "search.synonym_delete", synonym, detail={"phrase": synonym.phrase})
        synonym.delete()
