//! Signing in with email and password, as operations around the one step that cannot run
//! inside them: the argon2 check, which the caller runs on its blocking pool between
//! [`look_up`] and [`finish`]. Every refusal is audited `login_failure` with its reason (the
//! client reads one message for an unknown email and a wrong password); a success opens the
//! session and records `login_success` in one transaction.

use chrono::{NaiveDateTime, TimeDelta};
use owp_audit::{AuditContext, EventType, NewAuditEvent, record};
use owp_credentials::password_hash_of;
use owp_db::AnyConnection;

use crate::IdentityError;
use crate::sessions::{IssuedSession, open_session};
use crate::users::{LoginCandidate, User, UserStatus, find_login, get_user, record_login};

/// What the store knows of a login name: the account, if any, and its password hash, if set.
#[derive(Debug, Clone)]
pub struct LoginLookup {
    candidate: Option<LoginCandidate>,
    phc: Option<String>,
}

impl LoginLookup {
    /// The hash to check the password against (`None`: check a dummy, so an unknown email
    /// costs the same time as a wrong password).
    pub fn phc(&self) -> Option<&str> {
        self.phc.as_deref()
    }
}

/// The one answer for an unknown email and a wrong password.
const INVALID: &str = "invalid email or password";

fn failure(candidate: Option<&LoginCandidate>, detail: serde_json::Value) -> NewAuditEvent {
    let event = NewAuditEvent::new(EventType::LoginFailure).detail(detail);
    match candidate {
        Some(c) => event.subject(c.id),
        None => event,
    }
}

/// Records a sign-in refused by throttling (no password was checked).
pub fn record_throttled(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    email: &str,
    at: NaiveDateTime,
) -> Result<(), IdentityError> {
    let detail = serde_json::json!({"reason": "throttled", "email": email.trim()});
    record(conn, ctx, &failure(None, detail), at)?;
    Ok(())
}

/// Looks `email` up (case-insensitively) with its password hash.
pub fn look_up(conn: &mut AnyConnection, email: &str) -> Result<LoginLookup, IdentityError> {
    let candidate = find_login(conn, email)?;
    let phc = match &candidate {
        Some(c) => password_hash_of(conn, c.id)?.map(|(_, phc)| phc),
        None => None,
    };
    Ok(LoginLookup { candidate, phc })
}

/// Ends a sign-in whose password the caller checked: a wrong password or unknown email is
/// `Unauthenticated`, an account that may not sign in (pending, disabled, rejected) is
/// `Forbidden` — each audited first; otherwise a session of `ttl` opens, audited
/// `login_success`, and the account is returned as it now is.
pub fn finish(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    lookup: LoginLookup,
    verified: bool,
    ttl: TimeDelta,
    at: NaiveDateTime,
) -> Result<(IssuedSession, User), IdentityError> {
    let candidate = match (verified, lookup.candidate) {
        (true, Some(candidate)) => candidate,
        (_, candidate) => {
            let detail = serde_json::json!({"reason": "invalid_credentials"});
            record(conn, ctx, &failure(candidate.as_ref(), detail), at)?;
            return Err(IdentityError::Unauthenticated(INVALID.into()));
        }
    };
    if candidate.status != UserStatus::Active {
        let reason = candidate.status.as_str();
        record(
            conn,
            ctx,
            &failure(Some(&candidate), serde_json::json!({"reason": reason})),
            at,
        )?;
        return Err(IdentityError::Forbidden(match candidate.status {
            UserStatus::Pending => "account pending approval".into(),
            other => format!("account {}", other.as_str()),
        }));
    }
    owp_db::write_transaction(conn, |conn| {
        let mut ctx = ctx.clone();
        ctx.actor_user_id = Some(candidate.id);
        ctx.organization_id = Some(candidate.organization_id);
        let issued = open_session(conn, candidate.id, &ctx, ttl, at)?;
        record_login(conn, &ctx, candidate.id, at)?;
        Ok((issued, get_user(conn, candidate.id)?))
    })
}

/// Exchanges a refresh token for a new one ([`crate::sessions::rotate`]: each works once, a
/// reused one revokes its session) and answers with the account, refused when it may no longer
/// act. The rotation stands even then, as a used token must not work twice.
pub fn refresh(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    token: &str,
    at: NaiveDateTime,
) -> Result<(IssuedSession, User), IdentityError> {
    let issued = crate::sessions::rotate(conn, ctx, token, at)?;
    let user = get_user(conn, issued.user_id)?;
    if user.status != UserStatus::Active {
        return Err(IdentityError::Inactive(user.status.as_str().to_owned()));
    }
    Ok((issued, user))
}
