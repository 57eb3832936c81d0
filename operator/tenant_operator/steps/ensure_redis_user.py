"""Step 4 (RedisReady): the tenant's ACL user on the shared Redis."""

from __future__ import annotations

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from tenant_operator import conditions as c
from tenant_operator import names
from tenant_operator.conditions import Condition
from tenant_operator.steps.context import ReconcileContext, StepFailed


async def ensure_redis_user(ctx: ReconcileContext) -> Condition:
    """ACL user limited to the tenant's key prefix, channel pattern and app/Celery commands."""
    creds = await ctx.tenant_credentials()
    user = names.redis_user(ctx.name)
    try:
        diff = await ctx.runtime.redis.ensure(user, ctx.name, creds.redis_password)
    except (RedisConnectionError, RedisTimeoutError, OSError) as err:
        raise StepFailed("RedisUnavailable", f"Redis is unreachable: {err}") from err
    except ResponseError as err:
        reason = "RedisForbidden" if "NOPERM" in str(err) else "RedisError"
        raise StepFailed(reason, str(err)) from err
    except RedisError as err:
        raise StepFailed("RedisError", f"{type(err).__name__}: {err}") from err
    if diff:
        ctx.record("Redis user", user, f"set {', '.join(diff)}")
    prefix = names.redis_key_prefix(ctx.name)
    return Condition(
        c.REDIS_READY, c.TRUE, "RedisUserReady", f"ACL user {user} limited to keys and channels {prefix}*"
    )
