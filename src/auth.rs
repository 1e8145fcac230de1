//! API keys: who may see internal contact channels, and who may reload the data.
//!
//! Keys live in a TOML file as salted SHA-256 hashes, never in clear text:
//!
//! ```toml
//! [[key]]
//! name = "meldkamer"
//! salt = "9f1c…"          # hex, 16 random bytes
//! hash = "3b7a…"          # hex SHA-256 of salt || key
//! scopes = ["internal"]   # "internal": see internal channels; "admin": also reload data
//! ```
//!
//! `wijkwijzer keygen --name meldkamer` makes a key and prints its entry. Keys are 32 random
//! bytes, so a fast salted hash is enough (a slow password hash protects guessable secrets,
//! which these are not). A presented key is hashed with every entry's salt and compared in
//! constant time, with no early exit, so timing does not reveal which entry came close. Keys
//! are never logged: only the entry's `name` is.
//!
//! A key file that a running service can no longer read leaves it with [`ApiKeys::suspended`]:
//! no key works until a reload reads a good file. Keeping the previous keys instead would keep
//! a key working that the same broken edit meant to remove.

use std::fmt;
use std::path::Path;

use serde::Deserialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::geodata::{FileError, Problem};
use crate::roster::Audience;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyScope {
    Internal,
    Admin,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyFileEntry {
    name: String,
    salt: String,
    hash: String,
    scopes: Vec<KeyScope>,
    /// Requests per second for this key (default: the server's rate; 0: no limit).
    #[serde(default)]
    rate_per_second: Option<u32>,
    /// Requests this key may send at once before the rate applies.
    #[serde(default)]
    rate_burst: Option<u32>,
    /// The last day the key works (Europe/Amsterdam): `2027-01-01` or `"2027-01-01"`; from the
    /// next day it is refused as unknown, without a reload.
    #[serde(default, deserialize_with = "crate::roster::date_or_text")]
    expires: Option<jiff::civil::Date>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyFile {
    #[serde(default)]
    key: Vec<KeyFileEntry>,
}

#[derive(Clone)]
struct KeyEntry {
    name: String,
    salt: Vec<u8>,
    hash: [u8; 32],
    scopes: Vec<KeyScope>,
    rate: KeyRate,
    expires: Option<jiff::civil::Date>,
}

/// A key's own rate limit; `None` fields take the server's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeyRate {
    pub per_second: Option<u32>,
    pub burst: Option<u32>,
}

/// The configured keys. `Debug` shows names only.
#[derive(Clone, Default)]
pub struct ApiKeys {
    keys: Vec<KeyEntry>,
    /// The key file could not be read: every presented key is refused with
    /// [`AuthError::KeysSuspended`] rather than judged against a list that may be stale.
    suspended: bool,
}

impl fmt::Debug for ApiKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.suspended {
            return f.write_str("suspended");
        }
        f.debug_list()
            .entries(self.keys.iter().map(|k| &k.name))
            .finish()
    }
}

/// Who is calling, as far as the service is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub audience: Audience,
    pub admin: bool,
    /// The key entry's name, for logs; never the key.
    pub key_name: Option<String>,
}

impl Caller {
    pub const PUBLIC: Caller = Caller {
        audience: Audience::Public,
        admin: false,
        key_name: None,
    };
}

/// A presented key that matches no entry, or an unusable `Authorization` header; or a key
/// presented while no key can be checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("{}", crate::t!("auth-malformed"))]
    Malformed,
    #[error("{}", crate::t!("auth-unknown-key"))]
    UnknownKey,
    /// The key file is broken (see [`ApiKeys::suspended`]): the service's fault, not the
    /// caller's, so not a 401 that would send them to check a key that may be fine.
    #[error("{}", crate::t!("auth-keys-suspended"))]
    KeysSuspended,
}

fn hash(salt: &[u8], key: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(salt);
    h.update(key.as_bytes());
    h.finalize().into()
}

impl ApiKeys {
    pub fn parse(text: &str) -> Result<ApiKeys, FileError> {
        let file: KeyFile = crate::geodata::parse_toml(text)?;
        Self::from_entries(file).map_err(FileError::new)
    }

