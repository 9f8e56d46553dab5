from django.urls import reverse

from .conftest import YEAR


def test_every_dashboard_chart_with_more_than_one_series_has_a_legend(year_data, reviewer, client_for):
    response = client_for(reviewer).get(reverse("dashboard:index"), {"year": YEAR})
    charts = dict(response.context["charts"])
    assert "chart-structure" in charts
    for key, option in charts.items():
        if len(option["series"]) > 1:
            assert option.get("legend"), key
