//! UTC time as stored: naive timestamps in UTC, truncated to microseconds because PostgreSQL
//! keeps microseconds and SQLite would keep nanoseconds, and a value must read back equal on both.

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};

/// Truncates to the precision both backends store.
pub fn to_stored(at: DateTime<Utc>) -> NaiveDateTime {
    at.naive_utc().trunc_subsecs(6)
}

/// A source of the current time, handed to domain code that must stamp something after the
/// call began (the end of a stream), so domain crates never read the system clock themselves
/// and tests can hand in a clock of their own. The gateway passes [`now`].
pub type Clock = fn() -> NaiveDateTime;

/// The current time at stored precision. Only edges (handlers, jobs) call this; domain
/// functions take the time as a parameter so tests control it (clippy.toml bans it in crates/).
#[expect(
    clippy::disallowed_methods,
    reason = "the one clock of the platform: edges call this, everything else is given the time"
)]
pub fn now() -> NaiveDateTime {
    to_stored(Utc::now())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Timelike;

    #[test]
    fn truncates_to_microseconds() {
        let at = DateTime::from_timestamp(1_700_000_000, 123_456_789).unwrap();
        assert_eq!(to_stored(at).nanosecond(), 123_456_000);
    }
}
