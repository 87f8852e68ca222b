"""Which 2-D map keeps the model's neighbourhoods: PCA, openTSNE (the app's), UMAP and scikit-learn's t-SNE on
the served model's song vectors, each in its own process (wall time, peak memory, import time).

    python bench/projection.py [--only pca,umap] [--all-queries]

Preservation is recsys.projection.neighbourhood_preservation: the share of a song's 10 nearest by
cosine in the model that are among its 10 nearest on the map, over the fixed seeded 2,000 query
songs the app measures (against all 28k), or every song with --all-queries.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

METHODS = ("pca", "opentsne", "umap", "sklearn-tsne")


def served_vectors():
    """The default model's (T, d) song vectors on the shipped data, trained first if need be."""
    from recsys.config import DEFAULT_CACHE_DIR, DEFAULT_DATA
    from recsys.pipeline import prepare

    return prepare(DEFAULT_DATA, DEFAULT_CACHE_DIR).embeddings.track


def project(method: str):
    """(T, 2) coordinates of `vectors` by `method`, and the seconds its import took."""
    started = time.perf_counter()
    if method == "pca":
        from recsys.projection import pca_2d as run
    elif method == "opentsne":
        from recsys.projection import tsne_2d as run  # the app's map: openTSNE, one thread
        import openTSNE  # noqa: F401  (its import time, not the fit's)
    elif method == "umap":  # not a dependency: pip install umap-learn==0.5.12 to measure it
        import umap

        def run(points):
            return umap.UMAP(metric="cosine", random_state=0, n_jobs=1).fit_transform(points)
    else:
        from sklearn.manifold import TSNE

        def run(points):
            return TSNE(metric="cosine", init="pca", random_state=0, n_jobs=2).fit_transform(points)
    imported = time.perf_counter() - started
    return run, imported


def measure_one(method: str, all_queries: bool) -> dict:
    """One method's figures, measured in this process."""
    import numpy as np

    from recsys.projection import neighbourhood_preservation, preservation_sample

    vectors = served_vectors()
    run, imported = project(method)
    started = time.perf_counter()
    coords = np.asarray(run(vectors))
    seconds = time.perf_counter() - started
    queries = None if all_queries else preservation_sample(len(vectors))
    measured = time.perf_counter()
    preserved = neighbourhood_preservation(vectors, coords, queries=queries)
    return {"method": method, "songs": len(vectors), "import_s": round(imported, 2), "fit_s": round(seconds, 1),
            "preservation": round(preserved, 3), "queries": "all" if all_queries else len(queries),
            "measure_s": round(time.perf_counter() - measured, 1)}


def measure(method: str, all_queries: bool) -> dict:
    """One method's figures from a fresh process, with its peak resident memory."""
    command = [sys.executable, __file__, "--one", method] + (["--all-queries"] if all_queries else [])
    process = subprocess.Popen(command, stdout=subprocess.PIPE, cwd=ROOT)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    if status:
        return {"method": method, "error": f"exit status {status}"}
    return json.loads(output) | {"peak_mb": round(usage.ru_maxrss / 1024)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(METHODS), help="comma-separated: " + ", ".join(METHODS))
    parser.add_argument("--all-queries", action="store_true", help="measure every song, not the fixed 2,000")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure_one(args.one, args.all_queries)))
        return
    for method in args.only.split(","):
        print(json.dumps(measure(method, args.all_queries)), flush=True)


if __name__ == "__main__":
    main()
