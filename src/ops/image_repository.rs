//! The image repository setting (rule R7 in docs/rules.md#r7): validated against the real
//! Artifactory before it is saved; the credential in the secret store, never in the database. `set`
//! on the publisher and replication on the subscriber replace it through the same [`replace`].

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{Kind, Node, OpError, OpResult};
use crate::clients::artifactory::{Artifactory, Config};
use crate::domain::{AuthType, Software};
use crate::secrets::{NodeSecrets, Secret, SecretError, StoreKind};
use crate::state::db::ImageRepository;
use crate::state::Db;

pub const DEFAULT_URL: &str = "https://devhub-download.cisco.com/binaries";
pub const DEFAULT_REPOSITORY: &str = "ent-platform-release-external";

pub fn not_configured() -> OpError {
    OpError::new(Kind::NotConfigured, "Image repository is not configured.")
        .hint("configure it with: utils image-repository set")
}

/// The name of the proxy password kept beside the credential `reference`.
fn proxy_secret_name(reference: &str) -> String {
    format!("{reference}-proxy")
}

/// A proxy URL without its password, and the password (percent-decoded), if it has one. The
/// database keeps only the first; the password goes to the secret store.
fn split_proxy(proxy: &str) -> (String, Option<Secret>) {
    match reqwest::Url::parse(proxy) {
        Ok(mut u) if u.password().is_some() => {
            let pw = percent_encoding::percent_decode_str(u.password().unwrap_or_default())
                .decode_utf8_lossy()
                .into_owned();
            let _ = u.set_password(None);
            (u.to_string(), Some(Secret::new(pw)))
        }
        _ => (proxy.to_owned(), None),
    }
}

/// The proxy URL with its password put back (for the client only; never stored or shown).
fn join_proxy(proxy: &str, password: &Secret) -> String {
    match reqwest::Url::parse(proxy) {
        Ok(mut u) => {
            let _ = u.set_password(Some(password.expose()));
            u.to_string()
        }
        Err(_) => proxy.to_owned(),
    }
}

/// The stored setting, if any, and its credential from the store that holds it. A proxy
/// password comes back from the secret store into the setting's proxy URL.
pub fn load(node: &mut Node) -> OpResult<(ImageRepository, Secret)> {
    let setting = node.db()?.image_repository()?.ok_or_else(not_configured)?;
    let (db, secrets) = node.db_and_secrets()?;
    with_secrets(db, &secrets, setting)
}

/// The stored credential as `utils image-repository show` may show it.
pub enum Credential {
    /// Masked to its last four characters.
    Masked(String),
    /// The setting names a credential no store holds.
    Missing,
    /// The store that holds it did not answer.
    Unreadable(SecretError),
}

/// The stored setting and its credential, masked.
pub struct Overview {
    pub setting: ImageRepository,
    pub credential: Credential,
}

/// `utils image-repository show`: the setting, if there is one, and its credential masked
/// (never the credential itself).
pub fn overview(node: &mut Node) -> OpResult<Option<Overview>> {
    let Some(setting) = node.db()?.image_repository()? else {
        return Ok(None);
    };
    let (db, secrets) = node.db_and_secrets()?;
    let credential = match secrets.get(db, &setting.credential_ref) {
        Ok(Some(secret)) => Credential::Masked(secret.masked()),
        Ok(None) => Credential::Missing,
        Err(e) => Credential::Unreadable(e),
    };
    Ok(Some(Overview {
        setting,
        credential,
    }))
}

/// `setting` as read, with its credential and its proxy password from the secret store.
pub fn with_secrets(
    db: &Db,
    secrets: &NodeSecrets,
    mut setting: ImageRepository,
) -> OpResult<(ImageRepository, Secret)> {
    if let Some(p) = setting.proxy.clone() {
        if let Some(pw) = secrets.get(db, &proxy_secret_name(&setting.credential_ref))? {
            setting.proxy = Some(join_proxy(&p, &pw));
        }
    }
    let secret = secrets.get(db, &setting.credential_ref)?.ok_or_else(|| {
        OpError::new(
            Kind::Secret,
            format!(
                "the Artifactory credential is missing from the {} store",
                setting.credential_store
            ),
        )
        .hint("enter it again with: utils image-repository set")
    })?;
    Ok((setting, secret))
}

/// CA certificates to trust for the Artifactory: the setting's `--ca-file` and every file in
/// the node's `trust/`.
pub fn trusted_cas(state_root: &Path, ca_file: Option<&str>) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = ca_file.map(PathBuf::from).into_iter().collect();
    out.extend(crate::clients::cloud_connect::trust_files(state_root));
    out
}

