"""Offline evaluation: the held-out split, the metrics, the models compared and the harness that
scores them all on the same split. Nothing in training or serving imports it, except to validate a
run that holds songs out (recsys.pipeline passes that in)."""
