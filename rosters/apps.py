from django.apps import AppConfig


class RostersConfig(AppConfig):
    name = "rosters"
    verbose_name = "名册导入导出"
    default_auto_field = "django.db.models.BigAutoField"
