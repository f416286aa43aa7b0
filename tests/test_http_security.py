"""What an attacker on the home network found, answered: forged browser requests, guessed tokens, bad dates,
private data in health and events, speaking as someone else (docs/security/http.md)."""

from __future__ import annotations

import aiohttp

from assistant.events import UtteranceHeard
from tests.httpkit import role_headers, serving


async def test_a_web_page_cannot_make_the_hub_speak(tmp_path):
    async with serving(tmp_path) as (hub, _, base):
        member = role_headers(hub)["household member"]
        token = member["Authorization"].split()[1]
        say = f"{base}/api/say"
        async with aiohttp.ClientSession() as http:
            # text/plain from another site's page: the request a browser sends without asking first
            async with http.post(say, params={"token": token}, data='{"text": "help me"}',
                                 headers={"Content-Type": "text/plain", "Origin": "http://evil.example"}) as resp:
                assert resp.status == 403 and "Origin" in (await resp.json())["error"]
            async with http.post(say, params={"token": token}, data='{"text": "help me"}',
                                 headers={"Content-Type": "text/plain"}) as resp:
                assert resp.status == 403 and "csrf" in (await resp.json())["error"]
            async with http.post(say, params={"token": token}, data={"text": "help me"}) as resp:  # a form
                assert resp.status == 403
            async with http.post(say, json={"text": "help me"}, headers={**member, "Origin": "null"}) as resp:
                assert resp.status == 403
            async with http.post(say, json={"text": "help me"},
                                 headers={**member, "Sec-Fetch-Site": "cross-site"}) as resp:
                assert resp.status == 403
        assert await hub.reader.rows(kind="utterance_heard") == []
        async with aiohttp.ClientSession() as http:
            async with http.post(say, json={"text": "hello"}, headers=member) as resp:  # an app or script
                assert resp.status == 200
            async with http.post(say, json={"text": "hello"}, headers={**member, "Origin": base}) as resp:
                assert resp.status == 200  # the hub's own page
            async with http.post(say, data='{"text": "hello"}',
                                 headers={**member, "Content-Type": "text/plain"}) as resp:
                assert resp.status == 415  # a bearer header is no browser's, but the body must say it is JSON


async def test_an_allowed_origin_may_post(tmp_path):
    async with serving(tmp_path, allowed_origins=["https://family.example"]) as (hub, _, base):
        headers = {**role_headers(hub)["household member"], "Origin": "https://family.example"}
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{base}/api/say", json={"text": "hello"}, headers=headers) as resp:
                assert resp.status == 200


async def test_guessing_tokens_is_slowed_to_ten_a_minute_per_address(tmp_path):
    async with serving(tmp_path) as (hub, clock, base):
        admin = role_headers(hub)["admin"]
        async with aiohttp.ClientSession() as http:
            for guess in range(10):
                async with http.get(f"{base}/api/events", headers={"Authorization": f"Bearer guess{guess}"}) as resp:
                    assert resp.status == 401
            async with http.get(f"{base}/api/events", headers={"Authorization": "Bearer guess10"}) as resp:
                assert resp.status == 429 and 1 <= int(resp.headers["Retry-After"]) <= 60
            async with http.get(f"{base}/api/events", headers=admin) as resp:
                assert resp.status == 429  # not even the right token is tried until the minute is over
            async with http.get(f"{base}/api/events") as resp:
                assert resp.status == 401  # no token is no guess
            await clock.advance(61)
            async with http.get(f"{base}/api/events", headers=admin) as resp:
                assert resp.status == 200


async def test_acknowledging_is_rate_limited(tmp_path):
    async with serving(tmp_path, acks_per_minute=3) as (hub, clock, base):
        anna = role_headers(hub)["caregiver of this person"]
        alert_id = await hub.alerts.raise_alert(kind="sos", priority="high", person="grandma", message="SOS")
        url = f"{base}/api/alerts/{alert_id}/ack"
        async with aiohttp.ClientSession() as http:
            statuses = []
            for _ in range(4):
                async with http.post(url, headers=anna) as resp:
                    statuses.append(resp.status)
                    retry = resp.headers.get("Retry-After")
            assert statuses == [200, 200, 200, 429] and retry is not None
            await clock.advance(60)
            async with http.post(url, headers=anna) as resp:
                assert resp.status == 200