/// A client for a setting: its URL, repository, auth type, proxy, and the CAs of the setting
/// and the node's trust/.
pub fn client(
    state_root: &Path,
    s: &ImageRepository,
    credential: Secret,
    timeout: Duration,
    cancel: &crate::cancel::Cancel,
) -> OpResult<Artifactory> {
    Ok(Artifactory::new(Config {
        url: s.url.clone(),
        repository: s.repository.clone(),
        auth: s.auth_type,
        credential,
        ca_files: trusted_cas(state_root, s.ca_file.as_deref()),
        proxy: s.proxy.clone(),
        connect_timeout: timeout,
        io_timeout: timeout,
        allow_http: s.allow_http,
    })?
    .with_cancel(cancel.clone()))
}

/// A setting as the administrator gave it.
pub struct Draft {
    pub url: String,
    pub repository: String,
    pub auth: AuthType,
    pub software: Software,
    pub ca_file: Option<PathBuf>,
    pub proxy: Option<String>,
    pub allow_http: bool,
}

/// What `set` is doing, for the front end to show.
pub enum Step<'a> {
    Checking(&'a str),
}

/// Check `draft` with `credential` against the Artifactory (ping, then the repository with
/// the credential); returns the setting to save.
pub fn validate(
    node: &Node,
    draft: Draft,
    credential: &Secret,
    timeout: Duration,
    step: &mut dyn FnMut(Step),
) -> OpResult<ImageRepository> {
    let ca_file = match &draft.ca_file {
        Some(p) => Some(
            std::fs::canonicalize(p)
                .map_err(|e| {
                    OpError::new(
                        Kind::Invalid,
                        format!("cannot read the CA file {}: {e}", p.display()),
                    )
                })?
                .display()
                .to_string(),
        ),
        None => None,
    };
    let setting = ImageRepository {
        url: draft.url.trim_end_matches('/').to_owned(),
        repository: draft.repository,
        auth_type: draft.auth,
        software: draft.software,
        ca_file,
        proxy: draft.proxy,
        credential_store: StoreKind::File,
        credential_ref: String::new(),
        last_validated: String::new(),
        allow_http: draft.allow_http,
    };
    let art = client(
        node.root(),
        &setting,
        credential.clone(),
        timeout,
        &node.cancel,
    )?;
    step(Step::Checking(&format!(
        "Checking {}/api/system/ping ...",
        setting.url
    )));
    art.ping()?;
    node.cancel.check()?;
    step(Step::Checking(&format!(
        "Checking repository {} with the {} ...",
        setting.repository,
        setting.auth_type.label()
    )));
    art.check_repository()?;
    node.cancel.check()?;
    Ok(setting)
}

/// Make `setting` the node's, with `credential` stored under `reference`: the new credential
/// first, then the setting pointing at it, then the old credential goes from the store that
/// holds it. A failure in between leaves the previous setting whole.
pub fn replace(
    db: &mut Db,
    secrets: &NodeSecrets,
    setting: ImageRepository,
    credential: &Secret,
    reference: String,
) -> OpResult<ImageRepository> {
    let previous = db.image_repository()?;
    let setting = stage(db, secrets, setting, credential, &reference)?;
    if let Err(e) = db.set_image_repository(&setting) {
        unstage(db, secrets, &reference);
        return Err(e.into());
    }
    retire(db, secrets, previous.as_ref(), &reference);
    Ok(setting)
}

/// Store a setting's secrets (the credential, a proxy password) under `reference`; the
/// setting returned points at them and keeps the proxy URL without its password. Nothing
/// uses them until the setting is saved.
pub fn stage(
    db: &mut Db,
    secrets: &NodeSecrets,
    mut setting: ImageRepository,
    credential: &Secret,
    reference: &str,
) -> OpResult<ImageRepository> {
    setting.credential_store = secrets.put(db, reference, credential)?;
    setting.credential_ref = reference.to_owned();
    if let Some((bare, Some(pw))) = setting.proxy.as_deref().map(split_proxy) {
        if let Err(e) = secrets.put(db, &proxy_secret_name(reference), &pw) {
            let _ = secrets.delete(db, reference);
            return Err(e.into());
        }
        setting.proxy = Some(bare);
    }
    Ok(setting)
}

/// Take back the secrets of a staged setting that was not saved.
pub fn unstage(db: &mut Db, secrets: &NodeSecrets, reference: &str) {
    let _ = secrets.delete(db, reference);
    let _ = secrets.delete(db, &proxy_secret_name(reference));
}

/// Once the setting under `current` is saved, the secrets of the one it replaced go.
pub fn retire(
    db: &mut Db,
    secrets: &NodeSecrets,
    previous: Option<&ImageRepository>,
    current: &str,
) {
    if let Some(old) = previous.filter(|o| o.credential_ref != current) {
        unstage(db, secrets, &old.credential_ref);
    }
}

