//! A loopback HTTPS server that behaves as the JFrog Artifactory REST API documents, for the
//! Artifactory client's tests: `GET /api/system/ping`; `GET /api/storage/{repo}` (folder info),
//! `?list&deep=1` (file list with `sha2`), `GET /api/storage/{repo}/{path}` (file info with
//! `checksums`); downloads with `Range` → 206 and `Content-Range`, `X-Checksum-Sha256`; errors
//! as `{"errors":[{"status","message"}]}`. Certificates come from a throw-away test CA.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

pub const GOOD_KEY: &str = "AKCp8good-api-key-0001a1b2";
pub const GOOD_TOKEN: &str = "eyJ-good-identity-token-9z8y";
pub const EXPIRED_KEY: &str = "AKCp8expired-refresh-token";
pub const NO_EULA_KEY: &str = "AKCp8no-eula-accepted";
pub const NOT_ENTITLED_KEY: &str = "AKCp8not-entitled";
pub const REPO: &str = "ent-platform-release-external";

/// How the server misbehaves.
#[derive(Default)]
pub struct Faults {
    /// Paths whose next download sends half the body and then drops the connection (count).
    pub cut: HashMap<String, u32>,
    /// Paths served with wrong bytes (the file info still gives the true SHA-256).
    pub corrupt: Vec<String>,
    /// Answer everything like a web server that is not an Artifactory.
    pub not_artifactory: bool,
    /// Answer downloads with `302 Found` to this base URL plus the same path (a CDN).
    pub redirect_downloads: Option<String>,
    /// Serve downloads without a credential (a CDN that signs its URLs).
    pub open_downloads: bool,
    /// Paths whose next download sends half the body, says so, and then waits, holding the
    /// connection open, until the test releases it.
    pub stall: HashMap<String, Stall>,
}

/// The two ends a stalled download talks to the test through.
pub struct Stall {
    /// Told once half the body has been handed to the connection.
    pub reached: std::sync::mpsc::Sender<()>,
    /// Waited on (a message, or the test dropping its end) before the connection is cut.
    pub release: std::sync::mpsc::Receiver<()>,
}

/// Served files: path → (content, its SHA-256).
pub type Files = BTreeMap<String, (Arc<Vec<u8>>, String)>;

/// A logged request: method, URL, Range header, credential headers.
pub type Logged = (String, String, Option<String>, Vec<(String, String)>);

pub struct JFrog {
    pub base: String,
    pub ca: PathBuf,
    /// Holds the CA file.
    _dir: tempfile::TempDir,
    /// Path → (content, its SHA-256).
    pub files: Arc<Mutex<Files>>,
    pub faults: Arc<Mutex<Faults>>,
    /// Each request: method, URL, the Range header, and the credential headers as received.
    pub log: Arc<Mutex<Vec<Logged>>>,
    stop: Arc<AtomicBool>,
}

fn sha256(b: &[u8]) -> String {
    Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

pub struct Certs {
    pub ca_pem: String,
    pub cert_pem: String,
    pub key_pem: String,
}

/// A CA and a server certificate for `names`, valid now unless `expired`.
pub fn certs(names: &[&str], expired: bool) -> Certs {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "ccadmin test CA");
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let key = KeyPair::generate().unwrap();
    let mut p =
        CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    p.distinguished_name
        .push(rcgen::DnType::CommonName, names[0]);
    if expired {
        p.not_before = rcgen::date_time_ymd(2020, 1, 1);
        p.not_after = rcgen::date_time_ymd(2021, 1, 1);
    }
    let cert = p.signed_by(&key, &ca).unwrap();
    Certs {
        ca_pem: ca.pem(),
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    }
}

fn json_error(status: u16, message: &str) -> tiny_http::ResponseBox {
    let body =
        serde_json::json!({ "errors": [{ "status": status, "message": message }] }).to_string();
    tiny_http::Response::from_string(body)
        .with_status_code(status)
        .with_header(tiny_http::Header::from_bytes("Content-Type", "application/json").unwrap())
        .boxed()
}

/// A body that ends in an error half way: the client sees a connection cut mid-download.
/// A shared file's bytes from `pos` on, without copying them.
struct ArcSlice {
    data: Arc<Vec<u8>>,
    pos: usize,
}

impl Read for ArcSlice {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let rest = &self.data[self.pos.min(self.data.len())..];
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.pos += n;
        Ok(n)
    }
}

struct CutReader {
    data: ArcSlice,
    limit: usize,
    sent: usize,
}

impl Read for CutReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.sent >= self.limit {
            return Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "cut by the test",
            ));
        }
        let room = (self.limit - self.sent).min(buf.len());
        let n = self.data.read(&mut buf[..room])?;
        self.sent += n;
        Ok(n)
    }
}

/// Half the body, then silence until released; then the connection is cut.
struct StallReader {
    data: ArcSlice,
    limit: usize,
    sent: usize,
    stall: Stall,
}

impl Read for StallReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.sent >= self.limit {
            let _ = self.stall.reached.send(());
            let _ = self.stall.release.recv();
            return Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "released by the test",
            ));
        }
        let room = (self.limit - self.sent).min(buf.len());
        let n = self.data.read(&mut buf[..room])?;
        self.sent += n;
        Ok(n)
    }
}

