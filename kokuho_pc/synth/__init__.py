"""Synthetic demo prefecture (茨城県) for demos, tests and benchmarks.

``kokuho-pc synth --out DIR --seed N [--persons N]`` calls
:func:`kokuho_pc.synth.generate.generate_prefecture`, which writes into DIR
(flat) the KSK01/KSK02/KKG01 files of five municipalities — 水戸市 082015,
土浦市 082031, 牛久市 082198, つくば市 082201, つくばみらい市 082350 — in two
rounds, plus ``expected.json`` (not an interface file) describing every
intended move for cross-checking ``shuyaku-sim judge DIR``.

Rounds (file-name timestamps; ``judge`` processes files in that order):

- baseline: each municipality's population as of 2026-08-31, created
  2026-09-01 08:00 + 10 minutes per municipality (KKG01 five minutes after
  its pair);
- change: the moves of September–October 2026, sent in the order 水戸市
  (2026-11-02 09:00), 牛久市 (10:00), 土浦市 (11:00), つくばみらい市 (13:00),
  つくば市 (2026-11-05 09:30). A municipality whose head-of-household changed
  because the head moved away sends a second pair two minutes later.

**The つくば市 demo medium set** is つくば市's change round:
``KSK01_082201_20261105093000.dat``, ``KSK02_082201_20261105093000.dat`` and
``KKG01_082201_20261105093500.dat`` (also listed as ``demo_medium_set`` in
``expected.json``). Seed the simulator with every other file; when つくば市
sends these three, the candidates of the moves into つくば市 (every category
1–6 and 9, from all four other municipalities) appear, and the moves out of
つくば市 that were pending (20) are resolved.

Besides the moves, each change set holds ordinary changes that form no
candidate (births, deaths, 社保加入, 県外転出, households arriving from outside
the prefecture), counted in ``expected.json`` ``ordinary_changes``.

Deterministic: the same seed and size give identical bytes. The ordinary
population is streamed household by household, so a million persons need
little memory. No 個人番号 is ever printed or written outside KSK01/KSK02.
"""

from kokuho_pc.synth.generate import DEFAULT_PERSONS, SynthSummary, generate_prefecture

__all__ = ["DEFAULT_PERSONS", "SynthSummary", "generate_prefecture"]
