//! The node's known_hosts, read as OpenSSH reads it: which key types to ask a server for,
//! host patterns and hashed names, and the lock that keeps parallel connections from losing
//! each other's lines; and a host key written as a known_hosts key.

use std::path::{Path, PathBuf};

use base64::Engine;
use ssh2::{HostKeyType, Session};

pub(super) fn key_type_name(t: HostKeyType) -> &'static str {
    match t {
        HostKeyType::Rsa => "RSA",
        HostKeyType::Dss => "DSA",
        HostKeyType::Ecdsa256 | HostKeyType::Ecdsa384 | HostKeyType::Ecdsa521 => "ECDSA",
        HostKeyType::Ed25519 => "ED25519",
        _ => "unknown",
    }
}

/// SSH algorithm names of the keys known_hosts holds for `name`, so that the server is asked
/// for a key we can check (libssh2 reports a mismatch when it negotiates a type we do not hold).
/// The file is read with `ssh-key`'s parser, as OpenSSH reads it: hashed names (`|1|salt|hash`)
/// and patterns (`*`, `?`, `!negation`) match, marked lines (`@revoked`, `@cert-authority`)
/// are not keys of the host, and lines that do not parse are skipped.
pub(super) fn known_key_types(known_hosts: &Path, name: &str) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(known_hosts) else {
        return Vec::new();
    };
    let mut types: Vec<String> = Vec::new();
    for entry in ssh_key::known_hosts::KnownHosts::new(&text).flatten() {
        if entry.marker().is_some() || !host_matches(entry.host_patterns(), name) {
            continue;
        }
        let alg = entry.public_key().algorithm().to_string();
        if !types.contains(&alg) {
            types.push(alg);
        }
    }
    types
}

/// Whether a known_hosts host field names `name` (`host` or `[host]:port`).
fn host_matches(patterns: &ssh_key::known_hosts::HostPatterns, name: &str) -> bool {
    use hmac::{Hmac, Mac};
    use ssh_key::known_hosts::HostPatterns;
    match patterns {
        HostPatterns::Patterns(list) => {
            let mut hit = false;
            for p in list {
                match p.strip_prefix('!') {
                    Some(neg) if glob(neg, name) => return false,
                    Some(_) => {}
                    None => hit |= glob(p, name),
                }
            }
            hit
        }
        HostPatterns::HashedName { salt, hash } => {
            let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(salt) else {
                return false;
            };
            mac.update(name.as_bytes());
            mac.verify_slice(hash).is_ok()
        }
    }
}

/// OpenSSH's host pattern match: `*` any run, `?` one character, letters in any case.
fn glob(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (
        pattern.to_ascii_lowercase().chars().collect(),
        name.to_ascii_lowercase().chars().collect(),
    );
    let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
    while j < n.len() {
        if i < p.len() && (p[i] == '?' || p[i] == n[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(s) = star {
            i = s + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|c| *c == '*')
}

pub(super) const HOST_KEY_DEFAULTS: &[&str] = &[
    "ssh-ed25519",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "rsa-sha2-512",
    "rsa-sha2-256",
    "ssh-rsa",
];

/// The known_hosts file, shared by parallel connections: checking and recording a key happen
/// under one lock, so two threads learning keys at once cannot lose each other's lines.
pub struct HostKeys {
    pub path: PathBuf,
    pub(super) lock: std::sync::Mutex<()>,
}

impl HostKeys {
    pub fn new(path: PathBuf) -> HostKeys {
        HostKeys {
            path,
            lock: std::sync::Mutex::new(()),
        }
    }
}

/// The algorithm name OpenSSH writes before a key of this type.
fn key_algorithm(t: HostKeyType) -> &'static str {
    match t {
        HostKeyType::Rsa => "ssh-rsa",
        HostKeyType::Dss => "ssh-dss",
        HostKeyType::Ecdsa256 => "ecdsa-sha2-nistp256",
        HostKeyType::Ecdsa384 => "ecdsa-sha2-nistp384",
        HostKeyType::Ecdsa521 => "ecdsa-sha2-nistp521",
        _ => "ssh-ed25519",
    }
}

pub(super) fn host_key_line(session: &Session) -> Option<String> {
    let (key, kt) = session.host_key()?;
    Some(format!(
        "{} {}",
        key_algorithm(kt),
        base64::engine::general_purpose::STANDARD.encode(key)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ED: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH5QeFu1gYE8XDATiS0Fggetmv2Cz927wa0sRD1Z0eDU";

    fn types_for(text: &str, name: &str) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("known_hosts");
        std::fs::write(&f, text).unwrap();
        known_key_types(&f, name)
    }

    #[test]
    fn known_hosts_is_read_as_openssh_reads_it() {
        // A line hashed by `ssh-keygen -H` for [10.0.0.7]:2222.
        let hashed = format!("|1|VKM2Pwfj0wdV3uW7c2uAweQjC34=|iiYlPOJR7c4IJFbTIRFPveCU6H4= {ED}\n");
        assert_eq!(types_for(&hashed, "[10.0.0.7]:2222"), ["ssh-ed25519"]);
        assert!(types_for(&hashed, "[10.0.0.8]:2222").is_empty());
        // Patterns, negation and case.
        let pats = format!("*.Example.com,!bad.example.com {ED}\n");
        assert_eq!(types_for(&pats, "fin-a.example.com"), ["ssh-ed25519"]);
        assert!(types_for(&pats, "bad.example.com").is_empty());
        assert_eq!(
            types_for(&format!("fin-?.lab {ED}\n"), "fin-b.lab"),
            ["ssh-ed25519"]
        );
        // A revoked key or a CA is not a key of the host; a broken line is skipped.
        let marked = format!("@revoked fin-a.lab {ED}\n@cert-authority fin-a.lab {ED}\nfin-a.lab ssh-ed25519 notbase64\n");
        assert!(types_for(&marked, "fin-a.lab").is_empty());
    }

    #[test]
    fn globs_match_like_openssh() {
        assert!(glob("*", "anything"));
        assert!(glob("10.0.*.7", "10.0.12.7"));
        assert!(!glob("10.0.*.7", "10.0.12.8"));
        assert!(glob("h?st", "HOST"));
        assert!(!glob("h?st", "hst"));
    }
}
