"""Benchmark: the administrator's operation-log viewer on a year of records.

A demo profile holds N records spread over 365 days (10 staff, 2 % failures;
quick: 5,000, full: 100,000 ≈ a busy PC's year). Measured in one process:

- ``AuditReviewService.records(newest_first=True, limit=2000)`` (what the 操作ログ tab asks
  first: the newest 2,000, itself logged) against ``AuditLog.records(limit=2000)`` (the
  oldest 2,000, plain ascending read);
- the same with the tab's filters: one staff member over the last 7 days, and all
  failures of the year, against the unfiltered newest read;
- the tab itself: 「表示」 until the rows are on screen (job, model, column sizing)
  against the service call alone.

Run: ``.venv/bin/python -m benchmarks.admin_bench [--quick]``.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from benchmarks.common import (
    MIN_RUNS,
    alternating,
    command_line,
    qt_application,
    row,
    spread_row,
)
from kokuho_pc.audit.actions import AuditAction, AuditResult
from kokuho_pc.auth.passwords import Argon2Params, PasswordHasher
from kokuho_pc.services.accounts import AccountService
from kokuho_pc.services.audit_review import AuditReviewService
from kokuho_pc.services.login import LoginService
from kokuho_pc.services.profile import Profile, ProfileKind, create_profile

JST = timezone(timedelta(hours=9))
PASSWORD = "sakura-no-hana-ga-saku-yo"  # noqa: S105 (a throw-away benchmark account)
ACTIONS = (AuditAction.LOGIN_SUCCESS, AuditAction.CANDIDATE_LIST_VIEW, AuditAction.DECISION,
           AuditAction.SEND, AuditAction.EXPORT, AuditAction.PRINT, AuditAction.LOGOUT)


def _fill(profile: Profile, clock: list[datetime], n: int) -> None:
    """N records over the year before ``clock[0]``, committed in batches of 1,000."""
    end = clock[0]
    start = end - timedelta(days=365)
    step = (end - start) / n
    audit = profile.audit
    for batch in range(0, n, 1000):
        with profile.db.transaction():
            for i in range(batch, min(n, batch + 1000)):
                clock[0] = start + step * i
                failed = i % 50 == 0
                audit.record(ACTIONS[i % len(ACTIONS)], f"staff{i % 10:02d}.bench",
                             {"count": i % 97},
                             AuditResult.FAILURE if failed else AuditResult.SUCCESS)
    clock[0] = end


def _tab_search(tab: object, app: object) -> None:
    tab.search()  # type: ignore[attr-defined]
    while tab.loading:  # type: ignore[attr-defined]
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.001)


def run(quick: bool) -> list[dict[str, object]]:
    """Measure and return the rows."""
    n = 5_000 if quick else 100_000
    repeat = MIN_RUNS if quick else 7
    rows: list[dict[str, object]] = []
    clock = [datetime(2026, 11, 26, 10, 0, tzinfo=JST)]
    hasher = PasswordHasher(Argon2Params(memory_kib=256, iterations=1),
                            weak_params_for_tests=True)
    with tempfile.TemporaryDirectory() as tmp:
        profile = create_profile(Path(tmp) / "p", kind=ProfileKind.DEMO,
                                 municipality_code="082015", clock=lambda: clock[0],
                                 hasher=hasher)
        try:
            AccountService(profile).create_first_admin("bench.admin", "性能 測定", PASSWORD)
            session = LoginService(profile, sleep=lambda _s: None).login("bench.admin",
                                                                           PASSWORD)
            started = time.perf_counter()
            _fill(profile, clock, n)
            fill = time.perf_counter() - started
            review = AuditReviewService(profile)
            audit = profile.audit
            def newest_read() -> object:
                return review.records(session, limit=2000, newest_first=True)

            newest_t, plain_t = alternating(newest_read, lambda: audit.records(limit=2000),
                                            repeat)
            rows.append(spread_row(
                "audit_review_newest", newest_t, plain_t, "ms",
                f"newest 2,000 of {n} (logged review) vs oldest 2,000 plain read", scale=1000))
            today = clock[0].date()
            week_t, newest_t2 = alternating(lambda: review.records(
                session, limit=2000, newest_first=True, staff_id="staff03.bench",
                date_from=today - timedelta(days=6), date_to=today), newest_read, repeat)
            rows.append(spread_row("audit_review_staff_week", week_t, newest_t2, "ms",
                                   "one staff member, last 7 days vs unfiltered newest 2,000",
                                   scale=1000))
            failures_t, newest_t3 = alternating(lambda: review.records(
                session, limit=2000, newest_first=True, result=AuditResult.FAILURE),
                newest_read, repeat)
            rows.append(spread_row(
                "audit_review_failures", failures_t, newest_t3, "ms",
                f"all failures of the year ({n // 50}) vs unfiltered newest 2,000", scale=1000))
            rows.append(row("audit_fill", fill / n * 1000, None, "ms",
                            f"AuditLog.record per record in batches of 1,000 ({n})"))
            rows.extend(_ui_rows(profile, session, newest_read, repeat))
            session.logout()
        finally:
            profile.close()
    return rows


def _ui_rows(profile: Profile, session: object, service_call: Callable[[], object],
             repeat: int) -> list[dict[str, object]]:
    app = qt_application()
    from kokuho_pc.ui.admin.admin_audit import AdminAuditTab
    from kokuho_pc.ui.context import AppContext
    from kokuho_pc.ui.jobs import JobRunner

    jobs = JobRunner(max_threads=2)
    tab = AdminAuditTab(AppContext(profile, session, jobs))  # type: ignore[arg-type]
    tab.resize(1280, 800)
    tab.show()
    try:
        tab.use_dates.setChecked(False)
        _tab_search(tab, app)
        shown, service = alternating(lambda: _tab_search(tab, app), service_call, repeat)
        assert tab.model.total_count() == 2000
        return [spread_row("audit_tab_search", shown, service, "ms",
                           "「表示」 until 2,000 rows are on screen vs the service call alone",
                           scale=1000)]
    finally:
        tab.close()
        jobs.shutdown(10_000)


def main() -> None:
    """Print the rows."""
    command_line(run, __doc__)


if __name__ == "__main__":
    main()
