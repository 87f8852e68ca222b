"""Command line: `python -m recsys train | recommend | export | evaluate | serve-default | synth`.

What each command does; its flags are read by recsys.cli_args.
"""

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from tqdm import tqdm

from recsys import cache, store
from recsys.answers import Songs, answer, answer_line, match, read_lines
from recsys.cli_args import SETTINGS, parser
from recsys.config import DEFAULT_CACHE_DIR, TrainConfig
from recsys.embeddings import playlist_vectors
from recsys.errors import RecsysError
from recsys.load import load_catalogue
from recsys.pipeline import prepare, train_and_save, train_model
from recsys.recommend import Feedback, Filters
from recsys.share import terminal_text
from recsys.words import plural


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except RecsysError as err:
        _line(f"error: {err}", file=sys.stderr)  # "did you mean" errors quote names from the data
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted; the previous model is still in place.", file=sys.stderr)
        return 130


def cmd_train(args) -> int:
    # Imported here, as torch is: the other commands can do without it.
    from recsys import distributed

    settings = {name: getattr(args, name) for name in SETTINGS if getattr(args, name) is not None}
    config = TrainConfig.preset(args.model, **settings)
    if distributed.launched() and config.model != "kg":
        raise RecsysError(f"Only the kg model trains across processes; train {config.model} without torchrun.")
    _check_cache_dir(args, saving=True)
    with distributed.process_group():
        catalogue = load_catalogue(args.data)
        if distributed.rank() > 0:  # only rank 0 reports and saves: the others lend it their share of each step
            train_model(catalogue, config)
            return 0
        for line in catalogue.report.lines():
            _say(line)
        if distributed.world_size() > 1:
            _say(f"Training across {distributed.world_size()} processes, each on its share of every epoch's pairs.")
        # The shell is the operator's: what it trains becomes the installation's default.
        embeddings = train_and_save(catalogue, store.file_digest(args.data), args.cache_dir, config, _say, _progress(),
                                    serve=True)
    print(f"final loss {embeddings.loss_history[-1]:.4f} after {plural(config.epochs, 'epoch')}")
    return 0


def cmd_recommend(args) -> int:
    if args.batch is not None:
        return _recommend_batch(args)
    if args.out is not None:
        args.usage_error("--out goes with --batch IN.jsonl")
    _check_cache_dir(args)
    recommender = prepare(args.data, args.cache_dir, on_message=_say, on_epoch=_progress())
    filters = Filters(per_artist=args.per_artist, per_album=args.per_album)
    feedback = _feedback(recommender, args)
    if args.json:
        reply = answer(recommender, Songs.of(recommender.catalogue.tracks), {"query": args.query}, args.k, filters,
                       feedback)
        print(json.dumps(reply, ensure_ascii=False))
        return 0
    chosen = match(recommender, args.query)
    song = recommender.describe([chosen]).iloc[0]
    _line(f"{song.track_name} — {song.track_artist} ({song.track_album_name}) [{song.track_id}]")
    for row in recommender.neighbours_table(chosen, args.k, filters, feedback).itertuples():
        _line(f"{row.rank:3d}. {row.score:.3f} (cos {row.cosine:.3f})  {row.track_name} — {row.track_artist}"
              f"  [{row.genre}]")
    return 0


def _feedback(recommender, args) -> Feedback:
    """The --like / --dislike / --fewer-by / --variety refinement; unknown track ids are named on stderr and left out."""
    feedback, unknown = recommender.feedback(args.like, args.dislike, args.fewer_by, args.variety)
    if unknown:
        _say(f"No song has the track id{'s' * (len(unknown) > 1)} {', '.join(unknown)}; left out of the feedback.")
    return feedback


def _recommend_batch(args) -> int:
    """Answer every line of the --batch file into --out, one model load for all of them."""
    if args.out is None:
        args.usage_error("--batch needs --out OUT.jsonl, the file the answers go to")
    if args.json:
        args.usage_error("--json is for one query; --batch writes JSON lines already")
    if args.like or args.dislike or args.fewer_by or args.variety:
        args.usage_error("--like, --dislike, --fewer-by and --variety refine one query's list, not a --batch")
    lines = read_lines(Path(args.batch))
    out = Path(args.out)
    if not out.parent.is_dir():
        raise RecsysError(f"Folder {out.parent} does not exist; create it or choose another --out.")
    _check_cache_dir(args)
    recommender = prepare(args.data, args.cache_dir, on_message=_say, on_epoch=_progress())
    filters = Filters(per_artist=args.per_artist, per_album=args.per_album)
    songs = Songs.of(recommender.catalogue.tracks)
    answers = [answer_line(recommender, songs, line, args.k, filters) for line in lines if line.strip()]
    text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in answers)
    try:
        store.write_atomically(out, lambda handle: handle.write(text.encode("utf-8")))
    except OSError as err:
        raise RecsysError(f"Cannot write {out}: {err.strerror or err}; choose another --out.") from None
    failed = sum("error" in row for row in answers)
    skipped = len(lines) - len(answers)
    _say(f"wrote {out}: {len(answers) - failed:,} lines answered, {failed:,} with errors"
         + (f" ({skipped:,} blank {'line' if skipped == 1 else 'lines'} skipped)" if skipped else ""))
    return 0


