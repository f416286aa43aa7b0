"""The caregiver app over HTTP: signing in and out, the inbox, an alert's page, its actions, anti-forgery
tokens, other families' alerts, both languages and the audit trail (docs/caregiver-app.md)."""

from __future__ import annotations

import asyncio
import sqlite3

from tests.appkit import app_hub, browser, csrf_of, new_link, sign_in


def rows_of(db, sql: str, args=()) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


async def test_a_one_time_link_signs_a_phone_in_with_a_strict_http_only_cookie(tmp_path):
    async with app_hub(tmp_path) as (hub, clock, base), browser() as http:
        code = await new_link(hub, clock, "anna")
        async with http.get(f"{base}/app/sign-in/{code}", allow_redirects=False) as resp:
            page = await resp.text()
            # A link preview or a prefetcher only sees a button: the code is still unspent.
            assert resp.status == 200 and "<form method=\"post\"" in page and "Set-Cookie" not in resp.headers
            assert "This link signs this phone in as Anna. It works once." in page  # whose link it is
        async with http.post(f"{base}/app/sign-in/{code}", allow_redirects=False) as resp:
            assert resp.status == 303 and resp.headers["Location"] == "/app/"
            cookie = resp.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
        async with http.get(f"{base}/app/") as resp:
            assert resp.status == 200 and "Signed in as Anna" in await resp.text()
            assert str(resp.url) == f"{base}/app/"  # no secret left in the address
        async with browser() as other:
            async with other.post(f"{base}/app/sign-in/{code}", allow_redirects=False) as resp:
                assert resp.status == 400 and "used already" in await resp.text()
            async with other.get(f"{base}/app/sign-in/{code}", allow_redirects=False) as resp:
                assert resp.status == 400 and "used already" in await resp.text()  # said before any tap
    db = tmp_path / "log.db"
    assert rows_of(db, "SELECT COUNT(*) FROM app_sign_in_links WHERE code_hash = ?", (code,)) == [(0,)]
    assert code.encode() not in db.read_bytes()  # only its hash is kept
    signed = rows_of(db, "SELECT json_extract(data, '$.holder') FROM events WHERE kind = 'app_signed_in'")
    assert signed == [("anna",)]


async def test_an_expired_link_and_an_expired_session_sign_nobody_in(tmp_path):
    async with app_hub(tmp_path) as (hub, clock, base), browser() as http:
        stale = await new_link(hub, clock, "anna", hours=1)
        await sign_in(http, hub, clock, base, "anna")
        await clock.advance(2 * 3600)
        async with browser() as other:
            async with other.post(f"{base}/app/sign-in/{stale}", allow_redirects=False) as resp:
                assert resp.status == 400 and "expired" in await resp.text()
        async with http.get(f"{base}/app/") as resp:
            assert resp.status == 200  # the session lasts thirty days
        await clock.advance(31 * 24 * 3600)
        async with http.get(f"{base}/app/") as resp:
            assert resp.status == 401 and "not signed in" in await resp.text()


async def test_pages_need_a_session_and_sign_out_ends_it(tmp_path):
    async with app_hub(tmp_path) as (hub, clock, base), browser() as http:
        alert_id = await hub.alerts.raise_alert(kind="sos", priority="high", person="grandma", message="SOS")
        for path in ("/app/", f"/app/alerts/{alert_id}", "/app/stream"):
            async with http.get(base + path) as resp:
                assert resp.status == 401, path
        async with http.post(f"{base}/app/alerts/{alert_id}/ack") as resp:
            assert resp.status in (401, 403)
        csrf = await sign_in(http, hub, clock, base, "anna")
        async with http.post(f"{base}/app/sign-out") as resp:
            assert resp.status == 403  # signing out is a change too: it needs the page's token
        async with http.post(f"{base}/app/sign-out", data={"csrf": csrf}) as resp:
            assert resp.status == 200
        async with http.get(f"{base}/app/") as resp:
            assert resp.status == 401
    assert rows_of(tmp_path / "log.db", "SELECT COUNT(*) FROM app_sessions") == [(0,)]
    assert len(rows_of(tmp_path / "log.db", "SELECT id FROM events WHERE kind = 'app_signed_out'")) == 1


