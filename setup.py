from setuptools import find_packages, setup

from customer_lifecycle import __version__ as version

with open("requirements.txt") as f:
	install_requires = [line.strip() for line in f if line.strip() and not line.startswith("#")]

setup(
	name="customer_lifecycle",
	version=version,
	description="Every customer relationship from first contact to anonymization, on Frappe v15",
	author="customer_lifecycle developers",
	author_email="dev@customer-lifecycle.invalid",
	packages=find_packages(include=["customer_lifecycle", "customer_lifecycle.*"]),
	zip_safe=False,
	include_package_data=True,
	install_requires=install_requires,
	# the demo data (`bench customer-lifecycle demo`, ./dev.sh start) and the benchmarks (the `load`
	# suite drives the site with Locust; Locust 2.47+ wants a newer requests than Frappe v15 allows)
	extras_require={"demo": ["Faker>=25,<40", "locust>=2.20,<2.47", "pypdf"]},
	python_requires=">=3.10,<3.13",
)
