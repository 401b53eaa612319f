"""Tools that measure the running site on loopback, each started by a `make` target: speed
(`make bench`: run.py, against the bare Flask app of baseline.py, on content made by
data.py), the security audit (`make audit`: audit.py) and Lighthouse (`make lighthouse`:
lighthouse.py). Run from the checkout (`python -m bench.run` ...); never in the wheel."""
