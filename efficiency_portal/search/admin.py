"""Admin of the synonym list: administrators keep what people type and what it means; saves go through the service."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from .models import Synonym
from .services import delete_synonym, save_synonym, validate_synonym


class SynonymForm(forms.ModelForm):
    class Meta:
        model = Synonym
        fields = ("phrase", "expansion", "is_active")

    def clean(self) -> dict:
        data = super().clean()
        try:
            validate_synonym(
                synonym=self.instance, phrase=data.get("phrase") or "", expansion=data.get("expansion") or ""
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                self.add_error(name if name in self.fields else None, messages)
        return data


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    form = SynonymForm
    list_display = ("phrase", "expansion", "is_active", "updated_at", "updated_by")
    list_filter = ("is_active",)
    search_fields = ("phrase", "expansion")

    def save_model(self, request: HttpRequest, obj: Synonym, form, change: bool) -> None:
        saved = save_synonym(
            request.user,
            synonym=Synonym.objects.get(pk=obj.pk) if change else None,
            phrase=form.cleaned_data["phrase"],
            expansion=form.cleaned_data["expansion"],
            is_active=form.cleaned_data["is_active"],
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Synonym) -> None:
        delete_synonym(request.user, obj)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        for synonym in queryset:
            delete_synonym(request.user, synonym)
