"""Ship the repository's cookiecutter templates inside the wheel as `tight/templates`.

They live at the repository root (`cookiecutter <repo> --directory templates/app`); this copy
lets `invoke generate-function` find them in a plain `pip install tight-lambda[dev]` as well. The
artifact task leaves them out of Lambda zips. Everything else about the build is in
pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithTemplates(build_py):
    def run(self) -> None:
        super().run()
        source = Path(__file__).resolve().parent / "templates"
        target = Path(self.build_lib) / "tight" / "templates"
        if source.is_dir() and not self.dry_run:
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithTemplates})
