//! The Cloud Connect side's client of `ccadmin hub serve` (issue 14). The hub's certificate is
//! learnt once, at the administrator's consent: `identity` connects without trusting anything
//! and sends nothing secret, and returns the certificate the hub presented with the hub's own
//! word on its SHA-256, which must agree. From then on [`HubClient`] trusts exactly that
//! certificate (`tls_certs_only`), so a code, a token or a release only ever goes to the hub
//! that was consented to. Through `HTTPS_PROXY` when one is set. Every answer is parsed into a
//! typed value, bounded in size.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::error_chain;
use crate::op_error::{Kind, OpError, OpResult};

// ---- the hub API's wire types (the hub answers them, this client reads them) ----

/// What a publisher receives when it completes its registration.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Registered {
    pub hub_id: String,
    pub display_name: String,
    pub token: String,
}

/// What a node's poll gets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "offer", rename_all = "kebab-case")]
pub enum Offer {
    /// Nothing newer than what the node runs.
    UpToDate,
    /// A newer release waits for the cluster's window.
    Wait { version: String, reason: String },
    /// Install this release now (the node pulls the archive, verifies SHA-256 and signature).
    Install {
        version: String,
        sha256: String,
        size: u64,
        signature: String,
        urgent: bool,
    },
}

/// The largest JSON answer read.
const MAX_JSON: u64 = 64 * 1024;

/// What the hub says it is.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Identity {
    pub hub_id: String,
    pub cert_sha256: String,
}

fn unreachable(url: &str, e: &reqwest::Error) -> OpError {
    OpError::new(
        Kind::Unreachable,
        format!("cannot reach the hub at {url}: {}", error_chain(e)),
    )
}

fn read_json<T: for<'de> Deserialize<'de>>(
    url: &str,
    r: reqwest::blocking::Response,
) -> OpResult<T> {
    use std::io::Read;
    let status = r.status();
    let mut body = Vec::new();
    r.take(MAX_JSON + 1)
        .read_to_end(&mut body)
        .map_err(|e| OpError::new(Kind::Unreachable, format!("{url}: {e}")))?;
    if body.len() as u64 > MAX_JSON {
        return Err(OpError::new(
            Kind::Peer,
            format!("{url} answered more than {MAX_JSON} bytes"),
        ));
    }
    if !status.is_success() {
        // The hub's message, shown safely; the status decides the kind.
        let message = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v["errors"][0]["message"].as_str().map(str::to_owned))
            .unwrap_or_default();
        let kind = match status.as_u16() {
            401 | 403 => Kind::Refused,
            404 => Kind::NotFound,
            400 => Kind::Invalid,
            _ => Kind::Peer,
        };
        return Err(OpError::new(
            kind,
            format!(
                "the hub refused ({status}): {}",
                crate::text::terminal_safe(&message.chars().take(500).collect::<String>())
            ),
        ));
    }
    serde_json::from_slice(&body).map_err(|e| {
        OpError::new(
            Kind::Peer,
            format!(
                "{url} answered something that is not the hub's JSON: {}",
                crate::text::terminal_safe(&e.to_string())
            ),
        )
    })
}

/// A TLS verifier that trusts any certificate but keeps the one presented (its signature of
/// the handshake is still checked): how `identity` learns the hub's certificate, directly or
/// through a proxy's tunnel.
#[derive(Debug)]
struct Capture {
    seen: std::sync::Arc<std::sync::Mutex<Option<Vec<u8>>>>,
    provider: std::sync::Arc<tokio_rustls::rustls::crypto::CryptoProvider>,
}

mod capture {
    use tokio_rustls::rustls::client::danger::{
        HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier,
    };
    use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName, UnixTime};
    use tokio_rustls::rustls::{DigitallySignedStruct, Error, SignatureScheme};

    impl ServerCertVerifier for super::Capture {
        fn verify_server_cert(
            &self,
            end_entity: &CertificateDer<'_>,
            _intermediates: &[CertificateDer<'_>],
            _name: &ServerName<'_>,
            _ocsp: &[u8],
            _now: UnixTime,
        ) -> Result<ServerCertVerified, Error> {
            *self.seen.lock().unwrap_or_else(|p| p.into_inner()) = Some(end_entity.to_vec());
            Ok(ServerCertVerified::assertion())
        }
        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, Error> {
            tokio_rustls::rustls::crypto::verify_tls12_signature(
                message,
                cert,
                dss,
                &self.provider.signature_verification_algorithms,
            )
        }
        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, Error> {
            tokio_rustls::rustls::crypto::verify_tls13_signature(
                message,
                cert,
                dss,
                &self.provider.signature_verification_algorithms,
            )
        }
        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.provider
                .signature_verification_algorithms
                .supported_schemes()
        }
    }
}

