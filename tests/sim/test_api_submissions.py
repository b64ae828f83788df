"""Submissions over HTTPS: idempotency, digests, refusals, and the whole flow by municipality."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import threading
import uuid
from contextlib import closing
from pathlib import Path

import requests

from kokuho_pc.domain.leakscan import find_my_numbers, find_my_numbers_in_bytes
from tests.simfiles import NEW, OLD, household_pair, moving_households, submission_body
from tests.simhelpers import SimServer

SUBMIT = "/api/v1/submissions"


def _submit(http: requests.Session, server: SimServer, files: dict[str, bytes],
            key: str) -> requests.Response:
    return http.post(server.url(SUBMIT), json=submission_body(files),
                     headers={"Idempotency-Key": key}, timeout=60)


def test_same_key_and_content_is_processed_once(sim_server: SimServer) -> None:
    old, _ = moving_households(2)
    key = str(uuid.uuid4())
    with sim_server.session(OLD) as http:
        first = _submit(http, sim_server, old, key)
        assert first.status_code == 201, first.text
        assert first.headers["Idempotency-Replayed"] == "false"
        body = first.json()
        assert body["status"] == "accepted" and body["replayed"] is False
        assert body["persons"] == 6 and body["households"] == 2
        deliveries = http.get(sim_server.url("/api/v1/deliveries"), timeout=10).json()
        again = _submit(http, sim_server, old, key)
        assert again.status_code == 200
        assert again.headers["Idempotency-Replayed"] == "true"
        replay = again.json()
        assert replay["replayed"] is True
        assert {k: v for k, v in replay.items() if k != "replayed"} == \
               {k: v for k, v in body.items() if k != "replayed"}
        assert http.get(sim_server.url("/api/v1/deliveries"), timeout=10).json() == deliveries


def test_same_key_with_other_content_is_refused(sim_server: SimServer) -> None:
    key = str(uuid.uuid4())
    with sim_server.session(OLD) as http:
        assert _submit(http, sim_server, household_pair(OLD, _t(1), 1), key).status_code == 201
        r = _submit(http, sim_server, household_pair(OLD, _t(2), 1, first=50), key)
        assert r.status_code == 409
        assert r.json()["error"]["code"] == "idempotency_conflict"


def test_concurrent_retries_with_one_key_make_one_submission(sim_server: SimServer) -> None:
    files = household_pair(OLD, _t(3), 20)
    key = str(uuid.uuid4())
    results: list[requests.Response] = []

    def post() -> None:
        with sim_server.session(OLD) as http:
            results.append(_submit(http, sim_server, files, key))

    threads = [threading.Thread(target=post) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status_code for r in results) == [200, 200, 200, 201]
    assert len({r.json()["submission_id"] for r in results}) == 1


def test_wrong_digest_stores_nothing_and_the_key_stays_usable(sim_server: SimServer) -> None:
    files = household_pair(OLD, _t(4), 1)
    key = str(uuid.uuid4())
    with sim_server.session(OLD) as http:
        body = submission_body(files)
        body["sha256"] = "0" * 64
        r = http.post(sim_server.url(SUBMIT), json=body, headers={"Idempotency-Key": key},
                      timeout=30)
        assert r.status_code == 422 and r.json()["error"]["code"] == "digest_mismatch"
        body = submission_body(files)
        body["files"][0]["sha256"] = "f" * 64  # type: ignore[index]
        r = http.post(sim_server.url(SUBMIT), json=body, headers={"Idempotency-Key": key},
                      timeout=30)
        assert r.status_code == 422
        assert _submit(http, sim_server, files, key).status_code == 201


def test_invalid_file_set_is_rejected_whole_with_the_checker_issues(sim_server: SimServer) -> None:
    files = household_pair(OLD, _t(5), 2)
    ksk02 = next(n for n in files if n.startswith("KSK02"))
    files = {n: files[n] for n in files if n != ksk02}  # a KSK01 without its KSK02
    key = str(uuid.uuid4())
    with sim_server.session(OLD) as http:
        r = _submit(http, sim_server, files, key)
        assert r.status_code == 422
        error = r.json()["error"]
        assert error["code"] == "file_set_invalid" and error["details"]
        assert _submit(http, sim_server, files, key).json() == r.json()
        status = http.get(sim_server.url("/api/v1/status"), timeout=10).json()
        assert status["summary"]["rejected_submissions"] == 1


def test_request_errors_are_4xx(sim_server: SimServer) -> None:
    files = household_pair(OLD, _t(6), 1)
    with sim_server.session(OLD) as http:
        r = http.post(sim_server.url(SUBMIT), json=submission_body(files), timeout=10)
        assert r.status_code == 400 and r.json()["error"]["code"] == "idempotency_key_required"
        r = http.post(sim_server.url(SUBMIT), data=b"x", timeout=10,
                      headers={"Idempotency-Key": "k" * 10, "Content-Type": "text/plain"})
        assert r.status_code == 415
        body = submission_body(files)
        body["files"][0]["content_base64"] = "@@@"  # type: ignore[index]
        r = http.post(sim_server.url(SUBMIT), json=body, timeout=10,
                      headers={"Idempotency-Key": "k" * 10})
        assert r.status_code == 400
        body = submission_body(files)
        body["comment"] = "extra"
        r = http.post(sim_server.url(SUBMIT), json=body, timeout=10,
                      headers={"Idempotency-Key": "k" * 10})
        assert r.status_code == 400 and "comment" not in r.text


def test_a_terminal_cannot_submit_another_municipalitys_files(sim_server: SimServer) -> None:
    with sim_server.session(NEW) as http:
        r = _submit(http, sim_server, household_pair(OLD, _t(7), 1), str(uuid.uuid4()))
        assert r.status_code == 403


def test_municipality_isolation_through_the_whole_flow(sim_server: SimServer) -> None:
    old, new = moving_households(2)
    bodies: list[bytes] = []
    with sim_server.session(OLD, staff="mito01") as mito, \
            sim_server.session(NEW, staff="tsukuba01") as tsukuba:
        assert _submit(mito, sim_server, old, str(uuid.uuid4())).status_code == 201
        assert _submit(tsukuba, sim_server, new, str(uuid.uuid4())).status_code == 201

        listing = tsukuba.get(sim_server.url("/api/v1/candidates"), timeout=10)
        bodies.append(listing.content)
        candidates = listing.json()["candidates"]
        assert len(candidates) == 2
        assert all(c["after_municipality"] == NEW and c["before_municipality"] == OLD
                   for c in candidates)
        no = candidates[0]["candidate_no"]
        assert mito.get(sim_server.url("/api/v1/candidates"), timeout=10).json() == \
            {"candidates": []}

        # 水戸市's terminal can neither see nor change つくば市's candidate.
        url = sim_server.url(f"/api/v1/candidates/{no}")
        assert mito.get(url, timeout=10).status_code == 404
        r = mito.put(url + "/decision", json={"decision": "continue"}, timeout=10)
        assert r.status_code == 404
        r = mito.post(sim_server.url("/api/v1/confirmations"), json={"candidate_nos": [no]},
                      timeout=10)
        assert r.status_code == 404

        detail = tsukuba.get(url, timeout=10)
        bodies.append(detail.content)
        suggestion = detail.json()["suggestion"]
        decision = "continue" if suggestion != "discontinue" else "discontinue"
        r = tsukuba.put(url + "/decision", json={"decision": decision}, timeout=10)
        assert r.status_code == 200, r.text
        assert r.json()["decision_detail"]["staff_id"] == "tsukuba01"
        r = tsukuba.post(sim_server.url("/api/v1/confirmations"), json={"candidate_nos": [no]},
                         timeout=30)
        assert r.status_code == 200 and r.json()["confirmed"] == [no]
        r = tsukuba.put(url + "/decision", json={"decision": decision}, timeout=10)
        assert r.status_code == 409
        results = tsukuba.get(sim_server.url("/api/v1/results"), timeout=10)
        bodies.append(results.content)
        assert [row["candidate_no"] for row in results.json()["results"]] == [no]
        assert mito.get(sim_server.url("/api/v1/results"), timeout=10).json() == {"results": []}

        # Deliveries: each municipality sees only its own.
        mine = tsukuba.get(sim_server.url("/api/v1/deliveries"), timeout=10).json()["deliveries"]
        theirs = mito.get(sim_server.url("/api/v1/deliveries"), timeout=10).json()["deliveries"]
        assert mine and all(d["municipality_code"] == NEW for d in mine)
        assert all(d["municipality_code"] == OLD for d in theirs)
        name = mine[0]["name"]
        content = tsukuba.get(sim_server.url(f"/api/v1/deliveries/{name}/content"), timeout=10)
        assert content.status_code == 200
        assert content.headers["X-Content-SHA256"] == mine[0]["sha256"]
        bodies.append(content.content)
        assert mito.get(sim_server.url(f"/api/v1/deliveries/{name}/content"),
                        timeout=10).status_code == 404
        assert mito.post(sim_server.url(f"/api/v1/deliveries/{name}/acknowledge"),
                         timeout=10).status_code == 404
        for _ in range(2):  # acknowledging is idempotent
            ack = tsukuba.post(sim_server.url(f"/api/v1/deliveries/{name}/acknowledge"),
                               timeout=10)
            assert ack.status_code == 200 and ack.json()["acknowledged"] is True
        left = tsukuba.get(sim_server.url("/api/v1/deliveries"), timeout=10).json()
        assert name not in [d["name"] for d in left["deliveries"]]

    for body in bodies:
        assert not find_my_numbers_in_bytes(body)
        assert not find_my_numbers(body.decode("utf-8", "replace"))
    # Nor does anything the server keeps on disk or printed hold a 個人番号 in clear.
    sim_server.stop()
    # The raw files are scanned for the submitted numbers themselves: a generic
    # check-digit scan of raw SQLite pages also matches adjacent columns (a
    # municipality code followed by a random UUID that starts with six digits).
    # Every stored cell, read through SQLite, gets the generic scan.
    submitted = _submitted_my_numbers(old, new)
    assert submitted
    for path in sim_server.data_dir.iterdir():
        raw = path.read_bytes()
        assert not [n for n in submitted if n.encode("ascii") in raw], path.name
    for cell in _sqlite_cells(sim_server.data_dir / "shuyaku.sqlite3"):
        # A SHA-256 hex digest can hold a check-digit-valid 12-digit run by chance.
        if not _SHA256_HEX.fullmatch(cell):
            assert not find_my_numbers(cell)
    assert not find_my_numbers(sim_server.log_text())


_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def _submitted_my_numbers(*sets: dict[str, bytes]) -> set[str]:
    """Every valid-check-digit 12-digit run in the submitted interface files."""
    return {n for files in sets for data in files.values()
            for n in find_my_numbers_in_bytes(data)}


def _sqlite_cells(path: Path) -> list[str]:
    """Every text or blob cell of every table of the SQLite file at ``path``."""
    cells: list[str] = []
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in db.execute(f'SELECT * FROM "{table}"'):  # noqa: S608 (names from the schema)
                for value in row:
                    if isinstance(value, bytes):
                        cells.append(value.decode("latin-1"))
                    elif isinstance(value, str):
                        cells.append(value)
    return cells


def _t(n: int) -> dt.datetime:
    return dt.datetime(2026, 11, 1, 10, 0, n)



def test_decisions_change_until_confirmed_and_overruling_needs_a_reason(
    sim_server: SimServer,
) -> None:
    old, new = moving_households(1)
    with sim_server.session(OLD) as mito, sim_server.session(NEW, staff="tsukuba02") as http:
        assert _submit(mito, sim_server, old, str(uuid.uuid4())).status_code == 201
        assert _submit(http, sim_server, new, str(uuid.uuid4())).status_code == 201
        (candidate,) = http.get(sim_server.url("/api/v1/candidates"), timeout=10).json()[
            "candidates"]
        assert (candidate["category"], candidate["suggestion"]) == (1, "continue")
        assert candidate["state"] == "undecided"
        url = sim_server.url(f"/api/v1/candidates/{candidate['candidate_no']}/decision")
        r = http.put(url, json={"decision": "discontinue"}, timeout=10)
        assert r.status_code == 400  # overruling the suggestion without a reason
        r = http.put(url, json={"decision": "discontinue", "reason": "世帯の実態を確認した",
                                "remarks": "窓口で確認"}, timeout=10)
        assert r.status_code == 200
        detail = r.json()["decision_detail"]
        assert (detail["decision"], detail["reason"], detail["staff_id"]) == (
            "discontinue", "世帯の実態を確認した", "tsukuba02")
        r = http.put(url, json={"decision": "continue"}, timeout=10)
        assert r.status_code == 200 and r.json()["state"] == "decided"
        confirm = {"candidate_nos": [candidate["candidate_no"]]}
        first = http.post(sim_server.url("/api/v1/confirmations"), json=confirm, timeout=30)
        assert first.status_code == 200 and first.json()["continued"] == 1
        again = http.post(sim_server.url("/api/v1/confirmations"), json=confirm, timeout=30)
        assert again.status_code == 200
        assert again.json()["already_confirmed"] == [candidate["candidate_no"]]
        assert http.put(url, json={"decision": "continue"}, timeout=10).status_code == 409
        (result,) = http.get(sim_server.url("/api/v1/results"), timeout=10).json()["results"]
        assert result["decision"] == "continue" and result["decided_by"] == "tsukuba02"
        assert result["move_month_rule"] is False  # moved on the 1st of the month
