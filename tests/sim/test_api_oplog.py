"""Forwarded operation-log records: idempotent by terminal + seq, read by the federation only."""

from __future__ import annotations

from tests.oplogchain import chained
from tests.simfiles import NEW, OLD, my_number
from tests.simhelpers import SimServer

LOG = "/api/v1/operation-log"


def _records(first: int, n: int, action: str = "login") -> list[dict[str, object]]:
    """Records first..first+n-1 of one chain (records of ``action`` only from ``first``)."""
    every = chained([("login", "staff01", {})] * (first - 1)
                    + [(action, "staff01", {})] * n)
    return every[first - 1:]


def test_forwarded_records_are_idempotent_and_listed_for_the_federation(
    sim_server: SimServer,
) -> None:
    with sim_server.session(NEW) as tsukuba, sim_server.session(OLD) as mito:
        r = tsukuba.post(sim_server.url(LOG), json={"records": _records(1, 3)}, timeout=10)
        assert r.status_code == 200 and r.json() == {"acknowledged": [1, 2, 3]}
        # A retry after a lost answer, overlapping with new records.
        r = tsukuba.post(sim_server.url(LOG), json={"records": _records(2, 3)}, timeout=10)
        assert r.status_code == 200 and r.json() == {"acknowledged": [2, 3, 4]}
        assert mito.post(sim_server.url(LOG), json={"records": _records(1, 1)},
                         timeout=10).status_code == 200
        # The same seq with other content is refused.
        r = tsukuba.post(sim_server.url(LOG), json={"records": _records(1, 1, "logout")},
                         timeout=10)
        assert r.status_code == 409
    with sim_server.session(None, staff="fedadmin") as admin:
        every = admin.get(sim_server.url(LOG), timeout=10).json()["records"]
        assert sorted((x["municipality_code"], x["seq"]) for x in every) == [
            (OLD, 1), (NEW, 1), (NEW, 2), (NEW, 3), (NEW, 4)]
        assert {x["terminal_id"] for x in every} == {f"terminal-{NEW}-01", f"terminal-{OLD}-01"}
        only = admin.get(sim_server.url(LOG), params={"municipality_code": OLD},
                         timeout=10).json()["records"]
        assert [(x["municipality_code"], x["seq"]) for x in only] == [(OLD, 1)]
        assert only[0]["record"]["action"] == "login"


def test_a_record_holding_a_my_number_is_refused(sim_server: SimServer) -> None:
    digits = my_number(7).reveal_digits_for_transfer()
    record = {**chained([("send", "staff01", {})])[0], "detail": f"file {digits}"}
    with sim_server.session(NEW) as http:
        r = http.post(sim_server.url(LOG), json={"records": [record]}, timeout=10)
        assert r.status_code == 400
        assert digits not in r.text
    with sim_server.session(None, staff="fedadmin") as admin:
        assert admin.get(sim_server.url(LOG), timeout=10).json() == {"records": []}


def test_malformed_records_are_400(sim_server: SimServer) -> None:
    with sim_server.session(NEW) as http:
        for body in ({}, {"records": []}, {"records": [{"seq": "1"}]},
                     {"records": [{"seq": -1}]}, {"records": [{"seq": True}]}):
            r = http.post(sim_server.url(LOG), json=body, timeout=10)
            assert r.status_code == 400, body
