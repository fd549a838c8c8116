//! The HTTP side of the client: building it, one bounded request at a time that a
//! cancellation ends, redirects (the credential only to the configured origin), and how an
//! answer or a transport failure becomes an `ArtError`.

use std::time::Duration;

use reqwest::Client;
use reqwest::StatusCode;
use serde::Deserialize;

use crate::cancel::Cancel;
use crate::clients::{error_chain as chain, Transport};

use super::*;

/// A whole answer to an API call: its status and at most the body limit of its kind.
pub(super) struct Answer {
    pub(super) status: StatusCode,
    pub(super) body: Vec<u8>,
}

/// Read at most `limit` bytes of an answer; more is an error, not a truncation.
pub(super) async fn read_body(
    mut resp: reqwest::Response,
    limit: u64,
    url: &str,
) -> Result<Vec<u8>, ArtError> {
    let mut out = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(c)) => {
                if (out.len() + c.len()) as u64 > limit {
                    return Err(ArtError::NotArtifactory {
                        url: url.to_owned(),
                        reason: format!("the answer is larger than {} KiB", limit / 1024),
                    });
                }
                out.extend_from_slice(&c);
            }
            Ok(None) => return Ok(out),
            Err(e) => {
                return Err(ArtError::Unreachable {
                    url: url.to_owned(),
                    stage: "reading the answer failed",
                    reason: chain(&e),
                })
            }
        }
    }
}

/// Whether two URLs share scheme, host and port.
fn same_origin(a: &reqwest::Url, b: &reqwest::Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// Where a 30x answer sends the request next. A redirect to plain http from https, or to
/// anything but http(s), is refused: the request never leaves TLS once it had it.
fn redirect_target(
    from: &reqwest::Url,
    location: Option<&reqwest::header::HeaderValue>,
) -> Result<reqwest::Url, ArtError> {
    let refuse = |target: String, reason: &str| ArtError::Redirect {
        url: from.to_string(),
        target,
        reason: reason.to_owned(),
    };
    let loc = location
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| refuse(String::new(), "the redirect has no usable Location"))?;
    let to = from
        .join(loc)
        .map_err(|e| refuse(crate::text::terminal_safe(loc).into_owned(), &e.to_string()))?;
    match (from.scheme(), to.scheme()) {
        (_, "https") | ("http", "http") => Ok(to),
        ("https", "http") => Err(refuse(
            to.to_string(),
            "it would leave TLS for plain http; refused",
        )),
        _ => Err(refuse(
            to.to_string(),
            "only http(s) redirects are followed",
        )),
    }
}

/// JFrog's error body: `{"errors":[{"status":403,"message":"..."}]}`.
pub(super) fn jfrog_message(body: &str) -> String {
    #[derive(Deserialize)]
    struct E {
        message: Option<String>,
    }
    #[derive(Deserialize)]
    struct Es {
        errors: Vec<E>,
    }
    serde_json::from_str::<Es>(body)
        .ok()
        .and_then(|e| e.errors.into_iter().filter_map(|e| e.message).next())
        .unwrap_or_else(|| body.chars().take(200).collect::<String>().trim().to_owned())
}

