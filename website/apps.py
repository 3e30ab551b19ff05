from django.apps import AppConfig


class WebsiteConfig(AppConfig):
    name = "website"
    verbose_name = "网站"

    def ready(self):
        from website.csp import add_nonce_to_chooser_scripts

        add_nonce_to_chooser_scripts()
