"""recsys/embeddings.py: L2 normalisation with the zero-norm guard."""

import numpy as np

from recsys.embeddings import Embeddings, l2_normalise, playlist_vectors, sound_vectors


def test_l2_normalise_gives_unit_rows_in_the_same_direction():
    out = l2_normalise(np.array([[3.0, 4.0], [0.0, -2.0], [1e-3, 1e-3]]))
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, -1.0], [2**-0.5, 2**-0.5]], rtol=1e-6)
    assert out.dtype == np.float32


def test_l2_normalise_keeps_a_zero_row_zero():
    out = l2_normalise(np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 2.0]]))
    assert not np.isnan(out).any()
    np.testing.assert_array_equal(out[0], [0, 0, 0])
    np.testing.assert_allclose(out[1], [1 / 3, 2 / 3, 2 / 3], rtol=1e-6)


def test_from_raw_normalises_both_tables_and_keeps_the_losses_as_floats():
    embeddings = Embeddings.from_raw(np.array([[2.0, 0.0]]), np.array([[0.0, 5.0]]), [np.float32(1.5), 1])
    np.testing.assert_array_equal(embeddings.track, [[1.0, 0.0]])
    np.testing.assert_array_equal(embeddings.playlist, [[0.0, 1.0]])
    assert embeddings.loss_history == (1.5, 1.0)
    assert all(type(x) is float for x in embeddings.loss_history)


def test_playlist_vectors_are_unit_means_and_zero_for_an_empty_playlist():
    track_emb = np.array([[1, 0], [0, 1], [1, 0]], dtype=np.float32)
    vectors = playlist_vectors(track_emb, np.array([0, 0, 1]), np.array([0, 1, 2]), num_playlists=3)
    np.testing.assert_allclose(vectors, [[0.5**0.5, 0.5**0.5], [1, 0], [0, 0]], atol=1e-6)


def test_sound_vectors_are_unit_and_standardised():
    raw = np.array([[1.0, 100.0], [3.0, 100.0], [2.0, 100.0]])  # the constant column says nothing
    sound = sound_vectors(raw)
    np.testing.assert_allclose(sound, [[-1, 0], [1, 0], [0, 0]], atol=1e-6)  # a zero row stays zero
