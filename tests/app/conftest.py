from tests.app_fixtures import TOKEN, new_session, rt  # noqa: F401  (fixtures)
