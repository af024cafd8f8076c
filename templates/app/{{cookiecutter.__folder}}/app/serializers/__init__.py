"""Serializers: one per file, named like its file (AccountSerializer.py defines AccountSerializer).

`from app.serializers import X` works for every X.py here and imports only that file, on first use.
"""

from tight.core.file_exports import exports_by_file

__getattr__, __dir__ = exports_by_file(__name__, __file__)
