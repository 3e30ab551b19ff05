from django.apps import AppConfig


class FormsPagesConfig(AppConfig):
    name = "forms_pages"
    verbose_name = "申请与注册表单"
    default_auto_field = "django.db.models.BigAutoField"
