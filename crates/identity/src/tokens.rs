//! JWT access tokens: HMAC with a pinned algorithm, claims `sub`, `org`, `sid`, `exp`, `iat`,
//! `jti`. A token with another `alg`, `none`, a bad signature or past `exp` is refused.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use owp_db::ids::{OrganizationId, SessionId, UserId};
use serde::{Deserialize, Serialize};

use crate::IdentityError;

/// Claims of an access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: String,
    /// The organization id.
    pub org: String,
    /// The session id.
    pub sid: String,
    /// Expiry (seconds since the epoch).
    pub exp: i64,
    /// Issue time.
    pub iat: i64,
    /// Unique token id.
    pub jti: String,
}

/// What a verified token says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifiedToken {
    /// The user.
    pub user_id: UserId,
    /// The organization at issue time.
    pub organization_id: OrganizationId,
    /// The session to check is still open.
    pub session_id: SessionId,
}

/// Signs and checks access tokens with one secret and one pinned algorithm.
#[derive(Clone)]
pub struct TokenKeys {
    algorithm: Algorithm,
    encoding: EncodingKey,
    decoding: DecodingKey,
    ttl_secs: i64,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKeys")
            .field("algorithm", &self.algorithm)
            .field("ttl_secs", &self.ttl_secs)
            .finish_non_exhaustive()
    }
}

impl TokenKeys {
    /// Keys for `secret` with `algorithm` (`HS256`, `HS384` or `HS512`) and a lifetime.
    pub fn new(secret: &[u8], algorithm: Algorithm, ttl_secs: i64) -> Self {
        Self {
            algorithm,
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            ttl_secs,
        }
    }

    /// Seconds an access token lives.
    pub fn ttl_secs(&self) -> i64 {
        self.ttl_secs
    }

    /// Signs a token for a session, valid from `now` (seconds since the epoch).
    pub fn issue(
        &self,
        user: UserId,
        organization: OrganizationId,
        session: SessionId,
        now: i64,
    ) -> Result<String, IdentityError> {
        let claims = Claims {
            sub: user.to_string(),
            org: organization.to_string(),
            sid: session.to_string(),
            exp: now + self.ttl_secs,
            iat: now,
            jti: uuid::Uuid::now_v7().to_string(),
        };
        jsonwebtoken::encode(&Header::new(self.algorithm), &claims, &self.encoding)
            .map_err(|e| IdentityError::Unauthenticated(format!("invalid access token: {e}")))
    }

    /// Checks signature, algorithm and expiry.
    pub fn verify(&self, token: &str) -> Result<VerifiedToken, IdentityError> {
        let mut validation = Validation::new(self.algorithm);
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "sub", "iat"]);
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .map_err(|e| IdentityError::Unauthenticated(format!("invalid access token: {e}")))?;
        let parse = |text: &str| {
            uuid::Uuid::parse_str(text).map_err(|_| {
                IdentityError::Unauthenticated("invalid access token: malformed claim".into())
            })
        };
        Ok(VerifiedToken {
            user_id: UserId(parse(&data.claims.sub)?),
            organization_id: OrganizationId(parse(&data.claims.org)?),
            session_id: SessionId(parse(&data.claims.sid)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn keys() -> TokenKeys {
        TokenKeys::new(SECRET, Algorithm::HS256, 900)
    }

    fn now() -> i64 {
        chrono::Utc::now().timestamp()
    }

    #[test]
    fn round_trips() {
        let (user, org, sid) = (UserId::new(), OrganizationId::new(), SessionId::new());
        let token = keys().issue(user, org, sid, now()).unwrap();
        let verified = keys().verify(&token).unwrap();
        assert_eq!(
            verified,
            VerifiedToken {
                user_id: user,
                organization_id: org,
                session_id: sid
            }
        );
    }

    #[test]
    fn refuses_expired_other_key_other_alg_and_none() {
        let ids = (UserId::new(), OrganizationId::new(), SessionId::new());
        let expired = keys().issue(ids.0, ids.1, ids.2, now() - 3600).unwrap();
        assert!(keys().verify(&expired).is_err());
        let other_key = TokenKeys::new(b"another-secret-another-secret-xx", Algorithm::HS256, 900)
            .issue(ids.0, ids.1, ids.2, now())
            .unwrap();
        assert!(keys().verify(&other_key).is_err());
        let other_alg = TokenKeys::new(SECRET, Algorithm::HS512, 900)
            .issue(ids.0, ids.1, ids.2, now())
            .unwrap();
        assert!(keys().verify(&other_alg).is_err());
        let valid = keys().issue(ids.0, ids.1, ids.2, now()).unwrap();
        let payload = valid.split('.').nth(1).unwrap();
        let unsigned = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.");
        assert!(keys().verify(&unsigned).is_err());
    }
}
