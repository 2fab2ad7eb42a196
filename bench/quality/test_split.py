"""Tests of MovieLens loading, the leave-last-out split and the builder input.

Run: bench/quality/.venv/bin/python -m pytest bench/quality
"""

import csv

import pytest

import movielens as ml

INTER = (
    "user_id:token\titem_id:token\trating:float\ttimestamp:float\n"
    "1\t10\t5\t300\n"
    "1\t11\t3\t100\n"
    "2\t10\t4\t50\n"
    "1\t12\t4\t300\n"  # ties with item 10 at t=300; later in the file, so later in time
    "1\t13\t1\t200\n"
    "2\t11\t4\t60\n"
    "2\t12\t4\t70\n"
)
ITEMS = (
    "item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq\n"
    "10\tUsual Suspects, The\t1995\tCrime Thriller\n"
    "11\tunkonwn\tunkonwn\tunknown\n"
    "12\tAlien\t1979\tAction Horror Sci-Fi\n"
    "13\tLawrence of Arabia\t1962\tChildren's Comedy Drama\n"
)


@pytest.fixture
def files(tmp_path):
    (tmp_path / "ml.inter").write_text(INTER)
    (tmp_path / "ml.item").write_text(ITEMS)
    return tmp_path


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def test_ids_are_prefixed_and_timestamps_parsed(files):
    xs = ml.read_interactions(files / "ml.inter")
    assert [(x.user, x.item, x.timestamp) for x in xs[:2]] == [("u1", "m10", 300), ("u1", "m11", 100)]
    assert [x.order for x in xs] == list(range(7))


def test_movies_lower_case_genres_and_unknown_year(files):
    movies = {m.id: m for m in ml.read_movies(files / "ml.item")}
    assert movies["m12"].genres == ("action", "horror", "sci-fi")
    assert movies["m13"].genres == ("childrens", "comedy", "drama")
    assert movies["m11"].year is None and movies["m11"].genres == ()
    assert movies["m10"].title == "Usual Suspects, The"


def test_last_is_test_and_the_one_before_validation_with_ties_in_file_order(files):
    split = ml.leave_last_out(ml.read_interactions(files / "ml.inter"))
    assert split.test["u1"].item == "m12"
    assert split.validation["u1"].item == "m10"
    assert [x.item for x in split.train["u1"]] == ["m11", "m13"]
    assert (split.validation["u2"].item, split.test["u2"].item) == ("m11", "m12")


def test_history_holds_the_validation_item_only_for_test(files):
    split = ml.leave_last_out(ml.read_interactions(files / "ml.inter"))
    test_items = [x.item for x in split.history("test")["u1"]]
    valid_items = [x.item for x in split.history("validation")["u1"]]
    assert test_items == ["m11", "m13", "m10"]
    assert valid_items == ["m11", "m13"]
    assert split.targets("test")["u1"].item == "m12"
    assert split.targets("validation")["u1"].item == "m10"
    with pytest.raises(ValueError, match="unknown mode 'train'"):
        split.history("train")


def test_a_user_with_two_interactions_is_an_error():
    xs = [ml.Interaction("u9", "m1", 1, 0), ml.Interaction("u9", "m2", 2, 1)]
    with pytest.raises(ValueError, match="user u9: 2 interactions"):
        ml.leave_last_out(xs)


def test_builder_input(files, tmp_path):
    split = ml.leave_last_out(ml.read_interactions(files / "ml.inter"))
    movies = ml.read_movies(files / "ml.item")
    paths = ml.write_builder_input(split.history("validation"), movies, tmp_path / "out")

    events = read_csv(paths["events"])
    assert events[0] == ["user", "item", "timestamp", "kind"]
    # Time order across users, in milliseconds, every one a view.
    assert events[1:] == [
        ["u2", "m10", "50000", "view"],
        ["u1", "m11", "100000", "view"],
        ["u1", "m13", "200000", "view"],
    ]

    items = read_csv(paths["items"])
    assert items[0] == ["id", "title", "categories", "published_at"]
    assert items[1] == ["m10", "Usual Suspects, The", "crime|thriller", "788918400000"]  # 1995-01-01T00:00Z
    assert items[2] == ["m11", "unkonwn", "", ""]
    assert items[3][2:] == ["action|horror|sci-fi", "283996800000"]  # 1979-01-01T00:00Z
    assert items[4][3] == ""  # 1962: before the epoch, which the builder rejects

    categories = read_csv(paths["categories"])
    assert categories[0] == ["id", "label", "sensitive"]
    assert [c[0] for c in categories[1:]] == sorted(c[0] for c in categories[1:])
    assert ["sci-fi", "Sci-Fi", "false"] in categories
    assert ["childrens", "Children's", "false"] in categories
    assert all(c[2] == "false" for c in categories[1:])


def test_genre_ids_and_labels():
    assert ml.genre_id("Film-Noir") == "film-noir"
    assert ml.genre_id("Children's") == "childrens"
    assert ml.genre_label("film-noir") == "Film-Noir"
    assert ml.genre_label("western") == "Western"
