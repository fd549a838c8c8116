//! Registering a Cloud Connect cluster: the one-time code the hub issues (*Add Cloud Connect*),
//! the consent link made of it, its completion by the publisher (once, within 15 minutes, for
//! the FQDN it was bound to), and the address `hub serve` announces for those links.

use jiff::Timestamp;
use rusqlite::{params, Connection, OptionalExtension};

use super::{random_hex, storage, text, Hub, Registered, CODE_VALIDITY};
use crate::ops::signing::sha256_hex;
use crate::ops::upgrade_window::UpgradeSchedule;
use crate::ops::{Kind, OpError, OpResult};

/// The registered cluster whose display name equals `name` in any case (Unicode, not only
/// ASCII as SQLite's NOCASE): two clusters never differ only in case.
fn name_taken(conn: &Connection, name: &str) -> OpResult<Option<String>> {
    let key = name.trim().to_lowercase();
    let mut st = conn
        .prepare("SELECT display_name FROM cluster")
        .map_err(storage)?;
    let names = st
        .query_map([], |r| r.get::<_, String>(0))
        .map_err(storage)?;
    for n in names {
        let n = n.map_err(storage)?;
        if n.trim().to_lowercase() == key {
            return Ok(Some(n));
        }
    }
    Ok(None)
}

impl Hub {
    /// *Add Cloud Connect*: a one-time code for `display_name` and the publisher `fqdn`,
    /// valid for 15 minutes from `now`. Only its SHA-256 is stored.
    pub fn begin_registration(
        &mut self,
        display_name: &str,
        fqdn: &str,
        now: Timestamp,
    ) -> OpResult<(String, Timestamp)> {
        text("display name", display_name, 64)?;
        let ep = crate::clients::ssh::Endpoint::parse(fqdn, 8445).map_err(|e| {
            OpError::new(
                Kind::Invalid,
                format!("'{}' is not an FQDN: {e}", fqdn.escape_debug()),
            )
        })?;
        if let Some(taken) = name_taken(&self.conn, display_name)? {
            return Err(OpError::new(
                Kind::Invalid,
                format!("a cluster named {taken} is registered already"),
            )
            .hint("choose another display name (names differing only in case are the same), or unregister that cluster first"));
        }
        let code = random_hex(16);
        let expires = now + CODE_VALIDITY;
        self.conn
            .execute(
                "INSERT INTO registration (code_sha256, display_name, fqdn, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![sha256_hex(code.as_bytes()), display_name, ep.to_string(), now.to_string(), expires.to_string()],
            )
            .map_err(storage)?;
        Ok((code, expires))
    }

    /// The publisher's side of the handshake: `code` as issued for this hub and `fqdn`, used
    /// once, before it expires. Registers the cluster with the default schedule and pins the
    /// publisher's certificate.
    pub fn complete_registration(
        &mut self,
        hub_id: &str,
        code: &str,
        fqdn: &str,
        node_cert_sha256: &str,
        now: Timestamp,
    ) -> OpResult<Registered> {
        let refused = |m: String| OpError::new(Kind::Refused, m);
        if hub_id != self.id()? {
            return Err(refused("the code was issued by another hub".into()));
        }
        if node_cert_sha256.len() != 64 || !node_cert_sha256.chars().all(|c| c.is_ascii_hexdigit())
        {
            return Err(OpError::new(
                Kind::Invalid,
                "the certificate fingerprint is not a SHA-256",
            ));
        }
        let tx = self.conn.transaction().map_err(storage)?;
        let row: Option<(String, String, String, Option<String>)> = tx
            .query_row(
                "SELECT display_name, fqdn, expires_at, used_at FROM registration WHERE code_sha256 = ?1",
                params![sha256_hex(code.as_bytes())],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()
            .map_err(storage)?;
        let Some((display_name, bound_fqdn, expires_at, used_at)) = row else {
            return Err(refused(
                "the registration code is not one this hub issued".into(),
            ));
        };
        if used_at.is_some() {
            return Err(refused("the registration code was used already".into()));
        }
        let expires: Timestamp = expires_at.parse().map_err(storage)?;
        if now >= expires {
            return Err(refused(format!(
                "the registration code expired at {expires} (codes are valid 15 minutes)"
            ))
            .hint("start again with Add Cloud Connect"));
        }
        let given = crate::clients::ssh::Endpoint::parse(fqdn, 8445)
            .map(|e| e.to_string())
            .unwrap_or_default();
        if !given.eq_ignore_ascii_case(&bound_fqdn) {
            return Err(refused(format!(
                "the registration code was issued for {bound_fqdn}, not {}",
                fqdn.escape_debug()
            )));
        }
        if let Some(taken) = name_taken(&tx, &display_name)? {
            return Err(refused(format!(
                "a cluster named {taken} was registered meanwhile"
            )));
        }
        let token = random_hex(32);
        let schedule =
            serde_json::to_string(&UpgradeSchedule::default_in("UTC")).map_err(storage)?;
        tx.execute(
            "UPDATE registration SET used_at = ?2 WHERE code_sha256 = ?1",
            params![sha256_hex(code.as_bytes()), now.to_string()],
        )
        .map_err(storage)?;
        tx.execute(
            "INSERT INTO cluster (display_name, fqdn, token_sha256, node_cert_sha256, registered_at, schedule)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![display_name, bound_fqdn, sha256_hex(token.as_bytes()), node_cert_sha256.to_ascii_lowercase(), now.to_string(), schedule],
        )
        .map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
                refused(format!("a cluster named {display_name} was registered meanwhile"))
            }
            e => storage(e),
        })?;
        tx.commit().map_err(storage)?;
        Ok(Registered {
            hub_id: hub_id.to_owned(),
            display_name,
            token,
        })
    }

    /// A registration code as the publisher's consent link: `hub_url` (this hub's address as
    /// the publisher must reach it), this hub's id, the code, the display name and the
    /// publisher's FQDN. The code, the link and when the code expires.
    pub fn register_url(
        &mut self,
        display_name: &str,
        fqdn: &str,
        hub_url: &str,
        now: Timestamp,
    ) -> OpResult<(String, String, Timestamp)> {
        let (code, expires) = self.begin_registration(display_name, fqdn, now)?;
        let ep = crate::clients::ssh::Endpoint::parse(fqdn, 8445)
            .map_err(|e| OpError::new(Kind::Invalid, e.to_string()))?;
        let q = serde_urlencoded::to_string([
            ("hub", hub_url),
            ("hub_id", &self.id()?),
            ("code", &code),
            ("name", display_name),
            ("fqdn", &ep.to_string()),
        ])
        .map_err(|e| OpError::new(Kind::Failed, e.to_string()))?;
        let url = format!("https://{ep}/cloudconnect/register?{q}");
        Ok((code, url, expires))
    }

    /// The address `hub serve` last announced (`https://HOST:PORT`), for consent links made
    /// at the console.
    pub fn address(&self) -> OpResult<Option<String>> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = 'address'", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(storage)
    }

    pub fn set_address(&mut self, url: &str) -> OpResult {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('address', ?1)",
                params![url],
            )
            .map_err(storage)?;
        Ok(())
    }
}
