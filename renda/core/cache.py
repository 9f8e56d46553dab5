"""Django's Redis cache, keeping one redis-py client per connection pool.

Django's client makes a new `redis.Redis` for every cache call, which builds its table of
response callbacks each time (about half a millisecond); a page asks the cache several times.
A redis-py client is safe to share: its pool hands out the connections.

`set_if(key, value, timeout, when=(other_key, expected))`: set `key` only while `other_key`
holds `expected`, checked and set by Redis in one step (one round trip, where a get and a set
are two): the records cache keeps an answer only if no write committed since it was asked for.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient

# KEYS: the key to compare, the key to set; ARGV: the value expected, the value, the timeout (s).
_SET_IF = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
  return 1
end
return 0
"""


class RedisCacheClient(DjangoRedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    def set_if(self, key, value, timeout, *, when) -> bool:
        """Set `key` to `value` for `timeout` seconds if the key `when[0]` holds `when[1]` (both
        as `get` returns them); whether it was set."""
        other, expected = when
        other = self.make_and_validate_key(other)
        key = self.make_and_validate_key(key)
        client = self._cache.get_client(key, write=True)
        scripts = self.__dict__.setdefault("_set_if_scripts", {})
        script = scripts.get(id(client))
        if script is None:
            script = scripts[id(client)] = client.register_script(_SET_IF)
        serializer = self._cache._serializer
        args = [serializer.dumps(expected), serializer.dumps(value), int(self.get_backend_timeout(timeout))]
        return bool(script(keys=[other, key], args=args))
