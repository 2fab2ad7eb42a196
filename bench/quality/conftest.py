"""pytest setup for the quality benchmark's tests."""

import os

# Before numpy loads, as run.py does: one BLAS thread (implicit warns otherwise).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
