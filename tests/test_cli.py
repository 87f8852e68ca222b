"""recsys/cli.py: the commands in-process, and errors as one 'error:' line with exit code 2."""

import errno
import json
import os
import re
from pathlib import Path

import numpy as np
import pytest

from recsys import cache, cli, pipeline
from recsys.cli import main
from recsys.config import TrainConfig
from recsys.pipeline import prepare
from recsys.recommend import Filters
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
    assert "12 tracks, 2 playlists" in err and "epoch 3/3" in err and "3/3" not in out  # the bar is on stderr
    current = cache.load_current_config(tmp_path)
    assert (current.epochs, current.hidden_dim, current.out_dim, current.seed) == (3, 16, 8, 4)


def test_train_with_a_holdout_prints_validation_recall_each_epoch(two_playlists_csv, tmp_path, capsys):
    code = main(["train", "--data", str(two_playlists_csv), "--cache-dir", str(tmp_path), *TRAIN_FAST,
                 "--holdout", "0.4"])
    _, err = capsys.readouterr()
    assert code == 0
    # tqdm redraws its bar on stderr with "\r" each epoch (and once more as it closes)
    shown = re.findall(r"epoch (\d)/3 \[[^\]]*\], loss \d\.\d{4} validation Recall@10 \d\.\d{4}", err)
    assert sorted(set(shown)) == ["1", "2", "3"]
    assert cache.load_current_config(tmp_path).holdout == 0.4


def test_recommend_prints_the_match_then_k_ranked_lines(trained, capsys):
    assert main(["recommend", "song a2 artist a2", "-k", "3", *trained]) == 0
    out, err = capsys.readouterr()
    lines = out.strip().splitlines()
    assert len(lines) == 4
    assert lines[0] == "Song a2 — Artist a2 (Album a2) [a2]"
    for rank, line in enumerate(lines[1:], start=1):
        # e.g. "  1. 0.873 (cos 0.962)  Song a4 — Artist a4  [rock]": the chance people read, then the raw cosine
        number = r"-?[01]\.\d{3}"
        assert re.fullmatch(rf" *{rank}\. {number} \(cos {number}\)  Song \w+ — Artist \w+  \[\w+\]", line), line
        assert "Song a2 —" not in line
    assert "training" not in err  # served from the model `train` saved


# Names that would drive a terminal: a colour, an OSC 8 hyperlink, a window title, a screen clear (8-bit CSI).
RED = "\x1b[31mRed\x1b[0m Light"
LINKED = "\x1b]8;;http://x\x07Link\x1b]8;;\x07 Band"
RETITLED = "\x1b]0;title\x07Album\x9b2J Side"


def test_recommend_prints_names_without_their_terminal_escapes(make_csv, tmp_path, capsys):
    """Regression: names went to the terminal as they were, so a title could recolour the screen or
    hide a link."""
    rows = two_playlist_rows()
    rows[0].update(track_name=RED, track_artist=LINKED, track_album_name=RETITLED)  # a0, in playlist A
    common = ["--data", str(make_csv(rows)), "--cache-dir", str(tmp_path / "cache")]
    assert main(["train", *common, *TRAIN_FAST]) == 0
    capsys.readouterr()
    printed = []
    for query in (f"{RED} {LINKED}", "song a1"):  # the song asked about, then one among the recommendations
        assert main(["recommend", query, "-k", "11", *common]) == 0
        out, err = capsys.readouterr()
        assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]", out), repr(out)
        assert not re.search(r"[\x1b\x80-\x9f]", err), repr(err)  # a progress bar may redraw with "\r"
        printed.append(out.splitlines())
    asked, among = printed
    assert asked[0] == "Red Light — Link Band (Album Side) [a0]"
    assert among[0] == "Song a1 — Artist a1 (Album a1) [a1]"
    assert any(line.endswith("  Red Light — Link Band  [rock]") for line in among)
    assert main(["recommend", "red light link band", *common]) == 2  # the error line names songs too
    assert_one_error_line(capsys.readouterr().err, "Did you mean “Red Light” by Link Band?")