async def test_bad_report_dates_are_400_with_a_reason(tmp_path):
    async with serving(tmp_path) as (hub, _, base):
        anna = role_headers(hub)["caregiver of this person"]
        async with aiohttp.ClientSession() as http:
            for day, words in [("9999-12-31", "not a day with a report"), ("0001-01-01", "not a day with a report"),
                               ("2026-03-03", "not a day with a report"), ("2026-02-30", "not a date"),
                               ("yesterday", "not a date")]:
                async with http.get(f"{base}/api/reports/grandma/{day}", headers=anna) as resp:
                    assert resp.status == 400, day
                    assert words in (await resp.json())["error"], day
            async with http.get(f"{base}/api/reports/grandma/2026-03-02", headers=anna) as resp:
                assert resp.status == 200


async def test_health_tells_anyone_only_that_the_hub_is_alive(tmp_path):
    async with serving(tmp_path) as (hub, _, base):
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/api/health") as resp:
                public = await resp.json()
            async with http.get(f"{base}/api/health", headers=role_headers(hub)["admin"]) as resp:
                full = await resp.json()
    assert set(public) == {"status", "version", "uptime_s", "clock", "messages", "broker"}
    assert set(public["clock"]) == {"now", "wall", "speed", "running"}  # how time runs, for a simulator
    assert "flat1" not in str(public) and "log.db" not in str(public)
    assert full["home"] == "flat1" and "event_log" in full


async def test_a_caregiver_reads_only_their_people_and_the_household(tmp_path):
    async with serving(tmp_path) as (hub, _, base):
        await hub.alerts.raise_alert(kind="geofence", priority="high", person="leo", message="Leo left school")
        await hub.alerts.raise_alert(kind="sos", priority="high", person="grandma", message="SOS")
        await hub.alerts.raise_alert(kind="broker_lost", priority="high", message="the hub lost its broker")
        headers = role_headers(hub)
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/api/events", headers=headers["caregiver of this person"]) as resp:
                anna = {e["person"] for e in (await resp.json())["events"]}
            async with http.get(f"{base}/api/events", params={"person": "leo"},
                                headers=headers["caregiver of this person"]) as resp:
                assert resp.status == 403
            async with http.get(f"{base}/api/events", headers=headers["household member"]) as resp:
                dad = {e["person"] for e in (await resp.json())["events"]}
            async with http.get(f"{base}/api/devices", headers=headers["caregiver of this person"]) as resp:
                devices = {d["id"] for d in (await resp.json())["devices"]}
    assert anna == {"grandma", None} and dad == {None}
    assert "leo-watch" not in devices and {"grandma-watch", "living-speaker"} <= devices


async def test_a_member_speaks_only_as_themselves(tmp_path):
    async with serving(tmp_path) as (hub, _, base):
        headers = role_headers(hub)
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{base}/api/say", json={"text": "I'm OK", "person": "grandma"},
                                 headers=headers["household member"]) as resp:
                assert resp.status == 403
            async with http.post(f"{base}/api/say", json={"text": "hello"}, headers=headers["household member"]) as resp:
                assert resp.status == 200
            async with http.post(f"{base}/api/say", json={"text": "hello", "language": "klingon"},
                                 headers=headers["device"]) as resp:
                assert resp.status == 400 and "language" in (await resp.json())["error"]
            async with http.post(f"{base}/api/say", json={"text": "hello"}, headers=headers["device"]) as resp:
                assert resp.status == 200
        heard = await hub.reader.events(UtteranceHeard)
    assert [e.person for e in reversed(heard)] == ["dad", None]  # the living-room speaker is the household's
