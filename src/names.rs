//! Validation of the names administrators type: host names (with an optional `:PORT`, rule R11 in
//! docs/rules.md#r11) and account names. Errors say what is wrong (a [`NameError`]), for the caller
//! to add where.

use std::net::IpAddr;

/// What is wrong with a name; its text is the one line shown after the caller's "where".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("'{0}' is not a port number (1-65535)")]
    Port(String),
    #[error("the host name is empty")]
    EmptyHost,
    #[error("a host name has at most 253 characters")]
    HostTooLong,
    #[error("a host name may not contain an empty label (two dots in a row)")]
    EmptyLabel,
    #[error("the label '{0}' is longer than 63 characters")]
    LabelTooLong(String),
    #[error("'{}' is not allowed in a host name (letters, digits, '-' and '.')", .0.escape_debug())]
    HostCharacter(char),
    #[error("the label '{0}' may not begin or end with '-'")]
    LabelDash(String),
    #[error("an IPv6 address in brackets is missing its ']'")]
    UnclosedBracket,
    #[error("expected ':PORT' after ']'")]
    AfterBracket,
    #[error("a name has 1 to 64 characters")]
    UserLength,
    #[error("'{}' is not allowed (letters, digits, '.', '_', '-' and '@')", .0.escape_debug())]
    UserCharacter(char),
    #[error("a name starts with a letter, a digit or '_'")]
    UserStart,
    #[error("a cluster name has 1 to 64 characters")]
    ClusterLength,
    #[error("{} is not allowed in a cluster name (letters, digits, '.', '_' and '-')", shown(*.0))]
    ClusterCharacter(char),
    #[error("a cluster name starts with a letter or a digit")]
    ClusterStart,
}

/// A character as an error names it: control and blank characters by their code.
fn shown(c: char) -> String {
    if c.is_control() || c.is_whitespace() {
        format!("the character {}", c.escape_unicode())
    } else {
        format!("'{c}'")
    }
}

/// A host name, FQDN or IP address, optionally followed by `:PORT` (IPv6 as `[addr]:port`).
pub fn validate_host(s: &str) -> Result<(), NameError> {
    let (host, port) = split_host_port(s)?;
    if let Some(p) = port {
        match p.parse::<u16>() {
            Ok(n) if n > 0 => {}
            _ => return Err(NameError::Port(p.to_owned())),
        }
    }
    if host.parse::<IpAddr>().is_ok() {
        return Ok(());
    }
    if host.is_empty() {
        return Err(NameError::EmptyHost);
    }
    if host.len() > 253 {
        return Err(NameError::HostTooLong);
    }
    for label in host.trim_end_matches('.').split('.') {
        if label.is_empty() {
            return Err(NameError::EmptyLabel);
        }
        if label.len() > 63 {
            return Err(NameError::LabelTooLong(label.to_owned()));
        }
        if let Some(c) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
        {
            return Err(NameError::HostCharacter(c));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(NameError::LabelDash(label.to_owned()));
        }
    }
    Ok(())
}

/// Split `HOST[:PORT]` / `[V6]:PORT` / bare IPv6.
pub fn split_host_port(s: &str) -> Result<(&str, Option<&str>), NameError> {
    if let Some(rest) = s.strip_prefix('[') {
        let (h, after) = rest.split_once(']').ok_or(NameError::UnclosedBracket)?;
        return match after {
            "" => Ok((h, None)),
            a => a
                .strip_prefix(':')
                .map(|p| (h, Some(p)))
                .ok_or(NameError::AfterBracket),
        };
    }
    if s.matches(':').count() > 1 {
        return Ok((s, None)); // a bare IPv6 address
    }
    Ok(match s.split_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (s, None),
    })
}

