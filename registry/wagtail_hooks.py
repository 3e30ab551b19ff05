"""Wagtail hooks of the registry: admin viewsets, audit-log model and log actions.

The permission policies are registered in RegistryConfig.ready().
"""

from wagtail import hooks
from wagtail.log_actions import LogFormatter

from .models import (
    BULK_EXPORT_ACTION,
    BULK_REGISTER_ACTION,
    Membership,
    OrgApplication,
    OrgNode,
    RegistryLogEntry,
    Volunteer,
)
from .roles import ROLES_BY_KEY
from .viewsets import registry_viewsets


@hooks.register("register_admin_viewset")
def register_registry_viewsets():
    return registry_viewsets


def _role_label(key):
    role = ROLES_BY_KEY.get(key)
    return role.label if role else key


class TransferFormatter(LogFormatter):
    label = "调动"

    def format_message(self, log_entry):
        data = log_entry.data
        if data.get("from_node"):
            return f"从“{data['from_node']}”调至“{data['to_node']}”"
        return f"加入“{data.get('to_node', '')}”"


class GrantFormatter(LogFormatter):
    label = "授予权限"

    def format_message(self, log_entry):
        data = log_entry.data
        return f"授予{data.get('principal_label', '')}“{_role_label(data.get('role'))}”角色"


class RevokeFormatter(LogFormatter):
    label = "撤销权限"

    def format_message(self, log_entry):
        data = log_entry.data
        return f"撤销{data.get('principal_label', '')}的“{_role_label(data.get('role'))}”角色"


class MoveNodeFormatter(LogFormatter):
    label = "移动组织"

    def format_message(self, log_entry):
        data = log_entry.data
        return f"从“{data.get('from_parent', '')}”之下移至“{data.get('to_parent', '')}”之下"


class RevealFormatter(LogFormatter):
    label = "查看完整身份证号码"

    def format_message(self, log_entry):
        reason = log_entry.data.get("reason")
        return (
            f"查看了完整身份证号码（原因：{reason}）"
            if reason
            else "查看了完整身份证号码"
        )


class EndMembershipFormatter(LogFormatter):
    label = "结束成员关系"

    def format_message(self, log_entry):
        data = log_entry.data
        return f"结束在“{data.get('node', '')}”的{data.get('kind', '')}（{data.get('on', '')}）"


class ChangeRoleFormatter(LogFormatter):
    label = "变更职务"

    def format_message(self, log_entry):
        data = log_entry.data
        return (
            f"在“{data.get('node', '')}”的职务由“{data.get('from_role', '')}”"
            f"改为“{data.get('to_role', '')}”"
        )


class BulkRegisterFormatter(LogFormatter):
    label = "批量登记"

    def format_message(self, log_entry):
        data = log_entry.data
        counts = data.get("counts", {})
        source = f"从名册“{data['file']}”" if data.get("file") else ""
        return (
            f"{source}批量登记：新增{counts.get('new', 0)}人，"
            f"更新{counts.get('updated', 0)}人"
        )


class RosterExportFormatter(LogFormatter):
    """导出名册（含下级组织，12行，完整身份证号码，原因：…）: scope, rows, IDs, reason."""

    label = "导出名册"

    def format_message(self, log_entry):
        data = log_entry.data
        parts = [
            "含下级组织" if data.get("scope") == "subtree" else "本组织",
            f"{data.get('rows', 0)}行",
            "完整身份证号码" if data.get("full_id_numbers") else "身份证号码脱敏",
        ]
        if data.get("reason"):
            parts.append(f"原因：{data['reason']}")
        return f"导出名册（{'，'.join(parts)}）"


class DecisionFormatter(LogFormatter):
    """审核通过 / 审核不符合 of an application or a registration, with the reason."""

    def format_message(self, log_entry):
        data = log_entry.data
        parts = []
        if data.get("revision"):
            parts.append(f"第{data['revision']}次提交")
        if data.get("node"):
            parts.append(f"组织“{data['node']}”")
        if data.get("volunteer_number"):
            parts.append(f"注册义工号{data['volunteer_number']}")
        if data.get("reason"):
            parts.append(f"原因：{data['reason']}")
        return f"{self.label}（{'，'.join(parts)}）" if parts else self.label


class SubmitFormatter(DecisionFormatter):
    def format_message(self, log_entry):
        message = super().format_message(log_entry)
        return f"{message}，公众自助提交" if log_entry.data.get("public") else message


def _formatter(base, text):
    return type(f"{base.__name__}_{text}", (base,), {"label": text})


@hooks.register("register_log_actions")
def register_registry_log_actions(actions):
    for model in (OrgNode, Volunteer, Membership, OrgApplication):
        actions.register_model(model, RegistryLogEntry)
    for action, formatter in (
        ("registry.transfer", TransferFormatter),
        ("registry.grant", GrantFormatter),
        ("registry.revoke", RevokeFormatter),
        ("registry.move_node", MoveNodeFormatter),
        ("registry.reveal_id_number", RevealFormatter),
        ("registry.end_membership", EndMembershipFormatter),
        ("registry.change_role", ChangeRoleFormatter),
        (BULK_REGISTER_ACTION, BulkRegisterFormatter),
        (BULK_EXPORT_ACTION, RosterExportFormatter),
        ("registry.application_submit", _formatter(SubmitFormatter, "提交申请")),
        (
            "registry.application_resubmit",
            _formatter(SubmitFormatter, "修改后重新提交申请"),
        ),
        ("registry.application_approve", _formatter(DecisionFormatter, "申请审核通过")),
        (
            "registry.application_reject",
            _formatter(DecisionFormatter, "申请审核不符合"),
        ),
        ("registry.registration_submit", _formatter(SubmitFormatter, "提交注册登记")),
        (
            "registry.registration_resubmit",
            _formatter(SubmitFormatter, "修改后重新提交登记"),
        ),
        (
            "registry.registration_approve",
            _formatter(DecisionFormatter, "登记审核通过"),
        ),
        (
            "registry.registration_reject",
            _formatter(DecisionFormatter, "登记审核不符合"),
        ),
    ):
        actions.register_action(action)(formatter)
