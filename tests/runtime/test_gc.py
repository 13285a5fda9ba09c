"""The collector is paused while LightAPI builds, and left as the program set it (issue #12)."""

from __future__ import annotations

import gc

import pytest

from lightapi._gc import collection_paused


@pytest.fixture
def collector():
    was_enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if was_enabled:
        gc.enable()
    else:
        gc.disable()


def test_a_build_step_runs_without_collections_and_skips_the_young_ones(collector):
    gc.enable()
    gc.collect()
    with collection_paused():
        assert not gc.isenabled()
        built = [[index] for index in range(50_000)]  # long-lived objects, as a build makes
    assert gc.isenabled()
    oldest = gc.get_objects(generation=2)  # not left for young collections to walk again
    assert any(item is built for item in oldest) and any(item is built[-1] for item in oldest)
    assert gc.get_freeze_count() == 0  # and collectable again: nothing stays frozen


def test_the_program_s_own_frozen_objects_stay_frozen(collector):
    gc.enable()
    gc.freeze()  # what a pre-fork server does after loading the app
    frozen = gc.get_freeze_count()
    with collection_paused():
        [[index] for index in range(1_000)]
    assert gc.isenabled() and gc.get_freeze_count() == frozen


def test_a_disabled_collector_stays_disabled(collector):
    gc.disable()
    with collection_paused():
        pass
    assert not gc.isenabled()
