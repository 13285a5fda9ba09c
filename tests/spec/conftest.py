"""The spec suite's helpers assert too; let pytest explain their failures."""

import pytest

pytest.register_assert_rewrite("tests.spec.support")
