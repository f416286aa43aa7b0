"""The scam guard's cue catalogue (skills/scam_guard/cues/*.yaml): a malformed entry is refused at load with its file
and entry, a new cue is YAML only, and every cue family is exercised by the labelled samples."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from skills.scam_guard.catalogue import CUES_DIR, CatalogueError, load_catalogue
from skills.scam_guard.rules import CUES, assess
from skills.scam_guard.samples import load_dev_samples, load_samples

DOC = Path(__file__).resolve().parents[1] / "docs" / "care" / "scam_guard.md"


def entry(data: dict[str, Any], section: str, entry_id: str) -> dict[str, Any]:
    return next(item for item in data[section] if item["id"] == entry_id)


def changed(tmp_path: Path, changes: dict[str, Callable[[dict[str, Any]], Any]]) -> Path:
    """A copy of the catalogue with ``changes[file](data)`` applied to the named files."""
    directory = tmp_path / "cues"
    shutil.copytree(CUES_DIR, directory)
    for name, change in changes.items():
        path = directory / name
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return directory


def test_the_packaged_catalogue_loads() -> None:
    catalogue = load_catalogue()
    assert catalogue.cues == CUES and len(CUES) > 50
    assert {"safe_account", "code_request", "legit_disclaimer"} <= set(catalogue.cue_by_id)
    assert catalogue.cue_by_id["authority_police"].group == "authority"
    assert "money_transfer" not in catalogue.cue_by_id["legit_everyday_money"].void_if  # void_if_except
    assert "money_transfer" in catalogue.cue_by_id["legit_disclaimer"].void_if


@pytest.mark.parametrize(("file", "change", "where", "message"), [
    ("03-asks.yaml", lambda d: entry(d, "cues", "code_request")["zh"].__setitem__(1, "(?:验证码|动态码"),
     "code_request.zh[1]", "bad regular expression: missing ), unterminated subpattern"),
    ("03-asks.yaml", lambda d: entry(d, "cues", "safe_account").update(family="safe_acount"),
     "safe_account.family", "unknown family 'safe_acount'"),
    ("04-pressure.yaml", lambda d: entry(d, "cues", "urgency").pop("weight"), "urgency", "missing weight"),
    ("04-pressure.yaml", lambda d: entry(d, "cues", "urgency").update(weight=1.5), "urgency.weight",
     "expected a non-zero number in -1..1, got 1.5"),
    ("03-asks.yaml", lambda d: entry(d, "cues", "crypto").update(lable_en="crypto"), "crypto.lable_en",
     "unknown key"),
    ("03-asks.yaml", lambda d: entry(d, "cues", "code_request")["en"].__setitem__(0, "(?:{ask_verb}) me"),
     "code_request.en[0]", "unknown fragment {ask_verb}"),
    ("11-legitimacy.yaml", lambda d: entry(d, "cues", "legit_no_action").update(weight=0.3), "legit_no_action.weight",
     "signs of legitimacy (and only they) have a negative weight"),
    ("combinations.yaml", lambda d: entry(d, "combinations", "combo_urgency_secrecy")["groups"].__setitem__(
        1, ["secrecy", "isolaton"]), "combo_urgency_secrecy.groups[1]", "unknown cue 'isolaton'"),
    ("combinations.yaml", lambda d: d["sets"]["money"].append("$mony"), "sets.money", "unknown set $mony"),
])
def test_a_malformed_entry_is_refused_naming_its_file_and_entry(
        tmp_path: Path, file: str, change: Callable[[dict[str, Any]], Any], where: str, message: str) -> None:
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(changed(tmp_path, {file: change}))
    (problem,) = caught.value.problems
    assert (problem.file, problem.entry) == (file, where)
    assert message in problem.message
    assert f"{file}: {where}: {message}" in str(caught.value)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    directory = changed(tmp_path, {
        "03-asks.yaml": lambda d: entry(d, "cues", "crypto")["en"].append("bitcoin("),
        "06-health.yaml": lambda d: entry(d, "cues", "health_cure").pop("label_zh"),
    })
    (directory / "12-broken.yaml").write_text("cues: [{id: x, weight: 0.1\n", encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(directory)
    assert [(p.file, p.entry) for p in caught.value.problems] == [
        ("12-broken.yaml", ""), ("03-asks.yaml", "crypto.en[6]"), ("06-health.yaml", "health_cure")]
    assert "not valid YAML" in caught.value.problems[0].message


def test_a_new_cue_is_a_few_lines_of_yaml_as_the_docs_show(tmp_path: Path) -> None:
    doc = DOC.read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", doc[doc.index("## Adding a cue"):], re.S)
    assert example is not None
    directory = tmp_path / "cues"
    shutil.copytree(CUES_DIR, directory)
    (directory / "12-pets.yaml").write_text("cues:\n" + example.group(1), encoding="utf-8")
    catalogue = load_catalogue(directory)
    text = "Your dog needs an operation, please transfer £800 to the vet today."
    assert "pet_in_trouble" in assess(text, catalogue=catalogue).cue_ids
    assert "pet_in_trouble" in assess("您的狗需要手术，请先转账。", catalogue=catalogue).cue_ids
    assert "pet_in_trouble" not in assess(text).cue_ids


@cache
def families_in_samples() -> frozenset[str]:
    """The families of every cue that fires on a development sample (the blind set is left alone)."""
    return frozenset().union(*(assess(s.text, number=s.number, language=s.language,
                                      home_country_code=s.home_country_code).families
                               for s in load_samples() + load_dev_samples()))


@pytest.mark.parametrize("family", sorted({c.family for c in CUES}))
def test_every_cue_family_is_exercised_by_a_sample_message(family: str) -> None:
    assert family in families_in_samples()
