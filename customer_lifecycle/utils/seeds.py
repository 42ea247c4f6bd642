"""The records the app seeds once (customer_lifecycle/seeds/), as Frappe documents to insert."""

import json
import os

SEEDS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "seeds")


def load_seed(filename: str):
	with open(os.path.join(SEEDS, filename)) as f:
		return json.load(f)