async def test_an_acknowledgement_without_the_sessions_token_is_refused(tmp_path):
    async with app_hub(tmp_path) as (hub, clock, base), browser() as anna, browser() as bea:
        alert_id = await hub.alerts.raise_alert(kind="sos", priority="high", person="grandma", message="SOS")
        csrf = await sign_in(anna, hub, clock, base, "anna")
        beas = await sign_in(bea, hub, clock, base, "bea")
        assert csrf != beas
        ack = f"{base}/app/alerts/{alert_id}/ack"
        for presented in ({}, {"csrf": "x" * 43}, {"csrf": beas}):
            async with anna.post(ack, data=presented) as resp:
                assert resp.status == 403, presented
        async with anna.post(ack, data={"csrf": csrf}, headers={"Origin": "http://evil.example"}) as resp:
            assert resp.status == 403
        assert (await hub.alerts.get(alert_id)).status.value == "open"
        async with anna.post(ack, data={"csrf": csrf}, allow_redirects=False) as resp:
            assert resp.status == 303 and resp.headers["Location"] == f"/app/alerts/{alert_id}"
        alert = await hub.alerts.get(alert_id)
        assert (alert.status.value, alert.acked_by, alert.acked_via) == ("acknowledged", "anna", "app")
        # The second caregiver sees who took it on.
        async with bea.get(f"{base}/app/alerts/{alert_id}") as resp:
            page = await resp.text()
        assert "Anna 正在处理" in page and "Anna 于" in page
    acks = rows_of(tmp_path / "log.db", "SELECT json_extract(data, '$.by'), json_extract(data, '$.via') FROM events "
                                        "WHERE kind = 'alert_acknowledged'")
    assert acks == [("anna", "app")]


async def test_another_familys_caregiver_cannot_see_or_act_on_an_alert(tmp_path):
    async with app_hub(tmp_path) as (hub, clock, base), browser() as tom:
        alert_id = await hub.alerts.raise_alert(kind="sos", priority="high", person="grandma",
                                                message="Margaret pressed SOS")
        leo = await hub.alerts.raise_alert(kind="left_zone", priority="medium", person="leo", message="Leo left school")
        csrf = await sign_in(tom, hub, clock, base, "tom")
        async with tom.get(f"{base}/app/") as resp:
            inbox = await resp.text()
        assert leo in inbox and alert_id not in inbox and "Margaret" not in inbox
        async with tom.get(f"{base}/app/alerts/{alert_id}") as resp:
            page = await resp.text()  # the same page as for no alert at all: nothing about whom it concerns
            assert resp.status == 404 and "No such alert" in page and "grandma" not in page and "Margaret" not in page
        for action in ("ack", "on-my-way", "resolve", "seen"):
            async with tom.post(f"{base}/app/alerts/{alert_id}/{action}", data={"csrf": csrf}) as resp:
                assert resp.status == 403, action
        async with tom.get(f"{base}/app/stream") as stream:
            from tests.appkit import next_alert

            first = await next_alert(stream)
            assert first["id"] == leo
            await hub.alerts.raise_alert(kind="fall", priority="high", person="grandma", message="fall")
            await hub.alerts.raise_alert(kind="late", priority="medium", person="leo", message="Leo is late")
            second = await next_alert(stream)
            assert "Leo is late" in second["html"]
        assert (await hub.alerts.get(alert_id)).status.value == "open"