    fn from_entries(file: KeyFile) -> Result<ApiKeys, String> {
        let mut keys = Vec::new();
        for e in file.key {
            let salt =
                hex::decode(&e.salt).map_err(|_| format!("key '{}': salt is not hex", e.name))?;
            let hash: [u8; 32] = hex::decode(&e.hash)
                .ok()
                .and_then(|h| h.try_into().ok())
                .ok_or_else(|| format!("key '{}': hash is not 64 hex digits", e.name))?;
            if salt.len() < 8 {
                return Err(format!("key '{}': salt must be at least 8 bytes", e.name));
            }
            if e.scopes.is_empty() {
                return Err(format!(
                    "key '{}': give at least one scope (internal, admin)",
                    e.name
                ));
            }
            if keys.iter().any(|k: &KeyEntry| k.name == e.name) {
                return Err(format!(
                    "key '{}' appears twice: names must be unique (limits and logs use them)",
                    e.name
                ));
            }
            keys.push(KeyEntry {
                name: e.name,
                salt,
                hash,
                scopes: e.scopes,
                rate: KeyRate {
                    per_second: e.rate_per_second,
                    burst: e.rate_burst,
                },
                expires: e.expires,
            });
        }
        Ok(ApiKeys {
            keys,
            suspended: false,
        })
    }

    /// Keys that refuse every presented key with [`AuthError::KeysSuspended`]: what a service
    /// holds while its key file cannot be read or parsed. Anonymous callers are unaffected.
    pub fn suspended() -> ApiKeys {
        ApiKeys {
            keys: Vec::new(),
            suspended: true,
        }
    }

    pub fn is_suspended(&self) -> bool {
        self.suspended
    }

    /// Reads a key file. The problem names the file and may quote it (a `hash = …` line): it
    /// is for the log and admin keys, never for other callers.
    pub fn load(path: &Path) -> Result<ApiKeys, Problem> {
        let file = path.display().to_string();
        warn_if_others_may_read(path);
        let text = std::fs::read_to_string(path)
            .map_err(|e| Problem::new(&file, None, format!("cannot read: {e}")))?;
        Self::parse(&text).map_err(|e| Problem::parse(&file, e))
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Every key's name and own rate limit.
    pub fn rates(&self) -> impl Iterator<Item = (&str, KeyRate)> {
        self.keys.iter().map(|k| (k.name.as_str(), k.rate))
    }

    /// The caller behind an `Authorization` header value (`None`: no header, public).
    pub fn caller(&self, authorization: Option<&str>) -> Result<Caller, AuthError> {
        let Some(value) = authorization else {
            return Ok(Caller::PUBLIC);
        };
        // The scheme is case-insensitive (RFC 9110 section 11.1): `BEARER` is `Bearer`.
        let key = value
            .split_once(' ')
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, key)| key.trim())
            .filter(|k| !k.is_empty())
            .ok_or(AuthError::Malformed)?;
        if self.suspended {
            return Err(AuthError::KeysSuspended);
        }
        let mut found: Option<&KeyEntry> = None;
        for entry in &self.keys {
            // Every entry is hashed and compared, whatever matched before.
            let equal: bool = hash(&entry.salt, key).ct_eq(&entry.hash).into();
            if equal && found.is_none() {
                found = Some(entry);
            }
        }
        let entry = found.ok_or(AuthError::UnknownKey)?;
        // An expired key is a wrong key: the caller learns no more than for any other.
        if entry
            .expires
            .is_some_and(|last| crate::roster::today() > last)
        {
            tracing::warn!(key = %entry.name, "401: the key has expired");
            return Err(AuthError::UnknownKey);
        }
        Ok(Caller {
            audience: if entry.scopes.contains(&KeyScope::Internal)
                || entry.scopes.contains(&KeyScope::Admin)
            {
                Audience::Internal
            } else {
                Audience::Public
            },
            admin: entry.scopes.contains(&KeyScope::Admin),
            key_name: Some(entry.name.clone()),
        })
    }
}

/// Warns when a key file may be read by users other than its owner and group: the hashes are
/// salted, but a readable file helps no one but an attacker.
fn warn_if_others_may_read(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path)
        && meta.permissions().mode() & 0o004 != 0
    {
        tracing::warn!(
            file = %path.display(),
            mode = format!("{:o}", meta.permissions().mode() & 0o777),
            "the key file is readable by every user: chmod o-r it"
        );
    }
}

