"""The lab in a process of its own (`python -m checks.lab --control`), driven over its stdin.

The tests and the benchmarks use it so that the lab's CPU never competes with the prober's
under one GIL. The scenario is a pure function of the ports, so this side rebuilds it and
knows the inventory, the pages and the port map without asking.
"""

from __future__ import annotations

import json
import subprocess
import sys
from types import TracebackType

from checks.lab import LabView, _default_scenario
from checks.lab.scenarios import Ports


class RemoteLab(LabView):
    """Start with `with RemoteLab() as lab:`; the process stops when we close its stdin."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        """Start the lab process; returns once it listens.

        Raises:
            RuntimeError: the lab process did not start.
        """
        self._process = subprocess.Popen(
            [sys.executable, "-m", "checks.lab", "--control"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError("the lab process exited before it listened")
        info = json.loads(line)
        self.addresses = tuple(info["addresses"])
        self.dns_port = info["dns"][1]
        self.ports = Ports(
            info["http"],
            info["https"],
            info["closed"],
            info["service"],
            info["registry"],
            info["whois"],
        )
        self.ca_pem = info["ca_pem"]
        self.rdap_bootstrap = info["rdap_bootstrap"]
        self.scenario = _default_scenario(self.ports)

    def _ask(self, command: str) -> str:
        assert self._process is not None and self._process.stdin and self._process.stdout
        self._process.stdin.write(command + "\n")
        self._process.stdin.flush()
        answer = self._process.stdout.readline().strip()
        if not answer.startswith("ok"):
            raise KeyError(answer)
        return answer.removeprefix("ok").strip()

    def apply(self, control_id: str) -> str:
        """Play a lab control; returns the host it changed.

        Raises:
            KeyError: no such control.
        """
        return self._ask(f"apply {control_id}")

    @property
    def dns_queries(self) -> int:
        """How many DNS questions the lab has answered so far."""
        return int(self._ask("queries"))

    @property
    def registry_queries(self) -> int:
        """How many RDAP, WHOIS and CT questions the lab's registries have answered so far."""
        return int(self._ask("registry"))

    def requests_for(self, host: str) -> int:
        """How many HTTP requests the lab has served with this Host header."""
        return int(self._ask(f"requests {host}"))

    def connections_for(self, host: str) -> int:
        """How many connections the lab has accepted whose first request named this Host."""
        return int(self._ask(f"connections {host}"))

    def stop(self) -> None:
        """Stop the lab process."""
        if self._process is not None:
            assert self._process.stdin is not None
            self._process.stdin.close()
            self._process.wait(10)

    def __enter__(self) -> RemoteLab:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
