from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = "党员义工服务活动"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import models, public_views

        # The page types route to views that need the models themselves.
        models.ActivityIndexPage.views = public_views
