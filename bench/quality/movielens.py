"""MovieLens-100K: loading, the leave-last-out split, and the builder's input.

Every rating counts as one implicit interaction. Per user, interactions are
ordered by timestamp, ties broken by file order; the last one is the test
item, the one before it the validation item, and the rest is training.

Ids on the ondevice side are prefixed ("u196", "m242") so that they can never
be mistaken for numbers by any CSV or JSON reader along the way.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

#: MovieLens genre labels that carry no information; dropped from categories.
IGNORED_GENRES = {"unknown"}

#: Event kind written for every interaction (ratings are views, implicitly).
EVENT_KIND = "view"

#: Release years before this are written as an unknown published_at: the
#: builder's timestamps start at the Unix epoch.
EARLIEST_PUBLISHED_YEAR = 1970


@dataclass(frozen=True)
class Interaction:
    user: str
    item: str
    timestamp: int  # seconds since the epoch, as in the .inter file
    order: int  # position in the file, the tie-breaker


@dataclass(frozen=True)
class Movie:
    id: str
    title: str
    year: int | None
    genres: tuple[str, ...]  # category ids, e.g. ("action", "sci-fi")


@dataclass
class Split:
    """Per user, the interactions in time order, cut into three parts."""

    train: dict[str, list[Interaction]]
    validation: dict[str, Interaction]
    test: dict[str, Interaction]

    def history(self, mode: str) -> dict[str, list[Interaction]]:
        """The training history for an evaluation mode.

        For "test" the validation item joins the training history; for
        "validation" it is held out (and the test item is never seen).
        """
        if mode == "test":
            return {u: h + [self.validation[u]] for u, h in self.train.items()}
        if mode == "validation":
            return {u: list(h) for u, h in self.train.items()}
        raise ValueError(f"mode: unknown mode {mode!r}; allowed: 'test', 'validation'")

    def targets(self, mode: str) -> dict[str, Interaction]:
        if mode == "test":
            return self.test
        if mode == "validation":
            return self.validation
        raise ValueError(f"mode: unknown mode {mode!r}; allowed: 'test', 'validation'")


def _header_names(header: list[str]) -> list[str]:
    # Atomic-file headers look like "user_id:token"; keep the name only.
    return [h.split(":", 1)[0] for h in header]


def read_interactions(path: Path) -> list[Interaction]:
    with open(path, newline="", encoding="utf-8") as f:
        rows = csv.reader(f, delimiter="\t")
        names = _header_names(next(rows))
        col = {n: names.index(n) for n in ("user_id", "item_id", "timestamp")}
        out = []
        for order, row in enumerate(rows):
            out.append(
                Interaction(
                    user="u" + row[col["user_id"]],
                    item="m" + row[col["item_id"]],
                    timestamp=int(float(row[col["timestamp"]])),
                    order=order,
                )
            )
    return out


def genre_id(label: str) -> str:
    """"Sci-Fi" -> "sci-fi", "Children's" -> "childrens", "Film-Noir" -> "film-noir"."""
    return "".join(c for c in label.lower() if c.isalnum() or c == "-")


def read_movies(path: Path) -> list[Movie]:
    with open(path, newline="", encoding="utf-8") as f:
        rows = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        names = _header_names(next(rows))
        col = {n: names.index(n) for n in ("item_id", "movie_title", "release_year", "class")}
        out = []
        for row in rows:
            year = row[col["release_year"]]
            genres = [g for g in row[col["class"]].split() if g.lower() not in IGNORED_GENRES]
            out.append(
                Movie(
                    id="m" + row[col["item_id"]],
                    title=row[col["movie_title"]],
                    # The file has one year spelled "unkonwn"; treat any non-year as unknown.
                    year=int(year) if year.isdigit() else None,
                    genres=tuple(genre_id(g) for g in genres),
                )
            )
    return out


def leave_last_out(interactions: list[Interaction]) -> Split:
    by_user: dict[str, list[Interaction]] = {}
    for x in interactions:
        by_user.setdefault(x.user, []).append(x)
    train, validation, test = {}, {}, {}
    for user, xs in by_user.items():
        if len(xs) < 3:
            raise ValueError(
                f"user {user}: {len(xs)} interactions; the split needs at least 3"
            )
        xs.sort(key=lambda x: (x.timestamp, x.order))
        train[user], validation[user], test[user] = xs[:-2], xs[-2], xs[-1]
    return Split(train=train, validation=validation, test=test)


def _jan_first_ms(year: int | None) -> str:
    # The builder accepts timestamps from 1970 on only; 179 films are older.
    # Their date cannot make them "new" anyway, so they go out as unknown.
    if year is None or year < EARLIEST_PUBLISHED_YEAR:
        return ""
    epoch = dt.datetime(year, 1, 1, tzinfo=dt.timezone.utc)
    return str(int(epoch.timestamp()) * 1000)


def write_events(history: dict[str, list[Interaction]], path: Path, kind: str) -> None:
    """events.csv (`user,item,timestamp,kind`, ms) in time order, file order breaking ties."""
    events = sorted((x for xs in history.values() for x in xs), key=lambda x: (x.timestamp, x.order))
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["user", "item", "timestamp", "kind"])
        for x in events:
            w.writerow([x.user, x.item, x.timestamp * 1000, kind])


def write_builder_input(history: dict[str, list[Interaction]], movies: list[Movie], out_dir: Path) -> dict[str, Path]:
    """Write events.csv, items.csv and categories.csv for the aggregates builder."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {name: out_dir / f"{name}.csv" for name in ("events", "items", "categories")}

    write_events(history, paths["events"], EVENT_KIND)

    with open(paths["items"], "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "title", "categories", "published_at"])
        for m in movies:
            w.writerow([m.id, m.title, "|".join(m.genres), _jan_first_ms(m.year)])

    with open(paths["categories"], "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "label", "sensitive"])
        for g in sorted({g for m in movies for g in m.genres}):
            # No genre is sensitive in this benchmark.
            w.writerow([g, genre_label(g), "false"])
    return paths


def genre_label(genre: str) -> str:
    """Human label for a category id: "sci-fi" -> "Sci-Fi", "childrens" -> "Children's"."""
    special = {"childrens": "Children's"}
    return special.get(genre, "-".join(p.capitalize() for p in genre.split("-")))
