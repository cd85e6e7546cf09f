from tests.app_fixtures import new_session, rt  # noqa: F401  (fixtures)
