"""Load profiles: how a month-end unfolds over a load run, as plain data the locustfiles turn into a shape.

A stage covers a share of the run's duration and asks for a share of the peak user count, split between
the roles of a services firm at month-end: consultants booking and submitting time, approvers working
through the pending timesheets in bursts, and finance placing and releasing credit holds while it checks
receivables. The shares are scaled to ``--users`` and ``--duration`` at run time, so a 60-second smoke run
and a 10-minute peak have the same shape. Nothing here imports Locust.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("consultant", "approver", "finance")


@dataclass(frozen=True, slots=True)
class Stage:
    """One stage of a load profile.

    Attributes:
        name: what the firm is doing (shown in the report).
        until: the stage ends at this share of the run's duration (0 < until <= 1, increasing).
        users: the share of the peak user count active in the stage.
        mix: the share of the stage's users per role (``consultant``, ``approver``, ``finance``).
        spawn: the share of the peak user count started (or stopped) per second.
    """

    name: str
    until: float
    users: float
    mix: tuple[tuple[str, float], ...]
    spawn: float = 0.5


@dataclass(frozen=True, slots=True)
class StagePlan:
    """A stage scaled to a run: absolute end time, user counts per role and spawn rate."""

    name: str
    ends_at_s: float
    users: dict[str, int]
    spawn_rate: float

    @property
    def total(self) -> int:
        """All users of the stage."""
        return sum(self.users.values())


MONTH_END: tuple[Stage, ...] = (
    Stage("consultants start booking", 0.15, 0.5, (("consultant", 0.9), ("approver", 0.1))),
    Stage("the last week is booked", 0.55, 1.0, (("consultant", 0.85), ("approver", 0.1), ("finance", 0.05))),
    Stage("approvals burst at period end", 0.85, 1.0, (("consultant", 0.3), ("approver", 0.6), ("finance", 0.1))),
    Stage("finance closes the books", 1.0, 0.3, (("approver", 0.6), ("finance", 0.4)), spawn=1.0),
)
"""Month-end: booking ramps up, the last week is booked, approvals burst at the deadline, finance closes."""

PROFILES: dict[str, tuple[Stage, ...]] = {"month-end": MONTH_END}


def plan(stages: tuple[Stage, ...], *, peak_users: int, duration_s: float) -> list[StagePlan]:
    """Scale ``stages`` to a run of ``peak_users`` users for ``duration_s`` seconds.

    Every role with a positive share gets at least one user, so a small run still exercises each role;
    the counts of a stage never exceed ``max(peak_users, roles in the stage)``.

    Raises:
        ValueError: no stages, a bad share, stage ends not increasing, or a non-positive size.
    """
    if peak_users < 1 or duration_s <= 0:
        raise ValueError("peak_users >= 1 and a positive duration are required")
    if not stages:
        raise ValueError("a load profile needs at least one stage")
    out: list[StagePlan] = []
    previous = 0.0
    for stage in stages:
        if not previous < stage.until <= 1.0:
            raise ValueError(f"stage {stage.name!r}: ends must increase within (0, 1]")
        if not 0 < stage.users <= 1 or stage.spawn <= 0:
            raise ValueError(f"stage {stage.name!r}: users share in (0, 1] and a positive spawn share are required")
        unknown = {role for role, _ in stage.mix} - set(ROLES)
        if unknown or any(share < 0 for _, share in stage.mix):
            raise ValueError(f"stage {stage.name!r}: unknown roles {sorted(unknown)} or a negative share")
        previous = stage.until
        total = max(1, round(peak_users * stage.users))
        weights = sum(share for _, share in stage.mix) or 1.0
        users = {role: max(1, round(total * share / weights)) for role, share in stage.mix if share > 0}
        out.append(
            StagePlan(
                name=stage.name,
                ends_at_s=round(duration_s * stage.until, 3),
                users=users,
                spawn_rate=max(1.0, round(peak_users * stage.spawn, 1)),
            )
        )
    return out


def stage_at(plans: list[StagePlan], elapsed_s: float) -> StagePlan | None:
    """The stage running ``elapsed_s`` seconds into the run, or ``None`` once the run is over."""
    for stage in plans:
        if elapsed_s < stage.ends_at_s:
            return stage
    return None


def role_at(stage: StagePlan, place: float) -> str:
    """The role a user at ``place`` plays in ``stage`` (role shares in the stage's order)."""
    total = stage.total
    edge = 0.0
    for role, count in stage.users.items():
        edge += count / total
        if place < edge:
            return role
    return next(reversed(stage.users))
