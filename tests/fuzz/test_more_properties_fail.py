"""The other Hypothesis properties of the suite can fail too: run on a wrong
implementation, each does.

tests/fuzz/test_properties_fail.py proves the checker and reader properties,
tests/fuzz/test_api_checks_fail.py the API checks. Here: the 個人番号 check digit
(tests/test_domain.py), the CSV fast paths (tests/formats/test_csv_fast_path.py), the
twelve-digit shortcut (tests/formats/test_real_world.py), the PDF text fitter
(tests/print/test_reports.py) and the operation log's hash and number handling
(tests/security/test_audit_hashes.py). Each property takes the implementation it
checks; here it gets one that accepts everything, rejects everything, is one off, or
echoes a 個人番号. Derandomized, no database, generation only, at most 300 examples.
:func:`test_every_given_property_is_proven` finds every ``@given`` in tests/ and
fails for one that calls none of the proven properties or checks.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from kokuho_pc.audit.actions import log_hash
from kokuho_pc.domain.errors import AuditError
from kokuho_pc.domain.mynumber import is_valid_my_number, my_number_check_digit
from kokuho_pc.formats.recordcheck import _no_twelve_digits_here
from kokuho_pc.formats.rowblocks import block_matcher
from kokuho_pc.print.fonts import TextFitter, register_font
from tests.formats import test_csv_fast_path as fast
from tests.formats.test_real_world import FIELD_BYTES, shortcut_never_hides_a_number
from tests.fuzz.test_properties_fail import CASES as CHECKER_CASES
from tests.print import test_reports as reports
from tests.security import test_audit_hashes as hashes
from tests.test_domain import PREFIXES, every_prefix_gets_a_valid_number

FAILED = (AssertionError, pytest.fail.Exception)  # an assert, or pytest.raises not raising


# --- wrong implementations ---------------------------------------------------------------

def _off_by_one_check_digit(prefix: str) -> int:
    return (my_number_check_digit(prefix) + 1) % 10


def _issues_whole_file_silent(name: str, data: bytes, seekable: bool) -> list[Any]:
    """The whole-file path finds nothing (accepts everything)."""
    return [] if seekable else fast._issues(name, data, seekable)


def _issues_whole_file_one_row_on(name: str, data: bytes, seekable: bool) -> list[Any]:
    """The whole-file path reports each problem one record further on."""
    found = fast._issues(name, data, seekable)
    if not seekable:
        return found
    return [(r + 1 if isinstance(r, int) else r, *rest) for r, *rest in found]


def _re2_accepting(row: bytes, *, use_re2: bool | None = None) -> Callable[[bytes], bool]:
    return (lambda block: True) if use_re2 else block_matcher(row, use_re2=False)


def _re2_rejecting(row: bytes, *, use_re2: bool | None = None) -> Callable[[bytes], bool]:
    return (lambda block: False) if use_re2 else block_matcher(row, use_re2=False)


class _FitterNeverShrinks(TextFitter):
    def fit(self, text: str, max_width: float, size: float, min_size: float) -> tuple[str, float]:
        return text, size


class _FitterOneCharTooMany(TextFitter):
    def fit(self, text: str, max_width: float, size: float, min_size: float) -> tuple[str, float]:
        fitted, fitted_size = super().fit(text, max_width, size, min_size)
        return (fitted + "漢" if fitted != text else fitted), fitted_size


class _WrapDropsTheLast(TextFitter):
    def wrap_tokens(self, tokens: list[str], max_width: float, size: float, min_size: float,
                    lines: int) -> tuple[list[str], float]:
        return super().wrap_tokens(tokens[:-1], max_width, size, min_size, lines)


class _WrapOnOneLine(TextFitter):
    def wrap_tokens(self, tokens: list[str], max_width: float, size: float, min_size: float,
                    lines: int) -> tuple[list[str], float]:
        return [" ".join(tokens)], size


@dataclasses.dataclass
class _Row:
    targets: dict[str, object]


class _AcceptingLog:
    """An operation log in a list: no 個人番号 scan, values stored as given."""

    def __init__(self) -> None:
        self.rows: list[dict[str, object]] = []

    def record(self, action: object, staff_id: str, targets: dict[str, object]) -> int:
        self.rows.append(self.stored(targets))
        return len(self.rows)

    def stored(self, targets: dict[str, object]) -> dict[str, object]:
        return dict(targets)

    def records(self, *, after_seq: int = 0, limit: int = 1000) -> list[_Row]:
        return [_Row(t) for t in self.rows[after_seq:after_seq + limit]]

    def verify(self) -> SimpleNamespace:
        return SimpleNamespace(ok=True, count=len(self.rows))


class _RejectingLog(_AcceptingLog):
    def record(self, action: object, staff_id: str, targets: dict[str, object]) -> int:
        raise AuditError("個人番号が含まれているため記録できません。")


class _EchoingLog(_AcceptingLog):
    """Refuses, but its message shows the value it refused."""

    def record(self, action: object, staff_id: str, targets: dict[str, object]) -> int:
        raise AuditError(f"個人番号が含まれているため記録できません: {targets}")


class _RecordsThenRefuses(_AcceptingLog):
    def record(self, action: object, staff_id: str, targets: dict[str, object]) -> int:
        super().record(action, staff_id, targets)
        raise AuditError("個人番号が含まれているため記録できません。")


class _HashOneOff(_AcceptingLog):
    """Groups a digest as the real log does, but drops its last character."""

    def stored(self, targets: dict[str, object]) -> dict[str, object]:
        digest = str(targets["sha256"])
        return {**targets, "sha256": log_hash(digest[:-1] + "0")[:-1]}


def _real_fitter() -> TextFitter:
    return TextFitter(register_font())


# name -> (property, its strategies, the wrong implementation's arguments, failure types)
CASES: dict[str, tuple[Callable[..., None], dict[str, Any], Callable[[], tuple[Any, ...]],
                       tuple[type[BaseException], ...]]] = {
    "check_digit-accept_everything": (
        every_prefix_gets_a_valid_number, {"prefix": PREFIXES},
        lambda: (my_number_check_digit, lambda number: True), FAILED),
    "check_digit-reject_everything": (
        every_prefix_gets_a_valid_number, {"prefix": PREFIXES},
        lambda: (my_number_check_digit, lambda number: False), FAILED),
    "check_digit-off_by_one": (
        every_prefix_gets_a_valid_number, {"prefix": PREFIXES},
        lambda: (_off_by_one_check_digit, is_valid_my_number), FAILED),
    "fast_row-accept_everything": (
        fast.fast_path_never_accepts_what_cells_reject, fast.row_args,
        lambda: (lambda if_id, row: (),), FAILED),
    "whole_file-accept_everything": (
        fast.whole_file_path_reports_what_the_row_path_reports, fast.file_args,
        lambda: (_issues_whole_file_silent,), FAILED),
    "whole_file-one_row_on": (
        fast.whole_file_path_reports_what_the_row_path_reports, fast.file_args,
        lambda: (_issues_whole_file_one_row_on,), FAILED),
    "block_engines-re2_accepting": (
        fast.both_block_engines_agree, fast.engine_args, lambda: (_re2_accepting,), FAILED),
    "block_engines-re2_rejecting": (
        fast.both_block_engines_agree, fast.engine_args, lambda: (_re2_rejecting,), FAILED),
    "twelve_digit_shortcut-skips_everything": (
        shortcut_never_hides_a_number, {"field_bytes": FIELD_BYTES},
        lambda: (lambda rec, s, e: True,), FAILED),
    "twelve_digit_shortcut-one_byte_on": (
        shortcut_never_hides_a_number, {"field_bytes": FIELD_BYTES},
        lambda: (lambda rec, s, e: _no_twelve_digits_here(rec, s + 1, e),), FAILED),
    "fit-never_shrinks": (
        reports.fitted_text_never_exceeds_its_cell, reports.fit_args,
        lambda: (_FitterNeverShrinks(register_font()),), FAILED),
    "fit-one_char_too_many": (
        reports.fitted_text_never_exceeds_its_cell, reports.fit_args,
        lambda: (_FitterOneCharTooMany(register_font()),), FAILED),
    "wrap-drops_the_last": (
        reports.wrapped_months_fit_and_none_is_left_out, reports.wrap_args,
        lambda: (_WrapDropsTheLast(register_font()),), FAILED),
    "wrap-on_one_line": (
        reports.wrapped_months_fit_and_none_is_left_out, reports.wrap_args,
        lambda: (_WrapOnOneLine(register_font()),), FAILED),
    "digest-reject_everything": (
        hashes.random_digest_is_accepted, hashes.digest_args, lambda: (_RejectingLog(),),
        (AuditError,)),
    "digest-hash_one_off": (
        hashes.random_digest_is_accepted, hashes.digest_args, lambda: (_HashOneOff(),),
        FAILED),
    "bare_number-accept_everything": (
        hashes.bare_valid_number_is_refused, hashes.number_args, lambda: (_AcceptingLog(),),
        FAILED),
    "bare_number-echoes_the_number": (
        hashes.bare_valid_number_is_refused, hashes.number_args, lambda: (_EchoingLog(),),
        FAILED),
    "bare_number-records_then_refuses": (
        hashes.bare_valid_number_is_refused, hashes.number_args,
        lambda: (_RecordsThenRefuses(),), FAILED),
}


# A number ending right before the byte the shortcut reads is rare among the drawn fields:
# the budget of the property itself (test_real_world.py) is needed to meet one.
EXAMPLES = {"twelve_digit_shortcut-one_byte_on": 3000}


@pytest.mark.parametrize("name", list(CASES))
def test_property_fails_on_a_wrong_implementation(name: str) -> None:
    prop, args, wrong, failure = CASES[name]
    implementation = wrong()

    @settings(max_examples=EXAMPLES.get(name, 300), deadline=None, database=None,
              derandomize=True, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck), print_blob=False)
    @given(**args)
    def run(**drawn: Any) -> None:
        prop(*implementation, **drawn)

    with pytest.raises(failure):
        run()


def _right(prop: Callable[..., None]) -> tuple[Any, ...]:
    return {
        every_prefix_gets_a_valid_number: (my_number_check_digit, is_valid_my_number),
        fast.fast_path_never_accepts_what_cells_reject: (fast.fast_row_cells,),
        fast.whole_file_path_reports_what_the_row_path_reports: (fast._issues,),
        fast.both_block_engines_agree: (block_matcher,),
        shortcut_never_hides_a_number: (_no_twelve_digits_here,),
        reports.fitted_text_never_exceeds_its_cell: (_real_fitter(),),
        reports.wrapped_months_fit_and_none_is_left_out: (_real_fitter(),),
    }[prop]


@pytest.mark.parametrize("prop", sorted({c[0] for c in CASES.values()
                                         if c[0].__module__ != hashes.__name__},
                                        key=lambda p: p.__name__),
                         ids=lambda p: p.__name__)
def test_the_same_property_passes_on_the_real_implementation(prop: Callable[..., None]) -> None:
    """Not a property that fails on anything (the audit ones run on a real profile in
    tests/security/test_audit_hashes.py)."""
    args = next(c[1] for c in CASES.values() if c[0] is prop)
    implementation = _right(prop)

    @settings(max_examples=50, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(**args)
    def run(**drawn: Any) -> None:
        prop(*implementation, **drawn)

    run()


TESTS = Path(__file__).resolve().parents[1]
PROOF_FILES = {"test_properties_fail.py", "test_more_properties_fail.py",
               "test_api_checks_fail.py", "test_hypothesis_seed.py"}
# Proven in tests/fuzz/test_api_checks_fail.py: the API answer check and schemathesis'
# checks (call_and_validate runs them).
PROVEN_CHECKS = {"check_answer", "call_and_validate"}


def _given_functions() -> dict[str, set[str]]:
    """``path::function`` of every ``@given`` in tests/ -> the names its body calls."""
    found: dict[str, set[str]] = {}
    for path in sorted(TESTS.rglob("*.py")):
        if path.name in PROOF_FILES:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef):
                continue
            decorators = [d.func if isinstance(d, ast.Call) else d for d in node.decorator_list]
            if not any(getattr(d, "id", getattr(d, "attr", None)) == "given" for d in decorators):
                continue
            calls = {getattr(c.func, "id", getattr(c.func, "attr", "")) for c in ast.walk(node)
                     if isinstance(c, ast.Call)}
            found[f"{path.relative_to(TESTS.parent)}::{node.name}"] = calls
    return found


def test_every_given_property_is_proven() -> None:
    proven = ({c[0].__name__ for c in CASES.values()}
              | {c[1].__name__ for c in CHECKER_CASES} | PROVEN_CHECKS)
    given_functions = _given_functions()
    unproven = sorted(name for name, calls in given_functions.items() if not calls & proven)
    assert unproven == []
    assert len(given_functions) >= 22  # 20 module-level properties, 2+ schemathesis runs
