"""The test suite's cache clears only its own keys (portal/testing_cache.py)."""

from django.core.cache import cache


def test_clearing_the_cache_leaves_another_processes_keys():
    """Another pytest process on the same Redis database keeps its entries when this one clears
    the cache between tests (it used to be FLUSHDB: a flaky page-cache query count)."""
    client = cache._cache.get_client(None, write=True)
    other = "test-another-process:1:procedures:fragment:page"
    client.set(other, b"kept")
    cache.set("this-process", "cleared")
    try:
        cache.clear()
        assert cache.get("this-process") is None
        assert client.get(other) == b"kept"
    finally:
        client.delete(other)


def test_the_prefix_is_the_test_processes_own():
    assert cache.key_prefix.startswith("test-")
    assert cache.make_key("k") == f"{cache.key_prefix}:1:k"
