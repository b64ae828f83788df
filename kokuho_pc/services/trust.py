"""Trust that does not rest on the PC: rollback detection and forwarding the log often.

``TrustService.check`` compares the local operation log with the tip the
consolidation system acknowledged (asked over the network when the server is
configured and reachable) and with the highest tip this PC remembered outside the
store (:mod:`kokuho_pc.store.anchor`; the OS keyring in production). A local log
behind or diverging from either is a rollback (:class:`RollbackFinding`): it is
reported to the consolidation system (now, or at the next check that reaches it),
recorded in the log, and kept on the profile, where the login refuses every account
but an administrator's (:class:`~kokuho_pc.domain.errors.RollbackDetected`).

``TrustService.forward`` sends the unacknowledged records (at login, at logout,
every few minutes while logged in, after every transfer). A refusal by the server
(the batch does not extend its tip) is stored as an alarm for the administrator's
home screen and raised (:class:`~kokuho_pc.domain.errors.LogForwardRefused`); an
unreachable server only leaves the records for the next time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from kokuho_pc.audit.actions import AuditAction, AuditResult
from kokuho_pc.audit.rollback import RollbackFinding, compare, compare_acknowledged
from kokuho_pc.domain.errors import (
    ConnectionFailed,
    KokuhoError,
    LogForwardRefused,
    RollbackDetected,
    ServerRefused,
)
from kokuho_pc.domain.oplog_chain import Tip
from kokuho_pc.services.profile import SYSTEM_ACTOR, Profile
from kokuho_pc.transfer.records import TransferRecords
from kokuho_pc.transfer.wiring import client_config_from_policy

if TYPE_CHECKING:  # the HTTPS client (requests) loads at the first contact, not at login
    from kokuho_pc.transfer.client import ConsolidationClient

__all__ = ["FORWARD_INTERVAL_SECONDS", "RollbackFinding", "TrustService",
           "contact_client_factory"]

_log = logging.getLogger("kokuho_pc.trust")

# While someone is logged in, the log is forwarded at least this often (the UI's timer).
FORWARD_INTERVAL_SECONDS = 180
CONTACT_CONNECT_TIMEOUT = 3.0
CONTACT_READ_TIMEOUT = 20.0

ClientFactoryMaker = Callable[[Profile, str], "Callable[[], ConsolidationClient] | None"]


def contact_client_factory(
    profile: Profile, staff_id: str
) -> Callable[[], ConsolidationClient] | None:
    """A client for the quick contacts (tip, rollback report, forwarding at login): short
    timeouts, no retries. None when the profile has no (complete) server settings."""
    policy = profile.policy()
    if not policy.server_url:
        return None
    try:
        config = client_config_from_policy(policy, staff_id, profile.terminal_key_password())
    except ConnectionFailed:
        return None
    config = replace(config, connect_timeout=CONTACT_CONNECT_TIMEOUT,
                     read_timeout=CONTACT_READ_TIMEOUT, max_retries=0)
    from kokuho_pc.transfer.client import ConsolidationClient

    return lambda: ConsolidationClient(config)


def _server_tip(data: Any) -> tuple[Tip | None, int]:
    if not isinstance(data, dict):
        return None, 0
    epoch = data.get("epoch")
    epoch = epoch if isinstance(epoch, int) and not isinstance(epoch, bool) else 0
    return Tip.from_json(data), epoch


class TrustService:
    """Rollback checks and forwarding for one profile."""

    def __init__(self, profile: Profile, *, client_factory: ClientFactoryMaker | None = None
                 ) -> None:
        self._profile = profile
        self._make_factory = client_factory or contact_client_factory

    def check(self, staff_id: str = SYSTEM_ACTOR, *, contact: bool = True
              ) -> RollbackFinding | None:
        """Compare the local log with the server's tip (when ``contact`` and reachable) and
        with the tip kept outside the store; keep and return the finding."""
        profile = self._profile
        log = profile.audit
        anchor = log.anchor
        finding: RollbackFinding | None = None
        contacted = False
        factory = self._make_factory(profile, staff_id) if contact else None
        if factory is not None:
            try:
                with factory() as client:
                    finding = self._check_with(client)
                    contacted = True
                    if finding is not None:
                        self._report(client, finding)
            except (ConnectionFailed, ServerRefused) as exc:
                _log.warning("consolidation system not reached for the rollback check (%s)",
                             exc.code)
        if not contacted and anchor is not None:
            state = anchor.state(reload=True)
            if state.server is not None:
                finding = compare(log, state.server, "server") or compare_acknowledged(
                    log, state.server, state.ack_base, "local")
            if finding is None:
                finding = compare(log, state.local, "local")
        if finding is not None:
            self._record(finding, staff_id)
        profile.rollback = finding
        return finding

    def _check_with(self, client: ConsolidationClient) -> RollbackFinding | None:
        log = self._profile.audit
        anchor = log.anchor
        server, epoch = _server_tip(client.operation_log_tip())
        if anchor is not None:
            state = anchor.state(reload=True)
            if epoch > state.epoch:
                # The federation approved a re-enrolment: the present log is the reference.
                anchor.restart(log.tip(), server, epoch, log.acknowledged_up_to())
            elif server is not None:
                anchor.set_server(server, epoch)
        finding = compare(log, server, "server") if server is not None else None
        if finding is None and server is not None:
            base = anchor.state().ack_base if anchor is not None else 0
            finding = compare_acknowledged(log, server, base, "server")
        if finding is None and anchor is not None:
            finding = compare(log, anchor.state().local, "local")
        return finding

    def _report(self, client: ConsolidationClient, finding: RollbackFinding) -> None:
        try:
            client.report_rollback({"local": finding.local.to_json(),
                                    "expected": finding.expected.to_json(),
                                    "reference": finding.reference, "kind": finding.kind})
        except (ConnectionFailed, ServerRefused) as exc:
            _log.warning("rollback not reported (%s); reported at the next contact", exc.code)

    def _record(self, finding: RollbackFinding, staff_id: str) -> None:
        try:
            self._profile.audit.record(
                AuditAction.AUDIT_VERIFY, staff_id,
                {"reason": "rollback", "up_to_seq": finding.expected.seq,
                 "first_bad_seq": finding.local.seq + 1 if finding.kind == "behind"
                 else finding.expected.seq},
                AuditResult.REFUSED,
            )
        except KokuhoError:
            _log.error("rollback could not be recorded in the operation log")

    def require_no_rollback(self, staff_id: str, is_admin: bool) -> None:
        """At login: refuse (RollbackDetected) anyone but an administrator after a rollback."""
        finding = self.check(staff_id)
        if finding is not None and not is_admin:
            raise RollbackDetected()

    def forward(self, staff_id: str) -> int:
        """Forward the unacknowledged records now; return how many were acknowledged.

        Unreachable: 0, kept for next time. Refused: the alarm is stored, then raised."""
        profile = self._profile
        factory = self._make_factory(profile, staff_id)
        if factory is None:
            return 0
        log = profile.audit
        try:
            from kokuho_pc.transfer.logforward import forward_operation_log

            records = TransferRecords(profile.db, profile.clock)
            count = forward_operation_log(log, factory, records, staff_id)
        except LogForwardRefused as exc:
            log.set_forward_alarm(str(getattr(exc, "server_code", exc.code)),
                                  str(getattr(exc, "server_message", exc.user_message)))
            raise
        if log.forward_alarm() is not None:
            log.clear_forward_alarm()
        return count

    def forward_quietly(self, staff_id: str) -> int:
        """:meth:`forward` for login, logout and the timer: an unreachable server or a refusal
        never stops the user's work (a refusal stays as the administrator's alarm)."""
        try:
            return self.forward(staff_id)
        except LogForwardRefused:
            _log.error("the consolidation system refused the forwarded operation log")
            return 0
        except KokuhoError as exc:
            _log.info("operation log not forwarded now (%s)", exc.code)
            return 0
