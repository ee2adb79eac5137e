"""JavaScript and TypeScript API evidence: exports, entry points and option keys.

:mod:`.gatherer` compares a package's exports between the two refs; :mod:`.entrypoints` decides
which modules are public; :mod:`.exports` reads one module's exports (parsed by :mod:`.parser`
and walked by :mod:`.reader`, with :mod:`.signatures` for parameter lists, or scanned by
:mod:`.linear` when too big to parse); :mod:`.compare` compares two versions of a module;
:mod:`.options` finds option keys a function newly reads.
"""
