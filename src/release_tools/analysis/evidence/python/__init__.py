"""Python API evidence: public names and signatures compared between the two refs with griffe.

:mod:`.api` gathers the evidence (and prefetches it before the diff is read); :mod:`.planner`
decides which modules to compare, reads them and scans those too big to parse; :mod:`.parsing`
reads one side with griffe; :mod:`.compare` compares one module's two versions; :mod:`.jobs`
runs comparisons (in a forked child on big ranges); :mod:`.names` holds the naming rules; the
remaining modules hold single rules (signatures, return values, moves, body pruning).
"""
