"""The test suite; tests/<area>/ mirrors the package it tests (tests/ui/<screen>/ for the
screens). Helpers and fixtures sit beside the tests that use them."""
