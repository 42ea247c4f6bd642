"""Lists of the Customer's own fields that several modules name, each written once. Constants only,
importing nothing: hooks.py reads REDACTED_FIELDS from here, and loading hooks must not load the
app's code."""

# the billing address lines on the Customer (its Address record has these and `country`)
ADDRESS_LINES = ("address_line1", "address_line2", "city", "county", "pincode")

# who the customer is and how to reach them, in the order the import's sample files use
DETAILS = ("customer_name", "customer_type", "customer_category", "email", "phone", "id_number", "notes")

# what a Personal Data Deletion Request (Frappe) redacts on the customer it finds by email
REDACTED_FIELDS = ("customer_name", "name_key", "phone", "id_number", "birth_date", "notes", *ADDRESS_LINES)
