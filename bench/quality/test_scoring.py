"""Tests of the metrics, the baselines and the reading of ondevice's output.

Run: bench/quality/.venv/bin/python -m pytest bench/quality
"""

import math

import numpy as np
import pytest

import baselines as bl
import metrics as mt
import ondevice
from run import table


def test_hit_positions_and_per_user_values():
    top = [["a", "b"], [f"x{i}" for i in range(9)] + ["t"], ["y"]]
    pos = mt.hit_positions(top, ["a", "t", "z"])
    assert pos == [[0], [9], []]
    values = mt.per_user(pos)
    assert values["hr"].tolist() == [1.0, 1.0, 0.0]
    assert values["ndcg"].tolist() == pytest.approx([1.0, 1.0 / math.log2(11), 0.0])


def test_several_targets_per_user_normalise_by_the_ideal_list():
    top = [["a", "b", "c"], ["x", "t1", "t2"]]
    targets = [{"c", "z"}, {"t1", "t2", "t3", "t4"}]
    pos = mt.hit_positions(top, targets, k=3)
    assert pos == [[2], [1, 2]]
    values = mt.per_user(pos, targets, k=3)
    ideal2 = 1.0 + 1.0 / math.log2(3)
    ideal3 = ideal2 + 0.5
    assert values["hr"].tolist() == [1.0, 1.0]
    assert values["ndcg"].tolist() == pytest.approx([0.5 / ideal2, (1.0 / math.log2(3) + 0.5) / ideal3])


def test_hit_positions_rejects_long_or_duplicated_lists():
    with pytest.raises(ValueError, match=r"top\[0\]: 11 items"):
        mt.hit_positions([[str(i) for i in range(11)]], ["1"])
    with pytest.raises(ValueError, match=r"top\[0\]: duplicate"):
        mt.hit_positions([["a", "a"]], ["a"])
    with pytest.raises(ValueError, match="2 lists for 1 targets"):
        mt.hit_positions([["a"], ["b"]], ["a"])


def test_bootstrap_interval_contains_the_mean_and_is_reproducible():
    rng = np.random.default_rng(0)
    values = (rng.random(500) < 0.2).astype(float)
    draws = mt.resample_indices(len(values), 1000)
    e = mt.bootstrap(values, draws)
    assert e.lo < e.mean < e.hi
    # About two standard errors each side for a proportion.
    se = math.sqrt(e.mean * (1 - e.mean) / len(values))
    assert e.hi - e.lo == pytest.approx(2 * 1.96 * se, rel=0.15)
    assert mt.bootstrap(values, mt.resample_indices(len(values), 1000)) == e


def test_paired_difference_of_a_model_with_itself_is_exactly_zero():
    values = np.array([1.0, 0.0, 0.5, 0.0])
    draws = mt.resample_indices(4, 1000)
    assert mt.paired_difference(values, values, draws) == mt.Estimate(0.0, 0.0, 0.0)
    better = mt.paired_difference(values + 0.1, values, draws)
    assert better.mean == pytest.approx(0.1) and better.lo == pytest.approx(0.1)
    with pytest.raises(ValueError, match="shapes"):
        mt.paired_difference(values, values[:3], draws)


@pytest.fixture
def small():
    history = {"u2": ["b", "c"], "u1": ["a", "b"], "u3": ["a", "b", "c"], "u10": ["d"]}
    return bl.Interactions.from_history(history, ["a", "b", "c", "d", "e"])


def test_interactions_sort_users_numerically_and_check_items(small):
    assert small.users == ["u1", "u2", "u3", "u10"]
    assert small.matrix.toarray()[0].tolist() == [1, 1, 0, 0, 0]
    with pytest.raises(ValueError, match="history\\[u1\\]: item 'zz' is not in the catalogue"):
        bl.Interactions.from_history({"u1": ["zz"]}, ["a"])
    twice = bl.Interactions.from_history({"u1": ["a", "a"]}, ["a"])
    assert twice.matrix.toarray().tolist() == [[1.0]]


def test_top_k_skips_seen_items_and_breaks_ties_by_catalogue_order(small):
    scores = np.zeros((4, 5))
    scores[:, 4] = 1.0
    top = bl.top_k(scores, small.matrix, small.items, k=3)
    assert top[0] == ["e", "c", "d"]  # "e" scores highest; then the tie in catalogue order
    assert top[3] == ["e", "a", "b"]
    assert all(not set(t) & set(h) for t, h in zip(top, [["a", "b"], ["b", "c"], ["a", "b", "c"], ["d"]]))


def test_popularity_recommends_the_most_popular_unseen_item(small):
    top = bl.recommend(bl.MODELS[0], small, {})
    assert top[1][0] == "a"  # u2 saw b and c; a (2 users) beats d (1 user)
    assert top[3][:2] == ["b", "a"]


