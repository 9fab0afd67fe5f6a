"""Keep an optional, slow import out of pipeline and test processes.

jsonschema (pulled in by nbformat, hence papermill, nbconvert and nbval) imports
`rfc3987_syntax` inside `suppress(ImportError)` only to check the rarely used
"uri-reference" format; importing it builds a Lark grammar and costs ~1.5 s per process
(measured: `import jsonschema` 2.9 s with it, 0.3 s without). JupyterLab keeps it, since
its event schemas use that format; our processes never validate such URIs.

Import this module before nbformat: the CLI does, and pytest loads it with
`-p minsheng.fastimport` (pyproject addopts) before any plugin.
"""

import sys

# A None entry in sys.modules makes `import rfc3987_syntax` raise ImportError.
sys.modules.setdefault("rfc3987_syntax", None)