/// An account or application user name: 1-64 characters of letters, digits, `.`, `_`, `-`,
/// `@`, starting with a letter, digit or `_`.
pub fn validate_user(s: &str) -> Result<(), NameError> {
    if s.is_empty() || s.len() > 64 {
        return Err(NameError::UserLength);
    }
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@')))
    {
        return Err(NameError::UserCharacter(c));
    }
    if !s.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
        return Err(NameError::UserStart);
    }
    Ok(())
}

/// A cluster name (an onboarded VOS cluster, an inventory pair): 1-64 letters, digits, `.`,
/// `_`, `-`, starting with a letter or digit. It becomes a YAML key, a URL path segment and a
/// table cell, so nothing else is allowed.
pub fn validate_cluster(s: &str) -> Result<(), NameError> {
    if s.is_empty() || s.chars().count() > 64 {
        return Err(NameError::ClusterLength);
    }
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        return Err(NameError::ClusterCharacter(c));
    }
    if !s.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(NameError::ClusterStart);
    }
    Ok(())
}

/// A URL with the password of its user part replaced by `****` (`http://u:****@proxy:3128`),
/// for every place a proxy URL is shown or recorded. Text that is not a URL is returned as is.
pub fn redact_url(s: &str) -> String {
    match reqwest::Url::parse(s) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("****"));
            u.to_string()
        }
        _ => s.to_owned(),
    }
}

/// A command line with every URL password in it redacted (for the audit log).
pub fn redact_command_line(line: &str) -> String {
    line.split(' ')
        .map(|w| {
            if let Some((flag, value)) = w.split_once('=') {
                if value.contains("://") {
                    return format!("{flag}={}", redact_url(value));
                }
            }
            if w.contains("://") {
                redact_url(w)
            } else {
                w.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        for ok in [
            "cc-pub.example.com",
            "host",
            "10.0.0.1",
            "127.0.0.1:8445",
            "[::1]:22",
            "::1",
            "a.b.c.:22",
        ] {
            assert!(validate_host(ok).is_ok(), "{ok}: {:?}", validate_host(ok));
        }
        for (bad, why) in [
            ("", "empty"),
            ("a..b", "empty label"),
            ("-a.b", "begin or end"),
            ("a_b.com", "'_'"),
            ("host:0", "port"),
            ("host:99999", "port"),
            ("host:ssh", "port"),
            ("[::1", "']'"),
        ] {
            let e = validate_host(bad).unwrap_err();
            assert!(e.to_string().contains(why), "{bad}: {e}");
        }
    }

    #[test]
    fn users() {
        assert!(validate_user("ccadmin").is_ok());
        assert!(validate_user("svc.cc-orch@lab").is_ok());
        assert!(validate_user("").is_err());
        assert!(validate_user("-x").is_err());
        assert!(validate_user("a b")
            .unwrap_err()
            .to_string()
            .contains("' '"));
    }

    #[test]
    fn url_passwords_are_redacted() {
        assert_eq!(
            redact_url("http://proxyuser:S3cret!@proxy.lab:3128"),
            "http://proxyuser:****@proxy.lab:3128/"
        );
        assert_eq!(redact_url("http://proxy.lab:3128"), "http://proxy.lab:3128");
        assert_eq!(
            redact_command_line(
                "utils image-repository set --proxy http://u:S3cret@p:3128 --proxy=https://v:Pw2@q"
            ),
            "utils image-repository set --proxy http://u:****@p:3128/ --proxy=https://v:****@q/"
        );
    }

    #[test]
    fn clusters() {
        assert!(validate_cluster("Finesse-fin-a").is_ok());
        assert!(validate_cluster("CUIC_1.lab").is_ok());
        for bad in [
            "",
            "-x",
            "a/b",
            "a b",
            "x\u{1b}[2J",
            "\u{202e}x",
            &"c".repeat(65),
        ] {
            assert!(validate_cluster(bad).is_err(), "{bad:?}");
        }
        assert!(validate_cluster("x\u{1b}")
            .unwrap_err()
            .to_string()
            .contains("\\u{1b}"));
    }
}
