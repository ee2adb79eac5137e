"""Decision-quality benchmark of ``release-tools analyze`` on release pairs from real git history.

Run it from the repository root with ``python -m benchmarks.accuracy`` (``--help`` lists the
options). It is never part of the test suite; its pure helpers are unit-tested in
``tests/benchmarks/test_accuracy_tools.py``.
"""
