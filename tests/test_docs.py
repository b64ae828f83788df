"""The documentation travels with the code (issue 20).

- docs/ holds the project's own copies of the specification and design documents; when the
  shared originals are beside the checkout (``../shared/``), the copies must equal them.
- Every Markdown link in the repository's own documents resolves to a file inside the
  repository, and nothing points at ``../shared/`` (which a fresh clone does not have) except
  the tests that compare the copies.
- Every package's ``__init__.py`` says what the package holds.
- ``kokuho_pc/ui/`` keeps at most a dozen modules at its top level (one folder per screen).
"""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

# docs/<name> is a copy of ../shared/<origin>/<name>.
COPIES = {
    "interface-files.md": "spec",
    "business-rules.md": "spec",
    "cli.md": "spec",
    "glossary.md": "spec",
    "architecture.md": "design",
    "style.md": "design",
}

# Files that may name ../shared: the ones comparing the copies, and the coordinator's notes.
MAY_NAME_SHARED = {
    "tests/test_docs.py", "tests/test_spec_examples.py", "tests/conftest.py", "docs/STATUS.md",
}

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


@pytest.mark.parametrize("name", sorted(COPIES))
def test_the_copy_in_docs_equals_the_shared_original(name: str) -> None:
    original = SHARED / COPIES[name] / name
    if not original.is_file():
        pytest.skip(f"../shared/{COPIES[name]}/{name} is not beside this checkout")
    assert (ROOT / "docs" / name).read_text(encoding="utf-8") == original.read_text(
        encoding="utf-8"
    ), (
        f"docs/{name} differs from ../shared/{COPIES[name]}/{name}: it is a verbatim copy. "
        "Copy the original again; write what the product adds in docs/spec-additions.md."
    )


def _tracked(*patterns: str) -> list[str]:
    listed = subprocess.run(["git", "ls-files", *patterns], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout.split()
    return [name for name in listed if (ROOT / name).is_file()]


def broken_links(document: Path, root: Path = ROOT) -> list[str]:
    """Every Markdown link of ``document`` that does not resolve to a file inside ``root``."""
    problems: list[str] = []
    text = document.read_text(encoding="utf-8")
    for lineno, line in enumerate(text.splitlines(), 1):
        for target in LINK.findall(line):
            if re.match(r"^[a-z]+:", target) or target.startswith("#"):
                continue  # a web address, mail address or an anchor in the same page
            path = (document.parent / target.split("#")[0]).resolve()
            where = f"{document.relative_to(root)}:{lineno}: {target}"
            if not path.is_relative_to(root.resolve()):
                problems.append(f"{where} points outside the repository")
            elif not path.exists():
                problems.append(f"{where} does not exist")
    return problems


def test_markdown_links_resolve_inside_the_repository() -> None:
    documents = [ROOT / name for name in _tracked("*.md")]
    assert ROOT / "README.md" in documents
    problems = [p for document in documents for p in broken_links(document)]
    assert problems == []


def test_a_broken_or_outside_link_is_detected(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "docs").mkdir(parents=True)
    (repo / "docs" / "cli.md").write_text("# cli\n", encoding="utf-8")
    readme = repo / "README.md"
    readme.write_text(
        "[ok](docs/cli.md) [web](https://example.org/) [gone](docs/nothing.md)\n"
        "![shot](../shared/design/architecture.md)\n",
        encoding="utf-8",
    )
    problems = broken_links(readme, repo)
    assert len(problems) == 2
    assert "docs/nothing.md does not exist" in problems[0]
    assert "points outside the repository" in problems[1]


def test_nothing_points_at_the_shared_folder() -> None:
    names = _tracked("*.py", "*.md", "*.spec", "*.toml", "*.json", "*.html", "*.cfg")
    problems = [
        f"{name}:{lineno}"
        for name in names if name not in MAY_NAME_SHARED
        for lineno, line in enumerate((ROOT / name).read_text(encoding="utf-8").splitlines(), 1)
        if "../shared" in line or "shared/spec" in line or "shared/design" in line
    ]
    assert problems == [], "point at the copies in docs/ instead"


def _packages() -> list[Path]:
    return [ROOT / name for name in _tracked("*__init__.py")
            if name.split("/")[0] in {"kokuho_pc", "shuyaku_sim", "tests", "benchmarks", "tools"}]


def test_every_package_says_what_it_holds() -> None:
    problems = []
    for init in _packages():
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        name = ".".join(init.parent.relative_to(ROOT).parts)
        if len(doc.split()) < 3 or re.fullmatch(rf"{re.escape(name)} package\.?", doc.strip()):
            problems.append(f"{init.relative_to(ROOT)}: {doc!r}")
    assert problems == []


def test_the_ui_keeps_at_most_a_dozen_modules_at_its_top_level() -> None:
    top = sorted(p.name for p in (ROOT / "kokuho_pc" / "ui").glob("*.py"))
    assert len(top) <= 12, f"put screen modules into their folder under kokuho_pc/ui/: {top}"
