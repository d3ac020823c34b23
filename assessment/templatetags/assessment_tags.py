"""Template helpers of the assessment pages."""

from django import template

from assessment.models import grade_label

register = template.Library()


@register.filter
def grade_name(grade: str, subject_kind: str):
    """The grade's name for people or for departments: ``{{ result.grade|grade_name:scheme.subject_kind }}``."""
    return grade_label(grade, subject_kind)
