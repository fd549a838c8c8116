//! A cancellation token: Ctrl-C in the console, SIGTERM in `serve`. Operations check it between
//! steps; clients watch it while they wait on the network (a connection waiting on a silent
//! host is shut when it fires), and waiting code sleeps on it, so a cancelled wait ends at once
//! instead of at its next poll.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// A cancellation token: Ctrl-C in the console, SIGTERM in `serve`. Operations check it
/// between steps and pass its flag to clients; waiting code sleeps on it and wakes when it
/// fires, so a cancelled wait ends at once instead of at its next poll.
#[derive(Clone, Default)]
pub struct Cancel(Arc<CancelInner>);

#[derive(Default)]
struct CancelInner {
    flag: AtomicBool,
    lock: Mutex<()>,
    wake: Condvar,
}

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }
    pub fn cancel(&self) {
        self.0.flag.store(true, Ordering::SeqCst);
        let _g = self.0.lock.lock().unwrap_or_else(|p| p.into_inner());
        self.0.wake.notify_all();
    }
    /// Clear a cancellation that has been handled (the shell, before its next command).
    pub fn reset(&self) {
        self.0.flag.store(false, Ordering::SeqCst);
    }
    pub fn is_cancelled(&self) -> bool {
        self.0.flag.load(Ordering::SeqCst)
    }
    /// The flag itself, for clients that poll it between reads.
    pub fn flag(&self) -> &AtomicBool {
        &self.0.flag
    }
    pub fn check(&self) -> crate::op_error::OpResult {
        if self.is_cancelled() {
            Err(crate::op_error::OpError::interrupted())
        } else {
            Ok(())
        }
    }
    /// Sleep up to `d`; `true` if cancelled (at once, or while waiting).
    pub fn wait(&self, d: Duration) -> bool {
        let deadline = Instant::now() + d;
        let mut g = self.0.lock.lock().unwrap_or_else(|p| p.into_inner());
        while !self.is_cancelled() {
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            g = self
                .0
                .wake
                .wait_timeout(g, deadline - now)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        true
    }
}

/// Why [`Cancel::recv`] returned without a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waited {
    Cancelled,
    TimedOut,
    /// The sender went away without sending.
    Gone,
}

/// How often a wait on something that cannot be woken (a channel, a socket) looks at the token.
pub const TICK: Duration = Duration::from_millis(100);

impl Cancel {
    /// The next value from `rx`, until `until` or until cancelled, whichever is first.
    pub fn recv<T>(&self, rx: &std::sync::mpsc::Receiver<T>, until: Instant) -> Result<T, Waited> {
        use std::sync::mpsc::RecvTimeoutError;
        loop {
            if self.is_cancelled() {
                return Err(Waited::Cancelled);
            }
            let now = Instant::now();
            if now >= until {
                return Err(Waited::TimedOut);
            }
            match rx.recv_timeout((until - now).min(TICK)) {
                Ok(v) => return Ok(v),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return Err(Waited::Gone),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cancelled_wait_ends_at_once_and_an_uncancelled_one_at_its_end() {
        let c = Cancel::new();
        assert!(!c.wait(Duration::from_millis(1)));
        let c2 = c.clone();
        let t = std::thread::spawn(move || c2.wait(Duration::from_secs(3600)));
        c.cancel();
        assert!(t.join().unwrap(), "the waiter saw the cancellation");
        assert!(c.check().is_err());
        c.reset();
        assert!(c.check().is_ok());
    }

    #[test]
    fn a_channel_wait_ends_with_the_value_the_deadline_or_the_cancellation() {
        let c = Cancel::new();
        let (tx, rx) = std::sync::mpsc::channel();
        tx.send(7).unwrap();
        let far = Instant::now() + Duration::from_secs(3600);
        assert_eq!(c.recv(&rx, far), Ok(7));
        assert_eq!(c.recv(&rx, Instant::now()), Err(Waited::TimedOut));
        let c2 = c.clone();
        std::thread::spawn(move || c2.cancel());
        assert_eq!(c.recv(&rx, far), Err(Waited::Cancelled));
        drop(tx);
        c.reset();
        assert_eq!(c.recv(&rx, far), Err(Waited::Gone));
    }
}
