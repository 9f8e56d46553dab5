from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "renda.core"
    label = "core"
    verbose_name = _("Organisation")
    # Read by renda.core.installed_apps: the roles get permissions on its models too (document
    # jobs, the calendar); its catalogue is the project's, with every string no app claims.
    domain_app = True
    catalogue = True
    catalogue_roots = ("renda", "templates", "static/js")
    catalogue_locale = "locale"

    def ready(self):
        from django.core.signals import request_finished, request_started
        from django.db.backends.signals import connection_created

        from . import admin_i18n, converters, records_cache, roles, workcalendar  # noqa: F401 - workcalendar's model

        # Committed writes to the records drop the cached figures (records_cache.py).
        connection_created.connect(records_cache.install, dispatch_uid="records-cache-watch-writes")
        request_started.connect(records_cache.request_started, dispatch_uid="records-cache-request-started")
        request_finished.connect(
            records_cache.request_finished, dispatch_uid="records-cache-request-finished"
        )

        converters.register()  # <id:…> and <year:…> for every app's urls, before they load

        admin_i18n.install()

        # Roles are data; their permissions are (re)synchronised after every migrate so that
        # models added by later apps are covered without a hand-written data migration.
        post_migrate.connect(roles.roles_sync_after_migrate)
        # Every app registers its background documents in <app>/jobs.py.
        autodiscover_modules("jobs")
