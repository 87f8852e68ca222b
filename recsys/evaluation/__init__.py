"""Offline evaluation: the held-out split, the metrics, the models compared and the harness that
scores them all on the same split. Training and the models never import it; two steps use it when
they run, importing it then: recsys.pipeline, to validate a run that holds songs out, and
recsys.calibrate, whose score scale is fitted on a held-out split."""
