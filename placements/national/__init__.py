"""National statistics: the DfE's published tables of children looked after, read from its open-data CSV
layout (`reader`, pure), the KPI each published figure answers (`measures`, pure), and the import service
and comparator selectors (`services`, `selectors`)."""
