"""The Simplified Chinese catalogue is complete, keeps every placeholder, and is the one the pages use.

The .po file is read with a small parser here, so the checks need no gettext tools installed.
"""

from __future__ import annotations

import ast
import gettext
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
ZH_PO = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.po"
ZH_MO = ZH_PO.with_suffix(".mo")
EN_PO = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"

BRAND_ZH = "机关效能监督平台"
BRAND_EN = "Efficiency Portal"

# %(name)s, %s, %d, %.1f ... but not the escaped %%
PERCENT_PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[#0 +-]*(?:\d+|\*)?(?:\.\d+)?[sdifFeEgGxXocr]")
BRACE_PLACEHOLDER = re.compile(r"(?<!\{)\{[^{}]*\}(?!\})")
HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        context = f"[{self.msgctxt}] " if self.msgctxt else ""
        return f"line {self.line}: {context}{self.msgid!r}"

    @property
    def sources(self) -> list[str]:
        return [self.msgid] if self.msgid_plural is None else [self.msgid, self.msgid_plural]


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file (entries are separated by blank lines); header and obsolete (#~) entries left out."""
    entries: list[Entry] = []
    text = path.read_text(encoding="utf-8")
    for block in re.finditer(r"[^\n](?:.|\n(?![ \t]*\n))*", text):
        entry = Entry(line=text.count("\n", 0, block.start()) + 1)
        target: tuple[str, int] | None = None
        for raw in block.group().splitlines():
            line = raw.strip()
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
                continue
            if not line or line.startswith("#"):
                continue
            keyword = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$", line)
            if keyword:
                name, index, line = keyword.groups()
                target = (name, int(index or 0))
                if name == "msgstr":
                    entry.msgstr[target[1]] = ""
                else:
                    setattr(entry, name, "")
            assert target is not None and line.startswith('"'), f"{path}: cannot read {raw!r}"
            part = ast.literal_eval(line)
            if target[0] == "msgstr":
                entry.msgstr[target[1]] += part
            else:
                setattr(entry, target[0], getattr(entry, target[0]) + part)
        if entry.msgid:
            entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def zh_entries() -> list[Entry]:
    entries = parse_po(ZH_PO)
    assert len(entries) > 100, "the Chinese catalogue looks empty"
    return entries


def test_english_catalogue_is_kept():
    assert EN_PO.exists()
    assert parse_po(EN_PO), "the English catalogue has no entries"


def test_every_chinese_entry_is_translated(zh_entries):
    untranslated = [
        entry.label
        for entry in zh_entries
        if not entry.msgstr or not all(text.strip() for text in entry.msgstr.values())
    ]
    assert not untranslated, "untranslated:\n" + "\n".join(untranslated)


def test_no_chinese_entry_is_fuzzy(zh_entries):
    fuzzy = [entry.label for entry in zh_entries if "fuzzy" in entry.flags]
    assert not fuzzy, "fuzzy:\n" + "\n".join(fuzzy)


def test_plural_entries_have_the_one_chinese_form(zh_entries):
    header = ZH_PO.read_text(encoding="utf-8")
    assert "nplurals=1; plural=0;" in header
    wrong = [entry.label for entry in zh_entries if entry.msgid_plural is not None and set(entry.msgstr) != {0}]
    assert not wrong, "plural entries need exactly msgstr[0]:\n" + "\n".join(wrong)


def _placeholders(pattern: re.Pattern[str], text: str) -> Counter[str]:
    return Counter(pattern.findall(text.replace("%%", "")))


def _union(counters: list[Counter[str]]) -> Counter[str]:
    merged: Counter[str] = Counter()
    for counter in counters:
        merged |= counter
    return merged


@pytest.mark.parametrize(
    ("name", "pattern", "applies"),
    [
        ("python-format", PERCENT_PLACEHOLDER, lambda entry: "python-format" in entry.flags),
        ("brace", BRACE_PLACEHOLDER, lambda entry: "python-brace-format" in entry.flags or "{" in entry.msgid),
        ("HTML tag", HTML_TAG, lambda entry: "<" in entry.msgid),
    ],
)
def test_translations_keep_placeholders(zh_entries, name, pattern, applies):
    problems = []
    for entry in zh_entries:
        if not applies(entry):
            continue
        expected = _union([_placeholders(pattern, source) for source in entry.sources])
        for index, text in entry.msgstr.items():
            found = _placeholders(pattern, text)
            if set(found) != set(expected):
                problems.append(f"{entry.label} msgstr[{index}]: expected {sorted(expected)}, found {sorted(found)}")
    assert not problems, f"{name} placeholders differ:\n" + "\n".join(problems)


def test_compiled_catalogue_matches_the_po_file(zh_entries):
    """The .mo is committed (the portal runs without gettext tools), so it must not lag behind the .po."""
    assert ZH_MO.exists(), "run compilemessages and commit the .mo file"
    with ZH_MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in zh_entries:
        if entry.msgid_plural is not None:
            if entry.msgctxt is not None:
                got = compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 1)
            else:
                got = compiled.ngettext(entry.msgid, entry.msgid_plural, 1)
        elif entry.msgctxt is not None:
            got = compiled.pgettext(entry.msgctxt, entry.msgid)
        else:
            got = compiled.gettext(entry.msgid)
        if got != entry.msgstr[0]:
            stale.append(entry.label)
    assert not stale, "the .mo file is out of date; run compilemessages:\n" + "\n".join(stale)


@pytest.mark.django_db
def test_home_page_is_chinese_by_default(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert BRAND_ZH in page
    assert "首页" in page
    assert BRAND_EN not in page


@pytest.mark.django_db
def test_home_page_is_english_with_the_language_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert BRAND_EN in page
    assert 'lang="en"' in page
    assert BRAND_ZH not in page
