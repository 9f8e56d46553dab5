"""The web master's warm-up (renda/core/warmup.py, gunicorn.conf.py): every project template
compiles, and nothing is read from the database before the workers are forked."""

import runpy
from pathlib import Path

import pytest
from django.conf import settings

from renda.core.warmup import project_template_names, warm_up


@pytest.mark.django_db
def test_every_project_template_compiles_without_a_query(django_assert_num_queries):
    names = project_template_names()
    assert {"base.html", "deputies/list.html", "proposals/statistics.html"} <= set(names)
    with django_assert_num_queries(0):
        assert warm_up() == len(names)  # a template that does not compile is one fewer


def test_gunicorn_loads_the_app_in_the_master_and_warms_it_up(monkeypatch):
    config = runpy.run_path(str(Path(settings.BASE_DIR) / "gunicorn.conf.py"))
    assert config["preload_app"] is True
    logged = []

    class Server:
        class log:
            @staticmethod
            def info(message, *args):
                logged.append(message % args)

    monkeypatch.setattr("renda.core.warmup.warm_up", lambda: 7)
    config["when_ready"](Server)
    assert logged == ["Warmed up: 7 templates compiled"]


def test_a_worker_takes_a_connection_only_when_it_is_free(monkeypatch):
    """Waiting requests queue in one line for the first free worker: a worker accepts no more
    connections than it has threads and closes each after its answer."""
    monkeypatch.setenv("WEB_THREADS", "3")
    config = runpy.run_path(str(Path(settings.BASE_DIR) / "gunicorn.conf.py"))
    assert config["worker_class"] == "gthread"
    assert config["worker_connections"] == config["threads"] == 3
    assert config["keepalive"] == 0
