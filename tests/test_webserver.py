"""Smoke test: the Dagster webserver starts on a free loopback port and its
GraphQL API shows one lineage from the source tables through dbt to the marts."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from salesops.contracts import load_all

REPO = Path(__file__).resolve().parent.parent
QUERY = "{ assetNodes { assetKey { path } groupName dependencyKeys { path } } }"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _post(url: str, query: str) -> dict:
    req = urllib.request.Request(url, data=json.dumps({"query": query}).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


@pytest.mark.xdist_group("webserver")
def test_webserver_serves_the_connected_asset_graph(dbt_manifest, data_dir, tmp_path):
    port = _free_port()
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "dagster_home")}
    webserver = Path(sys.executable).parent / "dagster-webserver"
    proc = subprocess.Popen([str(webserver), "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
                            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        nodes = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                data = _post(f"http://127.0.0.1:{port}/graphql", QUERY)
                nodes = data.get("data", {}).get("assetNodes")
                if nodes:
                    break
            except OSError:
                pass
            time.sleep(1)
        assert nodes, f"webserver did not serve the asset graph: {proc.stderr.read().decode()[-2000:] if proc.poll() is not None else 'timeout'}"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)

    parents = {tuple(n["assetKey"]["path"]): {tuple(d["path"]) for d in n["dependencyKeys"]} for n in nodes}
    groups = {tuple(n["assetKey"]["path"]): n["groupName"] for n in nodes}
    children: dict[tuple, set] = {}
    for key, deps in parents.items():
        for dep in deps:
            children.setdefault(dep, set()).add(key)

    def downstream(key):
        seen, todo = set(), [key]
        while todo:
            for child in children.get(todo.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        return seen

    for source in load_all():
        for table in source.tables:
            reach = downstream((source.name, table.name))
            assert any(groups.get(k) == "staging" for k in reach), f"{source.name}.{table.name} feeds no staging model"
    marts = [k for k, g in groups.items() if g == "marts"]
    assert marts, "no marts in the graph"
    assert ("published", "marts") in downstream(("crm", "opportunity"))
    for mart in marts:
        assert ("published", "marts") in downstream(mart)
