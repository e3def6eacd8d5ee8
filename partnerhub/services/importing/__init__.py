"""Importing listing files: Yandex Realty feeds, CSV and XLSX price lists.

One module per format (yrl, csvfile, xlsx) reads a file into normalised rows
(core, values, tables); reader picks the format by content; store puts the
rows into the database in one transaction; uploads keeps a web upload
between the upload and mapping steps.
"""

from partnerhub.services.importing.core import (
    FIELD_LABELS,
    FIELDS,
    IGNORE,
    Listing,
    MappingRequest,
    Place,
    Problem,
    Row,
)
from partnerhub.services.importing.reader import (
    FileTooLarge,
    preview_table,
    read_listing,
    too_large,
)
from partnerhub.services.importing.store import (
    ImportResult,
    find_mapping,
    import_listing,
    project_choices,
)
from partnerhub.services.importing.uploads import (
    import_upload,
    import_with_mapping,
    load_upload,
    mapping_preview,
)

__all__ = [
    "FIELD_LABELS",
    "FIELDS",
    "IGNORE",
    "FileTooLarge",
    "ImportResult",
    "Listing",
    "MappingRequest",
    "Place",
    "Problem",
    "Row",
    "find_mapping",
    "import_listing",
    "import_upload",
    "import_with_mapping",
    "load_upload",
    "mapping_preview",
    "preview_table",
    "project_choices",
    "read_listing",
    "too_large",
]
