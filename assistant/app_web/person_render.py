"""The person page and the daily report in the app, as HTML at phone width: pure functions from a
``PersonView`` (or a ``DailyReport``) and the reader to page text. Everything shown is escaped here."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from html import escape

from assistant.alerts.model import Alert
from assistant.app_web.person_data import DayTrend, DeviceView, Moment, News2, PersonView, Reading
from assistant.app_web.render import Reader, alert_row, footer, header, page, sort_alerts
from assistant.app_web.sparkline import sparkline
from assistant.app_web.strings import family, kind_name
from assistant.app_web.usual import USUAL, judge, shown
from assistant.report import DailyReport, report_body

VITALS = ("heart_rate", "spo2", "systolic", "temperature", "respiration_rate", "skin_temp")
"""The vital signs in the order the page shows them (``systolic`` is the blood pressure, diastolic beside)."""
BANDS = ("low", "low-medium", "medium", "high")
LOW_BATTERY = 20
"""Percent at or below which a battery is called low."""


def _e(text: object) -> str:
    return escape(str(text))


def _section(key: str, title: str, body: str) -> str:
    return f'<section id="{key}" aria-labelledby="{key}-title"><h2 id="{key}-title">{_e(title)}</h2>{body}</section>'


def _facts(rows: list[tuple[str, str]]) -> str:
    """Label and value pairs; values are already HTML."""
    return '<dl class="facts">' + "".join(f"<dt>{_e(label)}</dt><dd>{value}</dd>" for label, value in rows) + "</dl>"


def _time(when: datetime, reader: Reader) -> str:
    return f'<time datetime="{when.isoformat()}">{_e(reader.time(when))}</time>'


# -- now -----------------------------------------------------------------------------------------------------


def _now(view: PersonView, alerts: list[Alert], reader: Reader, alert_links: bool) -> str:
    w = reader.words
    if view.last_seen is not None:
        device = reader.config.device(view.last_device) if view.last_device else None
        where = ""
        if device is not None:
            where = " · " + _e(w["p_by"].format(room=device.room, device=device.display_name) if device.room
                               else device.display_name)
        seen = _time(view.last_seen, reader) + where
    else:
        seen = _e(w["p_not_seen"])
    rows = [(w["p_last_seen"], seen)]
    for wearable in (d for d in view.devices if d.kind == "wearable"):
        worn = {True: w["p_worn"], False: w["p_not_worn"], None: w["p_worn_unknown"]}[wearable.worn]
        rows.append((wearable.name, _e(worn)))
    batteries = [f"{_e(d.name)}: {_battery(d, reader)}" for d in view.devices if d.battery is not None]
    if batteries:
        rows.append((w["p_battery"], "<br>".join(batteries)))
    if alerts:
        on_her_page = dataclasses.replace(reader, people=())  # no link back to the page it is on
        items = "".join(alert_row(a, on_her_page) if alert_links else f'<li class="alert p-{a.priority.value}">'
                        f'{_e(a.message(reader.language))}</li>' for a in sort_alerts(alerts))
        open_alerts = f'<ul class="inbox">{items}</ul>'
    else:
        open_alerts = f'<p class="empty">{_e(w["p_no_open_alerts"])}</p>'
    return _facts(rows) + f'<h3>{_e(w["p_open_alerts"])}</h3>{open_alerts}'


def _battery(device: DeviceView, reader: Reader) -> str:
    assert device.battery is not None
    level = f"{device.battery:.0f}"
    if device.battery <= LOW_BATTERY:
        return f'<strong class="warn">{_e(reader.words["p_battery_low"].format(level=level))}</strong>'
    return _e(f"{level} %")


# -- today ---------------------------------------------------------------------------------------------------


def _today(view: PersonView, reader: Reader) -> str:
    w = reader.words
    doses = view.doses
    medication = _e(w["p_doses"].format(**doses)) if any(doses.values()) else _e(w["p_no_doses"])
    if doses["missed"]:
        medication = f'<strong class="warn">{medication}</strong>'
    if view.check_in is not None:
        at, answer, mood = view.check_in
        check_in = _e(w["p_check_in_answer"].format(answer=answer, when=reader.time(at)))
        if mood in ("good", "worrying", "unclear"):
            check_in += f' · <span class="mood-{mood}">{_e(w["mood_" + mood])}</span>'
    else:
        check_in = _e(w["p_no_check_in"])
    rows = [(w["p_medication"], medication), (w["p_check_in"], check_in)]
    if view.steps is not None:
        rows.append((w["p_steps"], _e(w["p_steps_value"].format(steps=f"{view.steps:,}"))))
    if view.timeline:
        items = "".join(f"<li>{_time(m.at, reader)} {_e(moment_text(m, reader))}</li>" for m in view.timeline)
        timeline = f'<ol class="timeline">{items}</ol>'
    else:
        timeline = f'<p class="empty">{_e(w["p_nothing_today"])}</p>'
    return _facts(rows) + f'<h3>{_e(w["p_timeline"])}</h3>{timeline}'


def moment_text(moment: Moment, reader: Reader) -> str:
    """One line of today's timeline in the reader's words."""
    values = dict(moment.values)
    if "alert_kind" in values:
        values["alert_kind"] = kind_name(values["alert_kind"], reader.language)
    text = reader.words["t_" + moment.what].format(**values)
    return f"{text} {reader.words['p_times'].format(count=moment.count)}" if moment.count > 1 else text


# -- vitals --------------------------------------------------------------------------------------------------


def _vitals(view: PersonView, reader: Reader) -> str:
    w = reader.words
    items = [_vital(view.vitals[name], reader) for name in VITALS if name in view.vitals]
    readings = f'<ul class="vitals">{"".join(items)}</ul>' if items else f'<p class="empty">{_e(w["p_no_vitals"])}</p>'
    return readings + _news2(view.news2, reader)


def _vital(reading: Reading, reader: Reader) -> str:
    """``Heart rate 72 bpm · usual 51–90 · within usual``: the range and the verdict in words, not only colour."""
    w, name = reader.words, reading.name
    value = shown(name, reading.value)
    if name == "systolic" and reading.second is not None:
        value += f"/{shown('diastolic', reading.second)}"
    parts = [f'<strong>{_e(value)} {_e(w["u_" + name])}</strong>']
    verdict = judge(name, reading.value)
    if name in USUAL:
        low, high = USUAL[name]
        parts.append(_e(w["p_usual_systolic" if name == "systolic" else "p_usual"].format(low=f"{low:g}",
                                                                                             high=f"{high:g}")))
    if verdict in ("above", "below"):
        parts.append(f'<strong class="flag">{_e(w["p_" + verdict])}</strong>')
    elif verdict == "within":
        parts.append(_e(w["p_in_range"]))
    elif name == "skin_temp":
        parts.append(_e(w["p_no_range"]))
    css = f' class="out {verdict}"' if verdict in ("above", "below") else ""
    return (f'<li{css}><span class="name">{_e(w["v_" + name])}</span> {" · ".join(parts)} '
            f'<span class="meta">{_e(w["p_taken_at"].format(when=reader.time(reading.at)))}</span></li>')


def _news2(score: News2 | None, reader: Reader) -> str:
    """NEWS2 as a band in plain words and what it means for a family: no hospital table."""
    w = reader.words
    title = f'<h3>{_e(w["p_news2"])}</h3>'
    if score is None or score.band not in BANDS:
        return f'<div class="news2">{title}<p class="empty">{_e(w["p_news2_none"])}</p></div>'
    band = w["band_" + score.band]
    line = w["p_news2_band"].format(band=band, score=score.score, when=reader.time(score.at))
    partial = "" if score.complete else f'<p class="meta">{_e(w["p_news2_partial"])}</p>'
    return (f'<div class="news2 band-{score.band}">{title}<p><strong>{_e(line)}</strong></p>'
            f'<p>{_e(w["band_" + score.band + "_means"])}</p>{partial}</div>')


# -- trends --------------------------------------------------------------------------------------------------


def _trends(trend: list[DayTrend], reader: Reader) -> str:
    w = reader.words
    rows = []
    days = [_weekday(t.day, reader) for t in trend]
    for name in VITALS:
        values = [t.vitals.get(name) for t in trend]
        if any(v is not None for v in values):
            rows.append(_trend_row(w["v_" + name], w["u_" + name], values, days, reader, USUAL.get(name), name))
    if any(t.activity for t in trend):
        rows.append(_trend_row(w["p_activity"], w["p_activity_unit"], [float(t.activity) for t in trend], days,
                               reader))
    if any(t.steps for t in trend):
        rows.append(_trend_row(w["p_steps"], "", [float(t.steps) if t.steps is not None else None for t in trend],
                               days, reader))
    if any(t.decided for t in trend):
        rows.append(_trend_row(w["p_adherence"], "%", [100 * t.taken / t.decided if t.decided else None
                                                        for t in trend], days, reader))
    if not rows:
        return f'<p class="empty">{_e(w["p_no_trends"])}</p>'
    return f'<ul class="trends">{"".join(rows)}</ul>'


def _trend_row(label: str, unit: str, values: list[float | None], days: list[str], reader: Reader,
               usual: tuple[float, float] | None = None, vital: str | None = None) -> str:
    def text(value: float | None) -> str:
        if value is None:
            return "–"
        return shown(vital, value) if vital else f"{value:,.0f}"

    said = ", ".join(f"{day} {text(value)}" for day, value in zip(days, values))
    chart = sparkline(values, reader.words["p_trend_label"].format(what=label, values=said), usual=usual)
    latest = next((v for v in reversed(values) if v is not None), None)
    return (f'<li><span class="name">{_e(label)}</span>{chart}'
            f'<span class="latest">{_e(text(latest))} {_e(unit)}</span></li>')


def _weekday(day: date, reader: Reader) -> str:
    if family(reader.language) == "zh":
        return "周" + "一二三四五六日"[day.weekday()]
    return f"{day:%a}"


# -- devices -------------------------------------------------------------------------------------------------


def _devices(devices: list[DeviceView], reader: Reader) -> str:
    w = reader.words
    if not devices:
        return f'<p class="empty">{_e(w["p_no_devices"])}</p>'
    items = []
    for device in devices:
        heard = (_e(w["p_last_heard"].format(when=reader.time(device.last_seen))) if device.last_seen
                 else _e(w["p_never_heard"]))
        state = w.get("state_" + device.state, device.state)
        bits = [f'<strong class="state-{_e(device.state.replace(" ", "-"))}">{_e(state)}</strong>', heard]
        if device.battery is not None:
            bits.append(f'{_e(w["p_battery"])} {_battery(device, reader)}')
        items.append(f'<li><span class="name">{_e(device.name)}</span> {" · ".join(bits)}</li>')
    return f'<ul class="devices">{"".join(items)}</ul>'


# -- the pages -----------------------------------------------------------------------------------------------


def _back(reader: Reader, alert_links: bool) -> str:
    return f'<p><a href="/app/">← {_e(reader.words["back"])}</a></p>' if alert_links else ""


def person_page(view: PersonView, alerts: list[Alert], reader: Reader, *, alert_links: bool = True) -> str:
    """The whole person page; ``alert_links`` when the reader may open alerts (a caregiver)."""
    w = reader.words
    report = (f'<p><a class="button" href="/app/people/{_e(view.person)}/report">'
              f'{_e(w["p_report_today"])}</a></p>')
    body = (f'{header(reader)}{_back(reader, alert_links)}<h2 class="person">{_e(view.name)}</h2>'
            + _section("now", w["p_now"], _now(view, alerts, reader, alert_links))
            + _section("today", w["p_today"], _today(view, reader))
            + _section("vitals", w["p_vitals"], _vitals(view, reader))
            + _section("trends", w["p_trends"], _trends(view.trend, reader))
            + _section("devices", w["p_devices"], _devices(view.devices, reader))
            + report + footer(reader))
    return page(view.name, body, language=reader.language, csrf=reader.csrf)


def _long_day(day: date, reader: Reader) -> str:
    if family(reader.language) == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day:%A} {day.day} {day:%B %Y}"


def report_page(report: DailyReport, reader: Reader, *, today: date, previous: date | None) -> str:
    """The daily report inside the app, all of it in the reader's language (Simplified Chinese or English)."""
    w = reader.words
    base = f"/app/people/{_e(report.person)}"
    title = w["r_title"].format(name=report.name, day=_long_day(report.day, reader))
    steps = []
    if previous is not None:
        steps.append(f'<a href="{base}/report?date={previous.isoformat()}">← {_e(w["r_previous"])}</a>')
    if report.day < today:
        following = date.fromordinal(report.day.toordinal() + 1)
        steps.append(f'<a href="{base}/report?date={following.isoformat()}">{_e(w["r_next"])} →</a>')
    body = (f'{header(reader)}<p><a href="{base}">← {_e(w["p_back_person"].format(name=report.name))}</a></p>'
            f'<h2>{_e(title)}</h2><nav class="days">{" ".join(steps)}</nav>'
            f'<article class="report">{report_body(report, language=reader.language)}</article>{footer(reader)}')
    return page(title, body, language=reader.language, csrf=reader.csrf)
