"""The pykka names the pooled actors rely on exist in the installed pykka."""

from __future__ import annotations

import pykka

from woken.actors.pykka_seams import IMPLEMENTOR_SEAMS, PRIVATE_NAMES


def test_the_installed_pykka_has_every_name_the_pooled_actors_use() -> None:
    missing = [name for name in (*PRIVATE_NAMES, *IMPLEMENTOR_SEAMS)
               if not callable(getattr(pykka.Actor, name, None))]
    assert not missing, f"pykka lacks {missing}: see woken/actors/pykka_seams.py"
