from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "义工注册管理"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.urls import register_converter

        from .pks import PKConverter

        # Before the URLconf is loaded: every id in a registry or roster URL.
        register_converter(PKConverter, "pk")

        # Registered here rather than in wagtail_hooks: a policy looked up before
        # the hooks are imported would freeze Wagtail's model-level fallback.
        from wagtail.permissions import register_permission_policy

        from .models import (
            CreationAction,
            ExpectedServiceArea,
            Membership,
            OrgNode,
            ServiceCategory,
            TargetGroup,
            Volunteer,
        )
        from .permissions import (
            CataloguePermissionPolicy,
            MembershipPermissionPolicy,
            OrgNodePermissionPolicy,
            VolunteerPermissionPolicy,
        )

        register_permission_policy(OrgNode, OrgNodePermissionPolicy(OrgNode))
        register_permission_policy(Volunteer, VolunteerPermissionPolicy(Volunteer))
        register_permission_policy(Membership, MembershipPermissionPolicy(Membership))
        for model in (
            ServiceCategory,
            TargetGroup,
            ExpectedServiceArea,
            CreationAction,
        ):
            register_permission_policy(model, CataloguePermissionPolicy(model))
