"""Baselines: popularity, item co-occurrence, EASE and iALS, each tuned on the
validation split.

All models score a dense users x items matrix; `top_k` then removes the
items each user interacted with in training and keeps the best K. Ties are
broken by catalogue order (a stable sort), so every run gives the same lists.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Callable

import numpy as np
import scipy.sparse as sp

from metrics import K, hit_positions, per_user

#: EASE's L2 penalty, searched on the validation split.
EASE_LAMBDAS = (50.0, 100.0, 200.0, 300.0, 500.0, 750.0, 1000.0, 1500.0, 2000.0)

#: iALS grid, searched on the validation split: 3*4*4*2 = 96 fits, about a
#: minute. Its ranges bracket the optimum on ML-100K (implicit's regularization
#: is not scaled by the number of interactions, hence the large values).
IALS_GRID = {
    "factors": (32, 64, 128),
    "regularization": (1.0, 3.0, 10.0, 30.0),
    "alpha": (0.5, 1.0, 2.0, 5.0),
    "iterations": (15, 30),
}
#: The retail data has 10x the items and 5x the interactions per user: EASE's
#: optimum lies at larger penalties, and each iALS fit costs more, so its
#: grid is smaller (chosen so that the optimum is inside it, not at an edge).
RETAIL_EASE_LAMBDAS = (100.0, 300.0, 1000.0, 3000.0, 10000.0)
RETAIL_IALS_GRID = {
    "factors": (64, 128),
    "regularization": (1.0, 10.0, 100.0),
    "alpha": (1.0, 5.0),
    "iterations": (15,),
}
#: Co-occurrence normalisation: score(j) = sum over history items i of
#: users(i, j) / (users(i) * users(j)) ** beta; beta = 0 is raw counts,
#: 0.5 is cosine.
COOCCURRENCE_BETAS = (0.0, 0.25, 0.5, 0.75, 1.0)
#: Seed of iALS's random initialization.
IALS_SEED = 7


@dataclass
class Interactions:
    """Binary user x item matrix with the id <-> row/column mappings."""

    users: list[str]
    items: list[str]
    matrix: sp.csr_matrix

    @classmethod
    def from_history(cls, history: dict[str, list[str]], items: list[str]) -> "Interactions":
        users = sorted(history, key=natural_order)
        col = {item: j for j, item in enumerate(items)}
        rows, cols = [], []
        for i, u in enumerate(users):
            for item in history[u]:
                if item not in col:
                    raise ValueError(f"history[{u}]: item {item!r} is not in the catalogue")
                rows.append(i)
                cols.append(col[item])
        data = np.ones(len(rows), dtype=np.float32)
        matrix = sp.csr_matrix((data, (rows, cols)), shape=(len(users), len(items)))
        matrix.sum_duplicates()
        matrix.data[:] = 1.0  # a repeated (user, item) pair is still one interaction
        return cls(users, items, matrix)


def natural_order(user: str) -> tuple[int, str]:
    digits = "".join(c for c in user if c.isdigit())
    return (int(digits) if digits else 0, user)


def top_k(scores: np.ndarray, seen: sp.csr_matrix, items: list[str], k: int = K) -> list[list[str]]:
    """Best k unseen items per user; ties go to the earlier catalogue item."""
    scores = np.array(scores, dtype=np.float64, copy=True)
    scores[seen.nonzero()] = -np.inf
    order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return [[items[j] for j in row if np.isfinite(scores[u, j])] for u, row in enumerate(order)]


def popularity_scores(x: sp.csr_matrix) -> np.ndarray:
    counts = np.asarray(x.sum(axis=0), dtype=np.float64).ravel()
    return np.broadcast_to(counts, x.shape)


def cooccurrence_scores(x: sp.csr_matrix, beta: float) -> np.ndarray:
    """Item-item co-occurrence over distinct users, popularity-normalised by beta."""
    x = x.astype(np.float32)
    gram = (x.T @ x).toarray()
    counts = np.diag(gram).copy()
    np.fill_diagonal(gram, 0.0)
    if beta > 0:
        norm = np.power(np.maximum(counts, 1.0), -beta, dtype=np.float32)
        gram *= norm[:, None]
        gram *= norm[None, :]
    return np.asarray(x @ gram)


def ease_scores(x: sp.csr_matrix, lam: float) -> np.ndarray:
    """EASE (Steck, 2019): closed-form item-item weights with a zero diagonal."""
    dense = x.toarray().astype(np.float64)
    gram = dense.T @ dense
    gram[np.diag_indices_from(gram)] += lam
    p = np.linalg.inv(gram)
    b = -p / np.diag(p)
    b[np.diag_indices_from(b)] = 0.0
    return dense @ b


def ials_scores(x: sp.csr_matrix, factors: int, regularization: float, alpha: float, iterations: int) -> np.ndarray:
    from implicit.als import AlternatingLeastSquares

    model = AlternatingLeastSquares(
        factors=factors,
        regularization=regularization,
        alpha=alpha,
        iterations=iterations,
        random_state=IALS_SEED,
        use_gpu=False,
        num_threads=1,  # one thread: results do not depend on scheduling
        calculate_training_loss=False,
    )
    model.fit(x, show_progress=False)
    return np.asarray(model.user_factors) @ np.asarray(model.item_factors).T


@dataclass(frozen=True)
class Model:
    name: str
    scores: Callable[..., np.ndarray]
    grid: dict[str, tuple]


MODELS = (
    Model("popularity", lambda x: popularity_scores(x), {}),
    Model("co-occurrence", cooccurrence_scores, {"beta": COOCCURRENCE_BETAS}),
    Model("EASE", lambda x, lam: ease_scores(x, lam), {"lam": EASE_LAMBDAS}),
    Model("iALS", ials_scores, IALS_GRID),
)


def models(dataset: str) -> tuple[Model, ...]:
    """The baselines with the grids of one dataset."""
    if dataset != "retail":
        return MODELS
    grids = {"EASE": {"lam": RETAIL_EASE_LAMBDAS}, "iALS": RETAIL_IALS_GRID}
    return tuple(Model(m.name, m.scores, grids.get(m.name, m.grid)) for m in MODELS)


def recommend(model: Model, data: Interactions, params: dict, k: int = K) -> list[list[str]]:
    return top_k(model.scores(data.matrix, **params), data.matrix, data.items, k)


def tune(model: Model, train: Interactions, targets: list, log: Callable[[str], None] = print, k: int = K) -> tuple[dict, float]:
    """Grid search on the validation split; the criterion is mean NDCG@k.

    Returns the best parameters and their validation NDCG@k; an earlier
    grid point wins a tie.
    """
    names = list(model.grid)
    best, best_ndcg = {}, -1.0
    for values in itertools.product(*(model.grid[n] for n in names)):
        params = dict(zip(names, values))
        ndcg = per_user(hit_positions(recommend(model, train, params, k), targets, k), targets, k)["ndcg"].mean()
        if names:
            log(f"  tune {model.name} {params}: NDCG@{k} {ndcg:.4f}")
        if ndcg > best_ndcg:
            best, best_ndcg = params, float(ndcg)
    return best, best_ndcg
