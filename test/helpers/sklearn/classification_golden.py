"""Writes test/unit/eval/fixtures/classification_binary_golden.json: a golden value for mteb's Classification
task type on a binary task with 32 samples per label, computed with numpy and scikit-learn themselves.

Run with Debian's python3-numpy and python3-sklearn, then let Biome lay the JSON out:
  /usr/bin/python3 test/helpers/sklearn/classification_golden.py
  npx biome format --write test/unit/eval/fixtures/classification_binary_golden.json

The features come from numpy's RandomState(7).random_sample, drawn in a fixed order that the Node test
replays bit-exactly with NumpyRandomState, so the fixture holds no embeddings. The sampling is mteb's
AbsTaskClassification._undersample_data (mteb 2.x, and 1.x through the re-seeded global RNG): every
experiment shuffles the carried index list with a fresh RandomState(seed), then keeps the first
samples_per_label indices of each label in shuffled order.
"""
import json
import os
import sys

import numpy as np
import scipy
import scipy.optimize
import sklearn
from sklearn.linear_model import LogisticRegression

DIMS, N_TRAIN, N_TEST, P_POSITIVE, SHIFT, SHIFTED_DIMS = 16, 400, 300, 0.35, 0.25, 4
SEED, N_EXPERIMENTS, SAMPLES_PER_LABEL = 42, 10, 32


def rows(rs, n):
    X, y = np.zeros((n, DIMS), dtype=np.float32), np.zeros(n, dtype=np.int64)
    for i in range(n):
        label = 1 if rs.random_sample() < P_POSITIVE else 0
        y[i] = label
        for j in range(DIMS):
            X[i, j] = np.float32((rs.random_sample() - 0.5) + (SHIFT if label == 1 and j < SHIFTED_DIMS else 0.0))
    return X, y


def selections(y, shuffle):
    idxs, out = list(range(len(y))), []
    for e in range(N_EXPERIMENTS):
        shuffle(e, idxs)
        counts, sel = {}, []
        for i in idxs:
            c = counts.get(int(y[i]), 0)
            if c < SAMPLES_PER_LABEL:
                sel.append(i)
                counts[int(y[i])] = c + 1
        out.append(sel)
    return out


def accuracies(X, y, Xt, yt, sels):
    accs, iters = [], []
    for sel in sels:
        clf = LogisticRegression(max_iter=100, random_state=SEED).fit(X[sel], y[sel])
        accs.append(float(np.mean(clf.predict(Xt) == yt)))
        iters.append(int(clf.n_iter_[0]))
    return accs, iters


def lr_14_predict(X, y, Xt):
    """scikit-learn >= 1.4's binary LogisticRegression(max_iter=100) objective, given to scipy as sklearn 1.4
    calls it (sklearn PR #26721: mean loss, penalty ||w||^2 / (2 C n), ftol = 64 eps, maxls = 50). Debian
    ships sklearn 1.2, so this stands in for 1.4 on the binary path; it is not sklearn itself."""
    X = X.astype(np.float64)
    n, d = X.shape
    t = (y == np.unique(y)[1]).astype(np.float64)
    l2 = 1.0 / n  # C = 1

    def fun(w):
        z = X @ w[:d] + w[d]
        loss = np.mean(np.logaddexp(0, z) - t * z) + 0.5 * l2 * (w[:d] @ w[:d])
        r = scipy.special.expit(z) - t
        g = np.empty(d + 1)
        g[:d] = X.T @ r / n + l2 * w[:d]
        g[d] = r.sum() / n
        return loss, g

    res = scipy.optimize.minimize(fun, np.zeros(d + 1), method="L-BFGS-B", jac=True,
                                  options={"maxiter": 100, "maxls": 50, "gtol": 1e-4,
                                           "ftol": 64 * np.finfo(float).eps})
    z = Xt.astype(np.float64) @ res.x[:d] + res.x[d]
    return np.where(z > 0, np.unique(y)[1], np.unique(y)[0]), min(res.nit, 100)


def main():
    rs = np.random.RandomState(7)
    X, y = rows(rs, N_TRAIN)
    Xt, yt = rows(rs, N_TEST)
    mteb = selections(y, lambda e, idxs: np.random.RandomState(SEED).shuffle(idxs))
    accs, iters = accuracies(X, y, Xt, yt, mteb)
    accs14, iters14 = [], []
    for sel in mteb:
        pred, nit = lr_14_predict(X[sel], y[sel], Xt)
        accs14.append(float(np.mean(pred == yt)))
        iters14.append(int(nit))
    # Streams that are NOT mteb's, kept to show how far a different draw moves the score on this task.
    once = np.random.RandomState(SEED)
    alternatives = {
        "one_RandomState_drawn_across_experiments": selections(y, lambda e, idxs: once.shuffle(idxs)),
        "RandomState_seed_plus_experiment": selections(y, lambda e, idxs: np.random.RandomState(SEED + e).shuffle(idxs)),
        "fresh_default_rng_per_experiment": selections(y, lambda e, idxs: np.random.default_rng(SEED).shuffle(idxs)),
    }
    out = {
        "about": "mteb Classification on a binary task, 32 samples per label; written by "
        "test/helpers/sklearn/classification_golden.py",
        "numpy": np.__version__,
        "sklearn": sklearn.__version__,
        "data": {"generator": "RandomState(7).random_sample", "dims": DIMS, "n_train": N_TRAIN, "n_test": N_TEST,
                 "p_positive": P_POSITIVE, "shift": SHIFT, "shifted_dims": SHIFTED_DIMS},
        "seed": SEED,
        "n_experiments": N_EXPERIMENTS,
        "samples_per_label": SAMPLES_PER_LABEL,
        "train_label_counts": {str(k): int(v) for k, v in zip(*np.unique(y, return_counts=True))},
        "selections": mteb,
        "accuracies": accs,
        "accuracy": float(np.mean(accs)),
        "n_iter": iters,
        "sklearn_1_4_objective_via_scipy": {"scipy": scipy.__version__, "accuracies": accs14, "n_iter": iters14},
        "not_mteb_accuracy": {k: float(np.mean(accuracies(X, y, Xt, yt, s)[0])) for k, s in alternatives.items()},
    }
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "..", "unit", "eval", "fixtures", "classification_binary_golden.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=None, separators=(",", ":"))
        f.write("\n")
    print(json.dumps({k: out[k] for k in ("accuracy", "not_mteb_accuracy", "train_label_counts", "n_iter",
                                          "sklearn_1_4_objective_via_scipy")}))


if __name__ == "__main__":
    sys.exit(main())
