//! The Cloud Connect cluster (SPEC 7): a subscriber joins its publisher with the shared cluster
//! secret, and settings that replicate (the image repository) go from the publisher to the
//! subscriber. Node-to-node calls are HTTPS to the other node's service, trusted through
//! `trust/`, authenticated with the cluster secret; a setting waits in an outbox until it lands.

use std::path::Path;
use std::time::Duration;

use serde_json::{json, Value};

use crate::secrets::{NodeSecrets, Secret};
use crate::state::db::ImageRepository;
use crate::state::Db;

/// Name of the cluster secret in the secret store.
pub const SECRET_NAME: &str = "cluster-secret";
pub const IMAGE_REPOSITORY: &str = "image-repository";

/// The other node's service URL: `host:port` as given, else port 8445.
pub fn base(host: &str) -> String {
    match crate::names::split_host_port(host) {
        Ok((_, Some(_))) => format!("https://{host}"),
        _ => format!("https://{host}:8445"),
    }
}

/// The cluster secret, from wherever this node keeps it.
pub fn secret(db: &Db, root: &Path, dbus: bool) -> Result<Option<Secret>, String> {
    NodeSecrets::new(root, None, dbus)
        .get(db, SECRET_NAME)
        .map_err(|e| e.to_string())
}

/// Constant-time comparison of a presented secret with ours.
pub fn secret_matches(ours: &Secret, header: Option<&str>) -> bool {
    let Some(given) = header.and_then(|h| h.strip_prefix("Bearer ")) else {
        return false;
    };
    let (a, b) = (ours.expose().as_bytes(), given.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The certificates of the node's `trust/`, for HTTPS to the other ccadmin nodes (its own
/// trust store only, as VOS trusts through tomcat-trust, not the system's CAs).
pub fn trusted_certificates(root: &Path) -> Vec<reqwest::Certificate> {
    crate::artifacts::trusted_cas(root, None)
        .iter()
        .filter_map(|f| std::fs::read(f).ok())
        .flat_map(|pem| reqwest::Certificate::from_pem_bundle(&pem).unwrap_or_default())
        .collect()
}

fn client(root: &Path) -> Result<reqwest::blocking::Client, String> {
    let certs = trusted_certificates(root);
    if certs.is_empty() {
        return Err("this node trusts no certificate of the other node yet (utils cert import FILE, from `show cert own` there)".into());
    }
    reqwest::blocking::Client::builder()
        .tls_certs_only(certs)
        .timeout(Duration::from_secs(10))
        .no_proxy()
        .build()
        .map_err(|e| e.to_string())
}

fn post(
    root: &Path,
    host: &str,
    path: &str,
    secret: &Secret,
    body: Value,
) -> Result<Value, String> {
    let url = format!("{}{path}", base(host));
    let resp = client(root)?
        .post(&url)
        .bearer_auth(secret.expose())
        .json(&body)
        .send()
        .map_err(|e| format!("{url}: {}", crate::clients::artifactory::error_chain(&e)))?;
    let status = resp.status();
    let v: Value = resp.json().unwrap_or(Value::Null);
    if status.is_success() {
        Ok(v)
    } else {
        Err(format!("{url} answered {status}: {v}"))
    }
}

/// The subscriber announces itself to its publisher.
pub fn join(root: &Path, publisher: &str, me: &str, secret: &Secret) -> Result<(), String> {
    post(
        root,
        publisher,
        "/cluster/join",
        secret,
        json!({ "hostName": me }),
    )
    .map(|_| ())
}

/// Send the image-repository setting and its credential to the subscriber.
pub fn push_image_repository(
    db: &Db,
    root: &Path,
    subscriber: &str,
    secret: &Secret,
    dbus: bool,
) -> Result<(), String> {
    let Some(s) = db.image_repository().map_err(|e| e.to_string())? else {
        return Ok(());
    };
    let credential = crate::artifacts::credential(db, root, &s, dbus)?;
    let body = json!({
        "url": s.url, "repository": s.repository, "auth_type": s.auth_type, "software": s.software,
        "proxy": s.proxy, "last_validated": s.last_validated, "credential": credential.expose(),
        "allow_http": s.allow_http,
    });
    post(
        root,
        subscriber,
        "/replication/image-repository",
        secret,
        body,
    )
    .map(|_| ())
}

/// Store a setting replicated from the publisher (on the subscriber).
pub fn receive_image_repository(
    db: &mut Db,
    root: &Path,
    body: &Value,
    dbus: bool,
) -> Result<(), String> {
    let field = |k: &str| {
        body[k]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("{k} is missing"))
    };
    let credential = Secret::new(field("credential")?);
    let secrets = NodeSecrets::new(root, None, dbus);
    let previous = db.image_repository().map_err(|e| e.to_string())?;
    let reference = format!(
        "artifactory-replicated-{}",
        field("last_validated")?.replace([' ', ':'], "-")
    );
    let kind = secrets
        .put(db, &reference, &credential)
        .map_err(|e| e.to_string())?;
    let setting = ImageRepository {
        url: field("url")?,
        repository: field("repository")?,
        auth_type: field("auth_type")?,
        software: field("software")?,
        // A CA file is a path on the publisher; the subscriber trusts through its own trust/.
        ca_file: None,
        proxy: body["proxy"].as_str().map(str::to_owned),
        credential_store: kind.to_string(),
        credential_ref: reference.clone(),
        last_validated: field("last_validated")?,
        allow_http: body["allow_http"].as_bool().unwrap_or(false),
    };
    db.set_image_repository(&setting)
        .map_err(|e| e.to_string())?;
    if let Some(old) = previous.filter(|o| o.credential_ref != reference) {
        let _ = secrets.delete(db, &old.credential_ref);
    }
    Ok(())
}

/// Send what waits in the outbox; returns what happened, for the log.
pub fn flush_outbox(db_path: &Path, root: &Path, dbus: bool) -> Vec<String> {
    let mut log = Vec::new();
    let Ok(mut db) = Db::open(db_path, "") else {
        return log;
    };
    let (Ok(Some(sub)), Ok(pending)) = (db.cc_subscriber(), db.pending_replication()) else {
        return log;
    };
    if pending.is_empty() {
        return log;
    }
    let Ok(Some(secret)) = secret(&db, root, dbus) else {
        log.push("replication waits: no cluster secret is set (utils node cluster-secret)".into());
        return log;
    };
    for (kind, _, _) in pending {
        let result = match kind.as_str() {
            IMAGE_REPOSITORY => push_image_repository(&db, root, &sub, &secret, dbus),
            other => Err(format!("unknown setting {other}")),
        };
        match result {
            Ok(()) => {
                let _ = db.replication_done(&kind);
                log.push(format!("replicated {kind} to {sub}"));
            }
            Err(e) => {
                let _ = db.replication_failed(&kind, &e);
                log.push(format!(
                    "replication of {kind} to {sub} failed, will retry: {e}"
                ));
            }
        }
    }
    log
}
