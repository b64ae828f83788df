"""Build the transfer parts of one profile from its machine policy."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kokuho_pc.store.policy import Policy
from kokuho_pc.transfer.errors import ConnectionFailed

if TYPE_CHECKING:  # imported when a client is made: requests and TLS stay off start-up
    from kokuho_pc.transfer.client import ClientConfig, ConsolidationClient


def client_config_from_policy(
    policy: Policy, staff_id: str, key_password: bytes | None = None
) -> ClientConfig:
    """The client configuration of the policy; a missing setting is a clear error."""
    from kokuho_pc.transfer.client import ClientConfig

    missing = [
        label for label, value in (
            ("接続先URL", policy.server_url), ("認証局証明書", policy.server_ca_file),
            ("サーバ公開鍵のピン", ",".join(policy.server_pins)),
            ("端末証明書", policy.client_cert_file), ("端末証明書の秘密鍵", policy.client_key_file),
        ) if not value
    ]
    if missing:
        raise ConnectionFailed(
            "国保情報集約システムへの接続設定が不足しています(" + "、".join(missing) + ")。",
            "情報システム管理者に接続設定を依頼してください。",
        )
    return ClientConfig(
        base_url=policy.server_url, ca_file=Path(policy.server_ca_file),
        client_cert=Path(policy.client_cert_file), client_key=Path(policy.client_key_file),
        pins=tuple(policy.server_pins), staff_id=staff_id, client_key_password=key_password,
    )


def client_factory_for(
    policy: Policy, staff_id: str, key_password: bytes | None = None
) -> Callable[[], ConsolidationClient]:
    """A factory making a new client per run (checked now, connected on first request)."""
    from kokuho_pc.transfer.client import ConsolidationClient

    config = client_config_from_policy(policy, staff_id, key_password)
    return lambda: ConsolidationClient(config)


def today_of(clock: Callable[[], datetime]) -> Callable[[], date]:
    """A ``today`` function from a clock returning (local, aware) datetimes."""
    return lambda: clock().date()
