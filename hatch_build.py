"""Wheel build hook: records the commit the wheel is built from as ``jzanalysis/_build.json``, so the
reports of an installed package name the code they came from (``settings.git_commit``)."""

from __future__ import annotations

import importlib.util
import json
import shutil
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict) -> None:
        self._tmp = None
        if self.target_name != "wheel" or version == "editable":  # an editable install asks git itself
            return
        # settings.py by path (the package's dependencies are not in the build environment): one
        # definition of the checkout's commit, run here from the checkout being built
        spec = importlib.util.spec_from_file_location("_jz_settings", Path(self.root, "src/jzanalysis/settings.py"))
        settings = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(settings)
        commit = settings.checkout_commit()
        if commit is None:  # not a git checkout (an sdist): the reports name the version
            return
        self._tmp = tempfile.mkdtemp(prefix="jz-build-")
        record = Path(self._tmp, "_build.json")
        record.write_text(json.dumps({"commit": commit}) + "\n", encoding="utf-8")
        build_data["force_include"][str(record)] = "jzanalysis/_build.json"

    def finalize(self, version: str, build_data: dict, artifact_path: str) -> None:
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
