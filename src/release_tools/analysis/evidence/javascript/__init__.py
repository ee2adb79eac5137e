"""JavaScript and TypeScript API evidence: exports, entry points and option keys.

:mod:`.gatherer` compares a package's exports between the two refs; :mod:`.exports` scans one
module's export statements; :mod:`.options` finds option keys a function newly reads.
"""
