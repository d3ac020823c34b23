"""Excel export of any list: a streamed .xlsx built with openpyxl in write-only mode."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import FileResponse, HttpResponse
from django.utils import formats, timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from openpyxl import Workbook

Accessor = str | Callable[[Any], Any]
Column = tuple[Any, Accessor]

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Cells starting with these are read as formulas by spreadsheet programs (CSV/formula injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Sheet titles: at most 31 characters, none of these.
FORBIDDEN_TITLE_CHARS = set("[]:*?/\\")


def _resolve(row: Any, accessor: Accessor) -> Any:
    if callable(accessor):
        return accessor(row)
    value: Any = row
    for part in accessor.split("__"):
        if value is None:
            return None
        value = value.get(part) if isinstance(value, dict) else getattr(value, part)
        if callable(value) and not hasattr(value, "all"):
            value = value()
    return value


def cell_value(value: Any) -> Any:
    """What a cell holds: numbers stay numbers, dates are written the local way, text cannot become a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    text = force_str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def sheet_title(title: Any) -> str:
    cleaned = "".join(" " if ch in FORBIDDEN_TITLE_CHARS else ch for ch in force_str(title)).strip()
    return (cleaned or "Sheet")[:31]


def export(rows: Iterable[Any], columns: Sequence[Column], filename: str, *, title: Any = None) -> HttpResponse:
    """An .xlsx download of ``rows``: one header row, then one row per item, each cell from its column's accessor.

    ``columns`` is a list of (header, accessor); an accessor is an attribute path (``"item__name"``, also for dicts)
    or a callable taking the row. The workbook is written row by row to a temporary file (write-only mode keeps
    memory flat for long lists) and streamed from there.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title(title or filename.rsplit(".", 1)[0]))
    sheet.append([force_str(header) for header, _accessor in columns])
    for row in rows:
        sheet.append([cell_value(_resolve(row, accessor)) for _header, accessor in columns])
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after streaming
    workbook.save(handle)
    handle.seek(0)
    if not filename.endswith(".xlsx"):
        filename += ".xlsx"
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
