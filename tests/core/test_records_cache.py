"""The records cache (renda/core/records_cache.py) and its template tag {% records_fragment %}:
an answer is served from the cache until the next committed write to the records, for the same
user, township choice, address, day and language only; a fragment holding a form to post is
served with the page's own tokens; inside a transaction with its own writes everything is live."""

import re
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from renda.core import records_cache
from renda.core.access import Access
from tests.factories import DeputyFactory

FRAGMENT = Template(
    '{% load records %}{% records_fragment "test" extra %}{{ counter.next }}{{ form|safe }}{% endrecords_fragment %}'
)


class Counter:
    def __init__(self):
        self.n = 0

    def next(self):
        self.n += 1
        return self.n


def _render(counter, *, user=None, path="/list/", extra="", form="", selected=None, csrf=""):
    request = RequestFactory().get(path)
    request.user = user or AnonymousUser()
    request.access = Access(request.user, selected_township_id=selected)
    context = {"request": request, "counter": counter, "extra": extra, "form": form, "csrf_token": csrf}
    return FRAGMENT.render(Context(context))


@pytest.mark.django_db(transaction=True)
def test_a_fragment_is_served_from_the_cache_until_a_committed_write(township, secretary, chair):
    counter = Counter()
    assert _render(counter, user=secretary) == "1"
    assert _render(counter, user=secretary) == "1"  # not rendered again
    assert _render(counter, user=chair) == "2"  # another user
    assert _render(counter, user=secretary, path="/list/?page=2") == "3"  # another address
    assert _render(counter, user=secretary, extra="x") == "4"  # another part
    assert _render(counter, user=secretary, selected=township.pk) == "5"  # another township picked
    DeputyFactory(township=township)  # a committed write: a new generation
    assert _render(counter, user=secretary) == "6"
    assert _render(counter, user=secretary) == "6"


@pytest.mark.django_db(transaction=True)
def test_writes_outside_the_records_keep_the_cache(township, secretary):
    counter = Counter()
    assert _render(counter, user=secretary) == "1"
    secretary.last_login = timezone.now()
    secretary.save(update_fields=["last_login"])  # a login: bookkeeping
    assert _render(counter, user=secretary) == "1"


@pytest.mark.django_db(transaction=True)
def test_a_fragment_with_forms_to_post_is_served_with_this_pages_tokens(secretary):
    """The CSRF token and each form's submission token are unique to one rendering: a fragment
    served from the cache carries the page's CSRF token and a new submission token per form."""
    counter = Counter()

    def forms(csrf):
        one = f'<input type="hidden" name="csrfmiddlewaretoken" value="{csrf}">'
        return f'{one}<input type="hidden" name="submission_token" value="{uuid.uuid4()}">' * 2

    first_csrf, second_csrf = "a" * 64, "b" * 64
    first = _render(counter, user=secretary, form=forms(first_csrf), csrf=first_csrf)
    second = _render(counter, user=secretary, form=forms(second_csrf), csrf=second_csrf)
    assert first.startswith("1") and second.startswith("1")  # the second from the cache
    assert first.count(first_csrf) == 2 and second_csrf not in first
    assert second.count(second_csrf) == 2 and first_csrf not in second
    submissions = [re.findall(r'name="submission_token" value="([^"]+)"', page) for page in (first, second)]
    assert all(len(tokens) == 2 for tokens in submissions)
    assert len({str(uuid.UUID(token)) for tokens in submissions for token in tokens}) == 4


def test_inside_a_transaction_with_its_own_writes_fragments_are_live(township, secretary):
    """pytest-django runs this test in one transaction that never commits."""
    counter = Counter()
    DeputyFactory(township=township)
    assert _render(counter, user=secretary) == "1"
    assert _render(counter, user=secretary) == "2"


@pytest.mark.django_db(transaction=True)
def test_remember_computes_once_per_generation(township):
    calls = []

    def compute():
        calls.append(1)
        return {"n": len(calls)}

    assert records_cache.remember("kind", (1, [2]), compute) == {"n": 1}
    assert records_cache.remember("kind", (1, [2]), compute) == {"n": 1}
    assert records_cache.remember("kind", (1, [3]), compute) == {"n": 2}
    DeputyFactory(township=township)
    assert records_cache.remember("kind", (1, [2]), compute) == {"n": 3}


@pytest.mark.django_db(transaction=True)
def test_an_answer_computed_across_a_commit_is_not_kept(township):
    """A write that commits while the answer is computed makes it stale: it is not stored."""
    calls = []

    def compute():
        calls.append(1)
        if len(calls) == 1:
            DeputyFactory(township=township)
        return len(calls)

    assert records_cache.remember("kind", (), compute) == 1
    assert records_cache.remember("kind", (), compute) == 2
    assert records_cache.remember("kind", (), compute) == 2


