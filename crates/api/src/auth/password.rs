//! argon2id password hashing with OWASP's parameters (argon2's defaults: m = 19 MiB, t = 2,
//! p = 1). Hashing is CPU-bound, so it runs on the blocking pool, never on an actix worker.

use std::sync::OnceLock;

use anyhow::Context;
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use rand::RngCore;

/// Hashes `password` into a PHC string.
pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .context("password hashing task failed")?
}

fn hash_blocking(password: &str) -> anyhow::Result<String> {
    let hash = Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|error| anyhow::anyhow!("argon2 hashing failed: {error}"))?;
    Ok(hash.to_string())
}

/// Whether `password` matches `phc`. A malformed stored hash counts as no match.
pub async fn verify(password: String, phc: String) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .verify_password(password.as_bytes(), phc.as_str())
            .is_ok()
    })
    .await
    .context("password verification task failed")
}

/// A hash of a random password, checked against when the username is unknown so that an
/// unknown user costs the same time as a wrong password (no user enumeration by timing).
pub async fn dummy_hash() -> anyhow::Result<String> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(hash) = DUMMY.get() {
        return Ok(hash.clone());
    }
    let mut random = [0u8; 24];
    rand::rng().fill_bytes(&mut random);
    let computed = hash(hex(&random)).await?;
    Ok(DUMMY.get_or_init(|| computed).clone())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_own_password_and_nothing_else() {
        let phc = hash("Zomer-2026".to_owned()).await.unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify("Zomer-2026".to_owned(), phc.clone()).await.unwrap());
        assert!(!verify("zomer-2026".to_owned(), phc).await.unwrap());
    }

    #[tokio::test]
    async fn a_malformed_stored_hash_never_matches() {
        assert!(
            !verify("x".to_owned(), "not-a-hash".to_owned())
                .await
                .unwrap()
        );
    }
}
