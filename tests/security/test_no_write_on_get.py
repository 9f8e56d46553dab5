"""Opening a page writes nothing: settings and categories exist from the township's creation,
and the scoring scheme is created only when an editor saves it."""

from django.apps import apps
from django.db.models import Count

from proposals.models import ProposalCategory, ProposalSettings
from renda.core.models import Township


def _counts():
    return {m._meta.label: m.objects.aggregate(n=Count("pk"))["n"] for m in apps.get_models()}


def test_a_new_township_is_set_up_when_created_not_when_a_page_is_opened(admin_user):
    from django.contrib import admin
    from django.test import RequestFactory

    from renda.core.admin import TownshipAdmin

    township = Township(name="新设镇", code="xinshe", kind=Township.Kind.ZHEN)
    request = RequestFactory().post("/")
    request.user = admin_user
    TownshipAdmin(Township, admin.site).save_model(request, township, None, change=False)
    assert ProposalSettings.objects.filter(township=township).count() == 1
    assert ProposalCategory.objects.filter(township=township).count() == 9


def test_get_pages_of_a_fresh_township_write_no_row(township, secretary, chair, client_for):
    ProposalCategory.objects.filter(township=township).delete()
    ProposalSettings.objects.filter(township=township).delete()
    for user, urls in (
        (secretary, ["/proposals/new/", "/proposals/settings/", "/proposals/"]),
        (chair, [f"/assessments/township/{township.pk}/scheme/2026/"]),
    ):
        client = client_for(user)
        for url in urls:
            before = _counts()
            response = client.get(url)
            assert response.status_code in (200, 302), url
            assert _counts() == before, url
