//! Sign-in sessions and their refresh tokens.
//!
//! A session is a refresh-token family. Tokens are opaque random strings stored as SHA-256 and
//! rotated on every use; presenting a used token again means it was stolen (or replayed), so
//! the whole session is revoked and `token_refresh_reuse` recorded. Access tokens carry the
//! session id, so revoking a session refuses its access tokens on the next request.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use owp_audit::{AuditContext, EventType, NewAuditEvent, record};
use owp_db::ids::{SessionId, UserId};
use owp_db::schema::{refresh_tokens, sessions};
use owp_db::{AnyConnection, StoreError};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::IdentityError;

/// A new session's ids and its first refresh token (shown once).
#[derive(Debug, Clone)]
pub struct IssuedSession {
    /// The session (`sid`).
    pub session_id: SessionId,
    /// The owner.
    pub user_id: UserId,
    /// The opaque refresh token.
    pub refresh_token: String,
}

/// Why an unknown, expired or revoked refresh token is refused.
const INVALID_REFRESH: &str = "the refresh token is invalid or expired";

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 hex: refresh tokens are high-entropy, so a fast hash is enough.
pub fn token_digest(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn insert_token(
    conn: &mut AnyConnection,
    session: SessionId,
    at: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> Result<String, StoreError> {
    let token = new_token();
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::id.eq(uuid::Uuid::now_v7().to_string()),
            refresh_tokens::session_id.eq(session.to_string()),
            refresh_tokens::token_hash.eq(token_digest(&token)),
            refresh_tokens::created_at.eq(at),
            refresh_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(token)
}

/// Opens a session lasting `ttl` and returns its first refresh token.
pub fn open_session(
    conn: &mut AnyConnection,
    user: UserId,
    ctx: &AuditContext,
    ttl: TimeDelta,
    at: NaiveDateTime,
) -> Result<IssuedSession, StoreError> {
    let session = SessionId::new();
    let expires_at = at + ttl;
    owp_db::write_transaction(conn, |conn| {
        diesel::insert_into(sessions::table)
            .values((
                sessions::id.eq(session.to_string()),
                sessions::user_id.eq(user.to_string()),
                sessions::created_at.eq(at),
                sessions::expires_at.eq(expires_at),
                sessions::ip.eq(&ctx.ip),
                sessions::user_agent.eq(&ctx.user_agent),
            ))
            .execute(conn)?;
        let refresh_token = insert_token(conn, session, at, expires_at)?;
        Ok(IssuedSession {
            session_id: session,
            user_id: user,
            refresh_token,
        })
    })
}

/// Exchanges a refresh token for a new one (rotation). Reuse revokes the session, records
/// `token_refresh_reuse` and commits that before answering [`IdentityError::RefreshReused`].
pub fn rotate(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    token: &str,
    at: NaiveDateTime,
) -> Result<IssuedSession, IdentityError> {
    owp_db::write_transaction(conn, |conn| {
        let found: Option<(String, String, NaiveDateTime, Option<NaiveDateTime>)> =
            refresh_tokens::table
                .filter(refresh_tokens::token_hash.eq(token_digest(token)))
                .select((
                    refresh_tokens::id,
                    refresh_tokens::session_id,
                    refresh_tokens::expires_at,
                    refresh_tokens::used_at,
                ))
                .first(conn)
                .optional()?;
        let Some((token_id, session_text, expires_at, used_at)) = found else {
            return Ok(Err(IdentityError::Unauthenticated(INVALID_REFRESH.into())));
        };
        let session: SessionId = session_text
            .parse()
            .map_err(|_| StoreError::Internal("malformed session id".into()))?;
        let (user_text, revoked_at): (String, Option<NaiveDateTime>) = sessions::table
            .find(&session_text)
            .select((sessions::user_id, sessions::revoked_at))
            .first(conn)?;
        let user: UserId = user_text
            .parse()
            .map_err(|_| StoreError::Internal("malformed user id".into()))?;
        if used_at.is_some() {
            if revoked_at.is_none() {
                revoke(conn, session, at)?;
                let event = NewAuditEvent::new(EventType::TokenRefreshReuse)
                    .subject(user)
                    .detail(serde_json::json!({"session_id": session}));
                record(conn, ctx, &event, at)?;
            }
            return Ok(Err(IdentityError::RefreshReused));
        }
        if revoked_at.is_some() || expires_at <= at {
            return Ok(Err(IdentityError::Unauthenticated(INVALID_REFRESH.into())));
        }
        diesel::update(refresh_tokens::table.find(token_id))
            .set(refresh_tokens::used_at.eq(at))
            .execute(conn)?;
        let refresh_token = insert_token(conn, session, at, expires_at)?;
        Ok::<_, StoreError>(Ok(IssuedSession {
            session_id: session,
            user_id: user,
            refresh_token,
        }))
    })?
}

fn revoke(
    conn: &mut AnyConnection,
    session: SessionId,
    at: NaiveDateTime,
) -> Result<usize, StoreError> {
    Ok(diesel::update(
        sessions::table
            .find(session.to_string())
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(at))
    .execute(conn)?)
}

/// Ends a session (sign-out); audited `logout`.
pub fn close_session(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    user: UserId,
    session: SessionId,
    at: NaiveDateTime,
) -> Result<(), StoreError> {
    owp_db::write_transaction(conn, |conn| {
        revoke(conn, session, at)?;
        record(
            conn,
            ctx,
            &NewAuditEvent::new(EventType::Logout).subject(user),
            at,
        )?;
        Ok(())
    })
}

/// Ends every session of `user` except `keep` (after a password change).
pub fn close_other_sessions(
    conn: &mut AnyConnection,
    user: UserId,
    keep: Option<SessionId>,
    at: NaiveDateTime,
) -> Result<usize, StoreError> {
    let mut q = diesel::update(sessions::table)
        .filter(sessions::user_id.eq(user.to_string()))
        .filter(sessions::revoked_at.is_null())
        .into_boxed();
    if let Some(keep) = keep {
        q = q.filter(sessions::id.ne(keep.to_string()));
    }
    Ok(q.set(sessions::revoked_at.eq(at)).execute(conn)?)
}

/// Whether an access token's session still stands (one PK lookup per request).
pub fn session_is_open(
    conn: &mut AnyConnection,
    session: SessionId,
    at: NaiveDateTime,
) -> Result<bool, StoreError> {
    let found: Option<(Option<NaiveDateTime>, NaiveDateTime)> = sessions::table
        .find(session.to_string())
        .select((sessions::revoked_at, sessions::expires_at))
        .first(conn)
        .optional()?;
    Ok(found.is_some_and(|(revoked, expires)| revoked.is_none() && expires > at))
}
