"""Python API evidence: public names and signatures compared between the two refs with griffe.

:mod:`.api` plans which modules to compare and gathers the evidence; :mod:`.compare` compares
one module's two versions; :mod:`.jobs` runs comparisons (in a forked child on big ranges);
the remaining modules hold single rules (signatures, return values, moves, body pruning).
"""
