//! Checking a batch from the publisher, whole, before anything of it is written: every value
//! bounded, every name a name, every certificate a certificate. A peer's word is never trusted
//! further than this.

use super::{
    Changes, MAX_CA_PEM, MAX_ITEMS, MAX_SETTING, MAX_TEXT, MAX_TRUST_FILE, MAX_TRUST_FILES,
};
use crate::ops::{Kind, OpError, OpResult};

fn invalid(what: &str, why: impl std::fmt::Display) -> OpError {
    OpError::new(Kind::Invalid, format!("{what}: {why}"))
}

/// A text from the publisher that is stored and shown: bounded, no control characters.
fn check_text(what: &str, s: &str) -> OpResult {
    if s.len() > MAX_TEXT || s.chars().any(char::is_control) {
        return Err(invalid(what, "too long, or holds control characters"));
    }
    Ok(())
}

/// Every value of a batch is checked before anything is written.
pub(super) fn validate(c: &Changes) -> OpResult {
    check_text("cluster", &c.cluster)?;
    check_text("publisher", &c.publisher)?;
    if c.to < 0 || c.from < 0 || c.from > c.to {
        return Err(invalid("sequence", format!("{}..{}", c.from, c.to)));
    }
    let token =
        |t: &str| !t.is_empty() && t.len() <= 64 && t.chars().all(|c| c.is_ascii_hexdigit());
    if c.epoch.as_deref().is_some_and(|e| !token(e)) {
        return Err(invalid("epoch", "not an epoch"));
    }
    if c.marks.len() > MAX_ITEMS
        || c.marks
            .iter()
            .any(|(seq, m)| !token(m) || *seq < c.from || *seq > c.to)
    {
        return Err(invalid("marks", "not the marks of the batch's changes"));
    }
    if let Some(users) = &c.application_users {
        if users.len() > MAX_ITEMS {
            return Err(invalid("application users", "too many"));
        }
        for u in users {
            crate::names::validate_user(&u.name)
                .map_err(|w| invalid(&format!("user {}", u.name.escape_debug()), w))?;
            if !u.hash.starts_with("$argon2")
                || u.hash.len() > 512
                || u.pkid.is_empty()
                || u.pkid.len() > 64
                || !u.pkid.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
            {
                return Err(invalid(&format!("user {}", u.name), "not an argon2 hash"));
            }
        }
    }
    if let Some(inv) = &c.inventory {
        if inv.versions.len() > MAX_ITEMS {
            return Err(invalid("inventory", "too many versions"));
        }
        for v in &inv.versions {
            let what = format!("inventory version {}", v.id);
            if v.id <= 0 {
                return Err(invalid(&what, "not a version number"));
            }
            check_text(&what, &v.actor)?;
            check_text(&what, &v.source)?;
            if v.created_at.len() > 32
                || !v
                    .created_at
                    .chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, '-' | ':' | ' ' | '.'))
            {
                return Err(invalid(&what, "created_at is not a time"));
            }
        }
    }
    if let Some(hosts) = &c.onboarded {
        if hosts.len() > MAX_ITEMS {
            return Err(invalid("onboarded hosts", "too many"));
        }
        for h in hosts {
            let r = &h.host;
            let what = format!("onboarded host {}", r.host.escape_debug());
            crate::names::validate_host(&r.host)
                .and_then(|_| crate::names::validate_user(&r.user))
                .and_then(|_| crate::names::validate_cluster(&r.cluster))
                .map_err(|w| invalid(&what, w))?;
            check_text(&what, &r.product)?;
            if let Some(o) = &h.owner {
                crate::names::validate_user(o).map_err(|w| invalid(&what, w))?;
            }
            crate::sshkeys::SshPublicKey::parse(&r.host_key)
                .map_err(|w| invalid(&what, format!("host_key: {w}")))?;
        }
    }
    if c.image_repository.is_some() && c.image_repository_removed {
        return Err(invalid(
            "image repository",
            "both a setting and its removal",
        ));
    }
    if let Some(r) = &c.image_repository {
        check_text("image repository url", &r.url)?;
        check_text("image repository", &r.repository)?;
        check_text("image repository last_validated", &r.last_validated)?;
        if let Some(p) = &r.proxy {
            check_text("image repository proxy", p)?;
        }
        if r.credential.is_empty() || r.credential.len() > 4096 {
            return Err(invalid(
                "image repository",
                "the credential is empty or too long",
            ));
        }
        if let Some(pem) = &r.ca_pem {
            if pem.len() > MAX_CA_PEM
                || reqwest::Certificate::from_pem_bundle(pem.as_bytes())
                    .map_or(true, |c| c.is_empty())
            {
                return Err(invalid(
                    "image repository",
                    "the replicated CA file holds no PEM certificate",
                ));
            }
        }
    }
    if let Some(m) = &c.smtp {
        let address = |a: &str| {
            crate::clients::smtp::check_address(a).map_err(|e| invalid("smtp", e.to_string()))
        };
        if m.subscribers.len() > MAX_ITEMS {
            return Err(invalid("smtp", "too many subscribers"));
        }
        for a in &m.subscribers {
            address(a)?;
        }
        if let Some(cfg) = &m.config {
            if let Some(h) = &cfg.host {
                crate::names::validate_host(h).map_err(|w| invalid("smtp host", w))?;
            }
            if let Some(f) = &cfg.from_email {
                address(f)?;
            }
            if let Some(u) = &cfg.user {
                check_text("smtp user", u)?;
            }
        }
        if m.password.as_ref().is_some_and(|p| p.len() > 4096) {
            return Err(invalid("smtp", "the password is too long"));
        }
    }
    if c.hub_token
        .as_ref()
        .is_some_and(|t| t.len() > 256 || !t.chars().all(|c| c.is_ascii_hexdigit()))
    {
        return Err(invalid("settings", "the hub token is not one"));
    }
    if let Some(settings) = &c.settings {
        if settings.len() > 1000 {
            return Err(invalid("settings", "too many"));
        }
        for (k, v) in settings {
            if !k.starts_with(crate::state::orchestration::SHARED) {
                return Err(invalid(
                    "settings",
                    format!("{} is not a shared setting", k.escape_debug()),
                ));
            }
            check_text("setting", k)?;
            // A value may be longer than a name (the hub's certificate, in base64).
            if v.len() > MAX_SETTING || v.chars().any(char::is_control) {
                return Err(invalid("setting", "too long, or holds control characters"));
            }
        }
    }
    if let Some(signers) = &c.signers {
        if signers.len() > MAX_TRUST_FILES {
            return Err(invalid("signers", "too many"));
        }
        for s in signers {
            crate::ops::signing::check_signer(s).map_err(|e| invalid("signer", e.message))?;
        }
    }
    if let Some(files) = &c.trust {
        if files.len() > MAX_TRUST_FILES {
            return Err(invalid("trust", "too many certificates"));
        }
        for f in files {
            let what = format!("trust {}", f.name.escape_debug());
            if !crate::ops::certs::usable_name(&f.name) {
                return Err(invalid(&what, "not a usable file name"));
            }
            if f.pem.len() > MAX_TRUST_FILE
                || reqwest::Certificate::from_pem_bundle(f.pem.as_bytes())
                    .map_or(true, |c| c.is_empty())
            {
                return Err(invalid(&what, "holds no PEM certificate"));
            }
        }
    }
    Ok(())
}