def test_recommend_before_any_train_trains_the_default_model_first(make_csv, tmp_path, capsys):
    """No current model: prepare() falls back to TrainConfig(), which takes a second on twelve songs."""
    path = make_csv(two_playlist_rows())
    assert main(["recommend", "song b1", "-k", "2", "--data", str(path), "--cache-dir", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert len(out.strip().splitlines()) == 3
    assert f"training it now ({TrainConfig().epochs} epochs)" in err


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
    out_file = tmp_path / "x.npz"
    assert main(["export", "--out", str(out_file), *trained]) == 0
    recommender = prepare(two_playlists_csv, tmp_path / "cache")
    with np.load(out_file, allow_pickle=False) as archive:
        track_ids, track_emb = archive["track_ids"], archive["track_emb"]
        playlist_ids, playlist_emb = archive["playlist_ids"], archive["playlist_emb"]
    order = recommender.catalogue.ids.track_index(track_ids)
    np.testing.assert_array_equal(track_emb, recommender.embeddings.track[order])
    for playlist_id, vector in zip(playlist_ids, playlist_emb):  # plA holds a0..a5, plB b0..b5
        mean = track_emb[np.char.startswith(track_ids, playlist_id[-1].lower())].mean(axis=0)
        np.testing.assert_allclose(vector, mean / np.linalg.norm(mean), atol=1e-6)


def test_exported_playlist_vectors_score_their_own_songs_first(two_playlists_csv, tmp_path, capsys):
    """Regression: export wrote the kg model's playlist vectors, never trained to score songs (playlist ·
    track AUC 0.49 on the shipped data). Each playlist's vector must now rank its own songs above the other's."""
    common = ["--data", str(two_playlists_csv), "--cache-dir", str(tmp_path / "cache")]
    assert main(["train", *common, "--epochs", "50", "--out-dim", "8"]) == 0  # the known answer of test_train
    out_file = tmp_path / "x.npz"
    assert main(["export", "--out", str(out_file), *common]) == 0
    with np.load(out_file, allow_pickle=False) as archive:
        track_ids, scores = archive["track_ids"], archive["playlist_emb"] @ archive["track_emb"].T  # (P, T)
        playlist_ids = archive["playlist_ids"]
    for playlist_id, row in zip(playlist_ids, scores):
        own = np.char.startswith(track_ids, playlist_id[-1].lower())
        assert row[own].min() > row[~own].max(), playlist_id


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


@pytest.mark.parametrize("command", [["train", *TRAIN_FAST], ["recommend", "anything"]])
def test_a_data_path_naming_a_folder_is_one_error_line_asking_for_the_csv(two_playlists_csv, tmp_path, capsys, command):
    """Regression: a folder given as --data was reported "not found"."""
    folder = two_playlists_csv.parent
    code = main([*command, "--data", str(folder), "--cache-dir", str(tmp_path / "cache")])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err == (f"error: {folder} is a folder, not a file: give the path of the songs CSV file itself, such as "
                   f"{two_playlists_csv}.\n")


@pytest.fixture
def no_training(monkeypatch):
    """Every training run the commands start, counted instead of run."""
    runs = []
    monkeypatch.setattr(pipeline, "train_model", lambda *args, **kwargs: runs.append(args))
    return runs


SAVING = ("Cannot save a model in {cache_dir}: {problem}. Give --cache-dir a folder you can write to (or free some "
          "space); nothing was trained.")
SERVING = "--cache-dir {cache_dir}: {problem}. Give a folder, or a path where one can be created."


@pytest.mark.parametrize("command, message", [
    (["train", *TRAIN_FAST], SAVING), (["recommend", "song a1"], SERVING), (["export", "--out", "x.npz"], SERVING),
    (["evaluate", "--models", "random"], SERVING),
], ids=["train", "recommend", "export", "evaluate"])
@pytest.mark.parametrize("below", [False, True], ids=["the-file", "a-folder-below-it"])
def test_a_cache_dir_that_is_a_file_is_an_argument_error_before_any_training(two_playlists_csv, tmp_path, capsys,
                                                                             no_training, command, message, below):
    """Regression: train ran every epoch, then could not save; recommend trained on every start."""
    blocker = tmp_path / "models.txt"
    blocker.write_text("not a folder")
    cache_dir = blocker / "cache" if below else blocker
    code = main([*command, "--data", str(two_playlists_csv), "--cache-dir", str(cache_dir)])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and not no_training
    assert err == "error: " + message.format(cache_dir=cache_dir, problem=f"{blocker} is a file, not a folder") + "\n"


def test_a_cache_dir_that_cannot_be_created_is_an_argument_error(two_playlists_csv, tmp_path, capsys, monkeypatch,
                                                                 no_training):
    cache_dir = tmp_path / "locked" / "cache"
    real_mkdir = Path.mkdir

    def mkdir(self, *args, **kwargs):  # running as root, a chmod would not stop it
        if self == cache_dir:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", mkdir)
    assert main(["recommend", "song a1", "--data", str(two_playlists_csv), "--cache-dir", str(cache_dir)]) == 2
    problem = f"the folder {cache_dir} cannot be created (Permission denied)"
    assert capsys.readouterr().err == "error: " + SERVING.format(cache_dir=cache_dir, problem=problem) + "\n"
    assert not no_training


@pytest.mark.parametrize("code, reason", [(errno.EROFS, "Read-only file system"),
                                          (errno.ENOSPC, "No space left on device")], ids=["read-only", "full"])
def test_train_into_a_cache_dir_the_disk_refuses_stops_before_training(two_playlists_csv, tmp_path, capsys,
                                                                       refuse_writes, no_training, code, reason):
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    refuse_writes(cache_dir, code)
    assert main(["train", "--data", str(two_playlists_csv), "--cache-dir", str(cache_dir), *TRAIN_FAST]) == 2
    problem = f"{cache_dir} cannot be written to ({reason})"
    assert capsys.readouterr().err == "error: " + SAVING.format(cache_dir=cache_dir, problem=problem) + "\n"
    assert not no_training


def test_recommend_on_a_cache_dir_the_disk_refuses_still_serves_its_model(trained, tmp_path, capsys, refuse_writes):
    """Only train needs to write: a read-only cache that holds the model serves it."""
    refuse_writes(tmp_path / "cache")
    assert main(["recommend", "song a2 artist a2", "-k", "3", *trained]) == 0
    out, err = capsys.readouterr()
    assert len(out.strip().splitlines()) == 4 and "error" not in err


def test_recommend_with_no_model_on_a_read_only_cache_dir_serves_from_memory(make_csv, tmp_path, capsys, refuse_writes):
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    refuse_writes(cache_dir)
    path = make_csv(two_playlist_rows())
    assert main(["recommend", "song b1", "-k", "2", "--data", str(path), "--cache-dir", str(cache_dir)]) == 0
    out, err = capsys.readouterr()
    assert len(out.strip().splitlines()) == 3
    assert "Could not save the trained model" in err and "Serving it from memory" in err


def test_missing_column_is_exit_code_2(make_csv, tmp_path, capsys):
    path = make_csv([{"track_id": "a"}], columns=[c for c in COLUMNS if c != "valence"])
    assert main(["train", "--data", str(path), "--cache-dir", str(tmp_path), *TRAIN_FAST]) == 2
    assert_one_error_line(capsys.readouterr().err, "valence")


def test_query_matching_nothing_is_exit_code_2(trained, capsys):
    assert main(["recommend", "qzxjvvkw", *trained]) == 2
    out, err = capsys.readouterr()
    assert_one_error_line(err, "No close match for “qzxjvvkw”.", "Try part of the title")
    assert out == ""


def test_a_weak_query_exits_2_naming_the_closest_songs(trained, capsys):
    assert main(["recommend", "sxng a2 qqqqqq", *trained]) == 2
    out, err = capsys.readouterr()
    assert_one_error_line(err, "No close match for “sxng a2 qqqqqq”. Did you mean “Song a2” by Artist a2")
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


# --- recommend --json, --batch, and the caps ---------------------------------------------------------

RECOMMENDATION_KEYS = ["rank", "track_id", "title", "artist", "album", "genre", "year", "score", "cosine"]


def expected_answer(csv, cache_dir, chosen, k: int = 10, filters: Filters = Filters()) -> list[dict]:
    """What the recommender itself ranks for `chosen` (track ids), as the JSON recommendations should carry it."""
    recommender = prepare(csv, cache_dir)
    tracks = recommender.catalogue.ids.track_index(chosen).tolist()
    table = recommender.neighbours_table(tracks if len(tracks) > 1 else tracks[0], k, filters)
    return [{"rank": row.rank, "track_id": row.track_id, "score": round(row.score, 4), "cosine": round(row.cosine, 4)}
            for row in table.itertuples()]


def summary(recommendations: list[dict]) -> list[dict]:
    return [{key: row[key] for key in ("rank", "track_id", "score", "cosine")} for row in recommendations]


def test_recommend_json_prints_one_object_ranked_as_the_recommender_ranks(trained, two_playlists_csv, tmp_path,
                                                                           capsys):
    assert main(["recommend", "song a2 artist a2", "-k", "4", "--json", *trained]) == 0
    out, _ = capsys.readouterr()
    assert len(out.strip().splitlines()) == 1
    answer = json.loads(out)
    assert list(answer) == ["input", "seeds", "recommendations"]
    assert answer["input"] == {"query": "song a2 artist a2"}
    assert answer["seeds"] == [{"track_id": "a2", "title": "Song a2", "artist": "Artist a2"}]
    rows = answer["recommendations"]
    assert [list(row) for row in rows] == [RECOMMENDATION_KEYS] * 4
    assert [row["rank"] for row in rows] == [1, 2, 3, 4]
    scores = [row["score"] for row in rows]
    assert scores == sorted(scores, reverse=True) and all(0 <= score <= 1 for score in scores)
    assert summary(rows) == expected_answer(two_playlists_csv, tmp_path / "cache", ["a2"], k=4)
    first = rows[0]
    assert first["title"] == f"Song {first['track_id']}" and first["artist"] == f"Artist {first['track_id']}"
    assert first["album"] == f"Album {first['track_id']}" and first["genre"] in ("rock", "rap")
    assert first["year"] is None  # this file has no release dates


def test_recommend_json_for_a_query_matching_nothing_is_one_error_line(trained, capsys):
    assert main(["recommend", "qzxjvvkw", "--json", *trained]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert_one_error_line(err, "No close match for “qzxjvvkw”")


def run_batch(lines: list[str], common: list[str], tmp_path, *options: str) -> tuple[int, list[dict]]:
    """`recommend --batch` over `lines`; (exit code, the output file's parsed lines)."""
    batch, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    batch.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    code = main(["recommend", "--batch", str(batch), "--out", str(out), *options, *common])
    return code, [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


TOO_MANY = {"track_ids": [f"a{i % 6}" for i in range(101)]}
BATCH = [  # (input line, the error it must get, or None for an answer)
    ('{"query": "song a2 artist a2"}', None),
    ("not json at all", "Not JSON (Expecting value, column 1)"),
    ("[1, 2]", "Each line must be a JSON object"),
    ("{}", 'Give one of "query" (a title and/or artist) or "track_ids"'),
    ('{"query": "song a1", "track_ids": ["a1"]}', 'Give either "query" (a title and/or artist) or "track_ids" (a list '
                                                  "of track ids), not both."),
    ('{"query": "qzxjvvkw"}', "No close match for “qzxjvvkw”. Try part of the title or the artist's name."),
    ('{"query": "sxng a2 qqqqqq"}', "No close match for “sxng a2 qqqqqq”. Did you mean “Song a2” by Artist a2"),
    ("", None),  # blank: skipped, no output line
    ('{"query": "   "}', "Type part of a song title or an artist's name to search."),
    (json.dumps({"query": "x" * 201}), "That search is 201 characters long; use at most 200"),
    ('{"query": 7}', '"query" must be text'),
    ('{"track_ids": []}', '"track_ids" must be a non-empty list of track ids, each a string.'),
    ('{"track_ids": "a1"}', '"track_ids" must be a non-empty list'),
    ('{"track_ids": ["a1", 5]}', '"track_ids" must be a non-empty list'),
    ('{"track_ids": ["a1", "n1", "n2", "n3", "n4", "n5", "n6", "n7"]}',
     "No song has the track ids n1, n2, n3, n4, n5 and 2 more; check them against the songs file."),
    ('{"track_ids": ["a1", "n1"]}', "No song has the track id n1; check"),
    (json.dumps(TOO_MANY), "A set holds at most 100 track ids; this one has 101."),
    ("   ", None),  # blank too
    ('{"track_ids": ["b0", "b1", "b0"], "tag": 7}', None),
]


def test_batch_answers_every_line_in_order_and_an_error_never_stops_it(trained, two_playlists_csv, tmp_path, capsys,
                                                                      monkeypatch):
    loads = []
    monkeypatch.setattr(cli, "prepare", lambda *args, **kwargs: loads.append(args) or prepare(*args, **kwargs))
    code, answers = run_batch([line for line, _ in BATCH], trained, tmp_path, "-k", "3")
    assert code == 0 and len(loads) == 1  # one model load for the whole batch
    expected = [(line, error) for line, error in BATCH if line.strip()]
    assert len(answers) == len(expected)
    for answer, (line, error) in zip(answers, expected):
        assert answer["input"] == (line if error and error.startswith("Not JSON") else json.loads(line))
        if error is None:
            assert "error" not in answer and len(answer["recommendations"]) == 3, answer
        else:
            assert list(answer) == ["input", "error"] and answer["error"].startswith(error), answer
    cache_dir = tmp_path / "cache"
    assert summary(answers[0]["recommendations"]) == expected_answer(two_playlists_csv, cache_dir, ["a2"], k=3)
    mini_playlist = answers[-1]  # a set, scored as the app scores its mini playlist; the repeat counted once
    assert [seed["track_id"] for seed in mini_playlist["seeds"]] == ["b0", "b1"]
    assert summary(mini_playlist["recommendations"]) == expected_answer(two_playlists_csv, cache_dir, ["b0", "b1"], k=3)
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1].endswith(": 2 lines answered, 15 with errors (2 blank lines skipped)")


def test_batch_with_an_unreadable_input_fails_before_loading_any_model(tmp_path, two_playlists_csv, capsys):
    """Nothing trained in this cache dir: had it loaded the model first, training would have printed."""
    common = ["--data", str(two_playlists_csv), "--cache-dir", str(tmp_path / "cache")]
    assert main(["recommend", "--batch", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "o.jsonl"),
                 *common]) == 2
    assert_one_error_line(capsys.readouterr().err, "nope.jsonl", "not found")
    latin1 = tmp_path / "latin1.jsonl"
    latin1.write_bytes('{"query": "señorita"}\n'.encode("latin-1"))
    assert main(["recommend", "--batch", str(latin1), "--out", str(tmp_path / "o.jsonl"), *common]) == 2
    assert_one_error_line(capsys.readouterr().err, "not UTF-8")
    assert not (tmp_path / "o.jsonl").exists()


def test_batch_into_a_missing_folder_is_an_error(trained, tmp_path, capsys):
    batch = tmp_path / "in.jsonl"
    batch.write_text('{"query": "song a1"}\n')
    assert main(["recommend", "--batch", str(batch), "--out", str(tmp_path / "no" / "o.jsonl"), *trained]) == 2
    assert_one_error_line(capsys.readouterr().err, "does not exist")


@pytest.mark.parametrize("make_target", ["folder", "read-only"])
def test_batch_that_cannot_write_its_output_is_an_error_not_a_traceback(trained, tmp_path, capsys, refuse_writes,
                                                                        make_target):
    batch, out = tmp_path / "in.jsonl", tmp_path / "outputs" / "o.jsonl"
    batch.write_text('{"query": "song a1"}\n')
    out.parent.mkdir()
    if make_target == "folder":
        out.mkdir()
    else:
        refuse_writes(out.parent)
    assert main(["recommend", "--batch", str(batch), "--out", str(out), *trained]) == 2
    assert_one_error_line(capsys.readouterr().err, "Cannot write", "o.jsonl")


@pytest.mark.parametrize("arguments, message", [
    ([], "one of the arguments query --batch is required"),
    (["song a1", "--batch", "in.jsonl"], "not allowed with"),
    (["--batch", "in.jsonl"], "--batch needs --out"),
    (["song a1", "--out", "o.jsonl"], "--out goes with --batch"),
    (["--batch", "in.jsonl", "--out", "o.jsonl", "--json"], "--json is for one query"),
    (["song a1", "--per-artist", "-1"], "-1 is below 0; use 0 for no cap"),
    (["song a1", "--per-album", "two"], "'two' is not a whole number"),
])
def test_recommend_argument_errors_exit_2_with_a_usage_line(tmp_path, capsys, arguments, message):
    with pytest.raises(SystemExit) as exit_info:
        main(["recommend", *arguments, "--cache-dir", str(tmp_path)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: ") and message in err, err


def artist_rows() -> list[dict]:
    """Artist X has six songs, x0..x2 on one album and x3..x5 each on its own; f0..f5 are six other
    artists' songs. Every song shares a playlist with f0, so asking about f0 with k=11 lists them all
    but for the caps, whatever the model learnt."""
    rows = []
    for i in range(6):
        album = "X One" if i < 3 else f"X Single {i}"
        rows.append({"track_id": f"x{i}", "track_artist": "Artist X", "track_album_id": album,
                     "track_album_name": album, "playlist_id": "p1", "track_album_release_date": "2001-05-04"})
        rows.append({"track_id": f"f{i}", "playlist_id": "p1", "track_album_release_date": "1999"})
    rows.append({"track_id": "f0", "playlist_id": "p2"})
    rows.append({"track_id": "x5", "playlist_id": "p2"})
    return rows


@pytest.fixture
def many_by_one_artist(make_csv, tmp_path, capsys):
    path = make_csv(artist_rows(), columns=COLUMNS + ("track_album_release_date",))
    common = ["--data", str(path), "--cache-dir", str(tmp_path / "cache")]
    assert main(["train", *common, *TRAIN_FAST]) == 0
    capsys.readouterr()
    return common


@pytest.mark.parametrize("caps, by_x", [
    ([], 2),  # the defaults: PER_ARTIST 2, PER_ALBUM 1
    (["--per-artist", "1"], 1),
    (["--per-artist", "0"], 4),  # no artist cap, but one song from "X One"
    (["--per-artist", "0", "--per-album", "0"], 6),
])
def test_per_artist_and_per_album_caps_are_honoured(many_by_one_artist, tmp_path, capsys, caps, by_x):
    assert main(["recommend", "song f0", "-k", "11", "--json", *caps, *many_by_one_artist]) == 0
    rows = json.loads(capsys.readouterr().out)["recommendations"]
    artists = [row["artist"] for row in rows]
    assert artists.count("Artist X") == by_x
    assert len(rows) == by_x + 5  # and all five other artists' songs
    assert {row["year"] for row in rows} == ({2001, 1999} if by_x else {1999})
    code, answers = run_batch(['{"query": "song f0"}', '{"track_ids": ["f0"]}'], many_by_one_artist, tmp_path,
                              "-k", "11", *caps)
    assert code == 0 and [answer["recommendations"] for answer in answers] == [rows, rows]
    assert main(["recommend", "song f0", "-k", "11", *caps, *many_by_one_artist]) == 0
    assert capsys.readouterr().out.count(" — Artist X  [") == by_x


def test_k_sets_how_many_in_every_form(many_by_one_artist, tmp_path, capsys):
    assert main(["recommend", "song f0", "-k", "3", "--json", *many_by_one_artist]) == 0
    assert len(json.loads(capsys.readouterr().out)["recommendations"]) == 3
    code, answers = run_batch(['{"track_ids": ["f0", "x0"]}'], many_by_one_artist, tmp_path, "-k", "2")
    assert code == 0 and [row["rank"] for row in answers[0]["recommendations"]] == [1, 2]
    assert main(["recommend", "song f0", "-k", "4", *many_by_one_artist]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 1 + 4


def test_serve_default_lists_the_models_and_makes_one_the_default(trained, two_playlists_csv, tmp_path, capsys):
    cache_dir = Path(trained[trained.index("--cache-dir") + 1])
    first = cache.load_current_config(cache_dir)
    assert main(["train", *trained, *TRAIN_FAST, "--seed", "7"]) == 0
    second = cache.load_current_config(cache_dir)
    capsys.readouterr()
    assert main(["serve-default", *trained]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert sorted(listed) == sorted([f"{cache.config_key(second)}  {second.label}  (the default)",
                                     f"{cache.config_key(first)}  {first.label}"])
    assert main(["serve-default", cache.config_key(first), *trained]) == 0
    assert cache.load_current_config(cache_dir) == first
    assert "now serves" in capsys.readouterr().err
    assert main(["serve-default", "0123456789abcdef", *trained]) == 2
    assert_one_error_line(capsys.readouterr().err, "has the key 0123456789abcdef", cache.config_key(first))


# --- recommend --like / --dislike / --variety ---------------------------------------------------------

def test_recommend_json_with_a_like_and_a_dislike_shows_them_and_leaves_the_disliked_out(trained, capsys):
    assert main(["recommend", "song a2 artist a2", "-k", "5", "--json", *trained]) == 0
    plain = [row["track_id"] for row in json.loads(capsys.readouterr().out)["recommendations"]]
    liked, disliked = plain[3], plain[0]
    assert main(["recommend", "song a2 artist a2", "-k", "5", "--json", "--like", liked, "--dislike", disliked,
                 "--variety", "0.3", *trained]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["feedback"] == {"like": [liked], "dislike": [disliked], "fewer_by_artist_of": [], "variety": 0.3}
    refined = [row["track_id"] for row in answer["recommendations"]]
    assert disliked not in refined and len(refined) == 5


def test_recommend_names_an_unknown_liked_id_and_still_answers(trained, capsys):
    assert main(["recommend", "song a2 artist a2", "-k", "3", "--like", "nope", *trained]) == 0
    out, err = capsys.readouterr()
    assert len(out.strip().splitlines()) == 4
    assert "No song has the track id nope; left out of the feedback." in err


@pytest.mark.parametrize("arguments, message", [
    (["song a1", "--variety", "2"], "2 is outside 0–1"),
    (["song a1", "--variety", "lots"], "'lots' is not a number"),
    (["--batch", "in.jsonl", "--out", "o.jsonl", "--like", "a1"], "refine one query's list, not a --batch"),
])
def test_recommend_refinements_out_of_place_are_usage_errors(tmp_path, capsys, arguments, message):
    with pytest.raises(SystemExit) as exit_info:
        main(["recommend", *arguments, "--cache-dir", str(tmp_path)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: ") and message in err, err
