//! The onboarding tables: on a VOS publisher, its cluster's members and what onboarding did to
//! each; on Cloud Connect, the VOS hosts onboarded against it and the application user that
//! registered each (only that user may change or remove its cluster).

use rusqlite::{params, OptionalExtension, TransactionBehavior};

use super::{Db, OnboardState, OnboardedHost, VosMember};
use crate::state::StateError;

/// Why an onboarded host or cluster may not be written by this application user: another
/// registered it (the text is the refusal shown to the user).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Conflict {
    /// `change`: what the user tried (`change`, `remove`).
    #[error("cluster {cluster} was registered by another application user; only that user can {change} it (or an administrator on Cloud Connect: utils system inventory remove-cluster {cluster})")]
    ClusterOwned {
        cluster: String,
        change: &'static str,
    },
    #[error("host {host} is onboarded in cluster {cluster} by another application user")]
    HostOwned { host: String, cluster: String },
    #[error("host {given} is already onboarded as {host} in cluster {cluster}; host names are unique without regard to case")]
    HostCase {
        given: String,
        host: String,
        cluster: String,
    },
}

/// The refusal's text, for an error that carries a message.
impl From<Conflict> for String {
    fn from(c: Conflict) -> String {
        c.to_string()
    }
}

impl Db {
    pub fn vos_members(&self) -> Result<Vec<VosMember>, StateError> {
        self.query_all(
            "SELECT host, user, authorized_keys, identity FROM vos_member ORDER BY host",
            |r| {
                Ok(VosMember {
                    host: r.get(0)?,
                    user: r.get(1)?,
                    authorized_keys: r.get(2)?,
                    identity: r.get(3)?,
                })
            },
        )
    }

