"""The sections of a board report, one module per part of the paper; `..builder` assembles them."""
