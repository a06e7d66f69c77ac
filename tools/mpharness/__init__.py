"""Test and benchmark harness for the Middle Powers collection (not imported by students)."""
