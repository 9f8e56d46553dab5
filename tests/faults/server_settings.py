"""Settings for app servers and workers the fault and load tests start: production settings,
with plain static storage so no collectstatic manifest is needed."""

from renda.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
