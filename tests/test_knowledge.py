"""The knowledge the data files carry: playbooks for every check, law citations from one table."""

from __future__ import annotations

from checks.knowledge.catalog import CATALOG
from checks.knowledge.playbooks import StepKind, Verifier, cite, playbook_for, playbooks


def test_every_check_has_a_playbook_with_steps():
    for spec in CATALOG:
        book = playbook_for(spec.id)
        assert book is not None, spec.id
        assert book.steps and all(s.text.en and s.text.zh for s in book.steps)
    for book in playbooks():
        for step in book.steps:
            assert step.kind in (StepKind.AUTO, StepKind.MANUAL)
            if step.kind == StepKind.AUTO:
                assert step.verify is not None, step.text.en
                assert (step.verify == Verifier.CLEAR) == bool(step.check), step.text.en


def test_law_citations_come_from_one_table():
    assert cite("CSL 23(1)", "zh") == "网络安全法第23条(1)（原第21条）"
    assert cite("CSL 27; PIPL 57", "en") == (
        "Cybersecurity Law Art. 27 (formerly 25); Personal Information Protection Law 57"
    )
