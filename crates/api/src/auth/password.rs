//! argon2id password hashing with OWASP's parameters (argon2's defaults: m = 19 MiB, t = 2,
//! p = 1). Hashing is CPU-bound, so it runs on the blocking pool, never on an actix worker, and
//! at most half the cores hash at once: a burst of logins queues for the hashing permits instead
//! of taking every core from the people reading their start screen.

use std::sync::{Arc, OnceLock};

use anyhow::Context;
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use rand::RngCore;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// A permit to hash: half the cores (at least one) hash at a time. The permit moves into the
/// hashing task, so a request that goes away mid-hash still holds it until the hash is done.
async fn hashing_permit() -> anyhow::Result<OwnedSemaphorePermit> {
    static PERMITS: OnceLock<Arc<Semaphore>> = OnceLock::new();
    let permits = PERMITS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Arc::new(Semaphore::new((cores / 2).max(1)))
    });
    Arc::clone(permits)
        .acquire_owned()
        .await
        .context("the hashing permits are closed")
}

/// Hashes `password` into a PHC string.
pub async fn hash(password: String) -> anyhow::Result<String> {
    let permit = hashing_permit().await?;
    tokio::task::spawn_blocking(move || {
        let hashed = hash_blocking(&password);
        drop(permit);
        hashed
    })
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
    let permit = hashing_permit().await?;
    tokio::task::spawn_blocking(move || {
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), phc.as_str())
            .is_ok();
        drop(permit);
        matches
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
