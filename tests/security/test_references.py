"""References in URLs never grant access on their own, and refusals are no oracle (note A3.18).

Dossier codes are printed on receipts and guessable in shape. For every route keyed by a code,
a signed-in outsider gets the same answer for someone else's real code as for codes that do not
exist (sequential neighbours and mutations), so the codes cannot be enumerated.
"""

from __future__ import annotations

import pytest

from tests.security.world import World

pytestmark = pytest.mark.django_db

CODE_ROUTES = [
    "/thanh-toan/ho-so/{code}/",
    "/thanh-toan/can-bo/ho-so/{code}/",
    "/api/v1/dossiers/{code}",
    "/office/ma/{code}/",
]


def _mutations(code: str) -> list[str]:
    head, _, tail = code.rpartition("-")
    out = [code.lower(), code + "0", code[:-1]]
    if tail.isdigit():
        width = len(tail)
        out += [f"{head}-{int(tail) + d:0{width}d}" for d in (-2, -1, 1, 2)]
    return [c for c in out if c != code]


@pytest.mark.parametrize("actor", ["other_citizen", "staff_other_agency"])
def test_someone_elses_code_answers_like_a_code_that_does_not_exist(actor):
    world = World()
    code = world.dossier.code
    client = world.client(actor)
    for template in CODE_ROUTES:
        real = client.get(template.format(code=code)).status_code
        assert real in (403, 404), (template, real)
        for other in _mutations(code):
            assert client.get(template.format(code=other)).status_code == real, (template, other)
