//! Server secrets: the JWT signing secret (`JWT_SECRET`, or locally a random one kept in the
//! data folder so sessions survive restarts) and the audit chain key, derived from
//! `AUDIT_SECRET` or, without it, from that same JWT secret. Neither is ever stored in the
//! database, which is what makes the audit chain's hashes unforgeable by database writers.

use owp_audit::ChainKey;

use crate::config::Config;
use crate::startup::StartError;

/// File in the data folder holding the local JWT secret.
const LOCAL_SECRET_FILE: &str = "jwt_secret";

/// Whether a missing local JWT secret may be created (serving and seeding) or not (read-only
/// commands such as `owp audit verify`, where a new secret could never match the chain).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalSecret {
    /// Generate and save one when the data folder has none.
    CreateIfMissing,
    /// Only read an existing one.
    MustExist,
}

/// The JWT signing secret: `JWT_SECRET`, else the data folder's (see [`LocalSecret`]).
pub fn jwt_secret(config: &Config, local: LocalSecret) -> Result<Vec<u8>, StartError> {
    match &config.jwt_secret {
        Some(secret) => Ok(secret.expose().as_bytes().to_vec()),
        None => local_secret(&config.data_dir, local),
    }
}

/// The audit chain key: from `AUDIT_SECRET` when set, else from the JWT signing secret.
pub fn audit_key(config: &Config, jwt_secret: &[u8]) -> ChainKey {
    match &config.audit_secret {
        Some(secret) => ChainKey::derive(secret.expose().as_bytes()),
        None => ChainKey::derive(jwt_secret),
    }
}

/// The audit chain key without ever writing a secret file, for commands that only read.
pub fn existing_audit_key(config: &Config) -> Result<ChainKey, StartError> {
    if config.audit_secret.is_some() {
        return Ok(audit_key(config, &[]));
    }
    let jwt = jwt_secret(config, LocalSecret::MustExist)?;
    Ok(audit_key(config, &jwt))
}

fn local_secret(data_dir: &std::path::Path, local: LocalSecret) -> Result<Vec<u8>, StartError> {
    let path = data_dir.join(LOCAL_SECRET_FILE);
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim();
        if existing.len() >= 64 {
            return Ok(existing.as_bytes().to_vec());
        }
    }
    if local == LocalSecret::MustExist {
        return Err(StartError::Secret(format!(
            "no AUDIT_SECRET or JWT_SECRET set and no usable {}: nothing to derive the audit key from",
            path.display()
        )));
    }
    std::fs::create_dir_all(data_dir)
        .map_err(|e| StartError::Secret(format!("{}: {e}", data_dir.display())))?;
    let mut bytes = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    write_private(&path, &secret)
        .map_err(|e| StartError::Secret(format!("{}: {e}", path.display())))?;
    Ok(secret.into_bytes())
}

#[cfg(unix)]
fn write_private(path: &std::path::Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &std::path::Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)], dir: &std::path::Path) -> Config {
        let mut config = Config::from_lookup(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
        .unwrap();
        config.data_dir = dir.to_owned();
        config
    }

    #[test]
    fn the_audit_key_comes_from_audit_secret_else_the_jwt_secret() {
        let dir = tempfile::tempdir().unwrap();
        let jwt_only = config(&[("JWT_SECRET", "jwt")], dir.path());
        let jwt = jwt_secret(&jwt_only, LocalSecret::MustExist).unwrap();
        assert_eq!(audit_key(&jwt_only, &jwt), ChainKey::derive(b"jwt"));
        let both = config(
            &[("JWT_SECRET", "jwt"), ("AUDIT_SECRET", "audit")],
            dir.path(),
        );
        assert_eq!(audit_key(&both, &jwt), ChainKey::derive(b"audit"));
        assert_eq!(
            existing_audit_key(&both).unwrap(),
            ChainKey::derive(b"audit")
        );
    }

    #[test]
    fn read_only_commands_never_create_the_local_secret() {
        let dir = tempfile::tempdir().unwrap();
        let local = config(&[], dir.path());
        let err = existing_audit_key(&local).unwrap_err();
        assert!(err.to_string().contains("AUDIT_SECRET"), "{err}");
        assert!(!dir.path().join(LOCAL_SECRET_FILE).exists());
        let created = jwt_secret(&local, LocalSecret::CreateIfMissing).unwrap();
        assert_eq!(
            existing_audit_key(&local).unwrap(),
            ChainKey::derive(&created),
            "the key of the secret the server uses"
        );
    }
}
