"""Settings for app servers and workers the fault and load tests start: production settings,
with plain static storage so no collectstatic manifest is needed."""

from django.conf import global_settings

from renda.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Users the tests create carry the suite's fast hash (tests/conftest.py).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    *global_settings.PASSWORD_HASHERS,
]