def test_ease_follows_co_occurrence_and_ignores_self_similarity(small):
    scores = bl.ease_scores(small.matrix, lam=0.5)
    # u2 saw b and c; every user who saw b and c also saw a.
    assert bl.top_k(scores, small.matrix, small.items, k=1)[1] == ["a"]
    x = small.matrix.toarray()
    b = np.linalg.lstsq(x, scores, rcond=None)[0]
    assert np.allclose(np.diag(b), 0.0, atol=1e-8)


def test_ials_scores_every_user_and_item(small):
    scores = bl.ials_scores(small.matrix, factors=4, regularization=0.1, alpha=1.0, iterations=3)
    assert scores.shape == (4, 5) and np.isfinite(scores).all()


def test_tune_picks_the_best_grid_point(small):
    def scores(x, boost):
        s = np.zeros(x.shape)
        s[:, small.items.index(boost)] = 1.0
        return s

    model = bl.Model("toy", scores, {"boost": ("c", "e", "d")})
    # Boosting "e" puts every user's target first; "c" and "d" leave it lower.
    params, ndcg = bl.tune(model, small, ["e"] * 4, log=lambda _: None)
    assert params == {"boost": "e"}
    assert ndcg == pytest.approx(1.0)
    # A tie goes to the earlier grid point.
    tied = bl.Model("toy", lambda x, tag: scores(x, "e"), {"tag": ("first", "second")})
    assert bl.tune(tied, small, ["e"] * 4, log=lambda _: None)[0] == {"tag": "first"}


def test_read_recommendations_rejects_malformed_lines(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text('{"user": "u1", "items": ["m1", "m2"]}\n\n{"user": "u2", "items": []}\n')
    assert ondevice.read_recommendations(path) == {"u1": ["m1", "m2"], "u2": []}
    path.write_text('{"user": "u1", "items": []}\n{"user": "u1", "items": []}\n')
    with pytest.raises(ValueError, match="r.jsonl:2: user u1 appears twice"):
        ondevice.read_recommendations(path)
    path.write_text('{"user": 1, "items": "m1"}\n')
    with pytest.raises(ValueError, match="r.jsonl:1: expected"):
        ondevice.read_recommendations(path)


def test_ondevice_is_skipped_while_the_package_is_missing(tmp_path, monkeypatch):
    monkeypatch.setattr(ondevice, "PACKAGE_ENTRY", tmp_path / "index.js")
    monkeypatch.setattr(ondevice, "PACKAGE_DIR", tmp_path / "pkg")
    monkeypatch.setattr(ondevice, "REPO_ROOT", tmp_path)
    with pytest.raises(ondevice.Skipped, match="not built yet .missing index.js, pkg"):
        ondevice.check_package()


def test_table_shows_paired_differences_with_signs():
    est = {"mean": 0.1, "lo": 0.05, "hi": 0.15}
    diff = {"mean": -0.02, "lo": -0.04, "hi": 0.001}
    b = {"coverage": 0.5, "popularity": 0.25, "diversity": 0.75, "miscalibration": 1.5, "seen": 0.125}
    results = {"k": 10, "models": {"ondevice": {"hr": est, "ndcg": est, "beyond": b}, "EASE": {"hr": est, "ndcg": est, "beyond": b}},
               "paired": {"EASE": {"hr": diff, "ndcg": diff}}}
    lines = table(results).splitlines()
    assert "NDCG@10" in lines[0]
    assert lines[2].startswith("ondevice") and " - " in lines[2] and "-0.0200" not in lines[2]
    assert "-0.0200 [-0.0400, +0.0010]" in lines[3]
    assert lines[3].split()[-5:] == ["0.500", "0.250", "0.750", "1.500", "0.125"]


def test_beyond_accuracy_figures():
    import beyond

    cats = {"a": ("x",), "b": ("x", "y"), "c": ("z",), "d": ("x",)}
    tops, histories = [["a", "c"], ["b", "d"]], [["a"], ["c"]]
    out = beyond.summarize(tops, histories, cats, n_items=4, popularity={"a": 1.0, "c": 0.5})
    assert out["coverage"] == 1.0
    assert out["popularity"] == pytest.approx((1.0 + 0.5) / 4)
    assert out["diversity"] == pytest.approx((1.0 + 0.5) / 2)  # a|c share nothing; b|d share x of {x, y}
    assert out["seen"] == pytest.approx(1 / 4)
    # User 1 likes only x; the list is half x, half z. User 2 likes only z; the list has no z at all.
    p_x = math.log(1.0 / (0.99 * 0.5 + 0.01))
    p_z = math.log(1.0 / 0.01)
    assert out["miscalibration"] == pytest.approx((p_x + p_z) / 2, abs=1e-6)
