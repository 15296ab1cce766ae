"""The month-end load profile: stages scaled to a run, and the role each user plays in a stage."""

from __future__ import annotations

import pytest

from scenarios.load_profiles import MONTH_END, ROLES, Stage, plan, role_at, stage_at


def test_month_end_scales_to_the_run_and_ends_with_it() -> None:
    plans = plan(MONTH_END, peak_users=50, duration_s=60)

    assert [p.ends_at_s for p in plans] == [9.0, 33.0, 51.0, 60.0]
    assert max(p.total for p in plans) == 50
    assert plans[2].users["approver"] > plans[1].users["approver"]  # the approval burst
    assert set(plans[-1].users) == {"approver", "finance"}  # nobody books time at close
    assert stage_at(plans, 0.0) is plans[0]
    assert stage_at(plans, 40.0) is plans[2]
    assert stage_at(plans, 60.0) is None


def test_a_tiny_run_still_gives_every_role_of_a_stage_a_user() -> None:
    plans = plan(MONTH_END, peak_users=2, duration_s=10)

    assert all(count >= 1 for p in plans for count in p.users.values())
    assert set(plans[1].users) == set(ROLES)


def test_roles_follow_the_stage_mix_over_users_places() -> None:
    stage = plan(MONTH_END, peak_users=100, duration_s=100)[2]
    places = [i / 1000 for i in range(1000)]

    roles = [role_at(stage, p) for p in places]

    for role, count in stage.users.items():
        assert roles.count(role) == pytest.approx(1000 * count / stage.total, abs=2)


@pytest.mark.parametrize(
    ("stages", "message"),
    [
        ((), "at least one stage"),
        ((Stage("a", 0.5, 1.0, (("consultant", 1.0),)), Stage("b", 0.4, 1.0, (("consultant", 1.0),))), "increase"),
        ((Stage("a", 1.0, 0.0, (("consultant", 1.0),)),), "users share"),
        ((Stage("a", 1.0, 1.0, (("auditor", 1.0),)),), "unknown roles"),
    ],
)
def test_bad_profiles_are_refused(stages: tuple[Stage, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        plan(stages, peak_users=10, duration_s=10)
