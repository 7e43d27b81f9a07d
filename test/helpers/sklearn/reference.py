"""scikit-learn reference for gecko's evaluation agreement test (test/unit/eval/sklearnAgreement.test.ts).

Reads a JSON job (argv[1]) naming raw little-endian float32 matrices, runs the same protocol as mteb with
scikit-learn, and prints JSON. Kinds:
  classification: mteb's undersampling (fresh RandomState(42).shuffle of the carried index list per
                  experiment, samples_per_label per label) + LogisticRegression(max_iter=100).
  clustering:     MiniBatchKMeans(n_clusters, batch_size, n_init=1, random_state=42) + v_measure_score.
  lr:             one LogisticRegression fit; prints predictions and n_iter.
"""
import json
import sys

import numpy as np
from sklearn.cluster import MiniBatchKMeans
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import v_measure_score


def load(path, dims):
    return np.fromfile(path, dtype="<f4").reshape(-1, dims)


def main():
    job = json.load(open(sys.argv[1]))
    d = job["dims"]
    out = {"sklearn": __import__("sklearn").__version__}
    if job["kind"] == "lr":
        clf = LogisticRegression(max_iter=100, random_state=42).fit(load(job["x_train"], d), job["y_train"])
        out["pred"] = clf.predict(load(job["x_test"], d)).tolist()
        out["n_iter"] = int(clf.n_iter_[0])
    elif job["kind"] == "classification":
        X, y = load(job["x_train"], d), np.array(job["y_train"])
        Xt, yt = load(job["x_test"], d), np.array(job["y_test"])
        idxs = list(range(len(y)))
        accs = []
        for _ in range(job["n_experiments"]):
            np.random.RandomState(42).shuffle(idxs)
            counts, sel = {}, []
            for i in idxs:
                c = counts.get(y[i], 0)
                if c < job["samples_per_label"]:
                    sel.append(i)
                    counts[y[i]] = c + 1
            clf = LogisticRegression(max_iter=100, random_state=42).fit(X[sel], y[sel])
            accs.append(float(np.mean(clf.predict(Xt) == yt)))
        out["accuracies"] = accs
        out["accuracy"] = float(np.mean(accs))
    elif job["kind"] == "clustering":
        scores = []
        for s in job["sets"]:
            X, labels = load(s["x"], d), s["labels"]
            km = MiniBatchKMeans(
                n_clusters=len(set(labels)), batch_size=job["batch_size"], n_init=1, random_state=42
            ).fit(X)
            scores.append({"v_measure": float(v_measure_score(labels, km.labels_)), "n_steps": int(km.n_steps_),
                           "labels": km.labels_.tolist()})
        out["sets"] = scores
    print(json.dumps(out))


if __name__ == "__main__":
    main()
