"""Volunteers one at a time: register, edit, delete."""

from django.db import transaction
from wagtail.log_actions import log

from .. import roles
from ..models import Membership, Volunteer
from .base import (
    require_node_perm,
    require_open_node,
    require_volunteer_perm,
    stored_home,
    today,
)


@transaction.atomic
def volunteer_create(
    *,
    volunteer,
    node,
    by_user,
    role=Membership.Role.MEMBER,
    department_title="",
    start_date=None,
):
    """Save the unsaved ``volunteer`` with a primary membership in ``node``.

    Many-to-many data (service items) is saved by the caller afterwards, e.g.
    with ``form.save_m2m()``.
    """
    require_node_perm(
        by_user,
        roles.EDIT_VOLUNTEERS,
        node,
        f"您没有在“{node.name}”登记义工的权限",
    )
    require_open_node(node)
    volunteer.org_node = node
    volunteer.full_clean()
    volunteer.save()
    Membership.objects.create(
        volunteer=volunteer,
        node=node,
        kind=Membership.Kind.PRIMARY,
        role=role,
        department_title=department_title,
        start_date=start_date or today(),
    )
    log(volunteer, "wagtail.create", user=by_user, content_changed=True)
    return volunteer


@transaction.atomic
def volunteer_update(*, volunteer, by_user):
    """Save edits to the volunteer's own fields; the home node only changes by transfer."""
    home = stored_home(volunteer)
    require_volunteer_perm(
        by_user, roles.EDIT_VOLUNTEERS, home, f"您没有修改“{volunteer.name}”资料的权限"
    )
    volunteer.org_node = home
    _require_review_right_for_status(volunteer, home, by_user)
    volunteer.full_clean()
    volunteer.save()
    log(volunteer, "wagtail.edit", user=by_user, content_changed=True)
    return volunteer


# A submitted registration (附件3) leaves these only through its review.
UNDER_REVIEW = (Volunteer.Status.PENDING, Volunteer.Status.REJECTED)


def _require_review_right_for_status(volunteer, home, by_user):
    stored = Volunteer.objects.filter(pk=volunteer.pk).values_list("status", flat=True)[
        0
    ]
    if stored == volunteer.status or stored not in UNDER_REVIEW:
        return
    require_volunteer_perm(
        by_user,
        roles.MANAGE_NODE,
        home,
        f"“{volunteer.name}”的登记{Volunteer.Status(stored).label}，"
        "其状态只能由所在队伍的管理员审核后改变",
    )


@transaction.atomic
def volunteer_delete(*, volunteer, by_user):
    home = stored_home(volunteer)
    require_volunteer_perm(
        by_user, roles.DELETE_VOLUNTEERS, home, f"您没有删除“{volunteer.name}”的权限"
    )
    log(volunteer, "wagtail.delete", user=by_user, deleted=True)
    volunteer.delete()
