"""Test and benchmark harness (browser, hub, benchmarks): not shipped to students."""