/// Adds an entry to a key file. A new file is readable by its owner only (0600); an existing
/// one keeps its owner, group and mode (a container's user must still read it). The result is
/// parsed as `serve` would before it replaces the file, so a bad entry never breaks it.
pub fn append_entry(path: &Path, entry: &str) -> Result<usize, String> {
    let existing = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let mut text = existing;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(entry.trim_end());
    text.push('\n');
    let keys = ApiKeys::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let tmp = path.with_extension("toml.partial");
    {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(|e| format!("{}: {e}", tmp.display()))?;
        f.write_all(text.as_bytes())
            .map_err(|e| format!("{}: {e}", tmp.display()))?;
    }
    if let Ok(meta) = std::fs::metadata(path) {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(meta.mode() & 0o7777))
            .map_err(|e| format!("{}: {e}", tmp.display()))?;
        // The new file is ours; give it the old one's owner where that differs (only root may,
        // and only root rewrites another user's key file).
        let ours = std::fs::metadata(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
        if (meta.uid(), meta.gid()) != (ours.uid(), ours.gid()) {
            std::os::unix::fs::chown(&tmp, Some(meta.uid()), Some(meta.gid()))
                .map_err(|e| format!("{}: keeping its owner: {e}", path.display()))?;
        }
    }
    std::fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(keys.keys.len())
}

/// Makes a new key; returns the key (give it to the caller once) and its TOML entry.
pub fn generate(name: &str, admin: bool) -> Result<(String, String), String> {
    let mut secret = [0u8; 32];
    let mut salt = [0u8; 16];
    getrandom::fill(&mut secret).map_err(|e| e.to_string())?;
    getrandom::fill(&mut salt).map_err(|e| e.to_string())?;
    let key = format!("ww_{}", hex::encode(secret));
    let scopes = if admin {
        r#"["internal", "admin"]"#
    } else {
        r#"["internal"]"#
    };
    let entry = format!(
        "[[key]]\nname = {}\nsalt = \"{}\"\nhash = \"{}\"\nscopes = {scopes}\n",
        toml::Value::String(name.to_string()),
        hex::encode(salt),
        hex::encode(hash(&salt, &key)),
    );
    Ok((key, entry))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_verify_and_others_do_not() {
        let (key, entry) = generate("meldkamer", false).unwrap();
        let (admin_key, admin_entry) = generate("beheer", true).unwrap();
        let keys = ApiKeys::parse(&format!("{entry}\n{admin_entry}")).unwrap();
        let c = keys.caller(Some(&format!("Bearer {key}"))).unwrap();
        assert_eq!(
            (c.audience, c.admin, c.key_name.as_deref()),
            (Audience::Internal, false, Some("meldkamer"))
        );
        let a = keys.caller(Some(&format!("Bearer {admin_key}"))).unwrap();
        assert_eq!(
            keys.caller(Some(&format!("BEARER {admin_key}"))).unwrap(),
            a,
            "the scheme is case-insensitive"
        );
        assert_eq!(
            keys.caller(Some(&format!("Basic {admin_key}"))),
            Err(AuthError::Malformed)
        );
        assert!(a.admin);
        assert_eq!(keys.caller(None).unwrap(), Caller::PUBLIC);
        assert_eq!(
            keys.caller(Some("Bearer ww_nope")),
            Err(AuthError::UnknownKey)
        );
        assert_eq!(keys.caller(Some(&key)), Err(AuthError::Malformed));
        assert!(
            !format!("{keys:?}").contains(&key[3..10]),
            "Debug must not show secrets"
        );
    }

    #[test]
    fn bad_key_files_are_refused() {
        assert!(
            ApiKeys::parse("[[key]]\nname='x'\nsalt='zz'\nhash='00'\nscopes=['internal']").is_err()
        );
        assert!(
            ApiKeys::parse(
                "[[key]]\nname='x'\nsalt='0011223344556677'\nhash='00'\nscopes=['internal']"
            )
            .is_err()
        );
        assert!(
            ApiKeys::parse(
                "[[key]]\nname='x'\nsalt='0011223344556677'\nhash='00'\nscopes=['root']"
            )
            .is_err()
        );
        assert!(ApiKeys::parse("").unwrap().is_empty());
    }

    #[test]
    fn suspended_keys_refuse_every_key_and_let_anonymous_callers_through() {
        let keys = ApiKeys::suspended();
        assert!(keys.is_suspended());
        assert_eq!(keys.caller(None).unwrap(), Caller::PUBLIC);
        let (key, _) = generate("meldkamer", false).unwrap();
        assert_eq!(
            keys.caller(Some(&format!("Bearer {key}"))),
            Err(AuthError::KeysSuspended)
        );
        assert_eq!(keys.caller(Some("Basic x")), Err(AuthError::Malformed));
        assert_eq!(format!("{keys:?}"), "suspended");
    }
}
