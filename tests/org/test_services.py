from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from efficiency_portal.org import services
from efficiency_portal.org.models import AwayNotice, AwayNoticeEvent, Post
from tests.factories import AwayNoticeFactory, StaffFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def register(staff, actor=None, **overrides):
    values = {
        "reason": AwayNotice.Reason.MEETING,
        "starts_at": NOW + dt.timedelta(minutes=10),
        "ends_at": NOW + dt.timedelta(hours=2),
        "destination": "市政府会议室",
        "note": "",
    }
    values.update(overrides)
    return services.register_away_notice(staff, actor=actor or staff.user, **values)


def field_errors(excinfo) -> dict:
    return excinfo.value.message_dict


class TestRegister:
    def test_own_notice_is_registered_with_an_event(self, world):
        notice = register(world.clerk_x)
        assert notice.created_by == world.clerk_x.user
        event = AwayNoticeEvent.objects.get(notice=notice)
        assert event.action == "registered" and event.actor == world.clerk_x.user

    def test_end_before_start_is_refused(self, world):
        with pytest.raises(ValidationError) as excinfo:
            register(world.clerk_x, starts_at=NOW + dt.timedelta(hours=3), ends_at=NOW + dt.timedelta(hours=2))
        assert "ends_at" in field_errors(excinfo)
        assert not AwayNotice.objects.exists()

    def test_already_over_is_refused(self, world):
        with pytest.raises(ValidationError) as excinfo:
            register(world.clerk_x, starts_at=NOW - dt.timedelta(hours=3), ends_at=NOW - dt.timedelta(hours=1))
        assert "ends_at" in field_errors(excinfo)

    def test_too_far_ahead_is_refused(self, world):
        start = NOW + dt.timedelta(days=services.max_days_ahead(), minutes=1)
        with pytest.raises(ValidationError) as excinfo:
            register(world.clerk_x, starts_at=start, ends_at=start + dt.timedelta(hours=1))
        assert "starts_at" in field_errors(excinfo)

    def test_too_long_is_refused(self, world):
        with pytest.raises(ValidationError) as excinfo:
            register(world.clerk_x, ends_at=NOW + dt.timedelta(days=services.max_days_long() + 1))
        assert "ends_at" in field_errors(excinfo)

    def test_unknown_reason_is_refused(self, world):
        with pytest.raises(ValidationError) as excinfo:
            register(world.clerk_x, reason="holiday-in-bali")
        assert "reason" in field_errors(excinfo)

    def test_short_absence_may_be_registered(self, world, settings):
        settings.AWAY_NOTICE_MIN_MINUTES = 30
        notice = register(world.clerk_x, starts_at=NOW, ends_at=NOW + dt.timedelta(minutes=15))
        assert notice.pk

    @pytest.mark.parametrize(
        ("start", "end"),
        [(30, 90), (-10, 20), (60, 200), (0, 120)],
        ids=["inside", "overlaps-start", "overlaps-end", "same"],
    )
    def test_overlap_is_refused_with_a_clear_message(self, world, start, end):
        register(world.clerk_x, starts_at=NOW + dt.timedelta(minutes=10), ends_at=NOW + dt.timedelta(hours=2))
        with pytest.raises(ValidationError) as excinfo:
            register(
                world.clerk_x,
                starts_at=NOW + dt.timedelta(minutes=10 + start),
                ends_at=NOW + dt.timedelta(minutes=10 + end),
            )
        message = field_errors(excinfo)["starts_at"][0]
        assert world.clerk_x.name in message and "10:10" in message  # the clashing notice, in local time
        assert AwayNotice.objects.count() == 1

    def test_back_to_back_and_cancelled_do_not_overlap(self, world):
        first = register(world.clerk_x, starts_at=NOW, ends_at=NOW + dt.timedelta(hours=1))
        register(world.clerk_x, starts_at=NOW + dt.timedelta(hours=1), ends_at=NOW + dt.timedelta(hours=2))
        services.cancel_away_notice(first, actor=world.clerk_x.user)
        register(world.clerk_x, starts_at=NOW, ends_at=NOW + dt.timedelta(minutes=30))
        # Another person's notice at the same time is no clash either.
        register(world.backup_x, starts_at=NOW, ends_at=NOW + dt.timedelta(hours=1))

    def test_head_registers_for_own_department_and_its_windows(self, world):
        notice = register(world.clerk_x, actor=world.head_x.user)
        assert notice.created_by == world.head_x.user
        window_clerk = StaffFactory(department=world.x_window)
        register(window_clerk, actor=world.head_x.user)

    @pytest.mark.parametrize("who", ["clerk_y", "head_y", "supervisor", "backup_x", "citizen", "admin"])
    def test_others_may_not_register_for_someone(self, world, who):
        with pytest.raises(PermissionDenied):
            register(world.clerk_x, actor=world.user(who))
        assert not AwayNotice.objects.exists()


