"""What a web process would otherwise do on its first requests, done once before it serves any.

gunicorn loads the app in its master process and forks the workers from it (`preload_app`,
gunicorn.conf.py): a worker started, or replaced after `max_requests`, begins with the app
imported, every template of the project compiled (the cached template loader keeps them), the
URL patterns read and the translation catalogues loaded. Without this each new worker spent its
first seconds compiling templates while its clients waited. Nothing here touches the database.
"""

from pathlib import Path

from django.conf import settings
from django.template import TemplateSyntaxError, engines
from django.urls import reverse
from django.utils import translation


def project_template_names() -> list[str]:
    """The names of the project's own templates (not those of installed third-party apps)."""
    engine = engines["django"]
    base = Path(settings.BASE_DIR).resolve()
    names = set()
    for directory in engine.template_dirs:
        root = Path(directory).resolve()
        if not root.is_relative_to(base) or ".venv" in root.parts or not root.is_dir():
            continue
        names.update(path.relative_to(root).as_posix() for path in root.rglob("*.html"))
    return sorted(names)


def warm_up() -> int:
    """Compile the project's templates, read the URL patterns and load every language's
    catalogue; return the number of templates compiled."""
    engine = engines["django"]
    compiled = 0
    for name in project_template_names():
        try:
            engine.get_template(name)
        except TemplateSyntaxError:  # a broken template still fails on the request that uses it
            continue
        compiled += 1
    reverse("home")
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Home")
    return compiled
