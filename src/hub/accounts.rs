//! The accounts of the people who use the hub's pages and API (name and password hash) and
//! their signed-in sessions (only a session id's SHA-256 is stored; a session lasts
//! `SESSION_VALIDITY`).

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension};

use super::{random_hex, storage, Hub, Session, SESSION_VALIDITY};
use crate::ops::signing::sha256_hex;
use crate::ops::{Kind, OpError, OpResult};

impl Hub {
    /// Add a person's account (the argon2 hash of its password).
    pub fn add_account(&mut self, name: &str, hash: &str, now: Timestamp) -> OpResult {
        crate::names::validate_user(name)
            .map_err(|e| OpError::new(Kind::Invalid, e.to_string()))?;
        self.conn
            .execute(
                "INSERT INTO account (name, hash, created_at) VALUES (?1, ?2, ?3)",
                params![name, hash, now.to_string()],
            )
            .map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, _)
                    if f.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    OpError::new(Kind::Invalid, format!("the account {name} exists already"))
                }
                e => storage(e),
            })?;
        Ok(())
    }

    /// Remove an account and end its sessions.
    pub fn delete_account(&mut self, name: &str) -> OpResult {
        let n = self
            .conn
            .execute("DELETE FROM account WHERE name = ?1", params![name])
            .map_err(storage)?;
        if n == 0 {
            return Err(OpError::new(
                Kind::NotFound,
                format!("no account is named {name}"),
            ));
        }
        self.conn
            .execute("DELETE FROM session WHERE account = ?1", params![name])
            .map_err(storage)?;
        Ok(())
    }

    /// The accounts: (name, created).
    pub fn accounts(&self) -> OpResult<Vec<(String, String)>> {
        let mut st = self
            .conn
            .prepare("SELECT name, created_at FROM account ORDER BY name")
            .map_err(storage)?;
        let rows = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(storage)?;
        rows.collect::<Result<_, _>>().map_err(storage)
    }

    /// The stored hash of an account's password (and the name as stored).
    pub fn account_hash(&self, name: &str) -> OpResult<Option<(String, String)>> {
        self.conn
            .query_row(
                "SELECT name, hash FROM account WHERE name = ?1",
                params![name],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(storage)
    }

    /// Start a session for a signed-in account: its id (the cookie; only its SHA-256 kept).
    pub fn new_session(&mut self, account: &str, now: Timestamp) -> OpResult<String> {
        let id = random_hex(32);
        self.conn
            .execute(
                "DELETE FROM session WHERE expires_at <= ?1",
                params![now.to_string()],
            )
            .map_err(storage)?;
        self.conn
            .execute(
                "INSERT INTO session (id_sha256, account, csrf, expires_at) VALUES (?1, ?2, ?3, ?4)",
                params![sha256_hex(id.as_bytes()), account, random_hex(16), (now + SESSION_VALIDITY).to_string()],
            )
            .map_err(storage)?;
        Ok(id)
    }

    /// The session a cookie names, while it lasts.
    pub fn session(&self, id: &str, now: Timestamp) -> OpResult<Option<Session>> {
        let row: Option<(String, String, String)> = self
            .conn
            .query_row(
                "SELECT account, csrf, expires_at FROM session WHERE id_sha256 = ?1",
                params![sha256_hex(id.as_bytes())],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(storage)?;
        Ok(row.and_then(|(account, csrf, expires)| {
            (expires.parse::<Timestamp>().is_ok_and(|e| now < e))
                .then_some(Session { account, csrf })
        }))
    }

    /// Sign out.
    pub fn end_session(&mut self, id: &str) -> OpResult {
        self.conn
            .execute(
                "DELETE FROM session WHERE id_sha256 = ?1",
                params![sha256_hex(id.as_bytes())],
            )
            .map_err(storage)?;
        Ok(())
    }
}
