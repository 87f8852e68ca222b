"""Words for people: counts ("1 song", "2 songs", never "1 songs" or "song(s)") and the models' plain names."""

# What the app calls each model where a visitor reads it: the internal names (`kg`, `gcn-paper`)
# mean nothing to one, and the sidebar has room for about thirty characters.
PLAIN_NAMES = {
    "random": "Random", "popularity": "Popularity", "audio-features": "Audio features",
    "co-occurrence": "Co-occurrence", "artist-album": "Same artist or album", "lightgcn": "LightGCN",
    "gcn-paper": "The report's GCN", "kg": "Knowledge graph",
}


def plural(count: int, noun: str, many: str | None = None) -> str:
    """`count` with `noun`, made plural unless the count is one ("1 song", "2,000 songs");
    `many` is the plural where adding an s is wrong ("try", "tries")."""
    return f"{count:,} {word_for(count, noun, many)}"


def word_for(count: int, noun: str, many: str | None = None) -> str:
    """`noun` as `count` of it is said, without the number ("column" or "columns")."""
    return noun if count == 1 else many or noun + "s"


# What Spotify appends after the title of one version of a song: "Bohemian Rhapsody - 2011 Mix",
# "Lose Yourself - From "8 Mile" Soundtrack".
VERSION_MARK = " - "


def short_title(title: str) -> str:
    """The song's title without its version ("Bohemian Rhapsody - 2011 Mix" → "Bohemian
    Rhapsody"): what fits on a button. A title that is nothing but a version stays whole."""
    return title.split(VERSION_MARK, 1)[0].strip() or title
