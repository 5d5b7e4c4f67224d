from tests.demo.conftest import project_dir, quick_illustrations  # noqa: F401  (fixtures)
