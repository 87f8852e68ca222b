"""Two visitors on one shared installation (RECSYS_OPERATOR_PASSWORD set), each in its own Chromium
context driven by Playwright against one `streamlit run` on the shipped data: what the operator
changes stays in the operator's own link, a visitor without the password can neither train, upload
nor evaluate, and a training run does not hold up another visitor's searches."""

import re
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.bench import READY_TEXT
from pages.widgets.serving import short_label
from recsys import cache, store, worker
from recsys.config import DEFAULT_DATA, TrainConfig
from recsys.pipeline import prepare
from tests.conftest import E2E_CONFIG, own_copy, trained_app, two_playlist_rows, write_songs_csv

pytestmark = pytest.mark.slow  # Chromium against `streamlit run`, two models trained on the shipped data

PASSWORD = "s3cret-operator"
SERVED = E2E_CONFIG  # the installation's default model (conftest's trained_cache): real songs, briefly trained
# A second model trained on the same data, for the operator to switch to; one epoch is enough for it to differ.
OTHER = TrainConfig(epochs=1, seed=1)
BLINDING_LIGHTS = "0sf12qNH5qcw8qpgymFOqD"
HEADING = "10 songs like Blinding Lights by The Weeknd"
LOCKED = "needs the operator password"
WAIT = 120_000  # ms: a page run on a busy 2-core machine can take a while
RECOMMENDATIONS = re.compile(r"#\d+ ")  # the "why" panels' summaries, "#1 Title — Artist · …"


@dataclass(frozen=True)
class Installation:
    url: str
    cache_dir: Path


@pytest.fixture(scope="module")
def shared(trained_cache, tmp_path_factory):
    """One server in shared mode on the installation's default data (RECSYS_DATA unset, so uploads
    are on), with two models trained on it and the first (conftest's trained_cache) the default."""
    folder = tmp_path_factory.mktemp("shared")
    cache_dir = own_copy(trained_cache, folder)
    prepare(DEFAULT_DATA, cache_dir, OTHER)
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("RECSYS_OPERATOR_PASSWORD", PASSWORD)
        with trained_app(folder, monkeypatch, data=None) as url:
            yield Installation(url, cache_dir)


@pytest.fixture
def visitor(browser):
    """`visitor()`: a page in a browser context of its own, as another person's browser would be."""
    contexts = []

    def open_page():
        contexts.append(browser.new_context(viewport={"width": 1300, "height": 1400}))
        return contexts[-1].new_page()

    yield open_page
    for context in contexts:
        context.close()


def settled(page) -> None:
    """Wait until the page's script run is over: nothing left from the run before, nothing running."""
    page.wait_for_function(
        "() => !document.querySelector('[data-stale=\"true\"], [data-testid=stStatusWidgetRunningIcon]')",
        timeout=WAIT)


def song_view(page, label: str) -> tuple[list[str], str]:
    """(the ten recommendations' summaries, the model caption) of Blinding Lights on the search
    page, once the page shows `label`'s model and its run is over."""
    caption = page.get_by_text(re.compile(r"songs from [\d,]+ playlists · " + re.escape(label) + "$"))
    caption.wait_for(timeout=WAIT)
    page.get_by_role("heading", name=HEADING).wait_for(timeout=WAIT)
    page.get_by_text("About the data and the model").wait_for(timeout=WAIT)  # the page's last element
    settled(page)
    summaries = page.locator("[data-testid=stExpander] summary", has_text=RECOMMENDATIONS).all_inner_texts()
    return summaries, caption.inner_text()


def unlock(page, password: str) -> None:
    """Type `password` into the page's operator password form and press Unlock."""
    field = page.get_by_label("Operator password")
    field.wait_for(timeout=WAIT)
    field.fill(password)
    page.get_by_role("button", name="Unlock").click()


def test_the_operators_model_and_data_stay_in_the_operators_link(shared, visitor, tmp_path):
    b = visitor()
    b.goto(f"{shared.url}?track={BLINDING_LIGHTS}")
    before = song_view(b, SERVED.label)
    assert len(before[0]) == 10

    a = visitor()
    a.goto(f"{shared.url}data?track={BLINDING_LIGHTS}")
    unlock(a, PASSWORD)
    a.get_by_test_id("stFileUploader").wait_for(timeout=WAIT)  # unlocked
    a.get_by_role("link", name="Find similar songs").click()  # within the app: the session, unlocked, stays
    assert song_view(a, SERVED.label) == before  # one song, one model: one list, whoever asks
    a.get_by_role("combobox", name="Model served").click()
    a.get_by_role("option", name=short_label(OTHER), exact=True).click()
    a.wait_for_url(re.compile(rf"model={cache.config_key(OTHER)}"), timeout=WAIT)
    switched, _ = song_view(a, OTHER.label)
    assert len(switched) == 10 and switched != before[0]  # the other model recommends otherwise

    upload = write_songs_csv(tmp_path / "shared-songs.csv", two_playlist_rows())
    a.get_by_role("link", name="Your data").click()
    a.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(upload)
    a.get_by_text("shared-songs.csv can be used").wait_for(timeout=WAIT)
    a.get_by_role("button", name="Use this data").click()
    a.wait_for_url(re.compile(r"[?&]data=\w+"), timeout=WAIT)
    a.get_by_text("Everyone else is served spotify_songs.csv").wait_for(timeout=WAIT)
    settled(a)
    assert f"model={cache.config_key(OTHER)}" in a.url and re.search(r"[?&]data=\w+", a.url)
    assert a.get_by_test_id("stText").first.inner_text().startswith("shared-songs.csv")  # served now, to A

    b.reload()  # B's own link, after A's changes
    assert song_view(b, SERVED.label) == before
    assert "model=" not in b.url and "data=" not in b.url


