import os
import sys

# Set before NumPy loads, which reads it once: a recommendation's matrix–vector products are too
# small to share out, and OpenBLAS's idle threads spin between them (on two cores a 1,000-line
# batch took 16 s with them, 9 s without). A setting of the person's own wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from recsys.cli import main  # noqa: E402

sys.exit(main())