impl JFrog {
    pub fn start() -> JFrog {
        Self::start_with(certs(&["localhost", "127.0.0.1"], false))
    }

    pub fn start_with(c: Certs) -> JFrog {
        Self::serve(Some(c))
    }

    /// The same API over plain http (for the opt-in to an unencrypted link).
    pub fn start_plain() -> JFrog {
        Self::serve(None)
    }

    fn serve(c: Option<Certs>) -> JFrog {
        let dir = tempfile::tempdir().unwrap();
        let ca = dir.path().join("ca.pem");
        let (server, scheme) = match c {
            Some(c) => {
                std::fs::write(&ca, &c.ca_pem).unwrap();
                let server = tiny_http::Server::https(
                    "127.0.0.1:0",
                    tiny_http::SslConfig {
                        certificate: c.cert_pem.into_bytes(),
                        private_key: c.key_pem.into_bytes(),
                    },
                )
                .expect("start the loopback Artifactory");
                (server, "https")
            }
            None => (
                tiny_http::Server::http("127.0.0.1:0").expect("start the loopback Artifactory"),
                "http",
            ),
        };
        let port = server.server_addr().to_ip().unwrap().port();
        let j = JFrog {
            base: format!("{scheme}://127.0.0.1:{port}/artifactory"),
            ca,
            _dir: dir,
            files: Arc::new(Mutex::new(BTreeMap::new())),
            faults: Arc::new(Mutex::new(Faults::default())),
            log: Arc::new(Mutex::new(Vec::new())),
            stop: Arc::new(AtomicBool::new(false)),
        };
        let (files, faults, log, stop) = (
            j.files.clone(),
            j.faults.clone(),
            j.log.clone(),
            j.stop.clone(),
        );
        let base_path = "/artifactory".to_owned();
        std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                let Ok(Some(req)) = server.recv_timeout(std::time::Duration::from_millis(100))
                else {
                    continue;
                };
                let header = |name: &'static str| {
                    req.headers()
                        .iter()
                        .find(|h| h.field.equiv(name))
                        .map(|h| h.value.as_str().to_owned())
                };
                let creds: Vec<(String, String)> = ["X-JFrog-Art-Api", "Authorization"]
                    .iter()
                    .filter_map(|n| header(n).map(|v| (n.to_string(), v)))
                    .collect();
                log.lock().unwrap().push((
                    req.method().to_string(),
                    req.url().to_owned(),
                    header("Range"),
                    creds.clone(),
                ));
                let resp = respond(
                    &base_path,
                    req.url(),
                    header("Range"),
                    &creds,
                    &files,
                    &faults,
                );
                let _ = req.respond(resp);
            }
        });
        j
    }

    /// The words of `utils image-repository set` for this server: the repository, an API key
    /// read from `key_file`, unrestricted software, and this server's CA.
    pub fn set_args(&self, key_file: &std::path::Path) -> Vec<String> {
        [
            "utils",
            "image-repository",
            "set",
            "--url",
            &self.base,
            "--repository",
            REPO,
            "--auth-type",
            "api-key",
            "--credential-file",
            &key_file.display().to_string(),
            "--software",
            "unrestricted",
            "--ca-file",
            &self.ca.display().to_string(),
        ]
        .iter()
        .map(|w| w.to_string())
        .collect()
    }

    pub fn put(&self, path: &str, data: Vec<u8>) {
        let sum = sha256(&data);
        self.files
            .lock()
            .unwrap()
            .insert(path.to_owned(), (Arc::new(data), sum));
    }

    /// Every credential header value the server received.
    pub fn credentials_seen(&self) -> Vec<String> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .flat_map(|(_, _, _, c)| c.iter().map(|(_, v)| v.clone()))
            .collect()
    }

    pub fn ranges_seen(&self, path: &str) -> Vec<Option<String>> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, u, _, _)| u.ends_with(path) && !u.contains("/api/"))
            .map(|(_, _, r, _)| r.clone())
            .collect()
    }
}

