"""make test runs pytest-xdist with --dist loadgroup: the controller keeps a group in one worker only if the
group is in the node id (tests/conftest.py). Fails if that silently stopped working, as with xdist 3.8 and
pytest 9.2 before the fix in conftest.py."""
import pytest


def test_under_loadgroup_a_test_carries_its_group_in_its_node_id(request):
    if not getattr(request.config.option, "loadgroup", False):
        pytest.skip("not in a pytest-xdist worker with --dist loadgroup")
    mark = request.node.get_closest_marker("xdist_group")
    assert mark is not None, "no xdist group"
    assert request.node.nodeid.endswith(f"@{mark.args[0]}"), request.node.nodeid
