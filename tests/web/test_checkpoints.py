"""The service signs checkpoints of grown logs by itself, regularly."""

from __future__ import annotations

import asyncio

from hub.web.checkpoints import CheckpointSigner


async def test_signs_grown_logs_only(hub):
    trail = hub.web.service.storage.trail
    signer = CheckpointSigner(trail, interval_s=0.05)
    first = signer.sign_if_grown()
    assert set(first) == set(trail.logs)  # never signed before
    assert signer.sign_if_grown() == []  # nothing grew
    trail.access.append({"kind": "access", "action": "test", "user_id": "t"})
    assert signer.sign_if_grown() == ["access"]
    before = len(trail.access.checkpoints())
    trail.access.append({"kind": "access", "action": "test2", "user_id": "t"})
    signer.start()
    await asyncio.sleep(0.3)
    await signer.stop()
    assert len(trail.access.checkpoints()) > before
