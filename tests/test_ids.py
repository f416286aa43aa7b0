"""Short ids for people: what tables show (the shortest unique ending, at least 8 characters) and which
id a part of one names."""

from __future__ import annotations

import pytest

from assistant.errors import AmbiguousId, UnknownId
from assistant.ids import id_part, matches, new_id, short_ids, the_one


def test_ids_made_one_after_the_other_differ_at_their_end_not_their_start():
    ids = [new_id() for _ in range(200)]
    short = short_ids(ids)
    assert all(len(s) == 8 and full.endswith(s) for full, s in short.items())
    assert len(set(short.values())) == len(ids)
    assert len({full[:12] for full in ids}) < len(ids)  # their starts (the time) do repeat


def test_an_ending_shared_with_another_id_grows_until_it_is_unique():
    a, b, c = "0" * 18 + "deadbeef", "1" * 17 + "2deadbeef", "2" * 17 + "3deadbeef"
    assert short_ids([a, b]) == {a: "0deadbeef", b: "2deadbeef"}
    # an id that is not shown still counts: "b" must not be taken for "c"
    assert short_ids([c], others=[b]) == {c: "3deadbeef"}
    assert short_ids([a, a]) == {a: "deadbeef"}
    assert short_ids(["abc"]) == {"abc": "abc"}  # shorter than 8 (not carehub's): shown whole


def test_a_part_of_an_id_is_hex_and_no_longer_than_an_id():
    assert id_part(" 01A2b3 ") == "01a2b3"
    assert id_part("no-such-alert") is None and id_part("") is None and id_part("0" * 27) is None
    full = new_id()
    assert matches(full[:9], full) and matches(full[-8:], full) and matches(full, full)
    assert not matches(full[3:12], full)


def test_the_one_names_every_candidate_or_says_there_is_none():
    assert the_one("event", "beef", ["x1beef", "x1beef"]) == "x1beef"
    with pytest.raises(UnknownId) as unknown:
        the_one("alert", "beef", [])
    assert str(unknown.value) == "no alert with id beef"
    with pytest.raises(AmbiguousId) as ambiguous:
        the_one("event", "01a2", [f"01a2{n}" for n in range(7)])
    assert ambiguous.value.candidates == [f"01a2{n}" for n in range(5)] and ambiguous.value.more
    assert str(ambiguous.value) == ("event id 01a2 is ambiguous: it could be 01a20, 01a21, 01a22, 01a23, 01a24, ...; "
                                    "give more of the id")