/// Learn the hub's identity and certificate (DER), trusting nothing and sending nothing secret.
pub fn identity(base: &str, timeout: Duration) -> OpResult<(Identity, Vec<u8>)> {
    use std::sync::{Arc, Mutex};
    let url = format!("{}/api/v1/identity", base.trim_end_matches('/'));
    let provider = Arc::new(tokio_rustls::rustls::crypto::aws_lc_rs::default_provider());
    let seen = Arc::new(Mutex::new(None));
    let tls = tokio_rustls::rustls::ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| OpError::new(Kind::Failed, format!("TLS: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(Capture {
            seen: Arc::clone(&seen),
            provider,
        }))
        .with_no_client_auth();
    let client = reqwest::blocking::Client::builder()
        .tls_backend_preconfigured(tls)
        .connect_timeout(timeout)
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| unreachable(&url, &e))?;
    // A request's own timeout bounds it in all, the answer's body too (the client's bounds
    // each read only): a peer that trickles bytes cannot hold the caller longer.
    let r = client
        .get(&url)
        .timeout(timeout)
        .send()
        .map_err(|e| unreachable(&url, &e))?;
    let cert = seen
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take()
        .ok_or_else(|| OpError::new(Kind::Untrusted, format!("{url} presented no certificate")))?;
    let id: Identity = read_json(&url, r)?;
    if !id
        .cert_sha256
        .eq_ignore_ascii_case(&crate::text::sha256_hex(&cert))
    {
        return Err(OpError::new(
            Kind::Untrusted,
            format!("{url}: the certificate presented is not the one the hub names (something is in between)"),
        ));
    }
    Ok((id, cert))
}

/// A client that trusts only the hub's pinned certificate.
pub struct HubClient {
    base: String,
    client: reqwest::blocking::Client,
    token: Option<String>,
    timeout: Duration,
}

impl HubClient {
    pub fn new(
        base: &str,
        cert_der: &[u8],
        token: Option<String>,
        timeout: Duration,
    ) -> OpResult<HubClient> {
        let cert = reqwest::Certificate::from_der(cert_der).map_err(|e| {
            OpError::new(
                Kind::Invalid,
                format!("the pinned certificate: {}", error_chain(&e)),
            )
        })?;
        let client = reqwest::blocking::Client::builder()
            .tls_certs_only(vec![cert])
            .connect_timeout(timeout)
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| unreachable(base, &e))?;
        Ok(HubClient {
            base: base.trim_end_matches('/').to_owned(),
            client,
            token,
            timeout,
        })
    }

    fn post<T: for<'de> Deserialize<'de>>(
        &self,
        path: &str,
        body: serde_json::Value,
    ) -> OpResult<T> {
        let url = format!("{}{path}", self.base);
        // A JSON call is bounded in all (a download only per read: it may be large).
        let mut req = self.client.post(&url).timeout(self.timeout).json(&body);
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        let r = req.send().map_err(|e| unreachable(&url, &e))?;
        read_json(&url, r)
    }

    /// Complete a registration with the consented code.
    pub fn register(
        &self,
        hub_id: &str,
        code: &str,
        fqdn: &str,
        cert_sha256: &str,
    ) -> OpResult<Registered> {
        self.post(
            "/api/v1/register",
            json!({"hub_id": hub_id, "code": code, "fqdn": fqdn, "cert_sha256": cert_sha256}),
        )
    }

    pub fn poll(&self, node: &str, version: &str) -> OpResult<Offer> {
        self.post("/api/v1/poll", json!({"node": node, "version": version}))
    }

    pub fn report(&self, node: &str, version: &str, healthy: bool, detail: &str) -> OpResult {
        let _: serde_json::Value = self.post(
            "/api/v1/report",
            json!({"node": node, "version": version, "healthy": healthy, "detail": detail}),
        )?;
        Ok(())
    }

    /// Tell the hub to forget this cluster.
    pub fn unregister(&self) -> OpResult {
        let _: serde_json::Value = self.post("/api/v1/unregister", json!({}))?;
        Ok(())
    }

    /// A release's archive into `path`, exactly `size` bytes (what the offer said). What an
    /// earlier, interrupted download left in `path` is kept and only the rest is asked for.
    pub fn download(&self, version: &str, size: u64, path: &std::path::Path) -> OpResult {
        use std::io::{Read, Write};
        let url = format!("{}/api/v1/releases/{version}", self.base);
        let io =
            |e: std::io::Error| OpError::new(Kind::Storage, format!("{}: {e}", path.display()));
        let have = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let have = if have > size { 0 } else { have };
        let mut req = self.client.get(&url);
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        if have > 0 {
            req = req.header(reqwest::header::RANGE, format!("bytes={have}-"));
        }
        let r = req.send().map_err(|e| unreachable(&url, &e))?;
        if !r.status().is_success() {
            return read_json::<serde_json::Value>(&url, r).map(|_| ());
        }
        // 206: the rest follows what is here; 200: the whole archive again.
        let resumed = r.status() == reqwest::StatusCode::PARTIAL_CONTENT && have > 0;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .write(true)
            .append(resumed)
            .truncate(!resumed)
            .open(path)
            .map_err(io)?;
        let start = if resumed { have } else { 0 };
        let copied = std::io::copy(&mut r.take(size - start + 1), &mut file)
            .map_err(|e| OpError::new(Kind::Unreachable, format!("{url}: {e}")))?;
        file.flush().map_err(io)?;
        file.sync_all().map_err(io)?;
        if start + copied != size {
            return Err(OpError::new(
                Kind::Peer,
                format!(
                    "{url}: {} bytes arrived, the offer said {size}",
                    start + copied
                ),
            ));
        }
        Ok(())
    }
}
