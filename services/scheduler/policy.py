"""The policy file, re-read when it changes (hot reload, as Volcano watches its ConfigMap).

At start a bad file fails fast with the file named. Later, a file that no longer parses keeps
the policy in force and logs the error naming the file, so a typo never stops scheduling.
"""

from __future__ import annotations

import logging
import os
import pathlib

from services.scheduler import conf as conf_mod

log = logging.getLogger("basalt.scheduler")


class PolicyError(ValueError):
    pass


def parse_file(path: str) -> conf_mod.SchedulerConf:
    try:
        return conf_mod.parse_conf(pathlib.Path(path).read_text())
    except Exception as exc:  # noqa: BLE001 - any parse failure is reported with the file's name
        raise PolicyError(f"scheduler policy {path}: {exc}") from exc


class PolicySource:
    def __init__(self, path: str) -> None:
        self.path = path
        self._mtime = _mtime(path) if path else 0
        self.current = parse_file(path) if path else conf_mod.DEFAULT_CONF
        self.reloads = 0

    def get(self) -> conf_mod.SchedulerConf:
        """The policy in force, re-parsed first if the file's mtime changed."""
        if not self.path:
            return self.current
        mtime = _mtime(self.path)
        if mtime != self._mtime:
            self._mtime = mtime
            try:
                self.current = parse_file(self.path)
                self.reloads += 1
                log.info("scheduler policy %s reloaded", self.path)
            except PolicyError as exc:
                log.error("%s; keeping the previous policy", exc)
        return self.current


def _mtime(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return -1
