"""Test helpers: party members, activities on a day, archive lines."""

from datetime import date, datetime, time
from decimal import Decimal

from django.utils import timezone

from activities.models import Activity, Approval, ServiceRecord
from registry.choices import PoliticalStatus
from registry.models import Membership
from registry.tests.factories import id_number, make_volunteer


def party_member(node, *, joined=date(2025, 1, 1), name="党员甲", **fields):
    fields.setdefault("mobile", f"1390000{Membership.objects.count():04d}")
    volunteer = make_volunteer(
        name=name,
        node=node,
        id_number=id_number(),
        status="registered",
        political_status=PoliticalStatus.CPC_MEMBER,
        joined_party_on=date(2010, 7, 1),
        full_member_on=date(2011, 7, 1),
        **fields,
    )
    volunteer.memberships.update(start_date=joined)
    return volunteer


def at(day, hour=9):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def activity_on(
    node,
    day,
    *,
    hours=3,
    ledger="service",
    mode="concentrated",
    announced=True,
    **fields,
):
    """An activity held on ``day``, announced in advance unless told (then 补录, pending)."""
    return Activity.objects.create(
        node=node,
        title=fields.pop("title", f"{node.name}{day:%m%d}活动"),
        starts_at=at(day),
        ends_at=at(day, 9 + hours),
        place="台城",
        ledger=ledger,
        mode=mode,
        announced=announced,
        approval=Approval.NOT_NEEDED if announced else Approval.PENDING,
        **fields,
    )


def record(activity, volunteer, day, hours, **fields):
    return ServiceRecord.objects.create(
        activity=activity,
        volunteer=volunteer,
        served_on=day,
        hours=Decimal(hours),
        content=fields.pop("content", activity.title),
        ledger=activity.ledger,
        counted=fields.pop("counted", activity.counts),
        **fields,
    )
