from django.apps import AppConfig


class PdfConfig(AppConfig):
    name = "pdf"
    verbose_name = "打印文件（PDF）"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
