"""The search index: words of indexed documents (catalogue items, powers ...) and the synonym list kept as data.

The index is a plain table of (scope, document id, term, weight), filled by a Chinese word segmenter, so that the same
search works on PostgreSQL and on the SQLite default (neither has a Chinese full-text parser built in).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IndexedTerm(models.Model):
    """One word of one document, with the summed weight of the fields it appears in."""

    scope = models.CharField(_("scope"), max_length=40)
    object_id = models.BigIntegerField(_("document id"))
    term = models.CharField(_("term"), max_length=40)
    weight = models.FloatField(_("weight"))

    class Meta:
        verbose_name = _("indexed term")
        verbose_name_plural = _("indexed terms")
        constraints = [
            models.UniqueConstraint(fields=["scope", "object_id", "term"], name="search_term_unique"),
        ]
        indexes = [models.Index(fields=["scope", "term"], name="search_term_lookup")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.object_id} {self.term}"


class Synonym(models.Model):
    """What people type (开公司) and the words of the catalogue it means (企业设立登记 公司登记)."""

    phrase = models.CharField(
        _("what people type"),
        max_length=40,
        unique=True,
        help_text=_("A query containing this phrase also searches for the words below."),
    )
    expansion = models.CharField(
        _("also search for"),
        max_length=200,
        help_text=_("Words of the catalogue, separated by spaces or commas."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")
        ordering = ["phrase"]

    def __str__(self) -> str:
        return f"{self.phrase} → {self.expansion}"
