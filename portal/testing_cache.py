"""The test suite's cache backend: Django's Redis cache whose `clear()` deletes only the keys of
this cache's KEY_PREFIX, not the whole Redis database (portal/settings_test.py).

Every test clears the cache (conftest.py). With FLUSHDB, a test in one pytest process wiped the
entries of a test running in another process on the same Redis database (a second run of the
same engineer, or an xdist worker whose database number lands on someone else's) between its two
requests: `test_detail_is_rendered_once_per_catalogue_version` then saw a page rendered again
and failed its query count. Each test process has a prefix of its own, so it clears only what
it wrote.
"""

from django.core.cache.backends.redis import RedisCache


class PrefixClearedRedisCache(RedisCache):
    BATCH = 500

    def clear(self) -> None:
        client = self._cache.get_client(None, write=True)
        # make_key gives "<prefix>:<version>:<key>"; a prefix of its own is required (settings_test).
        pattern = f"{self.key_prefix}:*"
        keys: list[bytes] = []
        for key in client.scan_iter(match=pattern, count=self.BATCH):
            keys.append(key)
            if len(keys) >= self.BATCH:
                client.delete(*keys)
                keys = []
        if keys:
            client.delete(*keys)