@pytest.mark.django_db(transaction=True)
def test_a_role_changed_takes_effect_on_the_next_request(township, secretary, client_for):
    """The backend keeps a user's groups and permissions in the records cache: a committed
    change of role drops them, and the pages cached for the user with them."""
    from django.contrib.auth.models import Group

    from renda.core import roles

    client = client_for(secretary)
    secretary_label = str(roles.ROLE_LABELS[roles.SECRETARY])
    assert secretary_label in client.get("/").content.decode()
    assert client.get("/deputies/").wsgi_request.user.has_perm("deputies.add_deputy")
    secretary.groups.set([Group.objects.get(name=roles.REVIEWER)])
    html = client.get("/").content.decode()
    assert str(roles.ROLE_LABELS[roles.REVIEWER]) in html and secretary_label not in html
    assert not client.get("/deputies/").wsgi_request.user.has_perm("deputies.add_deputy")


@pytest.mark.django_db(transaction=True)
def test_off_without_a_shared_cache(settings, secretary):
    """Without Redis (a per-process memory cache) another process's write could not drop what
    this one keeps: the records cache is off unless RECORDS_CACHE asks for it."""
    settings.RECORDS_CACHE = False
    counter = Counter()
    assert _render(counter, user=secretary) == "1"
    assert _render(counter, user=secretary) == "2"
    assert records_cache.cache_key("kind", ()) is None


@pytest.mark.django_db(transaction=True)
def test_a_fragment_of_a_page_answering_a_post_is_rendered_every_time(secretary):
    """A refused form shown again carries what was typed: nothing of that page is kept."""
    counter = Counter()
    for expected in ("1", "2"):
        request = RequestFactory().post("/list/")
        request.user = secretary
        request.access = Access(secretary)
        assert FRAGMENT.render(Context({"request": request, "counter": counter})) == expected
    assert _render(counter, user=secretary) == "3"  # the page asked for (GET) is kept
    assert _render(counter, user=secretary) == "3"


@pytest.mark.django_db(transaction=True)
def test_the_generation_is_read_once_a_request(secretary):
    """A request's fragments are of one generation (as one fragment would be); the next request,
    or a write committed by the request itself, reads it again."""
    counter = Counter()
    records_cache.request_started()
    try:
        assert _render(counter, user=secretary) == "1"
        cache.set(records_cache.generation_key(), "another-process-committed", None)
        assert _render(counter, user=secretary) == "1"  # this request's generation
        records_cache.invalidate()  # a write of its own
        assert _render(counter, user=secretary) == "2"
    finally:
        records_cache.request_finished()
    cache.set(records_cache.generation_key(), "another-process-committed", None)
    assert _render(counter, user=secretary) == "3"  # outside a request: read every time


@pytest.mark.django_db(transaction=True)
def test_each_database_has_its_own_generation(township):
    """Two installations on one Redis server: the generation (and so every key) is per database."""
    from django.db import connection

    here_key, here = records_cache.generation_key(), records_cache.cache_key("kind", ())
    name = connection.settings_dict["NAME"]
    try:
        connection.settings_dict["NAME"] = name + "_other"
        elsewhere_key, elsewhere = records_cache.generation_key(), records_cache.cache_key("kind", ())
    finally:
        connection.settings_dict["NAME"] = name
    assert here_key != elsewhere_key
    assert here is not None and elsewhere is not None
    assert here.split(":")[1] != elsewhere.split(":")[1]


@pytest.mark.django_db(transaction=True)
def test_on_redis_an_answer_is_kept_in_one_round_trip_only_while_its_generation_holds(
    redis_url, settings, township
):
    """With Redis, `store` compares the generation and sets the answer in one step (set_if)."""
    settings.CACHES = {
        "default": {"BACKEND": "renda.core.cache.RedisCache", "LOCATION": redis_url, "KEY_PREFIX": "t"}
    }
    from django.core.cache import cache as redis_cache

    redis_cache.clear()
    assert redis_cache.set_if("k", {"a": 1}, 60, when=("gen", "x")) is False
    redis_cache.set("gen", "x", None)
    assert redis_cache.set_if("k", {"a": 1}, 60, when=("gen", "x")) is True
    assert redis_cache.get("k") == {"a": 1}
    assert redis_cache.set_if("k", {"a": 2}, 60, when=("gen", "y")) is False
    assert redis_cache.get("k") == {"a": 1}

    key = records_cache.cache_key("kind", ())
    records_cache.store(key, "kept")
    assert redis_cache.get(key) == "kept"
    stale = records_cache.cache_key("kind", ("other",))
    DeputyFactory(township=township)  # a committed write: a new generation
    records_cache.store(stale, "stale")
    assert redis_cache.get(stale) is None
