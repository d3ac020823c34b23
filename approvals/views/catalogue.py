"""Pages of the catalogue: the public search and guide pages, and the guide editor for department heads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from approvals.forms.catalogue import ItemForm, MaterialForm, SearchForm, StepFormSet
from approvals.models import Item, ItemMaterial, StepCode
from approvals.selectors import catalogue as selectors
from approvals.services import catalogue as services

PAGE_SIZE = 20


def _apply_errors(form, error: ValidationError) -> None:
    """Put a service's errors next to the fields they concern (others above the form)."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages_:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


@require_GET
def catalogue_view(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    q, department, topic = "", None, None
    status = 200
    if form.is_bound:
        if form.is_valid():
            q = form.cleaned_data["q"]
            department = form.cleaned_data["department"]
            topic = form.cleaned_data["topic"]
        else:
            status = 400
    outcome = selectors.rank_items(q)
    items = selectors.search_items(q, department, topic, outcome)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "q": q,
        "department": department,
        "topic": topic,
        "department_facets": selectors.department_facets(q, topic, outcome),
        "topic_facets": selectors.topic_facets(q, department, outcome),
        "suggestion": outcome.suggestion,
        "synonyms": outcome.synonyms,
        "query_string": query.urlencode(),
    }
    return render(request, "approvals/catalogue/catalogue.html", context, status=status)


@require_GET
def item_guide_view(request: HttpRequest, code: str) -> HttpResponse:
    item = selectors.item_for_guide(code, request.user)
    if item is None:
        raise Http404
    steps = list(item.steps.all())
    context = {
        "item": item,
        "materials": list(item.materials.all()),
        "steps": steps,
        "steps_total": sum(step.limit_days for step in steps),
        "can_manage": selectors.can_manage_item(request.user, item),
    }
    return render(request, "approvals/catalogue/guide.html", context)


def _require_any_manager(request: HttpRequest) -> None:
    if not selectors.may_manage_any(request.user):
        raise PermissionDenied


def _managed_item(request: HttpRequest, code: str) -> Item:
    item = get_object_or_404(Item.objects.select_related("department", "topic"), code=code)
    if not selectors.can_manage_item(request.user, item):
        raise PermissionDenied
    return item


@login_required
@require_GET
def item_manage_view(request: HttpRequest) -> HttpResponse:
    _require_any_manager(request)
    items = selectors.manageable_items(request.user).order_by("department__sort_order", "name")
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(request, "approvals/catalogue/manage.html", {"page": page})


def _item_form_page(request: HttpRequest, item: Item | None) -> HttpResponse:
    departments = selectors.manageable_departments(request.user)
    form = ItemForm(request.POST or None, instance=item, departments=departments)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in form.Meta.fields}
            try:
                saved = services.save_item(request.user, item=item, **values)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("The item was saved."))
                return redirect("approvals:item_edit", code=saved.code)
        status = 400
    context = {"form": form, "item": item}
    return render(request, "approvals/catalogue/item_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def item_create_view(request: HttpRequest) -> HttpResponse:
    _require_any_manager(request)
    return _item_form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def item_edit_view(request: HttpRequest, code: str) -> HttpResponse:
    item = _managed_item(request, code)
    if request.method == "POST":
        # The form writes into the instance it validates; keep the stored item for the service to compare with.
        return _item_form_page(request, Item.objects.get(pk=item.pk))
    return _item_form_page(request, item)


@login_required
@require_http_methods(["GET", "POST"])
def item_materials_view(request: HttpRequest, code: str) -> HttpResponse:
    item = _managed_item(request, code)
    form = MaterialForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_material(request.user, item, **form.cleaned_data)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("The material was added."))
                return redirect("approvals:item_materials", code=item.code)
        status = 400
    context = {"item": item, "materials": list(item.materials.order_by("sort_order", "pk")), "form": form}
    return render(request, "approvals/catalogue/materials.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def material_edit_view(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    item = _managed_item(request, code)
    material = get_object_or_404(ItemMaterial, pk=pk, item=item)
    initial = {"name": material.name, "description": material.description, "required": material.required}
    form = MaterialForm(request.POST or None, request.FILES or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_material(request.user, item, material=material, **form.cleaned_data)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("The material was saved."))
                return redirect("approvals:item_materials", code=item.code)
        status = 400
    context = {"item": item, "material": material, "form": form}
    return render(request, "approvals/catalogue/material_form.html", context, status=status)


@login_required
@require_POST
def material_delete_view(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    item = _managed_item(request, code)
    material = get_object_or_404(ItemMaterial, pk=pk, item=item)
    services.delete_material(request.user, material)
    messages.success(request, _("The material was removed."))
    return redirect("approvals:item_materials", code=item.code)


@login_required
@require_http_methods(["GET", "POST"])
def item_steps_view(request: HttpRequest, code: str) -> HttpResponse:
    item = _managed_item(request, code)
    if request.method == "POST":
        formset = StepFormSet(request.POST, prefix="steps")
    else:
        initial = [{"code": s.code, "name": s.name, "limit_days": s.limit_days} for s in item.steps.all()]
        extra = [{"code": code} for code in StepCode.values if code not in {row["code"] for row in initial}]
        formset = StepFormSet(prefix="steps", initial=initial + extra)
    status = 200
    step_errors: list[str] = []
    if request.method == "POST":
        if formset.is_valid():
            specs = [
                services.StepSpec(code=data["code"], limit_days=data["limit_days"], name=data.get("name", ""))
                for data in formset.cleaned_data
                if data.get("code")
            ]
            try:
                services.save_steps(request.user, item, specs)
            except ValidationError as error:
                step_errors = error.messages
            else:
                messages.success(request, _("The steps were saved."))
                return redirect("approvals:item_steps", code=item.code)
        status = 400
    context = {"item": item, "formset": formset, "step_errors": step_errors}
    return render(request, "approvals/catalogue/steps.html", context, status=status)


@login_required
@require_POST
def item_publish_view(request: HttpRequest, code: str) -> HttpResponse:
    item = _managed_item(request, code)
    publish = request.POST.get("publish") == "1"
    try:
        services.publish_item(request.user, item, publish=publish)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        missing = ", ".join(
            str(Item._meta.get_field(name).verbose_name) if name != "materials" else _("materials")
            for name in getattr(error, "error_dict", {})
        )
        if missing:
            messages.error(request, _("Missing before publishing: %(fields)s.") % {"fields": missing})
    else:
        messages.success(request, _("The item is published.") if publish else _("The item is back to a draft."))
    return redirect("approvals:item_edit", code=item.code)
