"""The indicators page's numbers, words and trend maths, without a window."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from locality.domain.vocabulary import Direction, TargetKind
from locality.services.indicators import Indicator, Measurement
from locality.ui.indicators.trend import date_span, trend_points, value_span
from locality.ui.indicators.wording import links_html, summary_text

NOW = datetime(2009, 1, 1, tzinfo=UTC)


def _indicator(kind: TargetKind, **values: object) -> Indicator:
    fields: dict[str, object] = {
        "id": uuid.uuid4(),
        "version": 1,
        "name": "Repeat incidents",
        "description": "",
        "unit": "%",
        "direction": Direction.LOWER_IS_BETTER,
        "target_kind": kind,
        "baseline_value": 40.0,
        "baseline_on": date(2008, 4, 1),
        "target_value": 30.0,
        "target_on": date(2009, 3, 31),
        "need_id": None,
        "need_title": "",
        "action_id": None,
        "action_title": "",
        "measurement_count": 0,
        "latest_value": None,
        "latest_on": None,
        "actual_value": None,
        "percent_to_target": None,
        "created_at": NOW,
        "updated_at": NOW,
    }
    fields.update(values)
    return Indicator(**fields)  # type: ignore[arg-type]


def _measured(day: date, value: float) -> Measurement:
    return Measurement(uuid.uuid4(), 1, uuid.uuid4(), day, value, "", NOW, NOW)


def test_a_cumulative_trend_plots_the_running_total() -> None:
    measurements = [_measured(date(2008, 6, 1), 5), _measured(date(2008, 9, 1), 7)]
    assert trend_points(_indicator(TargetKind.CUMULATIVE), measurements) == [
        (date(2008, 6, 1), 5),
        (date(2008, 9, 1), 12),
    ]
    assert trend_points(_indicator(TargetKind.PERIODIC), measurements)[1] == (date(2008, 9, 1), 7)


def test_the_chart_spans_baseline_target_and_measurements_and_is_never_a_sliver() -> None:
    measurements = [_measured(date(2008, 6, 1), 5)]
    assert date_span(_indicator(TargetKind.PERIODIC), measurements) == (date(2008, 4, 1), date(2009, 3, 31))
    alone = _indicator(TargetKind.PERIODIC, baseline_on=None, target_on=None)
    assert date_span(alone, measurements) == (date(2008, 5, 17), date(2008, 6, 16))
    assert value_span([10.0, 20.0]) == (9.0, 21.0)
    assert value_span([50.0]) == (45.0, 55.0)
    assert value_span([0.0]) == (-1.0, 1.0)


def test_the_summary_and_links_say_how_it_stands_and_what_it_evidences() -> None:
    indicator = _indicator(TargetKind.PERIODIC, actual_value=35.0, off_track=True, track_note="behind the plan")
    assert summary_text(indicator).splitlines() == [
        f"{Direction.LOWER_IS_BETTER.value}; {TargetKind.PERIODIC.value.lower()} target.",
        "Baseline 40% (01/04/2008); target 30% (31/03/2009); actual 35%.",
        "Off track: behind the plan.",
    ]
    assert links_html(indicator) == "Not linked to a need or an action: edit the indicator to link it."
    need = uuid.uuid4()
    linked = links_html(_indicator(TargetKind.PERIODIC, need_id=need, need_title="Fear & crime <2009>"))
    assert linked == f'Evidences the need <a href="need:{need}">Fear &amp; crime &lt;2009&gt;</a>'