impl Artifactory {
    pub fn new(cfg: Config) -> Result<Artifactory, ArtError> {
        let url = reqwest::Url::parse(&cfg.url)
            .map_err(|e| ArtError::Config(format!("URL '{}': {e}", cfg.url)))?;
        if !matches!(url.scheme(), "https" | "http") {
            return Err(ArtError::Config(format!(
                "URL '{}' must start with https://",
                cfg.url
            )));
        }
        if url.scheme() == "http" && !cfg.allow_http {
            return Err(ArtError::Config(format!(
                "URL '{}' is plain http: the credential would travel unencrypted; use https:// (or, on a closed lab network only, --allow-insecure-http)",
                cfg.url
            )));
        }
        let mut certs = Vec::new();
        for f in &cfg.ca_files {
            let pem = std::fs::read(f)
                .map_err(|e| ArtError::Config(format!("CA file {}: {e}", f.display())))?;
            let mut c = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                ArtError::Config(format!(
                    "CA file {}: not PEM certificates: {e}",
                    f.display()
                ))
            })?;
            if c.is_empty() {
                return Err(ArtError::Config(format!(
                    "CA file {} holds no certificate",
                    f.display()
                )));
            }
            certs.append(&mut c);
        }
        let proxy = match &cfg.proxy {
            Some(p) => Some(reqwest::Proxy::all(p).map_err(|e| {
                ArtError::Config(format!("proxy {}: {e}", crate::names::redact_url(p)))
            })?),
            None => None,
        };
        let agent = concat!("ccadmin/", env!("CARGO_PKG_VERSION"));
        // Redirects are followed by `send` below, which decides where the credential goes.
        // API calls have `io_timeout` in all; a download has it per read.
        let mut b = Client::builder()
            .connect_timeout(cfg.connect_timeout)
            .read_timeout(cfg.io_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(agent);
        if !certs.is_empty() {
            b = b.tls_certs_merge(certs);
        }
        if let Some(p) = proxy {
            b = b.proxy(p);
        }
        let client = b.build().map_err(|e| ArtError::Config(chain(&e)))?;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| ArtError::Config(format!("cannot start the HTTP runtime: {e}")))?;
        Ok(Artifactory {
            client,
            rt,
            io_timeout: cfg.io_timeout,
            cancel: Cancel::default(),
            base: cfg.url.trim_end_matches('/').to_owned(),
            origin: url,
            repository: cfg.repository,
            auth: cfg.auth,
            credential: cfg.credential,
            bandwidth: None,
        })
    }

    /// The headers of a request to `url`: the credential only when `url` is the configured
    /// origin (never to a host a redirect named), and the range to resume from.
    fn headers(
        &self,
        url: &reqwest::Url,
        authenticated: bool,
        range_from: Option<u64>,
    ) -> reqwest::header::HeaderMap {
        use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, RANGE};
        let mut h = HeaderMap::new();
        if authenticated && same_origin(url, &self.origin) {
            let (name, value) = match self.auth {
                AuthType::ApiKey => ("x-jfrog-art-api", self.credential.expose().to_owned()),
                AuthType::IdentityToken => (
                    AUTHORIZATION.as_str(),
                    format!("Bearer {}", self.credential.expose()),
                ),
            };
            if let Ok(mut v) = HeaderValue::from_str(&value) {
                v.set_sensitive(true);
                if let Ok(n) = reqwest::header::HeaderName::from_bytes(name.as_bytes()) {
                    h.insert(n, v);
                }
            }
        }
        if let Some(from) = range_from.filter(|f| *f > 0) {
            if let Ok(v) = HeaderValue::from_str(&format!("bytes={from}-")) {
                h.insert(RANGE, v);
            }
        }
        h
    }

    fn parse_url(url: &str) -> Result<reqwest::Url, ArtError> {
        reqwest::Url::parse(url).map_err(|e| ArtError::Config(format!("URL '{url}': {e}")))
    }

    /// Send a GET to `url`, following redirects (the credential only to the configured
    /// origin); the answer's headers have arrived.
    pub(super) async fn send(
        &self,
        url: &str,
        authenticated: bool,
        range_from: Option<u64>,
        whole_timeout: Option<Duration>,
    ) -> Result<reqwest::Response, ArtError> {
        let mut at = Self::parse_url(url)?;
        for _ in 0..=MAX_REDIRECTS {
            let mut req =
                self.client
                    .get(at.clone())
                    .headers(self.headers(&at, authenticated, range_from));
            if let Some(t) = whole_timeout {
                req = req.timeout(t);
            }
            let resp = req
                .send()
                .await
                .map_err(|e| self.transport_error(url, &e))?;
            if !resp.status().is_redirection() {
                return Ok(resp);
            }
            at = redirect_target(&at, resp.headers().get(reqwest::header::LOCATION))?;
        }
        Err(ArtError::Redirect {
            url: url.to_owned(),
            target: at.to_string(),
            reason: format!("more than {MAX_REDIRECTS} redirects"),
        })
    }

    /// Requests end with [`ArtError::Interrupted`] as soon as `cancel` fires.
    pub fn with_cancel(mut self, cancel: Cancel) -> Artifactory {
        self.cancel = cancel;
        self
    }

    /// Run `work` on this client's runtime until it ends or the cancellation fires.
    pub(super) fn until_cancelled<T>(
        &self,
        work: impl std::future::Future<Output = Result<T, ArtError>>,
    ) -> Result<T, ArtError> {
        let cancel = &self.cancel;
        self.rt.block_on(async {
            tokio::select! {
                r = work => r,
                _ = async {
                    while !cancel.is_cancelled() {
                        tokio::time::sleep(CANCEL_CHECK).await;
                    }
                } => Err(ArtError::Interrupted),
            }
        })
    }

    /// An API call: the whole answer, at most `limit` bytes, within the I/O timeout.
    pub(super) fn get(
        &self,
        url: &str,
        authenticated: bool,
        limit: u64,
    ) -> Result<Answer, ArtError> {
        self.until_cancelled(async {
            let resp = self
                .send(url, authenticated, None, Some(self.io_timeout))
                .await?;
            let status = resp.status();
            let body = read_body(resp, limit, url).await?;
            Ok(Answer { status, body })
        })
    }

    fn transport_error(&self, url: &str, e: &reqwest::Error) -> ArtError {
        let text = chain(e);
        let how = crate::clients::transport(e);
        if let Transport::Tls(problem) = how {
            return ArtError::Tls {
                url: url.to_owned(),
                problem,
                reason: text,
            };
        }
        // DNS and proxy failures have no typed error of their own below reqwest; their
        // text only chooses the words of the stage, never the kind of failure.
        let lower = text.to_lowercase();
        let stage = if how == Transport::TimedOut {
            "timed out"
        } else if how == Transport::Refused {
            "connection refused"
        } else if lower.contains("dns") || lower.contains("resolve") || lower.contains("lookup") {
            "DNS lookup failed"
        } else if lower.contains("proxy") {
            "the proxy failed"
        } else if e.is_connect() {
            "connection failed"
        } else {
            "request failed"
        };
        ArtError::Unreachable {
            url: url.to_owned(),
            stage,
            reason: text,
        }
    }

    /// Map an unsuccessful answer to its cause (the causes of rule R7 item 3 in docs/rules.md#r7).
    pub(super) fn status_error(&self, url: &str, a: &Answer) -> ArtError {
        let body = &a.body[..a.body.len().min(SMALL_BODY as usize)];
        self.classify(url, a.status, &String::from_utf8_lossy(body))
    }

    pub(super) fn classify(&self, url: &str, status: StatusCode, body: &str) -> ArtError {
        let message = jfrog_message(body);
        match status {
            StatusCode::UNAUTHORIZED => ArtError::Unauthorized {
                url: url.to_owned(),
                what: self.auth.label(),
            },
            StatusCode::BAD_REQUEST if body.contains("ExpiredRefreshToken") => {
                ArtError::ExpiredToken {
                    url: url.to_owned(),
                }
            }
            StatusCode::FORBIDDEN if message.to_lowercase().contains("eula") => ArtError::Eula {
                url: url.to_owned(),
                message,
            },
            StatusCode::FORBIDDEN => ArtError::NotEntitled {
                url: url.to_owned(),
                repository: self.repository.clone(),
                message,
            },
            StatusCode::NOT_FOUND => ArtError::NoRepository {
                url: self.base.clone(),
                repository: self.repository.clone(),
            },
            s => ArtError::NotArtifactory {
                url: url.to_owned(),
                reason: format!("HTTP {s}: {message}"),
            },
        }
    }
}
