"""Models: one flywheel Model per file, named like its file (Account.py defines Account).

`from app.models import Account` works for every X.py here, and imports only the file asked for,
on first use: a Lambda cold start does not pay for models it does not touch.
"""

from tight.core.file_exports import exports_by_file

__getattr__, __dir__ = exports_by_file(__name__, __file__)