impl Drop for JFrog {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn authorized(creds: &[(String, String)]) -> Result<(), tiny_http::ResponseBox> {
    let key = creds
        .iter()
        .find(|(n, _)| n == "X-JFrog-Art-Api")
        .map(|(_, v)| v.as_str());
    let bearer = creds
        .iter()
        .find(|(n, _)| n == "Authorization")
        .and_then(|(_, v)| v.strip_prefix("Bearer "));
    match key.or(bearer) {
        Some(GOOD_KEY) if key.is_some() => Ok(()),
        Some(GOOD_TOKEN) if bearer.is_some() => Ok(()),
        Some(EXPIRED_KEY) => Err(json_error(
            400,
            "ExpiredRefreshToken: the refresh token has expired",
        )),
        Some(NO_EULA_KEY) => Err(json_error(
            403,
            "User has not accepted the EULA for this download",
        )),
        Some(NOT_ENTITLED_KEY) => Err(json_error(403, "Forbidden")),
        _ => Err(json_error(401, "Bad credentials")),
    }
}

fn respond(
    base: &str,
    url: &str,
    range: Option<String>,
    creds: &[(String, String)],
    files: &Mutex<Files>,
    faults: &Mutex<Faults>,
) -> tiny_http::ResponseBox {
    if faults.lock().unwrap().not_artifactory {
        return tiny_http::Response::from_string("<html><body>Welcome to nginx!</body></html>")
            .boxed();
    }
    let Some(path) = url.strip_prefix(base) else {
        return json_error(404, "Not Found");
    };
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    if path == "/api/system/ping" {
        return tiny_http::Response::from_string("OK").boxed();
    }
    let download = !path.starts_with("/api/");
    if download {
        if let Some(to) = &faults.lock().unwrap().redirect_downloads {
            return tiny_http::Response::empty(302)
                .with_header(
                    tiny_http::Header::from_bytes("Location", format!("{to}{path}")).unwrap(),
                )
                .boxed();
        }
    }
    if !(download && faults.lock().unwrap().open_downloads) {
        if let Err(r) = authorized(creds) {
            return r;
        }
    }
    let files = files.lock().unwrap();
    if let Some(rest) = path.strip_prefix("/api/storage/") {
        let (repo, file) = rest
            .split_once('/')
            .map(|(r, f)| (r, format!("/{f}")))
            .unwrap_or((rest, String::new()));
        if repo != REPO {
            return json_error(404, "Unable to find item");
        }
        if file.is_empty() || file == "/" {
            if query.contains("list") {
                let list: Vec<_> = files
                    .iter()
                    .map(|(p, (d, sum))| serde_json::json!({"uri": p, "size": d.len(), "lastModified": "2026-11-01T10:00:00.000Z", "folder": false, "sha2": sum}))
                    .collect();
                return tiny_http::Response::from_string(serde_json::json!({"uri": format!("{base}/api/storage/{repo}"), "created": "2026-11-01T10:00:00.000Z", "files": list}).to_string()).boxed();
            }
            return tiny_http::Response::from_string(
                serde_json::json!({"repo": repo, "path": "/", "children": []}).to_string(),
            )
            .boxed();
        }
        return match files.get(&file) {
            Some((d, sum)) => tiny_http::Response::from_string(
                serde_json::json!({"repo": repo, "path": file, "size": d.len().to_string(), "checksums": {"sha256": sum}, "originalChecksums": {"sha256": sum}, "downloadUri": format!("{base}/{repo}{file}")}).to_string(),
            )
            .boxed(),
            None => json_error(404, "Unable to find item"),
        };
    }
    // Download: /{repo}/{path}
    let Some(file) = path.strip_prefix(&format!("/{REPO}")) else {
        return json_error(404, "Unable to find item");
    };
    let Some((data, checksum)) = files.get(file) else {
        return json_error(404, "Unable to find item");
    };
    let (mut data, checksum) = (Arc::clone(data), checksum.clone());
    drop(files);
    let mut f = faults.lock().unwrap();
    if f.corrupt.iter().any(|c| c == file) {
        let mut bad = data.to_vec();
        for b in bad.iter_mut().step_by(997) {
            *b ^= 0x5a;
        }
        data = Arc::new(bad);
    }
    let total = data.len();
    let start = range
        .as_deref()
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.strip_suffix('-'))
        .and_then(|s| s.parse::<usize>().ok());
    let (status, body, content_range) = match start {
        Some(s) if s >= total => {
            return tiny_http::Response::empty(416)
                .with_header(
                    tiny_http::Header::from_bytes("Content-Range", format!("bytes */{total}"))
                        .unwrap(),
                )
                .boxed()
        }
        Some(s) => (
            206,
            ArcSlice {
                data: Arc::clone(&data),
                pos: s,
            },
            Some(format!("bytes {s}-{}/{total}", total - 1)),
        ),
        None => (
            200,
            ArcSlice {
                data: Arc::clone(&data),
                pos: 0,
            },
            None,
        ),
    };
    let len = total - body.pos;
    let cut = match f.cut.get_mut(file) {
        Some(n) if *n > 0 => {
            *n -= 1;
            true
        }
        _ => false,
    };
    let stall = f.stall.remove(file);
    let reader: Box<dyn Read + Send> = if let Some(stall) = stall {
        Box::new(StallReader {
            data: body,
            limit: len / 2,
            sent: 0,
            stall,
        })
    } else if cut {
        Box::new(CutReader {
            data: body,
            limit: len / 2,
            sent: 0,
        })
    } else {
        Box::new(body)
    };
    let mut r = tiny_http::Response::new(
        tiny_http::StatusCode(status),
        vec![],
        reader,
        Some(len),
        None,
    )
    .with_header(tiny_http::Header::from_bytes("X-Checksum-Sha256", checksum).unwrap())
    .with_header(tiny_http::Header::from_bytes("Accept-Ranges", "bytes").unwrap());
    if let Some(cr) = content_range {
        r = r.with_header(tiny_http::Header::from_bytes("Content-Range", cr).unwrap());
    }
    r.boxed()
}
