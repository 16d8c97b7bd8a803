//! Limits: per-caller request rate and sign-in failure throttling, as fixed windows — in
//! process ([`WindowCounter`]), or shared by every replica through Redis
//! ([`super::shared_limits::RateWindow`]).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::shared_limits::{RateWindow, SharedRedis};

/// Largest number of tracked keys before expired windows are swept.
const SWEEP_THRESHOLD: usize = 10_000;

/// Counts events per key in fixed windows.
#[derive(Debug)]
pub struct WindowCounter {
    window: Duration,
    limit: u32,
    entries: Mutex<HashMap<String, (Instant, u32)>>,
}

/// The state of one key's window after a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowState {
    /// The window's allowance.
    pub limit: u32,
    /// Events left in this window.
    pub remaining: u32,
    /// Seconds until the window resets.
    pub reset_secs: u64,
    /// Whether the allowance is used up.
    pub exhausted: bool,
}

impl WindowCounter {
    /// `limit` events per `window`.
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            window,
            limit,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn with_entry<T>(
        &self,
        key: &str,
        now: Instant,
        f: impl FnOnce(&mut (Instant, u32)) -> T,
    ) -> T {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() > SWEEP_THRESHOLD {
            let window = self.window;
            entries.retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        let entry = entries.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        f(entry)
    }

    fn state(&self, entry: &(Instant, u32), now: Instant) -> WindowState {
        let reset = self.window.saturating_sub(now.duration_since(entry.0));
        WindowState {
            limit: self.limit,
            remaining: self.limit.saturating_sub(entry.1),
            reset_secs: reset.as_secs().max(1),
            exhausted: entry.1 >= self.limit,
        }
    }

    /// Counts one event unless the allowance is used up.
    pub fn hit(&self, key: &str) -> WindowState {
        let now = Instant::now();
        self.with_entry(key, now, |entry| {
            let before = self.state(entry, now);
            if !before.exhausted {
                entry.1 += 1;
            }
            WindowState {
                exhausted: before.exhausted,
                ..self.state(entry, now)
            }
        })
    }

    /// Gives one counted event back (a reserved attempt that turned out fine).
    pub fn release(&self, key: &str) {
        let now = Instant::now();
        self.with_entry(key, now, |entry| entry.1 = entry.1.saturating_sub(1));
    }

    /// Forgets a key (a successful sign-in clears its failures).
    pub fn clear(&self, key: &str) {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key);
    }
}

/// Failed sign-ins allowed per account per window.
const ACCOUNT_FAILURES: u32 = 5;
/// Failed sign-ins allowed per client address per window.
const ADDRESS_FAILURES: u32 = 20;
/// The sign-in throttling window.
const SIGN_IN_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Registrations (sign-ups and accepted invitations) allowed per client address per window:
/// enough for a classroom behind one NAT address, not for a script creating accounts.
const REGISTRATIONS_PER_ADDRESS: u32 = 30;
/// The registration throttling window.
const REGISTRATION_WINDOW: Duration = Duration::from_secs(60 * 60);

/// Sign-in throttling by account and by client address. Every attempt is counted before its
/// password is checked (atomically, in Redis or in process), so parallel attempts cannot all
/// slip in before the first failure is recorded; a correct password gives the attempt back.
pub struct SignInThrottle {
    accounts: RateWindow,
    addresses: RateWindow,
    registrations: RateWindow,
}

impl SignInThrottle {
    /// Windows in Redis when `redis` is given, else in process.
    pub fn new(redis: Option<SharedRedis>) -> Self {
        Self {
            accounts: RateWindow::new(
                "sign-in-account",
                ACCOUNT_FAILURES,
                SIGN_IN_WINDOW,
                redis.clone(),
            ),
            addresses: RateWindow::new(
                "sign-in-address",
                ADDRESS_FAILURES,
                SIGN_IN_WINDOW,
                redis.clone(),
            ),
            registrations: RateWindow::new(
                "register-address",
                REGISTRATIONS_PER_ADDRESS,
                REGISTRATION_WINDOW,
                redis,
            ),
        }
    }

    /// Counts an attempt for the account and the address; `Err(seconds to wait)` when either
    /// allowance is used up, so the password must not be checked.
    pub async fn reserve(&self, email: &str, address: &str) -> Result<(), u64> {
        let account_key = account_key(email);
        let account = self.accounts.hit(&account_key).await;
        if account.exhausted {
            return Err(account.reset_secs);
        }
        let by_address = self.addresses.hit(address).await;
        if by_address.exhausted {
            self.accounts.release(&account_key).await;
            return Err(by_address.reset_secs);
        }
        Ok(())
    }

    /// The password was right: the account's failures are forgotten and the address gets its
    /// attempt back.
    pub async fn succeeded(&self, email: &str, address: &str) {
        self.accounts.clear(&account_key(email)).await;
        self.addresses.release(address).await;
    }

    /// Counts a registration from `address`; `Err(seconds to wait)` over the allowance.
    pub async fn register(&self, address: &str) -> Result<(), u64> {
        let state = self.registrations.hit(address).await;
        if state.exhausted {
            Err(state.reset_secs)
        } else {
            Ok(())
        }
    }
}

fn account_key(email: &str) -> String {
    email.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_up_to_the_limit_then_refuses() {
        let counter = WindowCounter::new(2, Duration::from_secs(60));
        assert_eq!(counter.hit("k").remaining, 1);
        let second = counter.hit("k");
        assert!(!second.exhausted);
        assert_eq!(second.remaining, 0);
        let third = counter.hit("k");
        assert!(third.exhausted);
        assert!(third.reset_secs >= 1 && third.reset_secs <= 60);
        assert!(!counter.hit("other").exhausted, "keys are independent");
    }

    #[test]
    fn windows_reset() {
        let counter = WindowCounter::new(1, Duration::ZERO);
        assert!(!counter.hit("k").exhausted);
        assert!(
            !counter.hit("k").exhausted,
            "a zero window always starts afresh"
        );
    }

    #[test]
    fn released_events_are_given_back() {
        let counter = WindowCounter::new(1, Duration::from_secs(60));
        assert!(!counter.hit("k").exhausted);
        counter.release("k");
        assert!(!counter.hit("k").exhausted);
        assert!(counter.hit("k").exhausted);
        counter.release("never-seen");
    }

    #[tokio::test]
    async fn throttle_blocks_accounts_and_addresses() {
        let throttle = SignInThrottle::new(None);
        for _ in 0..ACCOUNT_FAILURES {
            assert_eq!(throttle.reserve("A@x.org", "1.1.1.1").await, Ok(()));
        }
        assert!(
            throttle.reserve("a@X.org", "2.2.2.2").await.is_err(),
            "per account, any address"
        );
        assert_eq!(throttle.reserve("b@x.org", "1.1.1.1").await, Ok(()));
        throttle.succeeded("a@x.org", "2.2.2.2").await;
        assert_eq!(throttle.reserve("a@x.org", "1.1.1.1").await, Ok(()));
    }

    #[tokio::test]
    async fn registrations_are_counted_per_address() {
        let throttle = SignInThrottle::new(None);
        for _ in 0..REGISTRATIONS_PER_ADDRESS {
            assert_eq!(throttle.register("1.1.1.1").await, Ok(()));
        }
        assert!(throttle.register("1.1.1.1").await.is_err());
        assert_eq!(throttle.register("2.2.2.2").await, Ok(()));
    }
}
