"""Writes to the catalogue: items and their service guides, materials, steps, publishing.

Who may manage an item: the head of its department (or of a department above it) and administrators. Clerks do not
edit the catalogue, drafts included: what an item promises binds the department, so its head answers for it.
Every write is audited.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approvals.models import Item, ItemKind, ItemMaterial, ItemStep, StepCode
from approvals.selectors.catalogue import can_manage_department, can_manage_item
from efficiency_portal.audit.actions import register_action_labels
from efficiency_portal.audit.services import record
from efficiency_portal.common.uploads import validate_upload
from efficiency_portal.search import services as search

# The search index's scope of catalogue items, and how much each part of a guide weighs in it.
SEARCH_SCOPE = "approvals.item"
SEARCH_WEIGHTS = {"name": 10.0, "summary": 4.0, "topic": 3.0, "code": 2.0, "materials": 1.0, "conditions": 1.0}

ITEM_FIELDS = (
    "department",
    "code",
    "name",
    "topic",
    "kind",
    "summary",
    "legal_basis",
    "procedure",
    "conditions",
    "fee_basis",
    "fee_standard",
    "fee_amount",
    "statutory_limit_days",
    "promised_limit_days",
    "complaint_channel",
    "window_address",
    "online",
    "supplement_mode",
)
# Page paths below /items/ that an item code may not take.
RESERVED_CODES = frozenset({"manage", "new"})

register_action_labels(
    {
        "approvals.item_create": _("Approval item created"),
        "approvals.item_update": _("Approval item changed"),
        "approvals.item_publish": _("Approval item published"),
        "approvals.item_unpublish": _("Approval item taken back to a draft"),
        "approvals.material_create": _("Required material added"),
        "approvals.material_update": _("Required material changed"),
        "approvals.material_delete": _("Required material removed"),
        "approvals.steps_update": _("Procedure steps changed"),
    }
)

# The disclosures (七公开) that must be filled in before an item is shown to the public.
DISCLOSURE_FIELDS = ("legal_basis", "procedure", "conditions", "complaint_channel")


def _require_manager(actor, item: Item | None = None, department=None) -> None:
    allowed = can_manage_item(actor, item) if item is not None else can_manage_department(actor, department)
    if not allowed:
        raise PermissionDenied(_("You may not manage the items of this department."))


def validate_item_values(values: Mapping[str, Any], *, steps_total: int = 0) -> None:
    """Raise a ValidationError by field for limits and fees that do not fit together."""
    errors: dict[str, list] = {}
    kind = values.get("kind") or ItemKind.PROMISED
    if values.get("code") in RESERVED_CODES:
        errors.setdefault("code", []).append(_("This code is reserved; choose another."))
    statutory = values.get("statutory_limit_days")
    promised = values.get("promised_limit_days")
    if statutory is not None and statutory < 0:
        errors.setdefault("statutory_limit_days", []).append(_("The statutory limit cannot be negative."))
    if promised is not None and promised < 0:
        errors.setdefault("promised_limit_days", []).append(_("The promised limit cannot be negative."))
    if kind == ItemKind.INSTANT and promised not in (None, 0):
        errors.setdefault("promised_limit_days", []).append(
            _("An item finished the same day (即办件) has a promised limit of 0 working days.")
        )
    if statutory is not None and promised is not None and promised > statutory:
        errors.setdefault("promised_limit_days", []).append(
            _("The promised limit (%(promised)s working days) cannot exceed the statutory limit (%(statutory)s).")
            % {"promised": promised, "statutory": statutory}
        )
    if promised is not None and steps_total > promised:
        errors.setdefault("promised_limit_days", []).append(
            _("The steps already take %(total)s working days; shorten them before promising %(promised)s.")
            % {"total": steps_total, "promised": promised}
        )
    fee = values.get("fee_amount")
    if fee is not None and Decimal(fee) < 0:
        errors.setdefault("fee_amount", []).append(_("The fee cannot be negative."))
    elif fee is not None and Decimal(fee) > 0:
        if not str(values.get("fee_basis") or "").strip():
            errors.setdefault("fee_basis", []).append(_("An item that charges a fee must state the fee basis."))
        if not str(values.get("fee_standard") or "").strip():
            errors.setdefault("fee_standard", []).append(_("An item that charges a fee must state the standard."))
    if errors:
        raise ValidationError(errors)


def save_item(actor, *, item: Item | None = None, **values: Any) -> Item:
    """Create an item (as an unpublished draft) or change one; ``values`` are Item fields."""
    unknown = set(values) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"unknown item fields: {sorted(unknown)}")
    creating = item is None
    if creating:
        _require_manager(actor, department=values.get("department"))
        item = Item(is_published=False)
    else:
        _require_manager(actor, item)
        if "department" in values and values["department"] != item.department:
            _require_manager(actor, department=values["department"])
    merged = {name: getattr(item, name, None) for name in ITEM_FIELDS if name != "department"} | values
    if merged.get("kind") == ItemKind.INSTANT and "promised_limit_days" not in values:
        merged["promised_limit_days"] = 0
    steps_total = 0 if creating else item.steps.aggregate(total=Sum("limit_days"))["total"] or 0
    validate_item_values(merged, steps_total=steps_total)
    changed = sorted(name for name in values if creating or getattr(item, name, None) != values[name])
    for name, value in merged.items():
        if name in ITEM_FIELDS:
            setattr(item, name, value)
    if "department" in values:
        item.department = values["department"]
    if item.is_published:
        _check_disclosures(item)
    item.full_clean()
    with transaction.atomic():
        item.save()
        index_items([item.pk])
        record(
            actor, "approvals.item_create" if creating else "approvals.item_update", item, detail={"fields": changed}
        )
    return item


def save_material(
    actor,
    item: Item,
    *,
    material: ItemMaterial | None = None,
    name: str,
    description: str = "",
    required: bool = True,
    sample: UploadedFile | None = None,
    sort_order: int | None = None,
) -> ItemMaterial:
    """Add or change one material; a sample or template file is checked by its content before it is kept."""
    _require_manager(actor, item)
    if material is not None and material.item_id != item.pk:
        raise ValidationError({"material": _("This material belongs to another item.")})
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name the material.")})
    if sample is not None:
        try:
            validate_upload(sample)
        except ValidationError as error:
            raise ValidationError({"sample": error.messages}) from error
    creating = material is None
    if creating:
        last = item.materials.order_by("-sort_order").values_list("sort_order", flat=True).first()
        material = ItemMaterial(item=item, sort_order=(last + 1) if last is not None else 0)
    material.name = name
    material.description = description or ""
    material.required = required
    if sort_order is not None:
        material.sort_order = sort_order
    with transaction.atomic():
        if sample is not None:
            material.sample.save(sample.name, sample, save=False)
        material.save()
        index_items([item.pk])
        record(
            actor,
            "approvals.material_create" if creating else "approvals.material_update",
            item,
            detail={"material": material.name, "sample": bool(material.sample)},
        )
    return material


def delete_material(actor, material: ItemMaterial) -> None:
    item = material.item
    _require_manager(actor, item)
    with transaction.atomic():
        material.delete()
        index_items([item.pk])
        record(actor, "approvals.material_delete", item, detail={"material": material.name})


@dataclass(frozen=True)
class StepSpec:
    code: str
    limit_days: int
    name: str = ""


def save_steps(actor, item: Item, steps: Sequence[StepSpec]) -> list[ItemStep]:
    """Replace the item's procedure steps, in the given order; their limits together fit in the promised limit."""
    _require_manager(actor, item)
    errors: list = []
    codes = [str(step.code) for step in steps]
    for code in codes:
        if code not in StepCode.values:
            errors.append(_("Unknown step %(code)s.") % {"code": code})
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        errors.append(_("Each step appears once; repeated: %(codes)s.") % {"codes": ", ".join(duplicates)})
    if any(step.limit_days is None or step.limit_days < 0 for step in steps):
        errors.append(_("A step's limit is zero or more working days."))
    total = sum(step.limit_days or 0 for step in steps)
    if total > item.promised_limit_days:
        errors.append(
            _(
                "The steps take %(total)s working days in all, more than the promised limit of %(promised)s; "
                "shorten the steps or raise the promised limit."
            )
            % {"total": total, "promised": item.promised_limit_days}
        )
    if errors:
        raise ValidationError({"steps": errors})
    rows = [
        ItemStep(
            item=item,
            code=step.code,
            name=(step.name or "").strip() or str(StepCode(step.code).label),
            limit_days=step.limit_days,
            sort_order=order,
        )
        for order, step in enumerate(steps)
    ]
    with transaction.atomic():
        item.steps.all().delete()
        created = ItemStep.objects.bulk_create(rows)
        record(
            actor,
            "approvals.steps_update",
            item,
            detail={"steps": [[step.code, step.limit_days] for step in steps], "total": total},
        )
    return created


