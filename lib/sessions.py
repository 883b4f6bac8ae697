"""Django's database sessions, read with SQL written once per process (`SESSION_ENGINE`).

Every signed-in request loads its session; Django builds a queryset for it each time
(≈ 0.2 ms of CPU for a 0.05 ms query, bench/README.md, issue #23). The read here is the
same query, `session_key` and not expired, as a plain statement; writing, creating and
deleting sessions are Django's own.
"""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    _sql: dict[str, str] = {}

    def load(self):
        data = self._session_data()
        if data is None:
            self._session_key = None
            return {}
        return self.decode(data)

    def _session_data(self) -> str | None:
        connection = connections[router.db_for_read(self.model)]
        sql = self._sql.get(connection.vendor)
        if sql is None:
            quote, meta = connection.ops.quote_name, self.model._meta
            sql = self._sql[connection.vendor] = "SELECT {} FROM {} WHERE {} = %s AND {} > %s".format(
                quote(meta.get_field("session_data").column), quote(meta.db_table),
                quote(meta.get_field("session_key").column), quote(meta.get_field("expire_date").column),
            )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())])
            row = cursor.fetchone()
        return row[0] if row else None