class TestEndingNotices:
    def test_return_early_ends_now_and_records_the_event(self, world):
        notice = AwayNoticeFactory(staff=world.clerk_x, starts_at=NOW - dt.timedelta(hours=1))
        planned = notice.ends_at
        services.return_early(notice, actor=world.clerk_x.user)
        notice.refresh_from_db()
        assert notice.ends_at == NOW
        event = notice.events.get(action=AwayNoticeEvent.Action.RETURNED)
        assert event.ends_at_before == planned and event.ends_at_after == NOW

    def test_return_early_needs_a_notice_in_force(self, world):
        planned = AwayNoticeFactory(staff=world.clerk_x, starts_at=NOW + dt.timedelta(hours=1))
        with pytest.raises(ValidationError):
            services.return_early(planned, actor=world.clerk_x.user)
        assert not planned.events.exists()

    def test_cancel_twice_changes_nothing_twice(self, world):
        notice = AwayNoticeFactory(staff=world.clerk_x, starts_at=NOW + dt.timedelta(hours=1))
        services.cancel_away_notice(notice, actor=world.head_x.user)
        with pytest.raises(ValidationError):
            services.cancel_away_notice(notice, actor=world.head_x.user)
        assert notice.events.filter(action="cancelled").count() == 1

    def test_over_notice_cannot_be_cancelled(self, world):
        notice = AwayNoticeFactory(staff=world.clerk_x, starts_at=NOW - dt.timedelta(hours=5))
        with pytest.raises(ValidationError):
            services.cancel_away_notice(notice, actor=world.clerk_x.user)

    def test_only_owner_or_head_changes_a_notice(self, world):
        notice = AwayNoticeFactory(staff=world.clerk_x)
        for who in ("clerk_y", "head_y", "backup_x", "supervisor"):
            with pytest.raises(PermissionDenied):
                services.cancel_away_notice(notice, actor=world.user(who))
        notice.refresh_from_db()
        assert notice.cancelled_at is None


class TestAssignPost:
    def test_backup_must_differ_from_holder(self, world):
        with pytest.raises(ValidationError) as excinfo:
            services.assign_post(world.x, "审核岗", world.clerk_x, world.clerk_x)
        assert "backup" in field_errors(excinfo)

    def test_staff_of_another_department_is_refused(self, world):
        with pytest.raises(ValidationError) as excinfo:
            services.assign_post(world.x, "审核岗", world.clerk_x, world.clerk_y)
        assert "backup" in field_errors(excinfo)
        assert not Post.objects.filter(name="审核岗").exists()

    def test_window_post_may_be_backed_from_the_parent_department(self, world):
        window_clerk = StaffFactory(department=world.x_window)
        post = services.assign_post(world.x_window, "受理岗", window_clerk, world.clerk_x)
        assert post.backup == world.clerk_x

    def test_assign_is_idempotent_and_updates(self, world):
        services.assign_post(world.x, "审核岗", world.clerk_x, world.backup_x)
        post = services.assign_post(world.x, "审核岗", world.backup_x, world.clerk_x)
        assert Post.objects.filter(name="审核岗").count() == 1
        assert (post.holder, post.backup) == (world.backup_x, world.clerk_x)

    def test_new_post_with_a_taken_name_is_refused(self, world):
        with pytest.raises(ValidationError) as excinfo:
            services.assign_post(world.x, world.post_x.name, world.clerk_x, world.backup_x, must_be_new=True)
        assert "name" in field_errors(excinfo)

    @pytest.mark.parametrize(
        ("who", "allowed"),
        [("head_x", True), ("admin", True), ("head_y", False), ("clerk_x", False), ("supervisor", False)],
    )
    def test_who_may_manage_posts(self, world, who, allowed):
        call = lambda: services.assign_post(  # noqa: E731
            world.x, "审核岗", world.clerk_x, world.backup_x, actor=world.user(who)
        )
        if allowed:
            assert call().pk
        else:
            with pytest.raises(PermissionDenied):
                call()


def test_writes_are_audited(world):
    audit = pytest.importorskip("efficiency_portal.audit.models")
    notice = register(world.clerk_x)
    services.cancel_away_notice(notice, actor=world.head_x.user)
    services.assign_post(world.x, "审核岗", world.clerk_x, world.backup_x, actor=world.head_x.user)
    actions = list(audit.AuditEvent.objects.order_by("id").values_list("action", "actor__username"))
    assert actions == [
        (services.AWAY_REGISTER, world.clerk_x.user.username),
        (services.AWAY_CANCEL, world.head_x.user.username),
        (services.POST_CREATE, world.head_x.user.username),
    ]
