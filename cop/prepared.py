"""A lookup compiled to SQL once per thread of execution, then run with each call's values.

For the few reads made on every signed-in request (the user, their membership) or on every request of
a hot page (the thread page's thread with its board and community, the viewer's state and reactions),
compiling the query costs the ORM several times what the database takes to answer it (bench/lookups.py
measures each against the ORM: bench/RESULTS.md, "Thread page without the page cache"). PreparedGet
compiles the queryset once, keeps the compiler, and for each call runs its SQL with the new values,
turning the row into a model instance the way QuerySet iteration does (same converters, same
select_related population, deferred fields as with only()). tests/cop/test_prepared.py compares it with
the plain queryset. The compiled SQL lives in the process only, so a deploy (new processes) never runs
an old query.
"""

import threading

from django.core.exceptions import MultipleObjectsReturned
from django.db import connections
from django.db.models.query import get_related_populators

# Stand for the looked-up values while compiling; found again among the compiled parameters.
_SENTINELS = [-(2**62) + 7_349 - position for position in range(4)]


class PreparedGet:
    """`PreparedGet(lambda a, b: queryset.filter(x=a, y=b)).get(a, b)` is the queryset's single object
    for those values, or None (integer values, each used once in the query; several rows raise
    MultipleObjectsReturned). A subclass whose values are strings (a page's path) sets `sentinels` to
    strings that no value equals."""

    sentinels = _SENTINELS

    def __init__(self, queryset_for):
        self._queryset_for = queryset_for
        self._local = threading.local()

    def _state(self) -> dict:
        """The compiled query of this thread's connection, compiled again when the connection changed."""
        state = getattr(self._local, "state", None)
        if state is None or state["connection"] is not connections[state["db"]]:
            arity = self._queryset_for.__code__.co_argcount
            queryset = self._queryset_for(*self.sentinels[:arity])
            db = queryset.db
            compiler = queryset.query.get_compiler(using=db)
            sql, params = compiler.as_sql()
            params = list(params)
            if any(params.count(sentinel) != 1 for sentinel in self.sentinels[:arity]):
                raise ValueError(f"{type(self).__name__} needs a query using each of its values exactly once")
            state = {
                "db": db,
                "connection": connections[db],
                "compiler": compiler,
                "sql": sql,
                "params": params,
                "indexes": [params.index(sentinel) for sentinel in self.sentinels[:arity]],
                "converters": compiler.get_converters(
                    [s[0] for s in compiler.select[0 : compiler.col_count]]
                ),
                **self._row_reader(queryset, compiler, db),
            }
            self._local.state = state
        return state

    def _row_reader(self, queryset, compiler, db) -> dict:
        """What turning a row into a model instance needs, as QuerySet iteration does it."""
        select, klass_info = compiler.select, compiler.klass_info
        if compiler.annotation_col_map or queryset._known_related_objects:
            raise ValueError("PreparedGet does not handle annotations or known related objects")
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        return {
            "model": klass_info["model"],
            "init_list": [column[0].target.attname for column in select[start:end]],
            "start": start,
            "end": end,
            "populators": get_related_populators(klass_info, select, db),
        }

    def _rows(self, values, *, limit: int | None = None):
        """The query's rows for these values (converted), at most `limit` of them."""
        state = self._state()
        params = list(state["params"])
        for index, value in zip(state["indexes"], values, strict=True):
            params[index] = value
        with state["connection"].cursor() as cursor:
            cursor.execute(state["sql"], params)
            rows = cursor.fetchall() if limit is None else cursor.fetchmany(limit)
        if state["converters"]:
            rows = state["compiler"].apply_converters(rows, state["converters"])
        return state, list(rows)

    def _one_row(self, values):
        """The query's single row for these values, or None when it has none (MultipleObjectsReturned when
        it has several: a lookup that may match several rows is a mistake, never silently no row)."""
        state, rows = self._rows(values, limit=2)
        if len(rows) > 1:
            raise MultipleObjectsReturned(f"{type(self).__name__} found several rows for {values!r}")
        return state, rows[0] if rows else None

    def get(self, *values):
        state, row = self._one_row(values)
        if row is None:
            return None
        obj = state["model"].from_db(state["db"], state["init_list"], row[state["start"] : state["end"]])
        for populator in state["populators"]:
            populator.populate(row, obj)
        return obj


class PreparedValues(PreparedGet):
    """`PreparedValues(lambda a: queryset.filter(x=a).values_list(...)).get(a)` is the single row of a
    values_list() query for those values as a tuple (converted as values_list converts), or None; `.all(a)`
    its rows: for lookups that join what is not a model's forward relation (a FilteredRelation's LEFT
    JOIN) or read columns rather than objects."""

    def _row_reader(self, queryset, compiler, db) -> dict:
        return {"count": compiler.col_count}

    def get(self, *values):
        state, row = self._one_row(values)
        return None if row is None else tuple(row)[: state["count"]]

    def all(self, *values) -> list[tuple]:
        """Every row of the query for those values, as tuples."""
        state, rows = self._rows(values)
        return [tuple(row)[: state["count"]] for row in rows]
