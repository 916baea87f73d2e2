"""The docs keep up with the code: every .rt method has a running example in docs/accessors.md.

(The examples themselves run as doctests: pytest collects docs/*.md with --doctest-glob.)
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rt_pandas.accessors import DataFrameAccessor, SeriesAccessor

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.mark.parametrize("accessor, prefix", [(SeriesAccessor, "s"), (DataFrameAccessor, "df")])
def test_every_accessor_method_has_a_doctest_example(accessor, prefix):
    text = (DOCS / "accessors.md").read_text()
    sections = dict(re.findall(r"### `(\w+\.rt\.\w+)`\n(.*?)(?=\n### |\n## |\Z)", text, re.DOTALL))
    for name in (n for n in dir(accessor) if not n.startswith("_")):
        section = sections.get(f"{prefix}.rt.{name}")
        assert section is not None, f"docs/accessors.md has no section for {prefix}.rt.{name}"
        assert re.search(rf"^>>> .*\.rt\.{name}\(", section, re.MULTILINE), f"no example calls .rt.{name}("


def test_readme_keeps_the_two_set_up_commands():
    readme = (DOCS.parent / "README.md").read_text()
    # `rt-pandas`, not `python -m rt_pandas`: from the repository root the latter imports the source tree,
    # which has no built extension after `pip install .`
    assert "pip install . && rt-pandas demo" in readme and "bash .ci/run" in readme
    for link in re.findall(r"\]\((docs/[\w./-]+)\)", readme):
        assert (DOCS.parent / link).is_file(), link
