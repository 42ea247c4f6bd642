"""Generated documents: letters and statements made for a customer from an admin's Document Template.

- rendering.py: the template's Jinja, sandboxed and escaped, and its problems with their line (no
  database);
- context.py: what a template can use (the customer, its primary contact and billing address, an
  engagement, its open invoices and recent payments, the firm's details, today), and the samples a
  template is checked against when it is saved;
- generation.py: the Generated Document's steps: render, print to PDF with Frappe's print view and
  the Letter Head, file the PDF in the customer's folder; the template's check;
- sharing.py: emailing a document to a contact (logged as a note), sharing it on the portal;
- listing.py: the Generated Docs tab's page; setup.py: the example templates, seeded once.

The DocTypes (Document Template, Generated Document) and the print format are in the Customers
module: a generated document is one of the customer's records, filed with its files.
"""
