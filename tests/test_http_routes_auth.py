"""Every route of the HTTP API against every role: who gets 401, 403 or an answer.

Routes are read from the running app's router, so a route added without a line here fails this test
(and the gate refuses a route added without an access rule).
"""

from __future__ import annotations

import aiohttp

from assistant.http import GATE
from tests.httpkit import role_headers, serving

ROLES = ("none", "wrong token", "caregiver of another person", "caregiver of this person", "household member",
         "device", "admin")
OK, NO_TOKEN, FORBIDDEN, NOT_FOUND, BAD_AUDIO = 200, 401, 403, 404, 400

# Per route, the status for each role in ROLES; every request is about grandma (Anna's, not Tom's).
EXPECTED: dict[tuple[str, str], tuple[int, ...]] = {
    ("GET", "/api/health"): (OK, NO_TOKEN, OK, OK, OK, OK, OK),
    ("GET", "/api/events"): (NO_TOKEN, NO_TOKEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, OK),
    ("GET", "/api/events/{event_id}"): (NO_TOKEN, NO_TOKEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, OK),
    ("GET", "/api/devices"): (NO_TOKEN, NO_TOKEN, OK, OK, OK, FORBIDDEN, OK),
    ("POST", "/api/say"): (NO_TOKEN, NO_TOKEN, FORBIDDEN, FORBIDDEN, OK, OK, OK),
    ("GET", "/api/skills"): (NO_TOKEN, NO_TOKEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, OK),
    ("GET", "/api/alerts"): (NO_TOKEN, NO_TOKEN, OK, OK, FORBIDDEN, FORBIDDEN, OK),
    ("GET", "/api/alerts/{alert_id}/ack"): (NO_TOKEN, NO_TOKEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, OK),
    ("POST", "/api/alerts/{alert_id}/ack"): (NO_TOKEN, NO_TOKEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, OK),
    ("GET", "/api/reports/{person}/{date}"): (NO_TOKEN, NO_TOKEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, OK),
    # The gate lets speakers through; the handler then refuses the few bytes that are not a WAV.
    ("POST", "/api/voice"): (NO_TOKEN, NO_TOKEN, FORBIDDEN, FORBIDDEN, BAD_AUDIO, BAD_AUDIO, BAD_AUDIO),
    # The caregiver app (docs/caregiver-app.md): a browser's session is a caregiver principal like their token.
    ("GET", "/"): (NO_TOKEN, NO_TOKEN, OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("GET", "/app"): (NO_TOKEN, NO_TOKEN, OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("GET", "/app/"): (NO_TOKEN, NO_TOKEN, OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("GET", "/app/stream"): (NO_TOKEN, NO_TOKEN, OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("GET", "/app/alerts/{alert_id}"): (NO_TOKEN, NO_TOKEN, NOT_FOUND, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("POST", "/app/alerts/{alert_id}/ack"): (NO_TOKEN, NO_TOKEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("POST", "/app/alerts/{alert_id}/on-my-way"): (NO_TOKEN, NO_TOKEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("POST", "/app/alerts/{alert_id}/resolve"): (NO_TOKEN, NO_TOKEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("POST", "/app/alerts/{alert_id}/seen"): (NO_TOKEN, NO_TOKEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("GET", "/app/sign-in/{code}"): (400, NO_TOKEN, 400, 400, 400, 400, 400),  # an unknown code, said at once
    # An unknown one-time code signs nobody in, whoever asks.
    ("POST", "/app/sign-in/{code}"): (400, NO_TOKEN, 400, 400, 400, 400, 400),
    ("POST", "/app/sign-out"): (NO_TOKEN, NO_TOKEN, OK, OK, OK, FORBIDDEN, FORBIDDEN),
    ("GET", "/app/static/{name}"): (OK, NO_TOKEN, OK, OK, OK, OK, OK),
    # A person's page: someone else's caregiver, or another member of the household, is told there is none.
    ("GET", "/app/people/{person}"): (NO_TOKEN, NO_TOKEN, NOT_FOUND, OK, NOT_FOUND, FORBIDDEN, FORBIDDEN),
    ("GET", "/app/people/{person}/report"): (NO_TOKEN, NO_TOKEN, NOT_FOUND, OK, NOT_FOUND, FORBIDDEN, FORBIDDEN),
}


async def test_every_route_answers_every_role_as_its_rule_says(tmp_path):
    async with serving(tmp_path, sign_in_failures_per_minute=1000) as (hub, clock, base):
        assert hub.http is not None
        routes = {(r.method, r.resource.canonical) for r in hub.http.app.router.routes() if r.resource is not None}
        assert routes == set(EXPECTED), "a route without a line in EXPECTED (or a line for no route)"
        assert tuple(role_headers(hub)) == ROLES
        alert_id = await hub.alerts.raise_alert(kind="sos", priority="high", person="grandma", message="SOS")
        (event,) = await hub.reader.rows(kind="alert_raised", person="grandma")
        day = clock.now().date().isoformat()
        concrete = {"{event_id}": event["id"], "{alert_id}": alert_id, "{person}": "grandma", "{date}": day,
                    "{code}": "not-a-sign-in-code", "{name}": "app.css"}
        query = {"/api/events": "?person=grandma"}
        bodies = {"/api/say": {"json": {"text": "what is the weather"}},
                  "/api/voice": {"data": b"ID3 not audio", "headers": {"Content-Type": "audio/wav"}}}
        got: dict[tuple[str, str], tuple[int, ...]] = {}
        async with aiohttp.ClientSession() as http:
            for method, path in sorted(EXPECTED):
                url = path
                for placeholder, value in concrete.items():
                    url = url.replace(placeholder, value)
                statuses = []
                for headers in role_headers(hub).values():
                    body = dict(bodies.get(path, {}))
                    sent = {**headers, **body.pop("headers", {})}
                    async with http.request(method, base + url + query.get(path, ""), headers=sent, **body) as resp:
                        statuses.append(resp.status)
                got[(method, path)] = tuple(statuses)
    wrong = {route: dict(zip(ROLES, got[route])) for route in EXPECTED if got[route] != EXPECTED[route]}
    assert wrong == {}, "expected " + repr({r: dict(zip(ROLES, EXPECTED[r])) for r in wrong})


async def test_a_route_without_a_rule_serves_no_one(tmp_path):
    async with serving(tmp_path) as (hub, _, base):
        assert hub.http is not None
        rules = hub.http.app[GATE].rules
        assert all(rule.anyone or rule.roles for rule in rules.values())
        del rules[("GET", "/api/skills")]
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/api/skills", headers=role_headers(hub)["admin"]) as resp:
                assert resp.status == 403 and "no access rule" in (await resp.json())["error"]
