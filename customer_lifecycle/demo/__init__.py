"""Demo data: a firm's customers and their history (customers.py), and a portal customer with a
record of every kind the portal shows (portal_customer.py). Made in bulk where a controller per row would be
slow; nothing at runtime imports it."""
