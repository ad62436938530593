//! The access-token signing key: from config when set (several instances share it), otherwise
//! generated once and kept in the data dir with owner-only permissions. Never hard-coded.

use std::path::Path;

use anyhow::{Context, bail};
use base64::{Engine, engine::general_purpose::STANDARD};
use rand::RngCore;

const KEY_FILE: &str = "jwt-hs256.key";
const KEY_BYTES: usize = 64;

/// Loads or creates the HS256 secret.
pub fn load_or_create(configured: Option<&str>, data_dir: &Path) -> anyhow::Result<Vec<u8>> {
    if let Some(encoded) = configured.filter(|value| !value.trim().is_empty()) {
        let secret = STANDARD
            .decode(encoded.trim())
            .context("KRING_JWT_SECRET is not valid base64")?;
        if secret.len() < 32 {
            bail!("KRING_JWT_SECRET must decode to at least 32 bytes");
        }
        return Ok(secret);
    }
    let dir = data_dir.join("keys");
    let path = dir.join(KEY_FILE);
    if path.exists() {
        let encoded = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        return STANDARD
            .decode(encoded.trim())
            .with_context(|| format!("{} is not valid base64", path.display()));
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut secret = vec![0u8; KEY_BYTES];
    rand::rng().fill_bytes(&mut secret);
    write_private(&path, STANDARD.encode(&secret).as_bytes())?;
    tracing::info!(path = %path.display(), "generated a new token signing key");
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
        assert_eq!(first.len(), KEY_BYTES);
        assert_eq!(first, second);
    }

    #[test]
    fn a_short_configured_key_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let short = STANDARD.encode([7u8; 16]);
        assert!(load_or_create(Some(&short), dir.path()).is_err());
    }
}
