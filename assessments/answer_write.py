"""An answer that does not end the test, written in one PostgreSQL statement.

The answer loop's write is three rows' worth: INSERT the answer, INSERT its knowledge elements,
UPDATE the assessment (its next challenge and its progress). In a transaction that is five round
trips with BEGIN and COMMIT; as data-modifying CTEs it is one statement, atomic on its own.
The UPDATE is the guard: it changes the row only if the row is still the one the answer was
computed from (same challenge asked, same progress time, still started), and the INSERTs read
their assessment id from it, so that a concurrent answer (a double click, a second tab) writes
nothing here and the caller takes the locked path instead.

PostgreSQL only (SQLite has no data-modifying CTE): the caller keeps the ORM path for SQLite.
Columns and values go through the models' fields (column names, get_db_prep_save), so that the
statement stays in step with the migrations.
"""

from django.db import connection

from .models import Answer, Assessment, KnowledgeElement


def _columns(model, values: dict) -> tuple[list[str], list]:
    fields = [(model._meta.get_field(name), value) for name, value in values.items()]
    return (
        [connection.ops.quote_name(field.column) for field, _ in fields],
        [field.get_db_prep_save(value, connection) for field, value in fields],
    )


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def supported() -> bool:
    return connection.vendor == "postgresql"


def write_answer(*, assessment: Assessment, expected_progress_at, answer: dict, knowledge: list[dict],
                 changes: dict) -> int | None:
    """Write the answer, its knowledge elements and the assessment's `changes` in one statement.
    Returns the answer's id, or None when the row had moved (nothing written).

    answer: Answer fields but `assessment`; knowledge: KnowledgeElement fields but `assessment`
    and `answer`, one dict per element."""
    quote = connection.ops.quote_name
    set_columns, set_params = _columns(Assessment, changes)
    guard_columns, guard_params = _columns(Assessment, {
        "current_challenge_id": assessment.current_challenge_id, "progress_at": expected_progress_at,
    })
    answer_columns, answer_params = _columns(Answer, answer)
    assessment_column = quote(Answer._meta.get_field("assessment").column)
    sql = [
        f"WITH moved AS (UPDATE {_table(Assessment)} SET "
        + ", ".join(f"{column} = %s" for column in set_columns)
        + f" WHERE {quote('id')} = %s AND {quote('state')} = %s"
        + f" AND {guard_columns[0]} = %s AND {guard_columns[1]} IS NOT DISTINCT FROM %s RETURNING {quote('id')}),",
        f" written AS (INSERT INTO {_table(Answer)} ({assessment_column}, {', '.join(answer_columns)})"
        + f" SELECT {quote('id')}, {', '.join(['%s'] * len(answer_params))} FROM moved RETURNING {quote('id')})",
    ]
    params = [*set_params, assessment.pk, Assessment.State.STARTED, *guard_params, *answer_params]
    if knowledge:
        rows = [_columns(KnowledgeElement, element) for element in knowledge]
        element_columns = rows[0][0]
        ke_assessment = quote(KnowledgeElement._meta.get_field("assessment").column)
        ke_answer = quote(KnowledgeElement._meta.get_field("answer").column)
        names = [f"c{index}" for index in range(len(element_columns))]
        # The first row's placeholders carry the column types (VALUES infers from its first row).
        casts = [_cast(KnowledgeElement, name) for name in knowledge[0]]
        first = "(" + ", ".join(f"%s::{cast}" for cast in casts) + ")"
        others = ["(" + ", ".join(["%s"] * len(element_columns)) + ")"] * (len(rows) - 1)
        sql.append(
            f", elements AS (INSERT INTO {_table(KnowledgeElement)} ({ke_assessment}, {ke_answer}, "
            + ", ".join(element_columns) + ")"
            + f" SELECT %s, written.{quote('id')}, " + ", ".join(f"v.{name}" for name in names)
            + f" FROM written CROSS JOIN (VALUES {', '.join([first, *others])}) AS v({', '.join(names)}))"
        )
        params.append(assessment.pk)
        for _, values in rows:
            params.extend(values)
    sql.append(f" SELECT {quote('id')} FROM written")
    with connection.cursor() as cursor:
        cursor.execute("".join(sql), params)
        row = cursor.fetchone()
    return row[0] if row else None


def _cast(model, name: str) -> str:
    return model._meta.get_field(name).db_type(connection)
