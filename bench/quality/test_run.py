"""End-to-end test of run.py on a tiny made-up dataset.

The builder is replaced by a function that writes the item list as the
catalogue, and the package by testdata/fake_package.mjs, so this checks the
driver and the replay plumbing, not ondevice's quality.

Run: bench/quality/.venv/bin/python -m pytest bench/quality
"""

import csv
import json
import shutil
from pathlib import Path

import pytest

import baselines
import ondevice
import run

HERE = Path(__file__).resolve().parent
FAKE_PACKAGE = HERE / "testdata" / "fake_package.mjs"
N_USERS, N_ITEMS = 12, 30


def write_dataset(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    lines = ["user_id:token\titem_id:token\trating:float\ttimestamp:float"]
    for u in range(1, N_USERS + 1):
        for j in range(5):  # each user sees five items, one day apart
            lines.append(f"{u}\t{(3 * u + j) % N_ITEMS + 1}\t4\t{880000000 + 86400 * j}")
    (data_dir / "ml-100k.inter").write_text("\n".join(lines) + "\n")
    items = ["item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq"]
    items += [f"{i}\tMovie {i}\t{1990 + i % 10}\tDrama" for i in range(1, N_ITEMS + 1)]
    (data_dir / "ml-100k.item").write_text("\n".join(items) + "\n")


def fake_builder(inputs, out, builder=None, log=print, weights=None):
    with open(inputs["items"], newline="") as f:
        ids = [row["id"] for row in csv.DictReader(f)]
    out.write_text(json.dumps({"items": ids}))
    return out


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    write_dataset(tmp_path / "ml-100k")
    monkeypatch.setattr(run, "DATA_DIR", tmp_path / "ml-100k")
    monkeypatch.setattr(run, "WORK_DIR", tmp_path / "work")
    monkeypatch.setattr(run, "fetch", lambda: None)
    monkeypatch.setattr(ondevice, "build_catalogue", fake_builder)
    small_ials = {"factors": (2,), "regularization": (0.1,), "alpha": (1.0,), "iterations": (2,)}
    models = tuple(
        baselines.Model(m.name, m.scores, small_ials) if m.name == "iALS" else m for m in baselines.MODELS
    )
    monkeypatch.setattr(baselines, "MODELS", models)
    return tmp_path


@pytest.mark.skipif(shutil.which("node") is None, reason="node is needed for replay.mjs")
@pytest.mark.parametrize("mode", ["test", "validation"])
def test_run_scores_ondevice_and_baselines(tiny, mode, capsys):
    out = tiny / "results.json"
    argv = ["--package", str(FAKE_PACKAGE), "--out", str(out)] + (["--validation"] if mode == "validation" else [])
    assert run.main(argv) == 0
    results = json.loads(out.read_text())
    assert results["mode"] == mode and results["users"] == N_USERS
    assert list(results["models"]) == ["ondevice", "popularity", "co-occurrence", "EASE", "iALS"]
    assert set(results["paired"]) == {"popularity", "co-occurrence", "EASE", "iALS"}
    summary = results["ondevice"]["replay"]
    assert summary["failedUsers"] == 0 and summary["rejected"] == 0
    assert summary["replayed"] == N_USERS * (3 if mode == "validation" else 4)
    for name, m in results["models"].items():
        assert 0.0 <= m["hr"]["lo"] <= m["hr"]["mean"] <= m["hr"]["hi"] <= 1.0
        b = m["beyond"]
        assert 0.0 < b["coverage"] <= 1.0 and 0.0 <= b["diversity"] <= 1.0 and b["miscalibration"] >= 0.0
        # The baselines never recommend a training item; the fake package excludes nothing.
        assert (b["seen"] == 0.0) == (name != "ondevice"), name
    # Each paired difference is ondevice minus the baseline, in that order.
    ours = results["models"]["ondevice"]
    for name, diff in results["paired"].items():
        for metric in ("hr", "ndcg"):
            expected = ours[metric]["mean"] - results["models"][name][metric]["mean"]
            assert diff[metric]["mean"] == pytest.approx(expected, abs=1e-5)
    assert len({m["ndcg"]["mean"] for m in results["models"].values()}) > 1, "the data must tell models apart"
    assert "ondevice - model" in capsys.readouterr().out


def test_run_without_the_package_skips_ondevice_only(tiny, monkeypatch):
    monkeypatch.setattr(ondevice, "PACKAGE_ENTRY", tiny / "absent" / "index.js")
    monkeypatch.setattr(ondevice, "PACKAGE_DIR", tiny / "absent" / "pkg")
    monkeypatch.setattr(ondevice, "REPO_ROOT", tiny / "absent")
    out = tiny / "results.json"
    assert run.main(["--out", str(out)]) == 0
    results = json.loads(out.read_text())
    assert results["ondevice"]["status"] == "skipped"
    assert "not built yet" in results["ondevice"]["reason"]
    assert list(results["models"]) == ["popularity", "co-occurrence", "EASE", "iALS"] and results["paired"] == {}


def test_a_named_package_that_does_not_exist_is_an_error(tiny):
    with pytest.raises(FileNotFoundError, match="--package: .*nowhere.mjs does not exist"):
        run.main(["--package", str(tiny / "nowhere.mjs"), "--out", str(tiny / "r.json")])


def test_a_named_builder_that_does_not_exist_is_an_error(tmp_path):
    inputs = {k: tmp_path / f"{k}.csv" for k in ("events", "items", "categories")}
    with pytest.raises(FileNotFoundError, match="--builder: .*nowhere does not exist"):
        ondevice.build_catalogue(inputs, tmp_path / "c.json", tmp_path / "nowhere", log=lambda _: None)
