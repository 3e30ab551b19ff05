# Fixtures every app's tests share: the test tree and the admin test world.
pytest_plugins = ["registry.tests.fixtures"]
