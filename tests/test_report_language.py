"""The daily report in the reader's language: a Chinese-reading caregiver's report in the app, and a
skill's section given in both languages or as plain text (docs/care/daily_report.md, "Languages")."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest

from assistant.report import DailyReport, html_document, report_body, summary_text
from assistant.report.model import SkillSection
from assistant.skill_loader import SkillClass
from skills.medication import Medication, MedicationSettings
from skills.safety import Safety, SafetySettings
from skills.sdk import Chart, Panel, ReportSection, ReportTable, Series, Words
from skills.vitals import Vitals, VitalsSettings
from tests.appkit import app_hub, browser, sign_in
from tests.test_app_person import a_week_of_grandma, household

AT = datetime(2026, 1, 5, 9, 30, tzinfo=timezone.utc)


def _report(*sections: tuple[str, ReportSection]) -> DailyReport:
    return DailyReport(person="grandma", name="Margaret", day=date(2026, 1, 5), timezone="Europe/London",
                       home_name="Flat 1", generated_at=AT, complete=True,
                       sections=[SkillSection(skill, section) for skill, section in sections])


SLEEP = ReportSection(
    {"en": "Sleep", "zh": "睡眠"}, 250, summary=({"en": "Slept 7 h.", "zh": "睡了7小时。"},),
    facts=(({"en": "hours slept", "zh": "睡眠时长"}, 7),),
    tables=(ReportTable(({"en": "time", "zh": "时间"}, Words("what", zh="情况")), (("06:30", {"en": "woke", "zh": "醒来"}),)),),
    timeline=((AT, {"en": "woke up", "zh": "醒来了"}),), has_data=True)
DIARY = ReportSection("Diary", 260, summary=("Wrote in the diary.",), facts=(("entries", 1),), has_data=True)


def text_of(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_a_section_given_in_both_languages_shows_the_readers_words():
    report = _report(("sleep", SLEEP), ("diary", DIARY))
    chinese = report_body(report, language="zh-CN", charts={})
    assert "<h2>睡眠</h2>" in chinese and "<th>时间</th>" in chinese and "<th>情况</th>" in chinese
    assert '<th scope="row">睡眠时长</th><td>7</td>' in chinese and "<td>醒来</td>" in chinese
    assert "Sleep" not in chinese and "睡了7小时。" in summary_text(report, "zh-CN")
    # A section in plain text still shows, as it is, on a Chinese report.
    assert "<h2>Diary</h2>" in chinese and '<th scope="row">entries</th><td>1</td>' in chinese
    assert "Wrote in the diary." in summary_text(report, "zh-CN")
    # English is what it was.
    english = report_body(report, charts={})
    assert "<h2>Sleep</h2>" in english and "<h2>Diary</h2>" in english and "睡" not in english
    assert "Slept 7 h. Wrote in the diary." in summary_text(report)


def test_an_empty_chinese_day_names_the_sections_in_chinese():
    quiet = ReportSection({"en": "Sleep", "zh": "睡眠"}, 250, empty={"en": "No sleep.", "zh": "没有睡眠记录。"})
    report = _report(("sleep", quiet))
    assert summary_text(report, "zh-CN") == "2026年1月5日 星期一没有记录到Margaret的活动、睡眠或警报。"
    assert summary_text(report) == "No activity, sleep or alerts were recorded for Margaret on Monday 5 January 2026."
    page = html_document(report, language="zh-CN", charts={})
    assert '<html lang="zh-CN">' in page and "<h1>每日报告：Margaret，2026年1月5日 星期一</h1>" in page
    assert "没有睡眠记录。" in page and "没有发出警报。" in page


@pytest.mark.parametrize("bad", [{}, {"en": 1}, ["Sleep"], 3])
def test_a_section_refuses_text_that_is_not_text(bad):
    with pytest.raises(TypeError, match="must be text"):
        ReportSection(bad)


def test_words_are_the_english_text_and_carry_the_chinese():
    title = Words("Sleep", zh="睡眠")
    assert title == "Sleep" and ReportSection(title).title == "Sleep"
    assert "<h2>睡眠</h2>" in report_body(_report(("sleep", ReportSection(title, has_data=True))), language="zh",
                                         charts={})


def test_a_chart_in_chinese_is_drawn():
    chart = Chart({"en": "sleep", "zh": "睡眠"}, (Panel({"en": "Depth", "zh": "深度"}, "", (
        Series({"en": "depth", "zh": "深度"}, ((AT, 1.0), (AT.replace(hour=10), 2.0))),)),))
    report = _report(("sleep", ReportSection("Sleep", charts=(chart,), has_data=True)))
    page = report_body(report, language="zh-CN")
    assert 'src="data:image/png;base64,' in page and 'alt="睡眠"' in page


async def test_a_chinese_reading_caregiver_reads_the_report_in_chinese(tmp_path):
    skills = [SkillClass(skill, cls, "test", settings) for skill, cls, settings in (
        ("safety", Safety, SafetySettings()), ("vitals", Vitals, VitalsSettings()),
        ("medication", Medication, MedicationSettings()))]
    async with app_hub(tmp_path, household(tmp_path), skills=skills) as (hub, clock, base), browser() as bea:
        await a_week_of_grandma(hub)
        await sign_in(bea, hub, clock, base, "bea")
        async with bea.get(f"{base}/app/people/grandma/report") as resp:
            assert resp.status == 200
            page = await resp.text()
    text = text_of(page)
    for heading in ("活动", "生命体征", "用药", "警报", "时间线"):
        assert f"<h2>{heading}</h2>" in page, heading
    assert "Margaret最早在08:00活动，最后一次活动在08:52（截至目前）。走了2,234步。front door打开了1次。" in text
    assert "心率 112 次/分；血氧饱和度 95 %；血压 128/80 mmHg。NEWS2 最高评分 3（低），在 09:52。" in text
    assert "用药：4 剂中已服 1 剂，漏服 1 剂，未观察到（carehub 当时关闭） 1 剂，待服 1 剂。没有警报。" in text
    assert "08:00 water pill 漏服：已在 09:00 通知照护者" in text
    assert "front door打开了" in text and "Daily report" not in text and "Activity" not in text
    assert "报告正文为英文" not in text
