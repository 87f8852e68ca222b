"""The command line's grammar: each command's flags, their defaults, help and checks."""

import argparse
from pathlib import Path

from recsys.config import DEFAULT_CACHE_DIR, DEFAULT_DATA, EVALUATION, TRAINABLE_MODELS
from recsys.recommend import MAX_FEEDBACK, PER_ALBUM, PER_ARTIST, VARIETY_RANGE

DESCRIPTION = "Command line: `python -m recsys train | recommend | export | evaluate | serve-default | synth`."


def parser() -> argparse.ArgumentParser:
    """Every command with its flags; `command` in the parsed arguments names the one to run."""
    parser = argparse.ArgumentParser(prog="python -m recsys", description=DESCRIPTION)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data", type=Path, default=DEFAULT_DATA, help="songs CSV (default: the shipped file)")
    common.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE_DIR, help="where trained models are kept")

    train = commands.add_parser("train", parents=[common], help="train a model and make it the installation's default")
    train.add_argument("--model", choices=TRAINABLE_MODELS, default=TRAINABLE_MODELS[0],
                       help="kg: the knowledge-graph model (default, best measured); gcn-paper: the report's recipe")
    for dest, (flag, kind, text) in SETTINGS.items():
        train.add_argument(f"--{flag.replace('_', '-')}", dest=dest, type=kind, help=f"{text} (default: the model's preset)")
    train.set_defaults(command="train")

    recommend = commands.add_parser("recommend", parents=[common],
                                    help="songs most like the one a query finds, or for each line of a file")
    asked = recommend.add_mutually_exclusive_group(required=True)
    asked.add_argument("query", nargs="?", help='a title and/or artist, typos allowed, e.g. "blinding lites"')
    asked.add_argument("--batch", metavar="IN.jsonl",
                       help='a file of JSON lines, each {"query": "title artist"} or {"track_ids": ["…", …]}')
    recommend.add_argument("--out", metavar="OUT.jsonl", help="with --batch: where the answers go, one line each")
    recommend.add_argument("--json", action="store_true", help="print the answer as one JSON object")
    recommend.add_argument("-k", type=int, default=10, choices=range(1, 101), metavar="K", help="how many (1–100)")
    recommend.add_argument("--per-artist", type=_cap, default=PER_ARTIST, metavar="N",
                           help=f"at most N songs by one artist (0: no cap; default {PER_ARTIST})")
    recommend.add_argument("--per-album", type=_cap, default=PER_ALBUM, metavar="N",
                           help=f"at most N songs from one album (0: no cap; default {PER_ALBUM})")
    for flag, text in (("like", "more like this song (👍); repeat for more"),
                       ("dislike", "less like this song, which leaves the list (👎); repeat for more"),
                       ("fewer-by", "no songs by this song's artist; repeat for more")):
        recommend.add_argument(f"--{flag}", action="append", default=[], metavar="TRACK_ID",
                               help=f"{text} (at most {MAX_FEEDBACK})")
    recommend.add_argument("--variety", type=_variety, default=0.0, metavar="X",
                           help="trade similarity for variety, 0 (default: the plain ranking) to 1")
    recommend.set_defaults(command="recommend", usage_error=recommend.error)

    export = commands.add_parser("export", parents=[common], help="write the current embeddings to an .npz file")
    export.add_argument("--out", required=True, help="output file, e.g. embeddings.npz")
    export.set_defaults(command="export")
    evaluate_ = commands.add_parser("evaluate", parents=[common], help="measure every model on held-out playlist tracks")
    evaluate_.add_argument("--models", nargs="+", metavar="MODEL",
                           help="models to compare (default: all; an unknown name lists the choices)")
    evaluate_.add_argument("--seed", nargs="+", type=int, default=list(EVALUATION.seeds), metavar="N",
                           help=f"one split and training run per seed (default: {' '.join(map(str, EVALUATION.seeds))})")
    evaluate_.add_argument("--out", help="also write every figure to this JSON file")
    evaluate_.set_defaults(command="evaluate")

    default = commands.add_parser("serve-default", parents=[common],
                                  help="make a trained model what every app session serves unless its link names another")
    default.add_argument("model", nargs="?", metavar="KEY",
                         help="the model's key, as ?model= carries it; without one, list the models trained on the data")
    default.set_defaults(command="serve-default")

    synth = commands.add_parser("synth", help="write a synthetic songs file of any size, for benchmarks")
    synth.add_argument("--tracks", type=int, required=True, help="songs in the catalogue")
    synth.add_argument("--playlists", type=int, required=True, help="playlists")
    synth.add_argument("--mean-length", type=float, default=50.0, help="mean playlist length before repeats merge")
    synth.add_argument("--seed", type=int, default=0, help="random seed: the same seed writes the same file")
    synth.add_argument("--out", required=True, help="output CSV")
    synth.set_defaults(command="synth")
    return parser


# Settings `train` can change on top of the chosen model's preset: TrainConfig field → (flag, type, help).
SETTINGS = {
    "epochs": ("epochs", int, "training epochs"),
    "lr": ("lr", float, "Adam learning rate"),
    "hidden_dim": ("hidden_dim", int, "gcn-paper: first GCN layer width"),
    "out_dim": ("out_dim", int, "embedding width (kg: per layer)"),
    "dropout": ("dropout", float, "gcn-paper: dropout"),
    "negatives_per_positive": ("negatives", int, "gcn-paper: negatives per positive"),
    "layers": ("layers", int, "kg: propagation layers"),
    "temperature": ("temperature", float, "kg: sharpness of the song-song loss"),
    "holdout": ("holdout", float, "share of each playlist's songs kept out to report validation Recall@10 per epoch"),
    "seed": ("seed", int, "random seed"),
}


def _cap(text: str) -> int:
    """argparse type of --per-artist / --per-album: a whole number, 0 (no cap) or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is below 0; use 0 for no cap")
    return value


def _variety(text: str) -> float:
    """argparse type of --variety: a number in VARIETY_RANGE."""
    low, high = VARIETY_RANGE
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"{value:g} is outside {low:g}–{high:g}")
    return value
