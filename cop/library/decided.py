"""The access decision's list queries (cop.library.permissions.library_items_for) compiled once per
kind of viewer and shape of list, run with the viewer's id, the day and the list's own ids bound.

Building the decision (its Case over consent, audience, grants and cop.permissions.visible_pages'
community subqueries) and compiling it cost the ORM several times what the database takes to answer
it (bench/RESULTS.md, "Case-study libraries", session 5). Nothing is read while such a query is built
(visible_pages asks the view restrictions in SQL; the Wagtail editors' rights, which are read, are
left out: `editors=False`), and this is checked: any statement run while building is refused. So the
SQL compiled for one viewer of a kind (anonymous, signed in, site staff) is every such viewer's SQL
but for the values bound at run time, found among the compiled parameters by compiling twice with
different stand-in values: the SQL text must not change, only the parameters at those places.
Memberships, grants, consent and communities are read by the database on every run: nothing about
access is kept, only the query's text, in the process (a deploy starts new processes).
"""

import datetime
import threading
from collections.abc import Callable
from contextlib import ExitStack

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import connections
from django.utils import timezone

# Stand in for the bound values while compiling (two sets: the SQL must not depend on them).
_USER_IDS = (-(2**62) + 9_173, -(2**62) + 9_391)
_INT_SENTINELS = (
    (-(2**61) + 4_211, -(2**61) + 4_243, -(2**61) + 4_271),
    (-(2**61) + 5_011, -(2**61) + 5_023, -(2**61) + 5_039),
)
_DAYS = (datetime.date(1001, 2, 3), datetime.date(1003, 4, 5))
_MAX_SHAPES = 256


class _StatementWhileBuilding(Exception):
    pass


def _refuse(execute, sql, params, many, context):
    raise _StatementWhileBuilding(sql)


def viewer_kind(user) -> str:
    """What the compiled SQL depends on in the viewer (beyond their id)."""
    if user is None or not user.is_authenticated:
        return "anonymous"
    return "staff" if user.is_superuser else "signed-in"


def _stand_in(kind: str, user_id: int):
    if kind == "anonymous":
        return AnonymousUser()
    return get_user_model()(pk=user_id, is_superuser=kind == "staff", is_active=True)


class DecidedQuery:
    """`DecidedQuery(build).rows(user, shape, *ints)`: the rows of `build(viewer, today, shape, *ints)`
    (a values_list() queryset deciding access through library_items_for(..., today=today,
    editors=False)) for `user` and today, compiled once per kind of viewer and `shape` (a hashable
    naming everything else the query's text depends on: the library's path, the sort, the minimum
    level); `ints` (at most three) are bound at run time (a page's id)."""

    def __init__(self, build: Callable):
        self._build = build
        self._local = threading.local()

    def _compiled(self, kind: str, shape, arity: int) -> dict:
        shapes = getattr(self._local, "shapes", None)
        if shapes is None:
            shapes = self._local.shapes = {}
        key = (kind, shape)
        state = shapes.get(key)
        if state is not None and state["connection"] is connections[state["db"]]:
            return state
        compiled = []
        for user_id, ints, day in zip(_USER_IDS, _INT_SENTINELS, _DAYS, strict=True):
            with ExitStack() as building:
                for connection in connections.all(initialized_only=True):
                    building.enter_context(connection.execute_wrapper(_refuse))
                queryset = self._build(_stand_in(kind, user_id), day, shape, *ints[:arity])
                compiler = queryset.query.get_compiler(using=queryset.db)
                sql, params = compiler.as_sql()
            connection = connections[queryset.db]
            bound = {
                user_id: "user",
                connection.ops.adapt_datefield_value(day): "day",
                **{value: position for position, value in enumerate(ints[:arity])},
            }
            compiled.append((sql, list(params), compiler, bound, connection))
        (sql, params, compiler, bound, connection), (sql_2, params_2, _, bound_2, _) = compiled
        slots = [bound.get(value) for value in params]
        if (
            sql != sql_2
            or len(params) != len(params_2)
            or any(slot != bound_2.get(value) for slot, value in zip(slots, params_2, strict=True))
            or any(
                slot is None and value != other
                for slot, value, other in zip(slots, params, params_2, strict=True)
            )
        ):
            raise ValueError("The decision's SQL depends on more than the values bound at run time")
        if len(shapes) >= _MAX_SHAPES:
            shapes.clear()
        state = shapes[key] = {
            "db": queryset.db,
            "connection": connection,
            "sql": sql,
            "params": params,
            "slots": slots,
            "compiler": compiler,
            "converters": compiler.get_converters([s[0] for s in compiler.select[0 : compiler.col_count]]),
            "count": compiler.col_count,
        }
        return state

    def rows(self, user, shape, *ints: int) -> list[tuple]:
        """The decided rows for `user` today (a new day, a new membership or grant: the database
        answers anew, the SQL is the same)."""
        state = self._compiled(viewer_kind(user), shape, len(ints))
        day = state["connection"].ops.adapt_datefield_value(timezone.localdate())
        user_id = getattr(user, "pk", None)
        params = [
            value if slot is None else user_id if slot == "user" else day if slot == "day" else ints[slot]
            for slot, value in zip(state["slots"], state["params"], strict=True)
        ]
        with state["connection"].cursor() as cursor:
            cursor.execute(state["sql"], params)
            rows = cursor.fetchall()
        if state["converters"]:
            rows = state["compiler"].apply_converters(rows, state["converters"])
        return [tuple(row)[: state["count"]] for row in rows]