def test_without_the_password_a_visitor_can_neither_train_upload_nor_evaluate(shared, visitor):
    b = visitor()
    for path, what in (("train", "training a model"), ("evaluation", "running the evaluation"),
                       ("data", "uploading a songs file")):
        b.goto(f"{shared.url}{path}")
        b.get_by_text(f"This app is shared: {what} {LOCKED}.").wait_for(timeout=WAIT)
        b.get_by_role("button", name="Unlock").wait_for(timeout=WAIT)
        settled(b)
        assert b.get_by_role("button", name="Start training").count() == 0
        assert b.get_by_role("button", name=re.compile("Run the evaluation")).count() == 0
        assert b.get_by_test_id("stFileUploader").count() == 0
    assert b.get_by_text("uploads are turned off").count() == 0  # locked by the password, not by RECSYS_DATA

    unlock(b, "not-the-password")
    b.get_by_text("That is not the operator password (4 tries left).").wait_for(timeout=WAIT)
    settled(b)
    assert b.get_by_test_id("stFileUploader").count() == 0

    # The right password shows every control the checks above looked for, so they could have seen them.
    unlock(b, PASSWORD)
    b.get_by_test_id("stFileUploader").wait_for(timeout=WAIT)
    b.get_by_role("link", name="Evaluation").click()
    b.get_by_role("button", name=re.compile("Run the evaluation")).wait_for(timeout=WAIT)
    b.get_by_role("link", name="Train the model").click()
    b.get_by_role("button", name="Start training").wait_for(timeout=WAIT)
    settled(b)
    assert b.get_by_text(LOCKED).count() == 0


def test_a_training_run_does_not_hold_up_another_visitors_search(shared, visitor):
    a = visitor()
    a.goto(f"{shared.url}train")
    unlock(a, PASSWORD)
    epochs = a.get_by_label("Epochs")
    epochs.wait_for(timeout=WAIT)
    epochs.fill("2000")
    epochs.press("Tab")  # Enter would submit the form
    a.get_by_role("button", name="Start training").click()
    try:
        a.get_by_text(re.compile(r"Epoch \d+ of 2000")).wait_for(timeout=WAIT)  # under way: it holds the lock
        b = visitor()
        b.goto(shared.url)
        box = b.get_by_label("Song title or artist")
        box.wait_for(timeout=WAIT)
        b.get_by_text(READY_TEXT).wait_for(timeout=WAIT)
        box.fill("blinding lites")
        box.press("Enter")
        songs, _ = song_view(b, SERVED.label)
        assert len(songs) == 10
        assert worker.under_way(shared.cache_dir) is not None  # it came while the run trained, not after it
        sidebar = b.get_by_test_id("stSidebar")
        assert sidebar.get_by_text(re.compile(r"A training run is under way on this installation: epoch \d+ of 2000"))\
            .is_visible()
        assert b.get_by_role("button", name="Stop that run").count() == 0  # B is not the operator
        operator = visitor()  # whereas someone with the password, in another session, is offered it
        operator.goto(f"{shared.url}data")
        unlock(operator, PASSWORD)
        operator.get_by_test_id("stFileUploader").wait_for(timeout=WAIT)
        operator.get_by_role("link", name="Find similar songs").click()
        operator.get_by_role("button", name="Stop that run").wait_for(timeout=WAIT)

        a.get_by_role("button", name="Stop training").click()
        a.get_by_text("Training stopped before it finished; the model served is unchanged.").wait_for(timeout=WAIT)
        deadline = time.monotonic() + 30
        while cache.training_under_way(shared.cache_dir) and time.monotonic() < deadline:
            time.sleep(0.2)  # the worker process lets go of the lock as it ends
        assert not cache.training_under_way(shared.cache_dir)
        assert set(cache.trained_configs(shared.cache_dir, store.file_digest(DEFAULT_DATA))) == {SERVED, OTHER}
    finally:  # a failed check must not leave 2000 epochs training on the machine
        report = worker.under_way(shared.cache_dir)
        if report is not None:
            worker.stop(report)
