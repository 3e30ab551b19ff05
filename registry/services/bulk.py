"""Bulk registration: many volunteers into one node at once (a roster import).

The caller (rosters) reads and matches rows; this module owns what the
registry requires of the records it writes: the record check, the numbering
(注册义工号 reserved per chunk), the primary memberships, role changes and
the audit entries — one entry for the whole registration, which each created
volunteer points to through ``Volunteer.import_batch``, and one edit entry
per changed volunteer naming the changed fields.

Writes happen in chunks inside the caller's transaction, so that memory stays
bounded however many rows there are; ``finish()`` logs the one entry.
"""

import uuid
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from wagtail.log_actions import log

from .. import roles
from ..models import BULK_REGISTER_ACTION, Membership, RegistryLogEntry, Volunteer
from .base import require_node_perm
from .memberships import membership_change_role

BATCH_SIZE = 500
# Set by check_volunteer() on a record that passed: writing anything else is a bug.
_CHECKED = "_registry_checked"


def check_volunteer(volunteer):
    """The registry's rules for a volunteer record; {field: [messages]}, {} when valid.

    Normalises the record as Volunteer.clean() does (ID number, birth date and
    gender from it, mobile). Nothing is written.
    """
    try:
        volunteer.clean()
    except ValidationError as exc:
        setattr(volunteer, _CHECKED, False)
        return exc.message_dict
    setattr(volunteer, _CHECKED, True)
    return {}


@dataclass(slots=True)
class NewMember:
    """A volunteer to create with a primary membership in the registration's node."""

    volunteer: Volunteer
    role: str = Membership.Role.MEMBER
    department_title: str = ""


@dataclass(slots=True)
class MemberUpdate:
    """New values for a volunteer whose open primary membership is in the node."""

    volunteer: Volunteer
    changed_fields: list
    membership: Membership
    role: str
    department_title: str


class BulkRegistration:
    """One bulk registration into ``node`` by ``by_user`` (None: the system).

    ``source`` goes into every audit entry it writes, e.g. the file's name.
    """

    def __init__(self, *, node, by_user, batch=None, source=None):
        require_node_perm(
            by_user,
            roles.EDIT_VOLUNTEERS,
            node,
            f"您没有在“{node.name}”批量登记义工的权限",
        )
        if node.status == node.Status.DISSOLVED:
            raise PermissionDenied(f"“{node.name}”已撤销，不能再登记义工")
        self.node = node
        self.by_user = by_user
        self.batch = batch or uuid.uuid4()
        self.source = dict(source or {})
        self.today = timezone.localdate()
        self.volunteer_type = ContentType.objects.get_for_model(
            Volunteer, for_concrete_model=False
        )

    def write(self, new=(), updates=()):
        """Create ``new`` (NewMember) and save ``updates`` (MemberUpdate): one chunk."""
        new, updates = list(new), list(updates)
        for item in (*new, *updates):
            if not getattr(item.volunteer, _CHECKED, False):
                raise ValueError(
                    "bulk registration writes only records that passed check_volunteer"
                )
        if new:
            self._create(new)
        for update in updates:
            self._update(update)
        now = timezone.now()
        RegistryLogEntry.objects.bulk_create(
            [
                self._edit_entry(update, now)
                for update in updates
                if update.changed_fields
            ],
            batch_size=BATCH_SIZE,
        )

    def finish(self, **data):
        """Log the registration's one audit entry on the node (after the last chunk)."""
        return log(
            self.node,
            BULK_REGISTER_ACTION,
            user=self.by_user,
            uuid=self.batch,
            data={**self.source, **data},
        )

    def _create(self, new):
        numbers = Volunteer.next_volunteer_numbers(len(new))
        volunteers = []
        for item, number in zip(new, numbers, strict=True):
            volunteer = item.volunteer
            volunteer.volunteer_number = number
            volunteer.org_node = self.node
            volunteer.import_batch = self.batch
            volunteer.refresh_derived_fields()
            volunteers.append(volunteer)
        Volunteer.objects.bulk_create(volunteers, batch_size=BATCH_SIZE)
        Membership.objects.bulk_create(
            [
                Membership(
                    volunteer=item.volunteer,
                    node=self.node,
                    kind=Membership.Kind.PRIMARY,
                    role=item.role,
                    department_title=item.department_title,
                    start_date=self.today,
                )
                for item in new
            ],
            batch_size=BATCH_SIZE,
        )

    def _update(self, update):
        volunteer, membership = update.volunteer, update.membership
        if membership.node_id != self.node.pk or volunteer.org_node_id != self.node.pk:
            raise ValueError("bulk registration only updates the node's own members")
        if update.changed_fields:
            volunteer.save(update_fields=[*update.changed_fields, "updated_at"])
        if (update.role, update.department_title) != (
            membership.role,
            membership.department_title,
        ):
            membership_change_role(
                membership=membership,
                role=update.role,
                department_title=update.department_title,
                by_user=self.by_user,
            )

    def _edit_entry(self, update, now):
        volunteer = update.volunteer
        return RegistryLogEntry(
            content_type=self.volunteer_type,
            label=volunteer.name,
            action="wagtail.edit",
            data={
                **self.source,
                "fields": [
                    str(Volunteer._meta.get_field(name).verbose_name)
                    for name in update.changed_fields
                ],
            },
            timestamp=now,
            uuid=self.batch,
            user=self.by_user,
            content_changed=True,
            object_id=str(volunteer.pk),
            org_node_id=self.node.pk,
        )
