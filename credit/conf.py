"""Default numbers of the credit rules. Each one is a Django setting of the same name, so a deployment may change it."""

from __future__ import annotations

from django.conf import settings

DEFAULTS: dict[str, object] = {
    # Everyone starts from this score.
    "CREDIT_BASE_POINTS": 1000,
    # Lowest score of each grade, best first; anything below the last bound is the last grade.
    "CREDIT_GRADE_BOUNDS": (("AAA", 1050), ("AA", 1030), ("A", 960), ("B", 850), ("C", 600), ("D", None)),
    # Entries of at most this many points (absolute) stay valid for the short period, larger ones for the long one.
    "CREDIT_VALIDITY_THRESHOLD": 40,
    "CREDIT_VALIDITY_SHORT_YEARS": 1,
    "CREDIT_VALIDITY_LONG_YEARS": 2,
    # Direct downgrades stay valid for this many years by the grade they impose (a rule may override it).
    "CREDIT_DOWNGRADE_YEARS": {"B": 2, "C": 3, "D": 5},
    # A repeat of the same rule while an earlier entry is still valid counts this many times.
    "CREDIT_REPEAT_MULTIPLIER": 2,
    # Subjects whose grade is this one or worse are on the blacklist.
    "CREDIT_BLACKLIST_GRADE": "C",
    # The subject may object within this many working days after the entry is confirmed.
    "CREDIT_OBJECTION_WINDOW_DAYS": 15,
    # A supervisor accepts an objection within, then decides within, these many working days.
    "CREDIT_OBJECTION_ACCEPT_DAYS": 2,
    "CREDIT_OBJECTION_DECIDE_DAYS": 10,
}


# Rules the portal records by itself, looked up by code: complaint findings' sanctions (complaints'
# SANCTION_CREDIT_RULES), red-card proposals (approvals) and bad ratings that stand (complaints). Their code never
# changes and they stay active; the table's other fields (name, points, validity) may still be edited.
SYSTEM_RULE_CODES: frozenset[str] = frozenset(
    {
        "talk_reminder",
        "admonition",
        "efficiency_caution",
        "public_criticism_1",
        "transfer",
        "dismissal_proposal",
        "red_card_case",
        "bad_rating",
    }
)


def setting(name: str):
    return getattr(settings, name, DEFAULTS[name])


def grade_names() -> list[str]:
    return [grade for grade, _bound in setting("CREDIT_GRADE_BOUNDS")]


def grade_for(points: int) -> str:
    bounds = setting("CREDIT_GRADE_BOUNDS")
    for grade, bound in bounds:
        if bound is None or points >= bound:
            return grade
    return bounds[-1][0]


def grade_rank(grade: str) -> int:
    """0 for the best grade, larger for worse ones."""
    names = grade_names()
    return names.index(grade) if grade in names else 0


def worse_grade(first: str, second: str | None) -> str:
    if not second:
        return first
    return first if grade_rank(first) >= grade_rank(second) else second
