"""Song recommendations from a graph neural network trained on playlists."""
