"""The shared Excel export: headers, values, localised dates, formula injection, sheet title."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from efficiency_portal.common.excel import XLSX_CONTENT_TYPE, export, sheet_title


def read(response) -> list[list]:
    content = b"".join(response.streaming_content)
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    sheet = workbook.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)], sheet.title


def test_export_writes_headers_values_and_title():
    rows = [
        {"name": "张三", "count": 3, "rate": Decimal("87.5"), "day": dt.date(2026, 3, 9), "item": {"code": "a"}},
        {"name": '=HYPERLINK("http://evil")', "count": 0, "rate": None, "day": None, "item": {"code": "-b"}},
    ]
    columns = [
        ("Name", "name"),
        ("Count", "count"),
        ("Rate", "rate"),
        ("Day", "day"),
        ("Code", "item__code"),
        ("Double", lambda row: row["count"] * 2),
    ]
    with translation.override("zh-hans"):
        response = export(rows, columns, "figures", title="统计:三月/2026")
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert "figures.xlsx" in response["Content-Disposition"]
    data, title = read(response)
    assert title == "统计 三月 2026"
    assert data[0] == ["Name", "Count", "Rate", "Day", "Code", "Double"]
    assert data[1][0] == "张三"
    assert data[1][1] == 3
    assert data[1][2] == 87.5
    assert data[1][3] == "2026年3月9日"  # the zh-hans short date
    assert data[1][4] == "a"
    assert data[1][5] == 6
    # Formula injection: text starting with = or - is kept as text with a leading quote.
    assert data[2][0] == '\'=HYPERLINK("http://evil")'
    assert data[2][4] == "'-b"
    assert data[2][2] in ("", None)
    assert len(data) == 3


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@"])
def test_every_formula_trigger_is_neutralised(trigger):
    data, _title = read(export([{"v": f"{trigger}1+1"}], [("V", "v")], "x.xlsx"))
    assert data[1][0] == f"'{trigger}1+1"


def test_aware_datetimes_are_local():
    moment = dt.datetime(2026, 3, 9, 1, 30, tzinfo=dt.UTC)  # 09:30 in Shanghai
    with translation.override("zh-hans"):
        data, _title = read(export([{"at": moment}], [("At", "at")], "x"))
    assert "09:30" in data[1][0]
    assert data[1][0].startswith("2026年3月9日")


def test_sheet_title_is_short_and_clean():
    assert len(sheet_title("x" * 80)) == 31
    assert sheet_title("") == "Sheet"
    assert sheet_title("a[b]c") == "a b c"
