"""docs/dossier-workflow.md carries the diagram and tables generated from the table."""

from django.core.management import CommandError, call_command

import pytest

from dossiers import docgen, workflow


def test_the_workflow_doc_is_up_to_date():
    text = docgen.doc_path().read_text(encoding="utf-8")
    assert docgen.BEGIN in text, "run: python manage.py workflow_diagram"
    assert docgen.is_current(text), (
        "docs/dossier-workflow.md is stale: run python manage.py workflow_diagram"
    )
    assert workflow.mermaid_diagram() in text


def test_staleness_is_detected(tmp_path, monkeypatch):
    stale = docgen.splice("# Quy trình\n").replace("submitted --> received", "submitted --> done")
    assert not docgen.is_current(stale)
    path = tmp_path / "dossier-workflow.md"
    path.write_text(stale, encoding="utf-8")
    monkeypatch.setattr(docgen, "doc_path", lambda: path)
    from dossiers.management.commands import workflow_diagram

    monkeypatch.setattr(workflow_diagram, "doc_path", lambda: path)
    with pytest.raises(CommandError, match="stale"):
        call_command("workflow_diagram", "--check")
    call_command("workflow_diagram")
    rewritten = path.read_text(encoding="utf-8")
    assert docgen.is_current(rewritten)
    assert rewritten.startswith("# Quy trình\n")  # the hand-written part is kept
