//! Rate windows shared by every replica through Redis (`REDIS_URL`), with the in-process
//! [`WindowCounter`] as the fallback: without `REDIS_URL`, and for any call Redis fails, the
//! replica counts on its own rather than refusing or waving through every request.

use std::time::Duration;

use redis::aio::ConnectionManager;

use super::limits::{WindowCounter, WindowState};

/// Counts one hit in a fixed window and reports the count and the window's remaining time;
/// the first hit starts the window.
const HIT: &str = r"
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}
";

/// Gives one hit back unless the window is already empty or gone.
const RELEASE: &str = r"
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 0 then return redis.call('DECR', KEYS[1]) end
return 0
";

/// A connection to the shared Redis and the namespace of this installation's keys in it.
#[derive(Clone)]
pub struct SharedRedis {
    /// The connection (reconnects by itself).
    pub manager: ConnectionManager,
    /// `REDIS_KEY_PREFIX`.
    pub prefix: String,
}

/// Fixed windows per key: in Redis when configured, else (or when Redis fails) in process.
pub struct RateWindow {
    name: &'static str,
    limit: u32,
    window: Duration,
    local: WindowCounter,
    redis: Option<SharedRedis>,
    script: redis::Script,
    release_script: redis::Script,
}

impl RateWindow {
    /// `limit` events per `window`, named `name` in Redis keys (`<prefix>:rate:<name>:<key>`).
    pub fn new(
        name: &'static str,
        limit: u32,
        window: Duration,
        redis: Option<SharedRedis>,
    ) -> Self {
        Self {
            name,
            limit,
            window,
            local: WindowCounter::new(limit, window),
            redis,
            script: redis::Script::new(HIT),
            release_script: redis::Script::new(RELEASE),
        }
    }

    fn redis_key(&self, key: &str) -> String {
        let prefix = self.redis.as_ref().map_or("owp", |r| r.prefix.as_str());
        format!("{prefix}:rate:{}:{key}", self.name)
    }

    fn state(&self, count: u64, ttl_ms: i64) -> WindowState {
        let used = u32::try_from(count).unwrap_or(u32::MAX);
        WindowState {
            limit: self.limit,
            remaining: self.limit.saturating_sub(used),
            reset_secs: u64::try_from(ttl_ms.max(0))
                .unwrap_or(0)
                .div_ceil(1000)
                .max(1),
            exhausted: used > self.limit,
        }
    }

    /// Counts one event; `exhausted` when it went over the allowance.
    pub async fn hit(&self, key: &str) -> WindowState {
        if let Some(redis) = &self.redis {
            let mut conn = redis.manager.clone();
            let window_ms = u64::try_from(self.window.as_millis()).unwrap_or(u64::MAX);
            let counted: redis::RedisResult<(u64, i64)> = self
                .script
                .key(self.redis_key(key))
                .arg(window_ms)
                .invoke_async(&mut conn)
                .await;
            match counted {
                Ok((count, ttl)) => return self.state(count, ttl),
                Err(err) => {
                    tracing::warn!(error = %err, "Redis rate window failed; counting locally")
                }
            }
        }
        self.local.hit(key)
    }

    /// Gives one counted event back, never going below zero.
    pub async fn release(&self, key: &str) {
        if let Some(redis) = &self.redis {
            let mut conn = redis.manager.clone();
            let released: redis::RedisResult<i64> = self
                .release_script
                .key(self.redis_key(key))
                .invoke_async(&mut conn)
                .await;
            match released {
                Ok(_) => return,
                Err(err) => {
                    tracing::warn!(error = %err, "Redis rate window failed; counting locally")
                }
            }
        }
        self.local.release(key);
    }

    /// Forgets a key.
    pub async fn clear(&self, key: &str) {
        if let Some(redis) = &self.redis {
            let mut conn = redis.manager.clone();
            let cleared: redis::RedisResult<()> = redis::cmd("DEL")
                .arg(self.redis_key(key))
                .query_async(&mut conn)
                .await;
            if let Err(err) = cleared {
                tracing::warn!(error = %err, "Redis rate window failed; counting locally");
            }
        }
        self.local.clear(key);
    }
}

/// Connects to Redis for shared limits. A Redis that is down at start is reported and the
/// replica limits on its own until restarted; the connection manager reconnects by itself
/// once established.
pub async fn connect(url: &str, prefix: &str) -> Option<SharedRedis> {
    let client = match redis::Client::open(url) {
        Ok(client) => client,
        Err(err) => {
            tracing::error!(error = %err, "REDIS_URL is not usable; rate limits stay per replica");
            return None;
        }
    };
    match tokio::time::timeout(Duration::from_secs(3), ConnectionManager::new(client)).await {
        Ok(Ok(manager)) => Some(SharedRedis {
            manager,
            prefix: prefix.to_owned(),
        }),
        Ok(Err(err)) => {
            tracing::error!(error = %err, "Redis is unreachable; rate limits stay per replica");
            None
        }
        Err(_) => {
            tracing::error!("Redis did not answer in 3 s; rate limits stay per replica");
            None
        }
    }
}
