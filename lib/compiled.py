"""A queryset compiled to SQL once per process, then run with other values.

Building and compiling a queryset with annotations and subqueries costs more CPU than the
database spends running it (the answer loop's row read: ≈ 1 ms of Django for a 0.1 ms query).
`CompiledQuery(build)` calls `build(**values)` once with sentinel values, keeps the SQL and
where each value sits among its parameters, then runs that SQL as a raw query with the real
values. The queryset must be one whose SQL does not change with the values (filters on them,
no `__in` of varying length), and must be built after the apps are ready.
"""

import itertools
import threading

_SENTINELS = itertools.count(-7_300_000_000_000_000_001, -1)


class CompiledQuery:
    def __init__(self, build, *names):
        self._build, self._names = build, names
        self._compiled = None
        self._lock = threading.Lock()

    def _compile(self):
        sentinels = {name: next(_SENTINELS) for name in self._names}
        queryset = self._build(**sentinels)
        sql, params = queryset.query.sql_with_params()
        positions = {name: [i for i, param in enumerate(params) if param == value] for name, value in sentinels.items()}
        if any(len(found) != 1 for found in positions.values()):
            raise ValueError(f"each value must appear once among the parameters: {positions}")
        return queryset.model, queryset.db, sql, list(params), {name: found[0] for name, found in positions.items()}

    def first(self, **values):
        """The first model instance the query returns with these values, or None."""
        if self._compiled is None:
            with self._lock:
                self._compiled = self._compiled or self._compile()
        model, db, sql, params, positions = self._compiled
        params = list(params)
        for name, value in values.items():
            params[positions[name]] = value
        return next(iter(model.objects.using(db).raw(sql, params)), None)
