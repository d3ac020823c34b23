"""Every user-facing message of the tasks and dashboards apps is found by makemessages (xgettext with Django's
keywords): a message behind an alias xgettext does not know (``gettext as _g``) would never be translated."""

from __future__ import annotations

import ast
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(
    path
    for app in ("efficiency_portal/supervised_tasks", "efficiency_portal/dashboards")
    for path in (ROOT / app).rglob("*.py")
    if "migrations" not in path.parts
)
# The keywords makemessages passes to xgettext for Python files, besides xgettext's own (_, gettext, ngettext).
DJANGO_KEYWORDS = [
    "--keyword=gettext_noop",
    "--keyword=gettext_lazy",
    "--keyword=ngettext_lazy:1,2",
    "--keyword=pgettext:1c,2",
    "--keyword=npgettext:1c,2,3",
    "--keyword=pgettext_lazy:1c,2",
    "--keyword=npgettext_lazy:1c,2,3",
]
KNOWN_NAMES = {"_", "gettext", "ngettext", "gettext_lazy", "gettext_noop", "ngettext_lazy", "pgettext", "pgettext_lazy"}


def test_translation_functions_are_imported_under_names_makemessages_knows():
    for path in FILES:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                for alias in node.names:
                    assert (alias.asname or alias.name) in KNOWN_NAMES, f"{path.name}: {alias.name} as {alias.asname}"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is not installed")
def test_makemessages_finds_the_messages_of_services_views_and_api():
    output = subprocess.run(
        ["xgettext", "--language=Python", "--from-code=UTF-8", *DJANGO_KEYWORDS, "--output=-", *map(str, FILES)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for message in (
        "These co-departments have no head to answer for their part: %(names)s",
        "Supervised task: %(title)s",
        "A supervised task awaits your acceptance",
        "Your supervised task was returned for more work",
        "The task was assigned and its clock started.",
        "The public summary was saved.",
        "This task is not shown to the public.",
        "You cannot report for this department.",
        "Use city or department.",
    ):
        assert f'msgid "{message}"' in output, message
