//! Access tokens: HS256 JWTs valid 5 minutes, naming user, account, role and session, signed with
//! a key drawn at random when the process starts, so no token outlives the process that issued it.
//!
//! Validation is explicit: algorithm pinned to HS256, issuer and audience required and checked,
//! and `exp`/`nbf` checked against the app's injected [`Clock`](crate::clock::Clock) rather than
//! the system time (jsonwebtoken's own time checks would read the system clock, which tests
//! cannot move). Leeway is zero: issuer and verifier are the same process on the same clock.

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use tenure_core::wire::Role;
use uuid::Uuid;

pub const ISSUER: &str = "tenure";
pub const AUDIENCE: &str = "tenure-desktop";
pub const ACCESS_TOKEN_MINUTES: i64 = 5;
/// Seconds of tolerance on `exp` and `nbf`.
pub const LEEWAY_SECONDS: i64 = 0;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    /// The user id.
    pub sub: Uuid,
    /// The account id.
    pub acc: Uuid,
    pub role: Role,
    /// The session id.
    pub sid: Uuid,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    pub jti: Uuid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the token is malformed or its signature is wrong")]
    Invalid,
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid yet")]
    NotYetValid,
}

/// The per-process signing key. `Debug` shows nothing of it.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKeys(<redacted>)")
    }
}

impl TokenKeys {
    /// A fresh random 256-bit HMAC key.
    pub fn random() -> Self {
        let mut secret = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut secret);
        Self::from_secret(&secret)
    }

    pub fn from_secret(secret: &[u8]) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        // Time is checked below against the injected clock.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.leeway = 0;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        }
    }

    pub fn issue(
        &self,
        user: Uuid,
        account: Uuid,
        role: Role,
        session: Uuid,
        now: DateTime<Utc>,
    ) -> Result<(String, DateTime<Utc>), jsonwebtoken::errors::Error> {
        let exp = now + Duration::minutes(ACCESS_TOKEN_MINUTES);
        let claims = Claims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: user,
            acc: account,
            role,
            sid: session,
            iat: now.timestamp(),
            nbf: now.timestamp(),
            exp: exp.timestamp(),
            jti: Uuid::new_v4(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?;
        Ok((token, exp))
    }

    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<Claims, TokenError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|_| TokenError::Invalid)?;
        let c = data.claims;
        let t = now.timestamp();
        if t >= c.exp + LEEWAY_SECONDS {
            return Err(TokenError::Expired);
        }
        if t + LEEWAY_SECONDS < c.nbf {
            return Err(TokenError::NotYetValid);
        }
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap()
    }

    #[test]
    fn issue_and_verify() {
        let k = TokenKeys::random();
        let (u, a, s) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let (tok, exp) = k.issue(u, a, Role::Owner, s, now()).unwrap();
        assert_eq!(exp, now() + Duration::minutes(5));
        let c = k.verify(&tok, now()).unwrap();
        assert_eq!((c.sub, c.acc, c.sid, c.role), (u, a, s, Role::Owner));
        assert_eq!(
            k.verify(&tok, now() + Duration::minutes(5)),
            Err(TokenError::Expired)
        );
        assert_eq!(
            k.verify(&tok, now() - Duration::seconds(1)),
            Err(TokenError::NotYetValid)
        );
        // Another process's key does not verify it.
        assert_eq!(
            TokenKeys::random().verify(&tok, now()),
            Err(TokenError::Invalid)
        );
        assert_eq!(k.verify("not.a.jwt", now()), Err(TokenError::Invalid));
    }
}
