"""Customer files in bulk: the fast path beside Frappe's Data Import (the Customer Import job).

A file is read (reading), its rows checked against what the site allows (rules, checking) and
sorted into new customers and duplicates, then the good rows are built into records (writer,
frappe_adapters) and written in bulk (load_data), by threads on connections of their own while
the next rows are checked (background). Callers import from the module that holds what they use.
"""
