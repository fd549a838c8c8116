//! The node's secret stores as a whole (`utils secret-store`): which store holds each secret,
//! where new ones go, whether a persistent keyring answers here, and moving every secret to
//! one store. The secrets themselves stay in `secrets`; this module is the operation the
//! console calls, so no command reaches the database for them.

use super::{Node, OpResult};
use crate::secrets::{NodeSecrets, SecretError, StoreKind};

/// Where this node's secrets are (never the secrets).
pub struct Overview {
    /// Each secret's name and the store recorded for it, by name.
    pub secrets: Vec<(String, StoreKind)>,
    /// The store a new secret goes to, or why none can take it.
    pub new_secrets_go_to: Result<StoreKind, SecretError>,
    /// Whether a persistent keyring answers in this session, or why not.
    pub keyring: Result<(), SecretError>,
}

/// `utils secret-store show`: where each secret is, where new ones go, and the keyring.
pub fn overview(node: &mut Node) -> OpResult<Overview> {
    let (db, secrets) = node.db_and_secrets()?;
    let locations = db.secret_locations()?;
    let next = secrets.kind_for_new(db);
    let keyring = secrets.backend(StoreKind::Keyring).map(|_| ());
    Ok(Overview {
        secrets: locations,
        new_secrets_go_to: next,
        keyring,
    })
}

/// A move of every secret to one store, checked and counted before anything moves (the
/// console asks between [`plan_migration`] and [`Migration::run`]).
pub struct Migration {
    secrets: NodeSecrets,
    to: StoreKind,
    /// How many secrets are recorded, to say before the move.
    pub recorded: usize,
}

/// Refuse before anything moves if the `to` store cannot be used here; count the secrets.
pub fn plan_migration(node: &mut Node, to: StoreKind) -> OpResult<Migration> {
    let secrets = node.secrets()?;
    secrets.backend(to)?;
    let recorded = node.db()?.secret_locations()?.len();
    Ok(Migration {
        secrets,
        to,
        recorded,
    })
}

impl Migration {
    /// Move every secret (each copied, read back, recorded, then removed from where it was);
    /// returns the names of the secrets that moved.
    pub fn run(self, node: &mut Node) -> OpResult<Vec<String>> {
        Ok(self.secrets.migrate(node.db()?, self.to)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cancel::Cancel;
    use crate::ops::{Kind, Stores};
    use crate::state::StateDir;

    /// The overview names each secret's store and where new ones go (never a secret); a move
    /// to a keyring that does not answer is refused before anything moves; a move to where
    /// the secrets already are moves none. A cluster secret under 16 characters is invalid.
    #[test]
    fn the_overview_and_a_migration_say_where_secrets_are_before_anything_moves() {
        let dir = tempfile::tempdir().unwrap();
        let mut node = Node::new(
            StateDir::new(dir.path().to_path_buf(), "cc1".into()),
            Stores {
                choice: Some(StoreKind::File),
                dbus_session: false,
            },
            Cancel::new(),
        );
        let o = overview(&mut node).unwrap();
        assert!(o.secrets.is_empty());
        assert_eq!(o.new_secrets_go_to.ok(), Some(StoreKind::File));
        assert!(matches!(o.keyring, Err(SecretError::NoKeyring(_))));

        let short = crate::secrets::Secret::new("fifteen-chars!!");
        let e = crate::ops::cluster::set_secret(&mut node, &short).unwrap_err();
        assert_eq!(e.kind, Kind::Invalid);
        assert_eq!(
            e.message,
            "the cluster secret must have at least 16 characters"
        );
        let secret = crate::secrets::Secret::new("sixteen-chars!!!");
        let kind = crate::ops::cluster::set_secret(&mut node, &secret).unwrap();
        assert_eq!(kind, StoreKind::File);
        let o = overview(&mut node).unwrap();
        assert_eq!(
            o.secrets,
            [(crate::ops::cluster::SECRET_NAME.to_owned(), StoreKind::File)]
        );

        let e = plan_migration(&mut node, StoreKind::Keyring).err().unwrap();
        assert_eq!(e.kind, Kind::Secret);
        let m = plan_migration(&mut node, StoreKind::File).unwrap();
        assert_eq!(m.recorded, 1);
        assert!(m.run(&mut node).unwrap().is_empty());
        assert_eq!(
            crate::ops::cluster::secret(&mut node).unwrap().as_ref(),
            Some(&secret)
        );
    }
}
