"""docs/reference/ is what ``python -m skills.sdk.reference`` writes from the code now, and leaves nothing blank."""

from __future__ import annotations

from pathlib import Path

import skills.sdk as sdk
from assistant.events import Event
from skills.sdk.reference import COMMAND, PAGES, main, missing_docs, sdk_events

REFERENCE = Path(__file__).resolve().parents[1] / "docs" / "reference"


def test_the_committed_reference_is_up_to_date():
    for name, page in PAGES.items():
        committed = REFERENCE / name
        assert committed.is_file(), f"docs/reference/{name} is missing: run `{COMMAND}` and commit it"
        assert committed.read_text(encoding="utf-8") == page(), (
            f"docs/reference/{name} is out of date with the code: run `{COMMAND}` from the repository root "
            "and commit it")


def test_every_event_a_skill_can_import_is_in_the_reference():
    exported = {obj for obj in (getattr(sdk, name) for name in sdk.__all__)
                if isinstance(obj, type) and issubclass(obj, Event) and obj is not Event}
    assert set(sdk_events()) == exported
    page = PAGES["events.md"]()
    assert [cls.__name__ for cls in exported if f"### `{cls.__name__}`" not in page] == []


def test_the_reference_explains_every_field_and_call():
    """An event field or a ctx call without a docstring would be a blank cell in the reference."""
    assert missing_docs() == []


def test_the_context_reference_says_what_ctx_events_takes_and_returns():
    page = PAGES["skill-context.md"]()
    section = page.split("### `ctx.events()`", 1)[1].split("\n### ", 1)[0]
    assert "await ctx.events(\n    *types: type[E]," in section
    assert ") -> list[E]" in section
    assert "of the event classes `types`, newest first, as a list of those events" in section and "GenericEvent" in section


def test_check_names_the_stale_page_and_the_command_that_refreshes_it(tmp_path, capsys):
    out = tmp_path / "reference"
    assert main(["--check", "--out", str(out)]) == 1
    assert f"is out of date: run `{COMMAND}`" in capsys.readouterr().err
    assert main(["--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(PAGES)
    assert main(["--check", "--out", str(out)]) == 0
    (out / "events.md").write_text("old", encoding="utf-8")
    assert main(["--check", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{out / 'events.md'} is out of date" in err and "skill-context.md" not in err
