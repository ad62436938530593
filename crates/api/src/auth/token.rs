//! Access tokens: HS256 JWTs that live at most 15 minutes. Decoding allows only HS256 and
//! checks `exp`, `nbf`, `iss`, `aud` and the token type.

use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

const ISSUER: &str = "kring";
const AUDIENCE: &str = "kring-api";
const ACCESS: &str = "access";

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    /// The user id.
    pub sub: Uuid,
    /// The session this token belongs to.
    pub sid: Uuid,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    /// Always `access`; other token kinds must never pass as access tokens.
    pub typ: String,
}

/// Issues and checks access tokens.
#[derive(Clone)]
pub struct TokenService {
    /// Keys the derivation of a refresh token's successor.
    refresh_key: std::sync::Arc<[u8]>,
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    lifetime_seconds: u32,
}

impl TokenService {
    /// A service signing with `secret`; tokens live `lifetime_seconds`.
    pub fn new(secret: &[u8], lifetime_seconds: u32) -> TokenService {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = 5;
        TokenService {
            refresh_key: std::sync::Arc::from(secret),
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            lifetime_seconds,
        }
    }

    /// The refresh token that replaces `presented`: HMAC-SHA256 under the server's secret, so
    /// two renewals racing with one cookie (two tabs) hand out the same successor, while
    /// nobody without the secret can compute it from a stolen old token.
    pub fn successor_of(&self, presented: &str) -> String {
        use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
        use hmac::{Hmac, Mac};
        let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(&self.refresh_key)
            .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
        mac.update(b"kring-refresh-successor:");
        mac.update(presented.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    /// Seconds a new token lives.
    pub fn lifetime_seconds(&self) -> u32 {
        self.lifetime_seconds
    }

    /// Signs an access token for `user_id` in `session_id`.
    pub fn issue(&self, user_id: Uuid, session_id: Uuid) -> anyhow::Result<String> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub: user_id,
            sid: session_id,
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            iat: now,
            nbf: now,
            exp: now + i64::from(self.lifetime_seconds),
            typ: ACCESS.to_owned(),
        };
        Ok(encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    /// The claims of a valid access token, or `None`.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        let data = decode::<Claims>(token, &self.decoding, &self.validation).ok()?;
        (data.claims.typ == ACCESS).then_some(data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

    fn service() -> TokenService {
        TokenService::new(&[42u8; 64], 900)
    }

    #[test]
    fn an_issued_token_verifies_with_its_user_and_session() {
        let (user, session) = (Uuid::new_v4(), Uuid::new_v4());
        let token = service().issue(user, session).unwrap();
        let claims = service().verify(&token).unwrap();
        assert_eq!((claims.sub, claims.sid), (user, session));
    }

    #[test]
    fn a_token_signed_with_another_key_is_rejected() {
        let token = TokenService::new(&[1u8; 64], 900)
            .issue(Uuid::new_v4(), Uuid::new_v4())
            .unwrap();
        assert!(service().verify(&token).is_none());
    }

    #[test]
    fn an_expired_token_is_rejected() {
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub: Uuid::new_v4(),
            sid: Uuid::new_v4(),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: now - 3600,
            nbf: now - 3600,
            exp: now - 1800,
            typ: ACCESS.into(),
        };
        let token = encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(&[42u8; 64]),
        )
        .unwrap();
        assert!(service().verify(&token).is_none());
    }

    #[test]
    fn an_unsigned_none_algorithm_token_is_rejected() {
        let token = service().issue(Uuid::new_v4(), Uuid::new_v4()).unwrap();
        let payload = token.split('.').nth(1).unwrap();
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        assert!(service().verify(&format!("{header}.{payload}.")).is_none());
    }

    #[test]
    fn a_token_of_another_type_is_rejected() {
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub: Uuid::new_v4(),
            sid: Uuid::new_v4(),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: now,
            nbf: now,
            exp: now + 60,
            typ: "refresh".into(),
        };
        let token = encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(&[42u8; 64]),
        )
        .unwrap();
        assert!(service().verify(&token).is_none());
    }
}
