from tests.comments.conftest import post_comment  # noqa: F401  (fixture)
from tests.demo.conftest import project_dir, quick_illustrations  # noqa: F401  (fixtures)
