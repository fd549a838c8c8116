//! The ccadmin releases the hub offers: publishing one (the archive copied in, its SHA-256 and
//! the publisher's minisign signature kept), listing them, and withdrawing a broken one so it
//! is never offered again.

use std::path::Path;

use jiff::Timestamp;
use rusqlite::params;

use super::{storage, Hub, Release};
use crate::ops::signing::sha256_hex;
use crate::ops::{Kind, OpError, OpResult};

impl Hub {
    /// Publish a release: the archive is copied into the hub's `releases/`, its SHA-256 and the
    /// publisher's minisign signature of it kept for the nodes to verify.
    pub fn add_release(
        &mut self,
        archive: &Path,
        version: &str,
        notes: &str,
        urgent: bool,
        signature: &str,
        now: Timestamp,
    ) -> OpResult<Release> {
        if !crate::ops::release::is_version(version) {
            return Err(OpError::new(
                Kind::Invalid,
                format!(
                    "version '{}' may hold only letters, digits and . - + _ (1 to 64, not starting with .)",
                    version.escape_debug()
                ),
            ));
        }
        if notes.chars().count() > 10_000 || notes.chars().any(|c| c.is_control() && c != '\n') {
            return Err(OpError::new(
                Kind::Invalid,
                "the notes must be at most 10,000 characters without control characters",
            ));
        }
        if minisign_verify::Signature::decode(signature).is_err() {
            return Err(
                OpError::new(Kind::Invalid, "the signature is not a minisign signature")
                    .hint("sign the archive with: minisign -S -m ARCHIVE"),
            );
        }
        let data = std::fs::read(archive).map_err(|e| {
            OpError::new(
                Kind::NotFound,
                format!("cannot read {}: {e}", archive.display()),
            )
        })?;
        let dir = self.dir.join("releases");
        crate::state::ensure_private_dir(&dir).map_err(storage)?;
        let stored = dir.join(format!("ccadmin-{version}.tar.gz"));
        let r = Release {
            version: version.to_owned(),
            notes: notes.to_owned(),
            urgent,
            sha256: sha256_hex(&data),
            size: data.len() as u64,
            added_at: now.to_string(),
            withdrawn_at: None,
            withdrawn_by: None,
        };
        let inserted = self
            .conn
            .execute(
                "INSERT OR IGNORE INTO release (version, notes, urgent, sha256, size, signature, added_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![r.version, r.notes, r.urgent, r.sha256, r.size as i64, signature, r.added_at],
            )
            .map_err(storage)?;
        if inserted == 0 {
            return Err(OpError::new(
                Kind::Invalid,
                format!("release {version} is published already"),
            ));
        }
        crate::state::write_private_file(&stored, &data).map_err(storage)?;
        Ok(r)
    }

    /// The releases, newest first.
    pub fn releases(&self) -> OpResult<Vec<Release>> {
        let mut st = self
            .conn
            .prepare("SELECT version, notes, urgent, sha256, size, added_at, withdrawn_at, withdrawn_by FROM release ORDER BY added_at DESC, version DESC")
            .map_err(storage)?;
        let rows = st.query_map([], release_row).map_err(storage)?;
        rows.collect::<Result<_, _>>().map_err(storage)
    }

    /// Withdraw a release: it is never offered again (nor downloaded), and who withdrew it
    /// when is recorded. A version is published once, so it cannot come back either.
    pub fn withdraw_release(
        &mut self,
        version: &str,
        actor: &str,
        now: Timestamp,
    ) -> OpResult<Release> {
        let Some(r) = self.releases()?.into_iter().find(|r| r.version == version) else {
            return Err(OpError::new(
                Kind::NotFound,
                format!("no release {} is published", version.escape_debug()),
            )
            .hint("see them with: ccadmin hub release list"));
        };
        if let (Some(at), Some(by)) = (&r.withdrawn_at, &r.withdrawn_by) {
            return Err(OpError::new(
                Kind::Invalid,
                format!("release {version} was withdrawn already, at {at} by {by}"),
            ));
        }
        self.conn
            .execute(
                "UPDATE release SET withdrawn_at = ?2, withdrawn_by = ?3 WHERE version = ?1",
                params![version, now.to_string(), actor],
            )
            .map_err(storage)?;
        Ok(Release {
            withdrawn_at: Some(now.to_string()),
            withdrawn_by: Some(actor.to_owned()),
            ..r
        })
    }
}

/// A release from a row of (version, notes, urgent, sha256, size, added_at, withdrawn_at,
/// withdrawn_by).
pub(super) fn release_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Release> {
    Ok(Release {
        version: r.get(0)?,
        notes: r.get(1)?,
        urgent: r.get(2)?,
        sha256: r.get(3)?,
        size: r.get::<_, i64>(4)? as u64,
        added_at: r.get(5)?,
        withdrawn_at: r.get(6)?,
        withdrawn_by: r.get(7)?,
    })
}