def cmd_export(args) -> int:
    out = Path(args.out)
    if not out.parent.is_dir():
        raise RecsysError(f"Folder {out.parent} does not exist; create it or choose another --out.")
    _check_cache_dir(args)
    recommender = prepare(args.data, args.cache_dir, on_message=_say, on_epoch=_progress())
    ids, emb = recommender.catalogue.ids, recommender.embeddings
    try:
        with open(out, "wb") as handle:
            np.savez(
                handle,
                track_ids=ids.track_ids.to_numpy(dtype=str), track_emb=emb.track,
                playlist_ids=ids.playlist_ids.to_numpy(dtype=str),
                playlist_emb=playlist_vectors(emb.track, recommender.catalogue.edge_playlist,
                                              recommender.catalogue.edge_track, ids.num_playlists),
            )
    except OSError as err:
        raise RecsysError(f"Cannot write {out}: {err.strerror or err}; choose another --out.") from None
    print(f"wrote {ids.num_tracks:,} track and {ids.num_playlists:,} playlist embeddings to {out}")
    return 0


def cmd_evaluate(args) -> int:
    # Imported here: recsys.evaluation.evaluate loads torch and PyG, which the other commands can do without.
    from recsys.evaluation.evaluate import EVALUATED_MODELS, VIEWS, evaluate, format_table, report_path, summarise, write_report

    names = args.models or list(EVALUATED_MODELS)
    _check_cache_dir(args)  # the report is written there, after minutes of evaluating
    catalogue = load_catalogue(args.data)
    started = time.perf_counter()

    def progress(row: dict) -> None:
        if row["view"] == VIEWS[0] and row["subset"] == "all":
            _say(f"seed {row['seed']} {row['model']:<15} recall@10 {row['recall@10']:.4f} "
                 f"ndcg@10 {row['ndcg@10']:.4f} auc {row['auc']:.4f}  ({time.perf_counter() - started:.0f} s)")

    results = evaluate(catalogue, names, args.seed, on_result=progress)
    summary = summarise(results)
    for view in VIEWS:
        print(format_table(summary, view, "all") + "\n")
    for subset in ("warm", "cold"):
        print(format_table(summary, VIEWS[0], subset, ("recall@10", "ndcg@10", "hit_rate@10", "auc")) + "\n")
    digest = store.file_digest(args.data)
    for path in filter(None, (args.out, report_path(args.cache_dir, digest))):
        write_report(path, results, args.seed, names)
        print(f"wrote {path}")
    return 0


def cmd_synth(args) -> int:
    from recsys.synth import write_synthetic

    out = Path(args.out)
    if not out.parent.is_dir():
        raise RecsysError(f"Folder {out.parent} does not exist; create it or choose another --out.")
    started = time.perf_counter()
    rows = write_synthetic(out, args.tracks, args.playlists, args.mean_length, args.seed)
    print(f"wrote {out}: {plural(rows, 'row')}, {plural(args.tracks, 'track')}, {plural(args.playlists, 'playlist')} "
          f"({time.perf_counter() - started:.1f} s)")
    return 0


def cmd_serve_default(args) -> int:
    """Make a trained model the installation's default, or list the models to choose from."""
    digest = store.file_digest(args.data)
    trained = cache.trained_configs(args.cache_dir, digest)
    if args.model is None:
        current = cache.load_current_config(args.cache_dir)
        for config in trained:
            print(f"{cache.config_key(config)}  {config.label}{'  (the default)' if config == current else ''}")
        if not trained:
            _say(f"No model is trained on {args.data} yet; train one with `python -m recsys train`.")
        return 0
    config = cache.find_config(args.cache_dir, digest, args.model)
    if config is None:
        keys = ", ".join(cache.config_key(config) for config in trained) or "none yet"
        raise RecsysError(f"No model trained on {args.data} has the key {args.model}; the keys are: {keys} "
                          "(`python -m recsys serve-default` lists them with their settings).")
    cache.save_current_config(args.cache_dir, config)
    _say(f"Every session without ?model= in its link now serves the {config.label}.")
    return 0


COMMANDS = {"train": cmd_train, "recommend": cmd_recommend, "export": cmd_export, "evaluate": cmd_evaluate,
            "serve-default": cmd_serve_default, "synth": cmd_synth}


def _check_cache_dir(args, saving: bool = False) -> None:
    """Refuse, before any training, a --cache-dir given that is a file or cannot be created; with
    `saving` (train, whose result is the saved model), any cache folder a model cannot be written to.

    Otherwise the default folder is let through: on a read-only install, models are served from memory."""
    if saving:
        problem = store.write_problem(args.cache_dir)
        if problem:
            raise RecsysError(f"Cannot save a model in {args.cache_dir}: {problem}. Give --cache-dir a folder you "
                              "can write to (or free some space); nothing was trained.")
    elif args.cache_dir != DEFAULT_CACHE_DIR:
        problem = store.folder_problem(args.cache_dir)
        if problem:
            raise RecsysError(f"--cache-dir {args.cache_dir}: {problem}. Give a folder, or a path where one can be "
                              "created.")


def _line(text: str, file=None) -> None:
    """Print one line that may quote names from the data, which could hold terminal escapes."""
    print(terminal_text(text), file=file)


def _say(text: str) -> None:
    _line(text, file=sys.stderr)  # load reports quote the file's column names


def _progress() -> Callable[[int, int, float, float | None], None]:
    """An `on_epoch` callback: a tqdm bar of the epochs on stderr, with the loss and, when a
    hold-out measures it, validation Recall@10."""
    bar = None

    def on_epoch(epoch: int, epochs: int, loss: float, recall: float | None) -> None:
        nonlocal bar
        if bar is None or epoch <= bar.n:  # a first run, or another one after it
            bar = tqdm(total=epochs, desc="training", file=sys.stderr, mininterval=0, miniters=1,
                       bar_format="{desc} {bar:30} epoch {n_fmt}/{total_fmt} [{elapsed}<{remaining}]{postfix}")
        validation = "" if recall is None else f" validation Recall@10 {recall:.4f}"
        bar.set_postfix_str(f"loss {loss:.4f}{validation}", refresh=False)
        bar.update(epoch - bar.n)
        if epoch == epochs:
            bar.close()

    return on_epoch
