//! Server keys — the access-token signing key and the data key that seals secrets at rest —
//! from config when set (several instances share them), otherwise generated once and kept in
//! the data dir with owner-only permissions. Never hard-coded.

use std::path::Path;

use anyhow::{Context, bail};
use base64::{Engine, engine::general_purpose::STANDARD};
use rand::RngCore;

/// Loads or creates the HS256 secret (`KRING_JWT_SECRET`, at least 32 bytes).
pub fn load_or_create(configured: Option<&str>, data_dir: &Path) -> anyhow::Result<Vec<u8>> {
    let secret = load_or_create_key(
        configured,
        "KRING_JWT_SECRET",
        data_dir,
        "jwt-hs256.key",
        64,
    )?;
    if secret.len() < 32 {
        bail!("KRING_JWT_SECRET must decode to at least 32 bytes");
    }
    Ok(secret)
}

/// Loads or creates the 32-byte data key (`KRING_DATA_KEY`) that seals secrets at rest.
pub fn load_or_create_data_key(
    configured: Option<&str>,
    data_dir: &Path,
) -> anyhow::Result<[u8; 32]> {
    let key = load_or_create_key(configured, "KRING_DATA_KEY", data_dir, "data.key", 32)?;
    <[u8; 32]>::try_from(key.as_slice())
        .map_err(|_| anyhow::anyhow!("KRING_DATA_KEY must decode to exactly 32 bytes"))
}

fn load_or_create_key(
    configured: Option<&str>,
    setting: &str,
    data_dir: &Path,
    file: &str,
    bytes: usize,
) -> anyhow::Result<Vec<u8>> {
    if let Some(encoded) = configured.filter(|value| !value.trim().is_empty()) {
        return STANDARD
            .decode(encoded.trim())
            .with_context(|| format!("{setting} is not valid base64"));
    }
    let dir = data_dir.join("keys");
    let path = dir.join(file);
    if path.exists() {
        let encoded = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        return STANDARD
            .decode(encoded.trim())
            .with_context(|| format!("{} is not valid base64", path.display()));
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut secret = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut secret);
    write_private(&path, STANDARD.encode(&secret).as_bytes())?;
    tracing::info!(path = %path.display(), "generated a new server key");
    Ok(secret)
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(contents)?;
    file.sync_all()?;
    Ok(())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    std::fs::write(path, contents).with_context(|| format!("cannot create {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_key_is_kept_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let first = load_or_create(None, dir.path()).unwrap();
        let second = load_or_create(None, dir.path()).unwrap();
        assert_eq!(first.len(), 64);
        assert_eq!(first, second);
    }

    #[test]
    fn a_short_configured_key_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let short = STANDARD.encode([7u8; 16]);
        assert!(load_or_create(Some(&short), dir.path()).is_err());
    }
}
