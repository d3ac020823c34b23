"""Template helpers of the assessment pages."""

from django import template

from assessment.models import grade_label

register = template.Library()


@register.filter
def grade_name(grade: str, subject_kind: str):
    """The grade's name for people or for departments: ``{{ result.grade|grade_name:scheme.subject_kind }}``."""
    return grade_label(grade, subject_kind)


@register.filter
def light_name(light: str):
    """A deadline light's label: ``{{ appeal.light|light_name }}``."""
    from efficiency_portal.supervision.models import light_label

    return light_label(light)


@register.filter
def get_item(mapping: dict, key):
    """``{{ names|get_item:entry.subject_id }}``: a value of a dict by key, or None."""
    return mapping.get(key) if hasattr(mapping, "get") else None
