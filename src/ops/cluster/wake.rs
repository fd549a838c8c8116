//! Waking this node's service when cluster-wide state changed: a command that wrote it says so
//! over a datagram socket in the state directory, and replication starts at once instead of at
//! the service's next interval.

use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::ops::Node;

/// The socket in the state directory that a running `serve` listens on for "something
/// changed": a command that wrote cluster-wide state says so, and replication starts at once.
const WAKE_SOCKET: &str = "serve.wake";

/// Tell this node's service that cluster-wide state changed (nothing happens without one).
pub fn changed(node: &Node) {
    nudge(node.root());
}

/// Never waits: when the service is not reading (stopped, hung, busy) and its queue is full,
/// the wake-up is dropped, and the service's interval catches up.
pub fn nudge(root: &Path) {
    if let Ok(s) = UnixDatagram::unbound() {
        if s.set_nonblocking(true).is_ok() {
            let _ = s.send_to(b"!", root.join(WAKE_SOCKET));
        }
    }
}

/// The service's end of the wake-up socket.
pub struct Wakeup {
    socket: UnixDatagram,
    path: PathBuf,
}

impl Wakeup {
    pub fn bind(root: &Path) -> std::io::Result<Wakeup> {
        let path = root.join(WAKE_SOCKET);
        let _ = std::fs::remove_file(&path);
        Ok(Wakeup {
            socket: UnixDatagram::bind(&path)?,
            path,
        })
    }

    /// Wait until woken or `d` passes; every wake-up already queued is taken with it.
    pub fn wait(&self, d: Duration) {
        let mut buf = [0u8; 8];
        let _ = self.socket.set_read_timeout(Some(d));
        if self.socket.recv(&mut buf).is_ok() {
            let _ = self.socket.set_nonblocking(true);
            while self.socket.recv(&mut buf).is_ok() {}
            let _ = self.socket.set_nonblocking(false);
        }
    }
}

impl Drop for Wakeup {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}
