"""Access roles of the registry, defined once as sets of OrgNode permission codenames.

A role is granted on an org node through guardian's direct-FK permission models and
covers that node's whole subtree (see registry.selectors). Roles nest: every codename
of 查看 is in 信息管理员, and every codename of 信息管理员 is in 管理员.
"""

from dataclasses import dataclass

VIEW_REGISTRY = "view_registry"
EDIT_VOLUNTEERS = "edit_volunteers"
DELETE_VOLUNTEERS = "delete_volunteers"
REVEAL_ID_NUMBER = "reveal_id_number"
MANAGE_NODE = "manage_node"
MANAGE_GRANTS = "manage_grants"

# Used as OrgNode.Meta.permissions; labels appear in Django's permission lists.
PERMISSIONS = [
    (VIEW_REGISTRY, "查看本组织及下级组织的注册资料"),
    (EDIT_VOLUNTEERS, "录入和修改义工及成员关系"),
    (DELETE_VOLUNTEERS, "删除义工及成员关系记录"),
    (REVEAL_ID_NUMBER, "查看完整身份证号码"),
    (MANAGE_NODE, "管理组织（新建、修改、移动、删除下级组织）"),
    (MANAGE_GRANTS, "为本组织及下级组织分配权限"),
]
CODENAMES = frozenset(codename for codename, _label in PERMISSIONS)


@dataclass(frozen=True)
class Role:
    key: str
    label: str
    codenames: frozenset[str]
    description: str

    def __str__(self):
        return self.label


ADMIN = Role(
    key="admin",
    label="管理员",
    codenames=CODENAMES,
    description="管理本组织及下级组织、成员和权限",
)
INFO_MANAGER = Role(
    key="info_manager",
    label="信息管理员",
    # Needs the full ID number to check entries against the ID card.
    codenames=frozenset({VIEW_REGISTRY, EDIT_VOLUNTEERS, REVEAL_ID_NUMBER}),
    description="录入和修改本组织及下级组织的义工资料",
)
VIEWER = Role(
    key="viewer",
    label="查看",
    codenames=frozenset({VIEW_REGISTRY}),
    description="只读查看本组织及下级组织的资料；电话和身份证号码脱敏显示",
)

# Highest first: a codename set is reported as the first role it fully contains.
ROLES = (ADMIN, INFO_MANAGER, VIEWER)
ROLES_BY_KEY = {role.key: role for role in ROLES}


def get_role(role):
    """Accept a Role or its key; raise ValueError for anything else."""
    if isinstance(role, Role):
        return role
    try:
        return ROLES_BY_KEY[role]
    except KeyError:
        raise ValueError(f"未知的角色：{role!r}") from None


def role_for_codenames(codenames):
    """The highest role whose codenames are all in ``codenames``, or None."""
    codenames = set(codenames)
    for role in ROLES:
        if role.codenames <= codenames:
            return role
    return None
