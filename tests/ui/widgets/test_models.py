"""The lazy table model: qtmodeltester, lazy batches, sort and filter by re-query, clear."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

import pytest
from pytestqt.modeltest import ModelTester

from kokuho_pc.domain.mynumber import MyNumber, my_number_check_digit
from kokuho_pc.ui.widgets.models import Column, LazyTableModel, Query, Row, RowId
from kokuho_pc.ui.widgets.qt import QModelIndex, Qt


class Source:
    """An in-memory row source that counts its calls."""

    def __init__(self, count: int) -> None:
        self.rows = {
            i: {"no": i, "name": f"世帯{i:05d}", "state": "未判定" if i % 3 else "判定済"}
            for i in range(count)
        }
        self.searches = 0
        self.fetched: list[int] = []

    def search(self, query: Query) -> Sequence[RowId]:
        self.searches += 1
        ids = [i for i, row in self.rows.items()
               if all(row.get(k) == v for k, v in query.filters.items())]
        if query.sort_key:
            key = query.sort_key
            ids.sort(key=lambda i: str(self.rows[i][key]), reverse=not query.ascending)
        return ids

    def fetch(self, ids: Sequence[RowId]) -> Mapping[RowId, Row]:
        self.fetched.extend(int(str(i)) for i in ids)
        return {i: self.rows[int(str(i))] for i in ids}


COLUMNS = [Column("no", "番号"), Column("name", "世帯", tooltip=True), Column("state", "状態")]


def _model(source: Source, **kwargs: int) -> LazyTableModel:
    model = LazyTableModel(COLUMNS, source.search, source.fetch, **kwargs)
    model.refresh()
    return model


def test_model_passes_qtmodeltester(qtmodeltester: ModelTester) -> None:
    model = _model(Source(450), page_size=100, batch_size=20)
    qtmodeltester.check(model, force_py=True)
    empty = LazyTableModel(COLUMNS, Source(0).search, Source(0).fetch)
    qtmodeltester.check(empty, force_py=True)


def test_rows_are_fetched_lazily_in_batches(qapp: object) -> None:
    source = Source(10_000)
    model = _model(source, page_size=200, batch_size=50)
    assert model.rowCount() == 200
    assert model.total_count() == 10_000
    assert source.fetched == []
    assert model.data(model.index(0, 1)) == "世帯00000"
    assert len(source.fetched) == 50
    model.data(model.index(49, 1))
    assert len(source.fetched) == 50  # still cached
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 400


def test_sort_and_filter_requery_the_ids(qapp: object) -> None:
    source = Source(30)
    model = _model(source)
    model.sort(1, Qt.SortOrder.DescendingOrder)
    assert model.data(model.index(0, 1)) == "世帯00029"
    assert source.searches == 2
    model.set_filter(state="判定済")
    assert model.rowCount() == 10
    assert all(model.data(model.index(r, 2)) == "判定済" for r in range(10))
    model.set_filter(state=None)
    assert model.rowCount() == 30


def test_only_allowed_columns_have_tooltips_and_no_raw_roles(qapp: object) -> None:
    model = _model(Source(3))
    assert model.data(model.index(0, 1), Qt.ItemDataRole.ToolTipRole) == "世帯00000"
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole) is None
    assert model.data(model.index(0, 0), Qt.ItemDataRole.UserRole) is None
    assert model.data(model.index(0, 0), Qt.ItemDataRole.EditRole) is None


def test_clear_empties_the_model(qapp: object) -> None:
    model = _model(Source(300))
    model.clear()
    assert model.rowCount() == 0
    assert model.total_count() == 0
    assert not model.canFetchMore(QModelIndex())


def test_a_my_number_value_is_never_shown(
    qapp: object, caplog: pytest.LogCaptureFixture
) -> None:
    digits = "12345678901"
    number = MyNumber(digits + str(my_number_check_digit(digits)))
    source = Source(1)
    source.rows[0]["name"] = number  # type: ignore[assignment]
    model = _model(source)
    with caplog.at_level(logging.ERROR, logger="kokuho_pc.ui.models"):
        assert model.data(model.index(0, 1)) == ""
    assert "MyNumber" in caplog.text
    assert digits not in caplog.text


def test_default_format_shows_dates_in_wareki() -> None:
    import datetime as dt

    from kokuho_pc.ui.widgets.models import default_format

    assert default_format(dt.date(2026, 11, 26)) == "令和8年11月26日"
    assert default_format(dt.datetime(2026, 11, 26, 10, 5)) == "令和8年11月26日 10時05分"
    assert default_format(True) == "○" and default_format(None) == ""


def test_clear_for_lock_calls_a_subclass_clear(qapp: object) -> None:
    class Own(LazyTableModel):
        cleared = 0

        def clear(self) -> None:
            Own.cleared += 1
            super().clear()

    source = Source(3)
    model = Own(COLUMNS, source.search, source.fetch)
    model.refresh()
    model.clear_for_lock()
    assert Own.cleared == 1 and model.rowCount() == 0
