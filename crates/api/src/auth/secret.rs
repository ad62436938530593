//! Secrets handed to users — refresh tokens, login-attempt tokens, reset links, device
//! cookies — are 256 random bits from the OS CSPRNG. Only their SHA-256 is stored, so a copy
//! of the database cannot be replayed.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use rand::{Rng, RngCore, TryRngCore, rngs::OsRng};
use sha2::{Digest, Sha256};

/// A new random token: 32 bytes, base64url without padding (43 characters).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    fill(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored form of a token: lower-case hex SHA-256.
pub fn hash_token(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// The stored form of a short code bound to one record (a 6-digit code is only safe to store
/// hashed together with something unique to its attempt).
pub fn hash_code(scope: &str, code: &str) -> String {
    hash_token(&format!("{scope}:{code}"))
}

/// A random 6-digit code, uniformly distributed, with leading zeros.
pub fn six_digit_code() -> String {
    let mut rng = OsRng.unwrap_err();
    format!("{:06}", rng.random_range(0..1_000_000u32))
}

fn fill(bytes: &mut [u8]) {
    OsRng.unwrap_err().fill_bytes(bytes);
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_url_safe() {
        let (a, b) = (random_token(), random_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
    }

    #[test]
    fn hashes_are_stable_and_differ_per_scope() {
        assert_eq!(hash_token("x"), hash_token("x"));
        assert_eq!(hash_token("x").len(), 64);
        assert_ne!(hash_code("a", "123456"), hash_code("b", "123456"));
    }

    #[test]
    fn codes_have_six_digits() {
        for _ in 0..200 {
            let code = six_digit_code();
            assert_eq!(code.len(), 6);
            assert!(code.chars().all(|c| c.is_ascii_digit()));
        }
    }
}
