"""recsys/cli.py: the three commands in-process, and errors as one 'error:' line with exit code 2."""

import numpy as np
import pytest

from recsys import cache
from recsys.cli import main
from recsys.config import TrainConfig
from tests.conftest import COLUMNS, two_playlist_rows

TRAIN_FAST = ["--epochs", "3", "--hidden-dim", "16", "--out-dim", "8"]


@pytest.fixture
def trained(two_playlists_csv, tmp_path, capsys):
    """`train` has run on the two-playlist data: the cache dir holds a current 3-epoch model."""
    common = ["--data", str(two_playlists_csv), "--cache-dir", str(tmp_path / "cache")]
    assert main(["train", *common, *TRAIN_FAST]) == 0
    capsys.readouterr()
    return common


def assert_one_error_line(err: str, *fragments: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0]


def test_train_prints_the_final_loss_and_records_the_current_model(two_playlists_csv, tmp_path, capsys):
    code = main(["train", "--data", str(two_playlists_csv), "--cache-dir", str(tmp_path), *TRAIN_FAST, "--seed", "4"])
    out, err = capsys.readouterr()
    assert code == 0
    assert out.startswith("final loss ") and out.rstrip().endswith("after 3 epochs")
    float(out.split()[2])  # the loss itself is printed as a number
    assert "12 tracks, 2 playlists" in err and "epoch 3/3" in err
    current = cache.load_current_config(tmp_path)
    assert (current.epochs, current.hidden_dim, current.out_dim, current.seed) == (3, 16, 8, 4)


def test_train_with_a_holdout_prints_validation_recall_each_epoch(two_playlists_csv, tmp_path, capsys):
    code = main(["train", "--data", str(two_playlists_csv), "--cache-dir", str(tmp_path), *TRAIN_FAST, "--holdout", "0.4"])
    _, err = capsys.readouterr()
    assert code == 0
    assert err.count("validation Recall@10 ") == 3  # once per epoch, on the redrawn progress line
    assert cache.load_current_config(tmp_path).holdout == 0.4


def test_recommend_prints_the_match_then_k_ranked_lines(trained, capsys):
    assert main(["recommend", "song a2 artist a2", "-k", "3", *trained]) == 0
    out, err = capsys.readouterr()
    lines = out.strip().splitlines()
    assert len(lines) == 4
    assert lines[0] == "Song a2 — Artist a2 (Album a2) [a2]"
    for rank, line in enumerate(lines[1:], start=1):
        assert line.lstrip().startswith(f"{rank}. ")
        assert "Song a2 —" not in line
    assert "training" not in err  # served from the model `train` saved


def test_recommend_before_any_train_trains_the_default_model_first(make_csv, tmp_path, capsys, monkeypatch):
    """No current model: prepare() falls back to TrainConfig(); shrink it so the test stays fast."""
    real_config = cache.TrainConfig
    monkeypatch.setattr(cache, "TrainConfig", lambda **kwargs: real_config(**{"epochs": 2, "hidden_dim": 8,
                                                                              "out_dim": 4, **kwargs}))
    path = make_csv(two_playlist_rows())
    assert main(["recommend", "song b1", "-k", "2", "--data", str(path), "--cache-dir", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert len(out.strip().splitlines()) == 3
    assert "training it now (2 epochs)" in err


def test_export_writes_row_aligned_embeddings(trained, tmp_path, capsys):
    out_file = tmp_path / "x.npz"
    assert main(["export", "--out", str(out_file), *trained]) == 0
    assert "wrote 12 track and 2 playlist embeddings" in capsys.readouterr().out
    with np.load(out_file, allow_pickle=False) as archive:
        track_ids, track_emb = archive["track_ids"], archive["track_emb"]
        playlist_ids, playlist_emb = archive["playlist_ids"], archive["playlist_emb"]
    assert track_ids.dtype.kind == "U" and playlist_ids.dtype.kind == "U"
    assert sorted(track_ids.tolist()) == sorted(f"{p}{i}" for p in "ab" for i in range(6))
    assert sorted(playlist_ids.tolist()) == ["plA", "plB"]
    width = TrainConfig(out_dim=8).embedding_dim  # `train --out-dim 8` above, default model
    assert track_emb.dtype == np.float32 and track_emb.shape == (12, width)
    assert playlist_emb.dtype == np.float32 and playlist_emb.shape == (2, width)
    np.testing.assert_allclose(np.linalg.norm(track_emb, axis=1), 1, atol=1e-6)


def test_export_rows_match_the_recommender(trained, two_playlists_csv, tmp_path, capsys):
    from recsys.pipeline import prepare

    out_file = tmp_path / "x.npz"
    assert main(["export", "--out", str(out_file), *trained]) == 0
    recommender = prepare(two_playlists_csv, tmp_path / "cache")
    with np.load(out_file, allow_pickle=False) as archive:
        order = recommender.catalogue.ids.track_index(archive["track_ids"])
        np.testing.assert_array_equal(archive["track_emb"], recommender.embeddings.track[order])
        playlist_order = recommender.catalogue.ids.playlist_index(archive["playlist_ids"])
        np.testing.assert_array_equal(archive["playlist_emb"], recommender.embeddings.playlist[playlist_order])


def test_export_into_a_missing_folder_is_an_error(trained, tmp_path, capsys):
    assert main(["export", "--out", str(tmp_path / "no" / "x.npz"), *trained]) == 2
    assert_one_error_line(capsys.readouterr().err, "does not exist")


def test_export_onto_an_existing_folder_is_an_error_not_a_traceback(trained, tmp_path, capsys):
    """A user can type a folder for --out; like a missing folder, that must be one 'error:' line."""
    folder = tmp_path / "exports"
    folder.mkdir()
    assert main(["export", "--out", str(folder), *trained]) == 2
    assert_one_error_line(capsys.readouterr().err, "exports")


@pytest.mark.parametrize("command", [["train", *TRAIN_FAST], ["recommend", "anything"], ["export", "--out", "x.npz"]])
def test_missing_data_file_is_one_error_line(tmp_path, capsys, command):
    missing = tmp_path / "missing.csv"
    code = main([*command, "--data", str(missing), "--cache-dir", str(tmp_path)])
    out, err = capsys.readouterr()
    assert code == 2
    assert_one_error_line(err, "not found", "missing.csv")
    assert out == ""


def test_missing_column_is_exit_code_2(make_csv, tmp_path, capsys):
    path = make_csv([{"track_id": "a"}], columns=[c for c in COLUMNS if c != "valence"])
    assert main(["train", "--data", str(path), "--cache-dir", str(tmp_path), *TRAIN_FAST]) == 2
    assert_one_error_line(capsys.readouterr().err, "valence")


def test_query_matching_nothing_is_exit_code_2(trained, capsys):
    assert main(["recommend", "qzxjvvkw", *trained]) == 2
    out, err = capsys.readouterr()
    assert_one_error_line(err, "No song matches", "qzxjvvkw")
    assert out == ""


def test_query_without_letters_is_exit_code_2(trained, capsys):
    assert main(["recommend", "!!!", *trained]) == 2
    assert_one_error_line(capsys.readouterr().err, "no letters")


def test_invalid_training_setting_is_exit_code_2(two_playlists_csv, tmp_path, capsys):
    code = main(["train", "--data", str(two_playlists_csv), "--cache-dir", str(tmp_path), "--epochs", "0"])
    assert code == 2
    assert_one_error_line(capsys.readouterr().err, "epochs=0")


def test_k_out_of_range_is_rejected_by_argparse(trained, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["recommend", "song a1", "-k", "0", *trained])
    assert exit_info.value.code == 2
