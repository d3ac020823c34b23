"""Processing of accepted cases: assignment with A/B routing, steps, pauses, extensions, decision, result, delivery
and joint approvals (并联审批).

Every status change goes through :func:`approvals.services.common.transition` (conditional on the status it starts
from, with its event row); actions that keep the status lock the case row and check its status the same way. The
clocks are supervision Deadlines: the case clock (CASE_CLOCK), one per step (STEP_CLOCK) and one per joint
department (JOINT_CLOCK).
"""

from .base import RUNNING_CLOCK, case_clock, clock_of
from .decision import decide_case, deliver_case, record_result
from .extensions import decide_extension, extension_cap, may_decide_extension, request_extension
from .joint import give_joint_opinion, may_give_opinion, remaining_working_days, start_joint
from .steps import assign_case, complete_step, pause_case, resume_case

__all__ = [
    "RUNNING_CLOCK",
    "assign_case",
    "case_clock",
    "clock_of",
    "complete_step",
    "decide_case",
    "decide_extension",
    "deliver_case",
    "extension_cap",
    "give_joint_opinion",
    "may_decide_extension",
    "may_give_opinion",
    "pause_case",
    "record_result",
    "remaining_working_days",
    "request_extension",
    "resume_case",
    "start_joint",
]
