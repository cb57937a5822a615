"""Dense blocks: greedy peeling vs the original FRAUDAR code on the same graph, and detection of planted gangs.

Graph: ``anxin.demo.blocks.generate`` (seed 2026): 10M honest edges (1M with
``--quick``) between 1M accounts and 200k shops (power-law activity, Zipf
popularity), 20 honest hobby communities, and 8 planted gangs of 50–500
puppets × 10–80 shops at 30–80 % fill, each puppet adding as many camouflage
edges again at shops drawn by popularity.

* **peeling** (the issue's speed and density figures): one densest block with
  ``1 / log(d + 5)`` column weights, from the edge arrays (deduplication and
  compression included) to the block; ``density`` is ours, ``reference_density``
  what ``fraudar.export.greedy.logWeightedAveDegree`` (rgmining-fraudar,
  Hooi et al.'s code, installed as a dev dependency and run in a child
  process so its memory is measured apart) finds on the same matrix;
  ``speedup`` = reference seconds / our seconds.
* **detection**: :class:`DenseBlockDetector` with its defaults; account-level
  precision and recall against the planted gangs (communities are honest).

Peak memory: max RSS of this process (ours) and of the child (reference).
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import resource
import sys
import time

import numpy as np

from anxin.benchmarking import BenchResult
from anxin.demo.blocks import generate
from anxin.integrity.detectors.dense_blocks import DenseBlockDetector
from anxin.integrity.detectors.peeling import BipartiteGraph, densest_block

NAME = "dense-blocks"
DESCRIPTION = "dense blocks: FRAUDAR peeling vs the reference code (speed, density), planted gangs (precision/recall)"
SEED = 2026


def _reference(rows: np.ndarray, cols: np.ndarray, n_rows: int, n_cols: int, out) -> None:
    """Child process: the original code on the same 0/1 matrix; sends (seconds, density, rows, cols, peak GB)."""
    from fraudar.export.greedy import logWeightedAveDegree
    from scipy import sparse

    t0 = time.perf_counter()
    matrix = sparse.coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n_rows, n_cols)).tocsr()
    matrix = (matrix > 0).astype(int)
    with contextlib.redirect_stdout(io.StringIO()):
        (block_rows, block_cols), density = logWeightedAveDegree(matrix)
    seconds = time.perf_counter() - t0
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    out.send((seconds, float(density), len(block_rows), len(block_cols), peak_gb))


def run(quick: bool = False) -> BenchResult:
    edges = 1_000_000 if quick else 10_000_000
    t0 = time.perf_counter()
    world = generate(seed=SEED, edges=edges, accounts=edges // 10, shops=edges // 50)
    generated_s = time.perf_counter() - t0

    densest_block(BipartiteGraph.from_edges([0, 1], [1, 0]))  # compile (numba caches it on disk after the first run)
    t0 = time.perf_counter()
    graph = BipartiteGraph.from_edges(world.rows, world.cols, world.n_rows, world.n_cols)
    block = densest_block(graph, "log")
    seconds = time.perf_counter() - t0
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6

    t0 = time.perf_counter()
    found = DenseBlockDetector().blocks(graph)
    detect_s = time.perf_counter() - t0
    flagged = np.zeros(world.n_rows, dtype=bool)
    for scored in found:
        flagged[scored.block.rows] = True
    planted = world.planted
    hits = int((flagged & planted).sum())
    precision = hits / max(int(flagged.sum()), 1)
    recall = hits / int(planted.sum())
    gangs_found = sum(int(flagged[r].mean() >= 0.5) for r in world.block_rows)

    receive, send = multiprocessing.get_context("fork").Pipe(duplex=False)
    child = multiprocessing.get_context("fork").Process(
        target=_reference, args=(world.rows, world.cols, world.n_rows, world.n_cols, send)
    )
    child.start()
    ref_s, ref_density, ref_rows, ref_cols, ref_peak_gb = receive.recv()
    child.join()

    rows = [
        ("anxin peeling (numba, fixed-point)", round(seconds, 2), round(block.density, 4), len(block.rows),
         len(block.cols), round(peak_gb, 2)),
        ("FRAUDAR reference (rgmining-fraudar)", round(ref_s, 2), round(ref_density, 4), ref_rows, ref_cols,
         round(ref_peak_gb, 2)),
    ]  # fmt: skip
    figures = {
        "edges": graph.edges,
        "seconds": round(seconds, 2),
        "density": round(block.density, 4),
        "reference_density": round(ref_density, 4),
        "speedup": round(ref_s / seconds, 1),
        "peak_gb": round(peak_gb, 2),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "detect_seconds": round(detect_s, 2),
    }
    baseline = {"seconds": round(ref_s, 2), "density": round(ref_density, 4), "peak_gb": round(ref_peak_gb, 2)}
    notes = [
        f"{graph.edges:,} distinct edges, {world.n_rows:,} accounts × {world.n_cols:,} shops, "
        f"{len(world.block_rows)} planted gangs ({int(planted.sum()):,} puppets), "
        f"{len(world.community_rows)} honest communities; generated in {generated_s:.1f} s",
        f"detection: {len(found)} blocks in {detect_s:.1f} s, account precision {precision:.3f}, recall "
        f"{recall:.3f}, {gangs_found}/{len(world.block_rows)} gangs with ≥ half their puppets flagged",
        "density: weighted edges per node of the first block; the same metric in both (ours in 2⁻²⁴ fixed point)",
        "targets (issue 7): density equal to the reference's, ≥ 20× its speed (10M edges ≤ 12 s), ≤ 2 GB",
    ]
    return BenchResult(
        NAME,
        figures=figures,
        baseline=baseline,
        rows=rows,
        columns=("method", "seconds", "density", "block rows", "block cols", "peak GB"),
        notes=notes,
    )


if __name__ == "__main__":
    result = run(quick="--quick" in sys.argv)
    print(" | ".join(result.columns))
    for row in result.rows:
        print(" | ".join(str(v) for v in row))
    for note in result.notes:
        print("-", note)
