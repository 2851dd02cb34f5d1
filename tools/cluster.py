"""Joining a Ray cluster, or starting a local Ray instance: the one way this project scales out
(synthesis workers, ``knowledge build --ray``), used by both. Ray is imported only when called.
"""

from __future__ import annotations

import os
from typing import Any


class ClusterError(Exception):
    """The cluster cannot be reached or cannot run the work; one line."""


def connect(address: str | None) -> bool:
    """Join the Ray cluster at ``address`` (``auto``, ``ray://host:10001``, ``host:6379``), or
    start a local instance when it is None; True when this process started it."""
    import ray

    if ray.is_initialized():
        return False
    options: dict[str, Any] = {
        "include_dashboard": False,
        "log_to_driver": False,  # workers report through their outcomes, not stray prints
        "logging_level": "ERROR",
        "runtime_env": {"env_vars": {"HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}},
    }
    if address is None:
        options["num_cpus"] = os.cpu_count() or 1
    else:
        _reachable(address)
    try:
        ray.init(address=address, **options)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = address or "a local instance"
        brief = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ClusterError(f"cannot start or join Ray at {where}: {brief}") from None
    return address is None


def _reachable(address: str) -> None:
    """Fail in seconds on a head that does not answer (Ray itself waits minutes)."""
    import socket

    if address == "auto":
        return  # Ray resolves it (RAY_ADDRESS, or this node's cluster) and says when it cannot
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise ClusterError(f"--ray {address!r}: use auto, HOST:PORT or ray://HOST:10001")
    try:
        socket.create_connection((host, int(port)), timeout=10).close()
    except OSError as exc:
        raise ClusterError(
            f"cannot start or join Ray at {address}: {exc.strerror or exc} (is `ray start "
            "--head` running there?)"
        ) from None


def cluster_cpus() -> float:
    """CPUs the joined cluster has."""
    import ray

    return float(ray.cluster_resources().get("CPU", 0.0))  # type: ignore[no-untyped-call]


def cluster_gpus() -> float:
    """GPUs the joined cluster has (0 for a CPU cluster)."""
    import ray

    return float(ray.cluster_resources().get("GPU", 0.0))  # type: ignore[no-untyped-call]
