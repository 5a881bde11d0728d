"""events.exports: the attendee list as CSV, safe to open in a spreadsheet."""

import csv
import io
from datetime import datetime
from types import SimpleNamespace

from events.exports import attendees_csv


def _registration(name: str, *, attended, answers=None):
    return SimpleNamespace(
        user=SimpleNamespace(public_name=name, email="ana@example.org"),
        answers=answers or {},
        attended=attended,
        created_at=datetime(2030, 7, 1, 12, 30),
        get_status_display=lambda: "Registered",
    )


def test_cells_that_a_spreadsheet_would_run_as_formulas_are_quoted():
    question = SimpleNamespace(pk=7, label="Affiliation")
    text = attendees_csv(
        [_registration("=HYPERLINK(evil)", attended=True, answers={"7": {"answer": "@SUM(A1)"}})], [question]
    )
    assert text.startswith("\ufeff")
    header, row = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert header[-1] == "Affiliation"
    assert row == [
        "'=HYPERLINK(evil)",
        "ana@example.org",
        "Registered",
        "2030-07-01 12:30",
        "yes",
        "'@SUM(A1)",
    ]


def test_attendance_not_yet_marked_is_an_empty_cell():
    text = attendees_csv([_registration("Ana", attended=None)], [])
    assert list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[1][4] == ""
