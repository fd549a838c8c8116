//! The ccadmin releases the hub offers: publishing one (the archive copied in, its SHA-256 and
//! the publisher's minisign signature kept), listing them with what each one's rollout adds
//! up to over the fleet (aggregate SQL), and withdrawing a broken one so it is never offered
//! again.

use std::path::Path;

use jiff::Timestamp;
use rusqlite::params;
use serde::Serialize;

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

/// Clusters and their nodes in one state of a release's rollout.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Count {
    pub clusters: u64,
    pub nodes: u64,
}

/// Where a release stands over the registered clusters' nodes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ReleaseUse {
    /// Nodes that run it.
    pub running: Count,
    /// Nodes upgrading to it (offered it, not yet reported).
    pub upgrading: Count,
    /// Nodes it failed on (their latest attempt at it).
    pub failed: Count,
    /// Nodes not yet offered it that run an older release: only the newest release not
    /// withdrawn is offered, so only it has nodes pending.
    pub pending: Count,
}

/// A release and where it stands over the fleet.
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseInFleet {
    #[serde(flatten)]
    pub release: Release,
    pub fleet: ReleaseUse,
}

impl Hub {
    /// The releases, newest first, each with the clusters and nodes that run it, are upgrading
    /// to it, failed on it or have it pending — one aggregate query over every registered
    /// cluster's nodes, however many clusters there are.
    pub fn releases_in_fleet(&self) -> OpResult<Vec<ReleaseInFleet>> {
        let releases = self.releases()?;
        let newest = self.newest()?.map(|(r, _)| r.version).unwrap_or_default();
        // The versions nodes run that are older than the newest release (a handful: one per
        // version in the fleet), compared as polls compare them.
        let older: Vec<String> = {
            let mut st = self
                .conn
                .prepare_cached("SELECT DISTINCT version FROM cluster_node")
                .map_err(storage)?;
            let rows = st.query_map([], |r| r.get(0)).map_err(storage)?;
            let all: Vec<String> = rows.collect::<Result<_, _>>().map_err(storage)?;
            all.into_iter()
                .filter(|v| {
                    !newest.is_empty()
                        && crate::ops::orchestrate::version_cmp(v, &newest)
                            == std::cmp::Ordering::Less
                })
                .collect()
        };
        let older = serde_json::to_string(&older).map_err(storage)?;
        let mut st = self
            .conn
            .prepare(
                "WITH n AS (
                   SELECT cn.cluster_id, cn.node, cn.version FROM cluster_node cn
                   JOIN cluster c ON c.id = cn.cluster_id
                 ),
                 running AS (
                   SELECT version, COUNT(DISTINCT cluster_id) AS c, COUNT(*) AS k FROM n GROUP BY version
                 ),
                 states AS (
                   SELECT r.version, r.state, COUNT(DISTINCT r.cluster_id) AS c, COUNT(*) AS k
                   FROM rollout r JOIN n ON n.cluster_id = r.cluster_id AND n.node = r.node
                   WHERE r.state IN ('upgrading', 'failed') GROUP BY r.version, r.state
                 ),
                 pending AS (
                   SELECT COUNT(DISTINCT n.cluster_id) AS c, COUNT(*) AS k FROM n
                   WHERE n.version IN (SELECT value FROM json_each(:older))
                     AND NOT EXISTS (SELECT 1 FROM rollout r WHERE r.cluster_id = n.cluster_id
                                     AND r.node = n.node AND r.version = :newest)
                 )
                 SELECT rel.version,
                   COALESCE(run.c, 0), COALESCE(run.k, 0),
                   COALESCE(u.c, 0), COALESCE(u.k, 0),
                   COALESCE(f.c, 0), COALESCE(f.k, 0),
                   CASE WHEN rel.version = :newest THEN p.c ELSE 0 END,
                   CASE WHEN rel.version = :newest THEN p.k ELSE 0 END
                 FROM release rel
                 CROSS JOIN pending p
                 LEFT JOIN running run ON run.version = rel.version
                 LEFT JOIN states u ON u.version = rel.version AND u.state = 'upgrading'
                 LEFT JOIN states f ON f.version = rel.version AND f.state = 'failed'",
            )
            .map_err(storage)?;
        let n = |v: i64| v.max(0) as u64;
        let rows = st
            .query_map(
                rusqlite::named_params! {":older": older, ":newest": newest},
                |r| {
                    let count = |i: usize| -> rusqlite::Result<Count> {
                        Ok(Count {
                            clusters: n(r.get(i)?),
                            nodes: n(r.get(i + 1)?),
                        })
                    };
                    Ok((
                        r.get::<_, String>(0)?,
                        ReleaseUse {
                            running: count(1)?,
                            upgrading: count(3)?,
                            failed: count(5)?,
                            pending: count(7)?,
                        },
                    ))
                },
            )
            .map_err(storage)?;
        let mut uses: std::collections::HashMap<String, ReleaseUse> =
            rows.collect::<Result<_, _>>().map_err(storage)?;
        Ok(releases
            .into_iter()
            .map(|release| ReleaseInFleet {
                fleet: uses.remove(&release.version).unwrap_or_default(),
                release,
            })
            .collect())
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
