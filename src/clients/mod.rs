//! Clients of the peers ccadmin talks to. Each is built from plain configuration (host, port,
//! paths, timeouts), so tests point them at loopback servers, and each has its own typed error
//! carrying host, path or URL — never a secret.

pub mod artifactory;
pub mod ssh;