def _check_disclosures(item: Item, *, has_materials: bool | None = None) -> None:
    errors: dict[str, list] = {}
    for name in DISCLOSURE_FIELDS:
        if not str(getattr(item, name) or "").strip():
            errors.setdefault(name, []).append(_("Required before the item is published."))
    if item.fee_amount > 0 and not item.fee_basis.strip():
        errors.setdefault("fee_basis", []).append(_("An item that charges a fee must state the fee basis."))
    if has_materials is False:
        errors.setdefault("materials", []).append(_("List at least one material before publishing."))
    if errors:
        raise ValidationError(errors)


def publish_item(actor, item: Item, *, publish: bool = True) -> Item:
    """Show the item to the public (all seven disclosures present) or take it back to a draft."""
    _require_manager(actor, item)
    if publish:
        _check_disclosures(item, has_materials=item.materials.exists())
    with transaction.atomic():
        # Conditional: a second click or a concurrent toggle changes nothing and records nothing.
        changed = Item.objects.filter(pk=item.pk, is_published=not publish).update(
            is_published=publish, updated_at=timezone.now()
        )
        if changed:
            record(actor, "approvals.item_publish" if publish else "approvals.item_unpublish", item)
    item.refresh_from_db()
    return item


# --- The search index -------------------------------------------------------------------------------------------


def _search_fields(item: Item) -> list[tuple[str, float]]:
    weights = SEARCH_WEIGHTS
    return [
        (item.name, weights["name"]),
        (item.summary, weights["summary"]),
        (item.topic.name if item.topic else "", weights["topic"]),
        (item.code.replace("-", " "), weights["code"]),
        (" ".join(material.name for material in item.materials.all()), weights["materials"]),
        (item.conditions, weights["conditions"]),
    ]


def _indexable(item_ids: Sequence[int] | None = None):
    items = Item.objects.select_related("topic").prefetch_related("materials")
    return items if item_ids is None else items.filter(pk__in=item_ids)


def index_items(item_ids: Sequence[int]) -> None:
    """Index the items' current words (drafts too: the public search keeps to published items)."""
    search.index_documents(SEARCH_SCOPE, [(item.pk, _search_fields(item)) for item in _indexable(item_ids)])


def rebuild_search_index() -> int:
    """Every item anew (after a bulk load that bypassed this service); returns how many were indexed."""
    return search.rebuild_scope(
        SEARCH_SCOPE, ((item.pk, _search_fields(item)) for item in _indexable().iterator(chunk_size=500))
    )
