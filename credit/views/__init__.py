"""Pages of credit. Each view checks who may see or do it, parses input and calls one service or selector."""

from credit.views.entries import (
    attachment_download,
    entry_confirm,
    entry_create,
    entry_detail,
    entry_dismiss,
    entry_list,
    pending_list,
)
from credit.views.objections import entry_object, objection_accept, objection_decide, objection_list
from credit.views.records import blacklist, department_detail, my_record, staff_detail, subject_list
from credit.views.rules import rule_edit, rule_list

__all__ = [
    "attachment_download",
    "blacklist",
    "department_detail",
    "entry_confirm",
    "entry_create",
    "entry_detail",
    "entry_dismiss",
    "entry_list",
    "entry_object",
    "my_record",
    "objection_accept",
    "objection_decide",
    "objection_list",
    "pending_list",
    "rule_edit",
    "rule_list",
    "staff_detail",
    "subject_list",
]
