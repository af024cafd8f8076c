"""Tests of the test kit: tight.core.test_helpers and tight.testing."""
