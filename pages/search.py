"""Search page: find a song, see the ten songs most like it and why they sound alike."""

import streamlit as st

from pages import escape_markdown, menu, model_picker, recommender
from recsys.charts import audio_radar
from recsys.errors import RecsysError

menu()
model_picker()
st.title(":material/headphones: Find songs like the one you love")
st.caption("Type a song or an artist; typos are fine. Ten songs the graph neural network finds most alike appear below.")
query = st.text_input("Song title or artist", placeholder="e.g. blinding lites, senorita, without me eminem", max_chars=200)
rec = recommender()  # after the search box, so a person can type while the model loads
report = rec.catalogue.report
st.caption(f"{report.tracks:,} songs from {report.playlists:,} playlists · {rec.config.label}")
if report.repairs:
    # The lines name columns of the file, which may hold markdown.
    st.warning(escape_markdown("Data repaired while loading: " + "; ".join(report.lines()[1:]) + "."))
if not query.strip():
    st.info("Start typing a song title, an artist, or both.")
    st.stop()
try:
    matches, _ = rec.search(query, limit=10)
except RecsysError as err:
    st.warning(escape_markdown(str(err)))
    st.stop()
if len(matches) == 0:
    st.warning(f"No song matches “{escape_markdown(query.strip()[:80])}”. Try part of the title or the artist's name.")
    st.stop()

labels = rec.describe(matches)
names = {int(i): f"{r.track_name} — {r.track_artist} · {r.track_album_name}" for i, r in zip(matches, labels.itertuples())}
track = st.selectbox("Which song?", options=list(names), format_func=names.get)
song = rec.describe([track]).iloc[0]
table = rec.neighbours_table(track, k=10)

st.subheader(f"{len(table)} songs like {escape_markdown(song.track_name)} by {escape_markdown(song.track_artist)}")
st.dataframe(
    table.drop(columns=["track", "track_id"]),
    hide_index=True,
    column_config={
        "rank": st.column_config.NumberColumn("#", width="small"),
        "track_name": "Title",
        "track_artist": "Artist",
        "track_album_name": "Album",
        "genre": "Genre",
        "playlist_count": st.column_config.NumberColumn("Playlists", help="How many playlists the song is in"),
        "similarity": st.column_config.ProgressColumn("Similarity", help="Cosine similarity of the embeddings", format="%.3f", min_value=0.0, max_value=1.0),
    },
)

st.subheader("How they sound")
choices = {-1: f"The {len(table)} recommendations (mean)"} | {
    int(r.track): f"#{r.rank} {r.track_name} — {r.track_artist}" for r in table.itertuples()
}
compare = st.selectbox("Compare the chosen song with", options=list(choices), format_func=choices.get)
others = table["track"].tolist() if compare == -1 else [compare]
series = [(song.track_name, *rec.feature_profile([track])), (choices[compare], *rec.feature_profile(others))]
st.plotly_chart(audio_radar(series), key="radar")
st.caption("Each audio feature is scaled to 0–1 across the whole catalogue; hover for the real value.")

with st.expander("About the data and the model"):
    st.text("\n".join(rec.catalogue.report.lines()))
    st.json(rec.config.as_dict())
