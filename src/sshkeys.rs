//! SSH public keys received from a peer (a VOS node's host key at onboarding, a Cloud Connect
//! node's key to install in `authorized_keys`): parsed with `ssh-key` into one typed key, and
//! the lines of `known_hosts` and `authorized_keys` written only from parsed values.
//!
//! Why: both files are line formats in which a newline, a marker (`@cert-authority`,
//! `@revoked`) or an options field (`command=`, `from=`) changes what is trusted. Text from a
//! peer is never copied into them; the lines are rebuilt from the algorithm and key bytes.

use ssh_key::PublicKey;

use crate::clients::ssh::Endpoint;

/// The longest key line accepted (an RSA 16384-bit key is about 2.8 KB).
const MAX_LINE: usize = 8 * 1024;
/// The longest comment kept on an `authorized_keys` line.
const MAX_COMMENT: usize = 128;

/// Why a text is not one SSH public key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SshKeyError {
    #[error("the key is longer than {MAX_LINE} bytes")]
    TooLong,
    #[error("the key holds a control character ({}); one key on one line is expected", .0.escape_unicode())]
    Control(char),
    #[error("a known_hosts marker (@cert-authority, @revoked) is not a key")]
    Marker,
    /// The parser's reason, and the line's first word (escaped, at most 24 characters).
    #[error("not an SSH public key ({reason}); expected 'ssh-ed25519 AAAA…' or similar, got a line starting '{start}'")]
    NotAKey { reason: String, start: String },
    #[error("the key type {0} is not accepted (ssh-ed25519, ecdsa-sha2-nistp*, ssh-rsa)")]
    KeyType(String),
}

/// One SSH public key, parsed; its text forms are built from the parsed value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshPublicKey(PublicKey);

impl SshPublicKey {
    /// Parse `alg base64 [comment]`: exactly one public key and nothing else (no newline or
    /// other control character, no marker, no options, no certificate).
    pub fn parse(text: &str) -> Result<SshPublicKey, SshKeyError> {
        if text.len() > MAX_LINE {
            return Err(SshKeyError::TooLong);
        }
        if let Some(c) = text.chars().find(|c| c.is_control()) {
            return Err(SshKeyError::Control(c));
        }
        let text = text.trim();
        if text.starts_with('@') {
            return Err(SshKeyError::Marker);
        }
        let key = PublicKey::from_openssh(text).map_err(|e| {
            let first = text.split_whitespace().next().unwrap_or("");
            SshKeyError::NotAKey {
                reason: e.to_string(),
                start: crate::text::terminal_safe(&first.chars().take(24).collect::<String>())
                    .into_owned(),
            }
        })?;
        // Host and user keys only: no certificates, security-key or opaque algorithms.
        if !matches!(
            key.key_data(),
            ssh_key::public::KeyData::Ed25519(_)
                | ssh_key::public::KeyData::Ecdsa(_)
                | ssh_key::public::KeyData::Rsa(_)
        ) {
            return Err(SshKeyError::KeyType(key.algorithm().as_str().to_owned()));
        }
        Ok(SshPublicKey(key))
    }

    /// `alg base64`, without a comment: how keys are stored and compared.
    pub fn canonical(&self) -> String {
        let mut k = self.0.clone();
        k.set_comment("");
        // Encoding a key that was just decoded cannot fail.
        k.to_openssh()
            .map(|s| s.trim().to_owned())
            .unwrap_or_default()
    }

    /// The key line for `authorized_keys`: no options, the comment kept only when it is plain
    /// printable text (it names the Cloud Connect node to an administrator reading the file).
    pub fn authorized_keys_line(&self) -> String {
        let comment = self.0.comment();
        let plain = !comment.is_empty()
            && comment.len() <= MAX_COMMENT
            && comment.chars().all(|c| c.is_ascii_graphic() || c == ' ');
        if plain {
            format!("{} {comment}", self.canonical())
        } else {
            self.canonical()
        }
    }

    /// The `known_hosts` line for `ep`: the host pattern is built here from a parsed endpoint,
    /// never taken from peer text.
    pub fn known_hosts_line(&self, ep: &Endpoint) -> String {
        format!("{} {}", ep.known_hosts_name(), self.canonical())
    }

    pub fn algorithm(&self) -> String {
        self.0.algorithm().as_str().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ED: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDePaMIJJyv0r/3qSwMqwpTF7b+ej9Z8H/i8WWJ6iNQ2";
    const ECDSA: &str = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBFgpXAzxlUF3a6luvF3DM+lcyUw2Aumc4TcD6WAPf2A2us2iWPLuYL0maRTqUe0QBPWYmFxZrTLT+3zvCNiXOBo=";

    #[test]
    fn one_key_parses_and_is_stored_without_comment() {
        let k = SshPublicKey::parse(&format!("{ED} root@fin-a")).unwrap();
        assert_eq!(k.canonical(), ED);
        assert_eq!(k.authorized_keys_line(), format!("{ED} root@fin-a"));
        let e = SshPublicKey::parse(ECDSA).unwrap();
        assert_eq!(e.canonical(), ECDSA);
        let ep = Endpoint::parse("fin-a.lab:2222", 22).unwrap();
        assert_eq!(k.known_hosts_line(&ep), format!("[fin-a.lab]:2222 {ED}"));
    }

    #[test]
    fn injected_lines_markers_and_options_are_refused() {
        for bad in [
            format!("{ED}\n[victim.lab]:22 {ED}"),
            format!("{ED}\n* {ED}"),
            format!("{ED}\r\n@cert-authority * {ED}"),
            format!("@cert-authority * {ED}"),
            format!("command=\"/bin/sh\" {ED}"),
            format!("from=\"*\" {ED}"),
            "ssh-ed25519".to_owned(),
            "ssh-ed25519 AAAA".to_owned(),
            "ssh-rsa not-base64!".to_owned(),
            "ssh-ed25519-cert-v01@openssh.com AAAAC3NzaC1lZDI1NTE5AAAAIDePaMIJJyv0r/3qSwMqwpTF7b+ej9Z8H/i8WWJ6iNQ2".to_owned(),
            "x-opaque AAAAC3NzaC1lZDI1NTE5AAAAIDePaMIJJyv0r/3qSwMqwpTF7b+ej9Z8H/i8WWJ6iNQ2".to_owned(),
            format!("{ED} comment\u{1b}[2J"),
            "x".repeat(MAX_LINE + 1),
            String::new(),
        ] {
            assert!(SshPublicKey::parse(&bad).is_err(), "accepted: {bad:?}");
        }
    }

    #[test]
    fn an_odd_comment_is_dropped_from_authorized_keys() {
        let long = format!("{ED} {}", "c".repeat(MAX_COMMENT + 1));
        assert_eq!(
            SshPublicKey::parse(&long).unwrap().authorized_keys_line(),
            ED
        );
        let utf = format!("{ED} caf\u{e9}");
        assert_eq!(
            SshPublicKey::parse(&utf).unwrap().authorized_keys_line(),
            ED
        );
    }
}
