"""Settings for the test suite: the real settings with test-only defaults."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")

from website.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
PRIVATE_ROOT = VAR_DIR / "test-private"  # noqa: F405
# Tests run background tasks in-process, so progress needs no shared cache.
CACHES["progress"] = {  # noqa: F405
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "roster-progress",
}
# django-axes stays on (its backend first, as in production): tests sign in with
# force_login, which skips authenticate(); client.login needs request=HttpRequest().