/// Save a validated setting on this node (the publisher), stamped now, and queue it for the
/// subscriber.
pub fn save(
    node: &mut Node,
    mut setting: ImageRepository,
    credential: &Secret,
) -> OpResult<ImageRepository> {
    let (db, secrets) = node.db_and_secrets()?;
    let now = db.now()?;
    let reference = format!(
        "artifactory-{}-{}",
        now.replace([' ', ':'], "-"),
        std::process::id()
    );
    setting.last_validated = now;
    let saved = replace(db, &secrets, setting, credential, reference)?;
    super::cluster::changed(node);
    Ok(saved)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::StateDir;

    fn setting(reference: &str) -> ImageRepository {
        ImageRepository {
            url: "https://a.example".into(),
            repository: "r".into(),
            auth_type: AuthType::ApiKey,
            software: Software::Unrestricted,
            ca_file: None,
            proxy: None,
            credential_store: StoreKind::File,
            credential_ref: reference.into(),
            last_validated: "2026-11-24 00:00:00".into(),
            allow_http: false,
        }
    }

    /// The credential replaced by `set` and by replication goes from the store that holds it,
    /// whatever store the new one went to.
    #[test]
    fn replacing_the_credential_removes_the_old_one_from_its_own_store() {
        let dir = tempfile::tempdir().unwrap();
        let mut state = StateDir::new(dir.path().to_path_buf(), "cc1".into());
        let secrets = NodeSecrets::new(dir.path(), Some(StoreKind::File), false);
        let db = state.db().unwrap();
        let first = replace(
            db,
            &secrets,
            setting(""),
            &Secret::new("old-key-1111"),
            "cred-1".into(),
        )
        .unwrap();
        assert_eq!(first.credential_store, StoreKind::File);
        assert_eq!(
            secrets.get(db, "cred-1").unwrap().unwrap().expose(),
            "old-key-1111"
        );
        // The next replacement is asked for another store; there is no keyring here, so it
        // fails before anything changed: the old setting and its credential are whole.
        let keyring = NodeSecrets::new(dir.path(), Some(StoreKind::Keyring), false);
        assert!(replace(
            db,
            &keyring,
            setting(""),
            &Secret::new("new-key-2222"),
            "cred-2".into()
        )
        .is_err());
        assert_eq!(
            db.image_repository().unwrap().unwrap().credential_ref,
            "cred-1"
        );
        assert!(secrets.get(db, "cred-1").unwrap().is_some());
        // A replacement that lands removes the old credential from the file it was in.
        let second = replace(
            db,
            &secrets,
            setting(""),
            &Secret::new("new-key-2222"),
            "cred-2".into(),
        )
        .unwrap();
        assert_eq!(second.credential_ref, "cred-2");
        assert!(
            secrets.get(db, "cred-1").unwrap().is_none(),
            "the old credential is gone"
        );
        assert!(
            db.secret_location("cred-1").unwrap().is_none(),
            "and so is its record"
        );
        let file = std::fs::read_to_string(dir.path().join("secrets")).unwrap_or_default();
        assert!(
            !file.contains("old-key-1111"),
            "not in the file store either"
        );
        assert_eq!(
            secrets.get(db, "cred-2").unwrap().unwrap().expose(),
            "new-key-2222"
        );
    }

    #[test]
    fn a_proxy_password_is_kept_in_the_secret_store_not_in_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let mut node = Node::new(
            StateDir::new(dir.path().to_path_buf(), "cc1".into()),
            crate::ops::Stores {
                choice: Some(StoreKind::File),
                dbus_session: false,
            },
            crate::cancel::Cancel::new(),
        );
        let mut s = setting("");
        s.proxy = Some("http://proxyuser:P%40ss-w0rd@proxy.lab:3128".into());
        let (db, secrets) = node.db_and_secrets().unwrap();
        let saved = replace(db, &secrets, s, &Secret::new("key-1111"), "cred-1".into()).unwrap();
        assert_eq!(
            saved.proxy.as_deref(),
            Some("http://proxyuser@proxy.lab:3128/")
        );
        let stored = db.image_repository().unwrap().unwrap();
        assert_eq!(
            stored.proxy.as_deref(),
            Some("http://proxyuser@proxy.lab:3128/")
        );
        // The client gets it whole again, the password decoded and re-encoded once.
        let (loaded, _) = load(&mut node).unwrap();
        assert_eq!(
            loaded.proxy.as_deref(),
            Some("http://proxyuser:P%40ss-w0rd@proxy.lab:3128/")
        );
        // Replaced: the old proxy password goes with the old credential.
        let (db, secrets) = node.db_and_secrets().unwrap();
        replace(
            db,
            &secrets,
            setting(""),
            &Secret::new("key-2222"),
            "cred-2".into(),
        )
        .unwrap();
        assert!(secrets.get(db, "cred-1-proxy").unwrap().is_none());
    }
}
