"""Adapters: the only modules that rely on how a dependency works inside, each with a test in
tests/test_upstream.py that fails loudly when the dependency stops working that way."""
