//! Server-rendered pages of both services (the hub's pages, the publisher's consent page):
//! minijinja templates with HTML escaping on, form bodies parsed into typed values, answers
//! with the headers a page for people needs (no framing, no referrer, a strict content
//! security policy: no script at all, styles inline only).

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderValue, CACHE_CONTROL, CONTENT_TYPE, LOCATION, SET_COOKIE};
use hyper::{Response, StatusCode};
use serde::Serialize;

use super::https::Reply;

/// The templates of one service.
pub struct Pages {
    env: minijinja::Environment<'static>,
}

impl Pages {
    /// `templates`: (name, source), compiled into the binary.
    pub fn new(templates: &[(&'static str, &'static str)]) -> Pages {
        let mut env = minijinja::Environment::new();
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Lenient);
        for (name, source) in templates {
            // The templates are part of the program; a broken one is a bug tests catch.
            if let Err(e) = env.add_template(name, source) {
                panic!("template {name}: {e}");
            }
        }
        Pages { env }
    }

    /// A page: the template rendered with `ctx`, or a plain error page if it cannot be.
    pub fn render<S: Serialize>(&self, status: StatusCode, name: &str, ctx: S) -> Reply {
        match self.env.get_template(name).and_then(|t| t.render(ctx)) {
            Ok(html) => page(status, html),
            Err(e) => page(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!(
                    "<!doctype html><title>Error</title><p>The page cannot be shown: {}</p>",
                    escape(&e.to_string())
                ),
            ),
        }
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn secure_headers(r: &mut Reply) {
    let h = r.headers_mut();
    h.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self' https:; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

/// An HTML answer.
pub fn page(status: StatusCode, html: String) -> Reply {
    let mut r = Response::new(Full::new(Bytes::from(html)));
    *r.status_mut() = status;
    r.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    secure_headers(&mut r);
    r
}

/// 303 See Other to `location` (after a form is posted), setting `cookie` if given.
pub fn redirect(location: &str, cookie: Option<&str>) -> Reply {
    let mut r = Response::new(Full::new(Bytes::new()));
    *r.status_mut() = StatusCode::SEE_OTHER;
    if let Ok(v) = HeaderValue::from_str(location) {
        r.headers_mut().insert(LOCATION, v);
    }
    if let Some(c) = cookie.and_then(|c| HeaderValue::from_str(c).ok()) {
        r.headers_mut().insert(SET_COOKIE, c);
    }
    secure_headers(&mut r);
    r
}

/// A form body that is not `application/x-www-form-urlencoded` text.
#[derive(Debug, thiserror::Error)]
#[error("the form cannot be read: {0}")]
pub struct FormError(serde_urlencoded::de::Error);

/// The fields of a form body (`application/x-www-form-urlencoded`), in order.
pub fn form(body: &[u8]) -> Result<Vec<(String, String)>, FormError> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).map_err(FormError)
}

/// The query string's fields.
pub fn query(q: Option<&str>) -> Vec<(String, String)> {
    q.and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
        .unwrap_or_default()
}

/// The first value of `name` among `fields` ("" when absent).
pub fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// A cookie's value from a `Cookie` header.
pub fn cookie<'a>(header: Option<&'a str>, name: &str) -> Option<&'a str> {
    header?
        .split(';')
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Constant-time comparison of two tokens.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}
