"""recsys/evaluation/evaluate.py: every model on one split, both views, warm and cold subsets."""

import json

import pandas as pd
import pytest

from recsys.cli import main
from recsys.errors import RecsysError
from recsys.evaluation.evaluate import AS_SHOWN, ROWS_PER_MODEL, VARIED, VIEWS, evaluate, format_table, read_report, summarise, write_report

CHEAP = ["random", "popularity", "audio-features", "co-occurrence", "artist-album"]


def test_one_row_per_seed_model_view_and_subset(two_playlists):
    results = evaluate(two_playlists, CHEAP, seeds=[0, 1])
    assert len(results) == 2 * len(CHEAP) * ROWS_PER_MODEL
    assert set(results["subset"]) == {"all", "warm", "cold"}
    # Each toy song is in one playlist, so every held-out song is cold and "warm" has nothing to measure.
    assert results.loc[results["subset"] == "warm", ["recall@10", "auc"]].isna().all().all()
    ranked = (results["subset"] != "warm") & ~results["view"].isin((AS_SHOWN, *VARIED))  # a list as shown has no AUC
    measured = results.loc[ranked, ["recall@10", "ndcg@10", "auc"]]
    assert measured.notna().all().all() and measured.stack().between(0, 1).all()


def test_co_occurrence_knows_nothing_of_cold_tracks(two_playlists):
    # A held-out song in no training playlist has an all-zero membership vector, and so has every
    # other candidate for a disjoint playlist: all score 0, so ranking them is a coin toss.
    results = evaluate(two_playlists, ["co-occurrence"], seeds=[0])
    cold = results[(results["subset"] == "cold") & (results["view"] == VIEWS[0])]
    assert cold["auc"].item() == pytest.approx(0.5)


def test_unknown_model_is_a_clear_error(two_playlists):
    with pytest.raises(RecsysError, match="Unknown model.*nope.*random"):
        evaluate(two_playlists, ["nope"], seeds=[0])


def test_summary_has_mean_and_std_over_seeds(two_playlists):
    summary = summarise(evaluate(two_playlists, ["random"], seeds=[0, 1, 2]))
    assert {"recall@10", "recall@10_std"} <= set(summary.columns)
    assert len(summary) == ROWS_PER_MODEL
    assert "random" in format_table(summary, VIEWS[0], "all")


def test_cli_evaluate_prints_tables_and_writes_json(two_playlists_csv, tmp_path, capsys):
    out = tmp_path / "results.json"
    code = main(["evaluate", "--data", str(two_playlists_csv), "--models", "random", "artist-album",
                 "--seed", "0", "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "song→songs, all held-out tracks" in printed and "artist-album" in printed
    report = json.loads(out.read_text())["payload"]
    assert report["seeds"] == [0] and len(report["results"]) == 2 * ROWS_PER_MODEL
    assert read_report(out)[["model", "recall@10"]].equals(pd.DataFrame(report["results"])[["model", "recall@10"]])


def test_a_damaged_saved_evaluation_is_reported_once_and_set_aside(two_playlists, tmp_path):
    path = tmp_path / "evaluation.json"
    write_report(path, evaluate(two_playlists, ["random"], [0]), [0], ["random"])
    path.write_text(path.read_text().replace('"random"', '"popularity"'))  # still JSON, figures changed
    heard = []
    assert read_report(path, heard.append) is None
    assert heard == ["The saved evaluation (evaluation.json) is damaged (its checksum does not match); "
                     "run the evaluation again."]
    assert not path.exists() and read_report(path, heard.append) is None and len(heard) == 1


def test_a_large_catalogue_is_judged_on_a_seeded_sample_of_its_test_playlists(two_playlists):
    from recsys.config import EvaluationConfig
    from recsys.evaluation.evaluate import EvaluationTask
    from recsys.evaluation.split import holdout_split

    split = holdout_split(two_playlists, 0)
    everything = EvaluationTask(two_playlists, split, 0)
    sampled = EvaluationTask(two_playlists, split, 0, EvaluationConfig(max_test_playlists=1))
    assert len(everything.playlists) == 2 and len(sampled.playlists) == 1
    # Only the sampled playlist's held-out songs count, and its own training songs are masked.
    keep = split.test_playlist == sampled.playlists[0]
    assert sampled.pos_col.tolist() == split.test_track[keep].tolist()
    assert set(sampled.pos_row.tolist()) == {0} and sampled.exclude.shape == (1, two_playlists.ids.num_tracks)
    assert sampled.cold.tolist() == split.cold_test[keep].tolist()


def test_the_list_as_shown_keeps_the_caps_and_names_both_recalls(two_playlists):
    results = evaluate(two_playlists, ["artist-album"], seeds=[0]).set_index("view")
    shown, raw = results.loc[AS_SHOWN], results.loc[VIEWS[0]].query("subset == 'all'").iloc[0]
    assert shown["most from one album"] == 1
    for row in (shown, raw):  # hits / min(10, held-out) can only be the larger
        assert row["recall@10 (capped)"] >= row["recall@10"]
    assert 0 <= shown["tie rate"] <= shown["tie rate at 3 decimals"] <= 1