    /// Add or replace a cluster member.
    pub fn set_vos_member(&mut self, m: &VosMember) -> Result<(), StateError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO vos_member (host, user, authorized_keys, identity) VALUES (?1, ?2, ?3, ?4)",
            params![m.host, m.user, m.authorized_keys, m.identity],
        )?;
        Ok(())
    }

    pub fn remove_vos_member(&mut self, host: &str) -> Result<bool, StateError> {
        Ok(self
            .conn
            .execute("DELETE FROM vos_member WHERE host = ?1", params![host])?
            == 1)
    }

    pub fn onboard_states(&self) -> Result<Vec<OnboardState>, StateError> {
        self.query_all(
            "SELECT member, cc, cluster, status, detail, keys FROM onboard_state ORDER BY member",
            |r| {
                let keys: String = r.get(5)?;
                Ok(OnboardState {
                    member: r.get(0)?,
                    cc: r.get(1)?,
                    cluster: r.get(2)?,
                    status: r.get(3)?,
                    detail: r.get(4)?,
                    keys: serde_json::from_str(&keys).unwrap_or_default(),
                })
            },
        )
    }

    pub fn set_onboard_state(&mut self, s: &OnboardState) -> Result<(), StateError> {
        let keys = serde_json::to_string(&s.keys).map_err(|e| StateError::Other(e.to_string()))?;
        self.conn.execute(
            "INSERT OR REPLACE INTO onboard_state (member, cc, cluster, status, detail, keys) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![s.member, s.cc, s.cluster, s.status, s.detail, keys],
        )?;
        Ok(())
    }

    pub fn clear_onboard_state(&mut self, member: &str) -> Result<(), StateError> {
        self.conn.execute(
            "DELETE FROM onboard_state WHERE member = ?1",
            params![member],
        )?;
        Ok(())
    }

    pub fn onboarded_hosts(&self) -> Result<Vec<OnboardedHost>, StateError> {
        self.query_all(
            "SELECT host, cluster, product, type, host_key, user, port FROM onboarded_host ORDER BY product, cluster, type DESC, host",
            |r| {
                Ok(OnboardedHost {
                    host: r.get(0)?,
                    cluster: r.get(1)?,
                    product: r.get(2)?,
                    host_type: r.get(3)?,
                    host_key: r.get(4)?,
                    user: r.get(5)?,
                    port: r.get(6)?,
                })
            },
        )
    }

    /// The onboarded hosts with the application user that registered each.
    pub fn onboarded_hosts_with_owners(
        &self,
    ) -> Result<Vec<(OnboardedHost, Option<String>)>, StateError> {
        let owners: Vec<(String, Option<String>)> = self
            .query_all("SELECT host, owner FROM onboarded_host", |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        Ok(self
            .onboarded_hosts()?
            .into_iter()
            .map(|h| {
                let owner = owners
                    .iter()
                    .find(|(host, _)| *host == h.host)
                    .and_then(|(_, o)| o.clone());
                (h, owner)
            })
            .collect())
    }

    /// Record (or refresh) an onboarded VOS host on behalf of the application user `owner`.
    /// The check and the write are one transaction: a cluster, or a host, that another
    /// application user registered is refused with `Ok(Err(why))`.
    pub fn upsert_onboarded_host(
        &mut self,
        h: &OnboardedHost,
        owner: &str,
    ) -> Result<Result<(), Conflict>, StateError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let cluster_owner: Option<String> = tx
            .query_row(
                "SELECT owner FROM onboarded_host WHERE cluster = ?1 AND owner IS NOT NULL AND owner <> ?2 LIMIT 1",
                params![h.cluster, owner],
                |r| r.get(0),
            )
            .optional()?;
        if cluster_owner.is_some() {
            return Ok(Err(Conflict::ClusterOwned {
                cluster: h.cluster.clone(),
                change: "change",
            }));
        }
        let existing: Option<(String, String, Option<String>)> = tx
            .query_row(
                "SELECT host, cluster, owner FROM onboarded_host WHERE host = ?1",
                params![h.host],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        if let Some((host, cluster, other)) = existing {
            if other.is_some_and(|o| !o.eq_ignore_ascii_case(owner)) {
                return Ok(Err(Conflict::HostOwned { host, cluster }));
            }
            if host != h.host {
                return Ok(Err(Conflict::HostCase {
                    given: h.host.clone(),
                    host,
                    cluster,
                }));
            }
        }
        tx.execute(
            "INSERT OR REPLACE INTO onboarded_host (host, cluster, product, type, host_key, user, port, owner)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![h.host, h.cluster, h.product, h.host_type, h.host_key, h.user, h.port, owner],
        )?;
        tx.commit()?;
        Ok(Ok(()))
    }

    /// Forget a whole cluster; the number of hosts removed. With `owner`, only a cluster that
    /// user registered (`Ok(Err(why))` otherwise); without, whatever registered it (the
    /// administrator's command on Cloud Connect).
    pub fn remove_onboarded_cluster(
        &mut self,
        cluster: &str,
        owner: Option<&str>,
    ) -> Result<Result<usize, Conflict>, StateError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        if let Some(owner) = owner {
            let other: Option<String> = tx
                .query_row(
                    "SELECT owner FROM onboarded_host WHERE cluster = ?1 AND owner IS NOT NULL AND owner <> ?2 LIMIT 1",
                    params![cluster, owner],
                    |r| r.get(0),
                )
                .optional()?;
            if other.is_some() {
                return Ok(Err(Conflict::ClusterOwned {
                    cluster: cluster.to_owned(),
                    change: "remove",
                }));
            }
        }
        let n = tx.execute(
            "DELETE FROM onboarded_host WHERE cluster = ?1",
            params![cluster],
        )?;
        tx.commit()?;
        Ok(Ok(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(name: &str, cluster: &str) -> OnboardedHost {
        OnboardedHost {
            host: name.into(),
            cluster: cluster.into(),
            product: "UCCE".into(),
            host_type: crate::domain::HostType::Publisher,
            host_key: "ssh-ed25519 AAAA".into(),
            user: "admin".into(),
            port: 22,
        }
    }

    /// Another user's cluster or host is refused with the text the user is shown.
    #[test]
    fn another_users_cluster_or_host_is_refused_in_words() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Db::open(&dir.path().join("ccadmin.db"), "cc1").unwrap();
        db.upsert_onboarded_host(&host("vos1.example.com", "C1"), "alice")
            .unwrap()
            .unwrap();
        let refused = |r: Result<(), Conflict>| String::from(r.unwrap_err());
        assert_eq!(
            refused(
                db.upsert_onboarded_host(&host("vos2.example.com", "C1"), "bob")
                    .unwrap()
            ),
            "cluster C1 was registered by another application user; only that user can change it (or an administrator on Cloud Connect: utils system inventory remove-cluster C1)"
        );
        assert_eq!(
            refused(
                db.upsert_onboarded_host(&host("vos1.example.com", "C2"), "bob")
                    .unwrap()
            ),
            "host vos1.example.com is onboarded in cluster C1 by another application user"
        );
        assert_eq!(
            refused(
                db.upsert_onboarded_host(&host("VOS1.example.com", "C1"), "alice")
                    .unwrap()
            ),
            "host VOS1.example.com is already onboarded as vos1.example.com in cluster C1; host names are unique without regard to case"
        );
        assert_eq!(
            db.remove_onboarded_cluster("C1", Some("bob"))
                .unwrap()
                .unwrap_err()
                .to_string(),
            "cluster C1 was registered by another application user; only that user can remove it (or an administrator on Cloud Connect: utils system inventory remove-cluster C1)"
        );
        assert_eq!(
            db.remove_onboarded_cluster("C1", Some("alice")).unwrap(),
            Ok(1)
        );
    }
}
