"""Dev-time test kit behind the pytest plugin `tight.core.test_helpers`; never shipped."""
