"""Activité (#21 item 5): the per-day bar chart, drawn from plain rows, and the tab that
refreshes its figures and its participant list while it is open."""

import datetime
import re

import pytest
from django.urls import reverse

from analysis import activity_chart, views
from tests.factories import CampaignFactory, ParticipationFactory, UserFactory
from tests.utils import text

D = datetime.date


def row(day, total, shared):
    return {"day": D(2026, 9, day), "total": total, "shared": shared}


@pytest.mark.parametrize("top, step", [(1, 1), (5, 1), (6, 2), (10, 2), (11, 5), (25, 5), (26, 10), (38, 10),
                                       (51, 20), (240, 50), (1200, 500)])
def test_the_axis_has_at_most_five_round_steps(top, step):
    assert activity_chart.tick_step(top) == step


@pytest.mark.parametrize("days, filled", [
    ([], []),
    ([row(1, 2, 0)], [row(1, 2, 0)]),
    # The quiet days keep the counts of the day before.
    ([row(1, 2, 0), row(4, 5, 3)], [row(1, 2, 0), row(2, 2, 0), row(3, 2, 0), row(4, 5, 3)]),
])
def test_every_day_between_the_first_and_the_last_is_drawn(days, filled):
    assert activity_chart.every_day(days) == filled


def test_the_bars_stand_on_the_baseline_scaled_to_the_top_tick():
    chart = activity_chart.bar_chart([row(1, 4, 0), row(3, 10, 5)], width=340, height=224)

    # Top tick 10 (steps of 2) over 224 - 24 - 8 = 192 px; three days of 100 px each.
    assert [tick.value for tick in chart.ticks] == [0, 2, 4, 6, 8, 10]
    assert chart.ticks[-1].y == 8 and chart.baseline == 200
    first, quiet, last = chart.bars
    assert (first.x, first.width, first.total_height, first.total_y, first.shared_height) == (50, 40, 76.8, 123.2, 0)
    assert first.shared_x == 90 and quiet.total == 4 and quiet.x == 150
    assert (last.total_height, last.shared_height, last.shared_y) == (192, 96, 104)
    assert (chart.first_day, chart.last_day, chart.total, chart.shared) == (D(2026, 9, 1), D(2026, 9, 3), 10, 5)


def test_a_long_campaign_labels_only_a_few_days():
    chart = activity_chart.bar_chart([row(1, 1, 0), row(30, 9, 9)])

    assert len(chart.bars) == 30
    assert sum(bar.labelled for bar in chart.bars) <= activity_chart.MAX_DATE_LABELS and chart.bars[0].labelled


def test_no_activity_no_chart():
    assert activity_chart.bar_chart([]) is None


# --- The tab ---------------------------------------------------------------------------------

@pytest.fixture
def collection(school, teacher):
    return CampaignFactory(organization=school, creator=teacher, name="3e A - Collecte")


def test_the_tab_draws_the_chart_with_a_text_alternative_and_keeps_the_table(client_of, teacher, collection):
    ParticipationFactory(campaign=collection, status="SHARED", user=UserFactory(last_name="Babbage"))
    ParticipationFactory(campaign=collection, status="TO_SHARE", user=UserFactory(last_name="Lovelace"))

    page = text(client_of(teacher).get(reverse("analysis:activity", args=[collection.pk])))

    svg = re.search(r'<svg [^>]*role="img" aria-labelledby="graphique-activite-titre graphique-activite-desc".*?</svg>',
                    page, re.S).group(0)
    assert '<title id="graphique-activite-titre">Activité des participants par jour</title>' in svg
    assert re.search(r"le nombre de participants est passé à 2 et celui des profils reçus à 1\. "
                     r"Le tableau qui suit donne le détail par jour\.", svg)
    assert svg.count('class="pix-chart-total"') == 1 and svg.count('class="pix-chart-shared"') == 1
    table = page[page.index("<caption>Activité des participants par jour</caption>"):]
    assert re.search(r'<th scope="row">\d\d/\d\d/\d{4}</th><td>2</td><td>1</td>', table)


def test_the_list_refreshes_while_nobody_is_answering(client_of, teacher, collection):
    ParticipationFactory(campaign=collection, status="SHARED", user=UserFactory(last_name="Babbage"))
    client = client_of(teacher)

    page = text(client.get(reverse("analysis:activity", args=[collection.pk]), {"status": "SHARED"}))
    poll = re.search(r'<div id="participants-activite" hx-get="\?([^"]+)" hx-trigger="every (\d+)s"', page)
    assert poll.group(1) == "status=SHARED&fragment=liste"
    assert int(poll.group(2)) == views.ACTIVITY_REFRESH_SECONDS

    # Meanwhile a pupil sends his profile, another only joins: the next refresh shows the first.
    ParticipationFactory(campaign=collection, status="SHARED", user=UserFactory(last_name="Hopper"))
    ParticipationFactory(campaign=collection, status="TO_SHARE", user=UserFactory(last_name="Pouzin"))
    fragment = text(client.get(reverse("analysis:activity", args=[collection.pk]),
                               {"status": "SHARED", "fragment": "liste"}, HTTP_HX_REQUEST="true"))
    assert fragment.startswith('<div id="participants-activite"') and "<html" not in fragment
    assert "Babbage" in fragment and "Hopper" in fragment and "Pouzin" not in fragment
    assert "2 participants" in fragment


def test_the_empty_tab_waits_for_the_first_pupil(client_of, teacher, collection):
    page = text(client_of(teacher).get(reverse("analysis:activity", args=[collection.pk])))

    assert re.search(r'<div id="onglet-activite" hx-get="[^"]+" hx-trigger="every \d+s" hx-select="#onglet-activite"',
                     page)


def test_the_list_fragment_of_another_school_is_not_found(client_of, teacher_of_another_school, collection):
    response = client_of(teacher_of_another_school).get(
        reverse("analysis:activity", args=[collection.pk]), {"fragment": "liste"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 404
