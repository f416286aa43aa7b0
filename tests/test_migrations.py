"""migrations: each registered step runs once, in order; applying again is a no-op."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from assistant.migrations import Migrations, migrations


@pytest.fixture
def db():
    db = sqlite_utils.Database(sqlite3.connect(":memory:"))
    yield db
    db.conn.close()


def test_built_in_migrations_apply_once(db):
    assert migrations.pending(db) == ["m001_events", "m002_devices", "m003_skill_store", "m004_alerts", "m005_app_sign_in",
        "m006_home_scoped_skill_store"]
    assert migrations.apply(db) == ["m001_events", "m002_devices", "m003_skill_store", "m004_alerts", "m005_app_sign_in",
        "m006_home_scoped_skill_store"]
    assert migrations.pending(db) == []
    assert migrations.apply(db) == []
    assert {"events", "devices", "_migrations"} <= set(db.table_names())
    assert [r["name"] for r in db["_migrations"].rows] == ["m001_events", "m002_devices", "m003_skill_store", "m004_alerts", "m005_app_sign_in",
        "m006_home_scoped_skill_store"]


def test_built_in_schema(db):
    migrations.apply(db)
    assert set(db["events"].columns_dict) == {
        "id", "ts", "home", "device", "person", "kind", "data", "cause", "dedupe_key"}
    assert db["events"].pks == ["id"]
    assert db["devices"].pks == ["home", "id"]


def test_a_file_of_one_home_keeps_its_skill_state_and_secret_once_rows_name_their_home(db):
    """Skill state took a home column when a worker's partition came to keep all its homes in one file: a file
    written before that (one home's) gives its rows to the home its events name, and its secret to that home."""
    from assistant.alerts.store import AlertStore

    before = Migrations()
    for _name, step in migrations._steps[:5]:  # noqa: SLF001 - the schema as it was
        before(step)
    before.apply(db)
    db.execute("INSERT INTO events (id, ts, home, kind, data) VALUES ('e1', '2026-01-01', 'flat-a', 'x', '{}')")
    db.execute("INSERT INTO skill_store (skill, key, value, updated) VALUES ('notes', 'k', '1', 'now')")
    db.execute("INSERT INTO hub_settings (key, value) VALUES ('secret', 'the-old-secret')")
    db.conn.commit()
    assert migrations.apply(db) == ["m006_home_scoped_skill_store"]
    assert db["skill_store"].pks == ["home", "skill", "key"]
    assert db.execute("SELECT home, skill, key, value FROM skill_store").fetchall() == [("flat-a", "notes", "k", "1")]
    store = AlertStore(Path("unused"), home="flat-a")
    store._connection = db.conn  # noqa: SLF001 - the file opened here
    assert store.secret() == "the-old-secret"
    assert db.execute("SELECT value FROM hub_settings WHERE key = 'secret:flat-a'").fetchall() == [("the-old-secret",)]


def test_new_step_is_pending_then_applied_once(db):
    steps = Migrations()
    calls: list[str] = []

    @steps
    def m001_people(db: sqlite_utils.Database) -> None:
        calls.append("m001_people")
        db["people"].create({"id": str}, pk="id")

    assert steps.apply(db) == ["m001_people"]

    @steps
    def m002_people_name(db: sqlite_utils.Database) -> None:
        calls.append("m002_people_name")
        db["people"].add_column("name", str)

    assert steps.pending(db) == ["m002_people_name"]
    assert steps.apply(db) == ["m002_people_name"]
    assert steps.apply(db) == []
    assert calls == ["m001_people", "m002_people_name"]
    assert set(db["people"].columns_dict) == {"id", "name"}


def test_steps_run_in_registration_order(db):
    steps = Migrations()
    order: list[str] = []
    for name in ("m003_c", "m001_a", "m002_b"):
        def step(db, name=name):
            order.append(name)
        step.__name__ = name
        steps(step)
    steps.apply(db)
    assert order == ["m003_c", "m001_a", "m002_b"]


def test_decorator_returns_the_function(db):
    steps = Migrations()

    def m001(db):
        pass

    assert steps(m001) is m001


def test_failing_step_is_not_recorded_and_later_steps_wait(db):
    steps = Migrations()

    @steps
    def m001_broken(db):
        raise RuntimeError("bad migration")

    @steps
    def m002_after(db):
        db["after"].create({"id": int})

    with pytest.raises(RuntimeError, match="bad migration"):
        steps.apply(db)
    assert steps.pending(db) == ["m001_broken", "m002_after"]
    assert "after" not in db.table_names()


def test_failing_step_leaves_no_trace_and_can_be_retried(db):
    steps = Migrations()
    fail = True

    @steps
    def m001_half_done(db):
        db["half"].create({"id": int})
        if fail:
            raise RuntimeError("crashed half way")

    with pytest.raises(RuntimeError):
        steps.apply(db)
    assert "half" not in db.table_names()
    fail = False
    assert steps.apply(db) == ["m001_half_done"]


def test_a_file_with_every_step_says_so_and_opening_it_again_reads_nothing_more(db):
    migrations.apply(db)
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(migrations.pending(sqlite_utils.Database(
        sqlite3.connect(":memory:"))))
    queries: list[str] = []
    db.conn.set_trace_callback(queries.append)
    assert migrations.apply(db) == []
    assert queries == ["PRAGMA user_version"]


def test_a_new_step_is_applied_to_a_file_that_had_every_earlier_step(db):
    steps = Migrations()

    @steps
    def m001_people(db: sqlite_utils.Database) -> None:
        db["people"].create({"id": str}, pk="id")

    steps.apply(db)

    @steps
    def m002_pets(db: sqlite_utils.Database) -> None:
        db["pets"].create({"id": str}, pk="id")

    assert steps.apply(db) == ["m002_pets"]
    assert db.execute("PRAGMA user_version").fetchone()[0] == 2