async def test_on_my_way_and_resolved_carry_a_note_into_the_alerts_history(tmp_path):
    async with app_hub(tmp_path) as (hub, clock, base), browser() as http:
        alert_id = await hub.alerts.raise_alert(kind="sos", priority="high", person="grandma", message="SOS")
        csrf = await sign_in(http, hub, clock, base, "anna")
        async with http.post(f"{base}/app/alerts/{alert_id}/on-my-way",
                             data={"csrf": csrf, "note": "there in 10 minutes"}) as resp:
            assert resp.status == 200
        assert (await hub.alerts.get(alert_id)).acked_by == "anna"
        async with http.post(f"{base}/app/alerts/{alert_id}/resolve", data={"csrf": csrf, "note": "x" * 501}) as resp:
            assert resp.status == 400 and "note: longer than 500" in await resp.text()
        async with http.post(f"{base}/app/alerts/{alert_id}/resolve",
                             data={"csrf": csrf, "note": "she slipped, no injury"}) as resp:
            page = await resp.text()
        alert = await hub.alerts.get(alert_id)
        assert alert.status.value == "resolved" and alert.resolve_reason == "anna in the app: she slipped, no injury"
        assert "Anna: on my way. there in 10 minutes" in page and "Anna wrote: she slipped, no injury" in page
    responses = rows_of(tmp_path / "log.db", "SELECT json_extract(data, '$.response'), json_extract(data, '$.note') "
                                             "FROM events WHERE kind = 'alert_responded' ORDER BY id")
    assert responses == [("on_my_way", "there in 10 minutes"), ("resolved", "she slipped, no injury")]


async def test_each_view_of_an_alert_is_an_event_and_shown_on_the_alert(tmp_path):
    async with app_hub(tmp_path) as (hub, clock, base), browser() as http:
        alert_id = await hub.alerts.raise_alert(kind="sos", priority="high", person="grandma", message="SOS")
        await sign_in(http, hub, clock, base, "anna")
        async with http.get(f"{base}/app/alerts/{alert_id}") as resp:
            assert resp.status == 200
        async with http.get(f"{base}/app/alerts/{alert_id}") as resp:
            page = await resp.text()
        assert page.count("Anna looked at this alert.") == 2
        views = await hub.reader.rows(kind="person_data_viewed", person="grandma")
    assert len(views) == 2 and views[0]["data"]["alert_id"] == alert_id and views[0]["data"]["viewer"] == "caregiver:anna"


async def test_the_page_is_in_the_caregivers_language_and_the_homes_time_zone(tmp_path):
    async with app_hub(tmp_path) as (hub, clock, base), browser() as bea:
        await hub.alerts.raise_alert(kind="sos", priority="high", person="grandma",
                                     message={"en": "Margaret pressed SOS", "zh": "Margaret 按下了求助按钮"})
        await sign_in(bea, hub, clock, base, "bea")
        async with bea.get(f"{base}/app/") as resp:
            page = await resp.text()
    assert '<html lang="zh-CN">' in page and "紧急" in page and "Margaret 按下了求助按钮" in page
    assert ">10:00</time>" in page  # 10:00 UTC on 2 March is 10:00 in London (no summer time yet)


async def test_a_notification_link_with_a_token_signs_in_and_drops_the_token(tmp_path):
    async with app_hub(tmp_path) as (hub, clock, base), browser() as http:
        alert_id = await hub.alerts.raise_alert(kind="sos", priority="high", person="grandma", message="SOS")
        token = hub.alerts.tokens.token_for("anna")
        link = hub.alerts.tokens.ack_link(alert_id, "anna")  # what her notification carries
        assert link.endswith(f"/app/alerts/{alert_id}?token={token}")
        async with http.get(f"{base}/app/alerts/{alert_id}?token={token}", allow_redirects=False) as resp:
            assert resp.status == 303 and resp.headers["Location"] == f"/app/alerts/{alert_id}"
        async with http.get(f"{base}/app/alerts/{alert_id}") as resp:
            assert resp.status == 200 and csrf_of(await resp.text())


async def test_static_files_ship_with_the_package(tmp_path):
    async with app_hub(tmp_path) as (hub, clock, base), browser() as http:
        async with http.get(f"{base}/", allow_redirects=False) as resp:  # the hub's address opens the app
            assert resp.status == 302 and resp.headers["Location"] == "/app/"
        async with http.get(f"{base}/app/static/app.js") as resp:
            assert resp.status == 200 and "EventSource" in await resp.text()
        async with http.get(f"{base}/app/static/..%2fpages.py") as resp:
            assert resp.status == 404
        await asyncio.sleep(0)
