//! SFTP on a connection: free space, reading and writing files with 1 MiB buffers, progress
//! and Ctrl-C, atomic and no-replace writes, renames and removal.

use std::ffi::CString;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ssh2::ErrorCode;

use crate::cancel::Cancel;

use super::*;

/// Progress of a transfer: bytes done, bytes in all if known.
pub type Progress<'a> = &'a mut dyn FnMut(u64, Option<u64>);

impl Connection {
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    fn sftp(&self) -> Result<&ssh2::Sftp, SshError> {
        if let Some(s) = self.sftp.get() {
            return Ok(s);
        }
        let s = self
            .session
            .sftp()
            .map_err(|e| self.map_err(e, "start", ""))?;
        Ok(self.sftp.get_or_init(|| s))
    }

    fn map_err(&self, e: ssh2::Error, op: &'static str, path: &str) -> SshError {
        let endpoint = self.endpoint.to_string();
        let path = path.to_owned();
        match e.code() {
            // LIBSSH2_FX_NO_SUCH_FILE, LIBSSH2_FX_NO_SUCH_PATH
            ErrorCode::SFTP(2) | ErrorCode::SFTP(10) => SshError::NotFound { endpoint, path },
            // LIBSSH2_FX_PERMISSION_DENIED, LIBSSH2_FX_WRITE_PROTECT
            ErrorCode::SFTP(3) | ErrorCode::SFTP(12) => {
                SshError::PermissionDenied { endpoint, path }
            }
            ErrorCode::SFTP(_) => SshError::Sftp {
                endpoint,
                op,
                path,
                reason: e.message().to_owned(),
            },
            ErrorCode::Session(libssh2_sys::LIBSSH2_ERROR_TIMEOUT) => SshError::Timeout {
                endpoint,
                stage: op,
                secs: self.timeout.as_secs().max(1),
            },
            ErrorCode::Session(_) => SshError::Dropped {
                endpoint,
                op,
                path,
                reason: e.message().to_owned(),
            },
        }
    }

    fn io_err(&self, e: std::io::Error, op: &'static str, path: &str) -> SshError {
        if e.kind() == std::io::ErrorKind::TimedOut {
            return SshError::Timeout {
                endpoint: self.endpoint.to_string(),
                stage: op,
                secs: self.timeout.as_secs().max(1),
            };
        }
        SshError::Dropped {
            endpoint: self.endpoint.to_string(),
            op,
            path: path.to_owned(),
            reason: e.to_string(),
        }
    }

    /// The bytes free for this account in `dir` (SFTP statvfs of a probe file made there and
    /// removed again).
    pub fn free_space(&self, dir: &str) -> Result<u64, SshError> {
        let sftp = self.sftp()?;
        let probe = format!("{}/.ccadmin-space-probe", dir.trim_end_matches('/'));
        let mut f = sftp
            .open_mode(
                Path::new(&probe),
                ssh2::OpenFlags::WRITE | ssh2::OpenFlags::CREATE | ssh2::OpenFlags::TRUNCATE,
                0o600,
                ssh2::OpenType::File,
            )
            .map_err(|e| self.map_err(e, "open", &probe))?;
        let st = f.statvfs().map_err(|e| self.map_err(e, "statvfs", dir));
        drop(f);
        let _ = sftp.unlink(Path::new(&probe));
        let st = st?;
        Ok(st.f_bavail.saturating_mul(st.f_frsize))
    }

    /// Check that `dir` is an existing directory.
    pub fn check_dir(&self, dir: &str) -> Result<(), SshError> {
        let sftp = self.sftp()?;
        let st = sftp
            .stat(Path::new(dir))
            .map_err(|e| self.map_err(e, "stat", dir))?;
        if !st.is_dir() {
            return Err(SshError::Sftp {
                endpoint: self.endpoint.to_string(),
                op: "stat",
                path: dir.to_owned(),
                reason: "it is not a directory".into(),
            });
        }
        Ok(())
    }

    /// Read a whole remote file.
    /// Read a remote file of at most `limit` bytes (the server's word on the size is not
    /// trusted: the bytes are counted as they arrive).
    pub fn read_file(
        &self,
        path: &str,
        limit: u64,
        cancel: &Cancel,
        progress: Progress,
    ) -> Result<Vec<u8>, SshError> {
        let _watch = self.watch(cancel);
        let r = self.read_file_watched(path, limit, cancel.flag(), progress);
        if cancel.is_cancelled() {
            return Err(SshError::Interrupted);
        }
        r
    }

    /// While the returned guard lives, a cancellation shuts the socket, so a transfer stuck on a
    /// server that stopped answering ends at once.
    pub(super) fn watch(&self, cancel: &Cancel) -> Option<DeadlineGuard> {
        let far = Instant::now() + Duration::from_secs(365 * 24 * 3600);
        self.sock
            .as_ref()
            .map(|s| DeadlineGuard::new(s, far, Some(cancel)))
    }

    fn read_file_watched(
        &self,
        path: &str,
        limit: u64,
        interrupt: &AtomicBool,
        progress: Progress,
    ) -> Result<Vec<u8>, SshError> {
        let sftp = self.sftp()?;
        let mut f = sftp
            .open(Path::new(path))
            .map_err(|e| self.map_err(e, "open", path))?;
        let too_large = || SshError::TooLarge {
            endpoint: self.endpoint.to_string(),
            path: path.to_owned(),
            limit,
        };
        let total = f.stat().ok().and_then(|s| s.size);
        if total.is_some_and(|t| t > limit) {
            return Err(too_large());
        }
        let mut out = Vec::with_capacity(total.unwrap_or(0).min(limit) as usize);
        let mut buf = vec![0u8; CHUNK];
        loop {
            if interrupt.load(Ordering::SeqCst) {
                return Err(SshError::Interrupted);
            }
            let n = f
                .read(&mut buf)
                .map_err(|e| self.io_err(e, "download", path))?;
            if n == 0 {
                break;
            }
            if (out.len() + n) as u64 > limit {
                return Err(too_large());
            }
            out.extend_from_slice(&buf[..n]);
            progress(out.len() as u64, total);
        }
        if let Some(t) = total {
            if (out.len() as u64) < t {
                return Err(SshError::Dropped {
                    endpoint: self.endpoint.to_string(),
                    op: "download",
                    path: path.to_owned(),
                    reason: format!("only {} of {t} bytes arrived", out.len()),
                });
            }
        }
        Ok(out)
    }

    /// Write `data` as `dir/name` atomically: to a temporary name in the same directory, then
    /// renamed over the old file, so readers see the old file or the complete new one.
    pub fn write_file_atomic(
        &self,
        dir: &str,
        name: &str,
        data: &[u8],
        cancel: &Cancel,
        progress: Progress,
    ) -> Result<(), SshError> {
        let _watch = self.watch(cancel);
        let r = self.write_file_watched(dir, name, data, cancel.flag(), progress);
        if cancel.is_cancelled() {
            return Err(SshError::Interrupted);
        }
        r
    }

    fn write_file_watched(
        &self,
        dir: &str,
        name: &str,
        data: &[u8],
        interrupt: &AtomicBool,
        progress: Progress,
    ) -> Result<(), SshError> {
        let sftp = self.sftp()?;
        let dir = dir.trim_end_matches('/');
        let dir = if dir.is_empty() { "/" } else { dir };
        let final_path = format!("{}/{name}", dir.trim_end_matches('/'));
        let tmp_path = format!(
            "{}/.{name}.ccadmin-{}.tmp",
            dir.trim_end_matches('/'),
            std::process::id()
        );
        self.check_dir(dir)?;
        let result = (|| {
            let mut f = sftp
                .open_mode(
                    Path::new(&tmp_path),
                    ssh2::OpenFlags::WRITE | ssh2::OpenFlags::CREATE | ssh2::OpenFlags::TRUNCATE,
                    0o644,
                    ssh2::OpenType::File,
                )
                .map_err(|e| self.map_err(e, "create", &tmp_path))?;
            let mut done = 0usize;
            for chunk in data.chunks(CHUNK) {
                if interrupt.load(Ordering::SeqCst) {
                    return Err(SshError::Interrupted);
                }
                f.write_all(chunk)
                    .map_err(|e| self.io_err(e, "upload", &final_path))?;
                done += chunk.len();
                progress(done as u64, Some(data.len() as u64));
            }
            // fsync@openssh.com where the server has it; harmless where it does not.
            let _ = f.fsync();
            drop(f);
            self.rename_over(sftp, &tmp_path, &final_path)
        })();
        if result.is_err() {
            // Best effort: a connection that is gone cannot clean up, and the temporary name
            // never shadows the real file.
            let _ = sftp.unlink(Path::new(&tmp_path));
        }
        result
    }

    /// Create `dir/name` holding `data` only if it does not exist yet: written whole under a
    /// temporary name (SFTP's exclusive create), then linked into place with SFTP's rename,
    /// which never replaces a file (OpenSSH links; Windows' MoveFile refuses an existing name),
    /// so of two writers at most one makes it and nobody ever reads it half written.
    /// `Ok(false)`: it existed. A temporary file a killed writer left is never read.
    pub fn create_file_exclusive(
        &self,
        dir: &str,
        name: &str,
        data: &[u8],
        cancel: &Cancel,
    ) -> Result<bool, SshError> {
        // The whole file under a name of its own first, then linked into place only if the
        // name is free: a process killed at any instant leaves the file whole or absent, never
        // empty or half written (a lease read back as "not valid" would stop every run).
        let _watch = self.watch(cancel);
        let r =
            self.write_no_replace_watched(dir, name, data, cancel.flag(), &mut |_, _| {}, 0o600);
        if cancel.is_cancelled() {
            return Err(SshError::Interrupted);
        }
        r
    }

    /// Rename `from` to `to` only if `to` does not exist (SFTP's plain rename, which OpenSSH
    /// does with a link): of two renamers of one file, one succeeds.
    pub fn rename_no_replace(&self, from: &str, to: &str) -> Result<(), SshError> {
        let sftp = self.sftp()?;
        sftp.rename(Path::new(from), Path::new(to), None)
            .map_err(|e| self.map_err(e, "rename", from))
    }

    /// Make the directory `dir` if there is none; an existing directory is fine, anything else
    /// of that name is an error.
    pub fn make_dir(&self, dir: &str) -> Result<(), SshError> {
        let sftp = self.sftp()?;
        if let Err(e) = sftp.mkdir(Path::new(dir), 0o755) {
            // It may exist already (mkdir's failure does not say so on every server).
            return match self.check_dir(dir) {
                Ok(()) => Ok(()),
                Err(SshError::NotFound { .. }) => Err(self.map_err(e, "mkdir", dir)),
                Err(other) => Err(other),
            };
        }
        Ok(())
    }

    /// Write `data` as `dir/name` only if there is no `dir/name`, never over anything: to a
    /// temporary name created exclusively, then renamed with SFTP's plain rename, which
    /// refuses an existing target (OpenSSH does it with a link), so readers see no file or the
    /// complete one. `Ok(false)`: `dir/name` exists; it was left as it was (and nothing was
    /// sent when it existed beforehand).
    pub fn write_file_no_replace(
        &self,
        dir: &str,
        name: &str,
        data: &[u8],
        cancel: &Cancel,
        progress: Progress,
    ) -> Result<bool, SshError> {
        let _watch = self.watch(cancel);
        let r = self.write_no_replace_watched(dir, name, data, cancel.flag(), progress, 0o644);
        if cancel.is_cancelled() {
            return Err(SshError::Interrupted);
        }
        r
    }

    fn write_no_replace_watched(
        &self,
        dir: &str,
        name: &str,
        data: &[u8],
        interrupt: &AtomicBool,
        progress: Progress,
        mode: i32,
    ) -> Result<bool, SshError> {
        let sftp = self.sftp()?;
        let dir = dir.trim_end_matches('/');
        let dir = if dir.is_empty() { "/" } else { dir };
        let final_path = format!("{}/{name}", dir.trim_end_matches('/'));
        self.check_dir(dir)?;
        if sftp.lstat(Path::new(&final_path)).is_ok() {
            return Ok(false);
        }
        let tmp_path = format!(
            "{}/.{name}.ccadmin-{}-{}.tmp",
            dir.trim_end_matches('/'),
            std::process::id(),
            rand_core::RngCore::next_u32(&mut rand_core::OsRng)
        );
        let mut f = sftp
            .open_mode(
                Path::new(&tmp_path),
                ssh2::OpenFlags::WRITE | ssh2::OpenFlags::CREATE | ssh2::OpenFlags::EXCLUSIVE,
                mode,
                ssh2::OpenType::File,
            )
            .map_err(|e| self.map_err(e, "create", &tmp_path))?;
        let result = (|| {
            let mut done = 0usize;
            for chunk in data.chunks(CHUNK) {
                if interrupt.load(Ordering::SeqCst) {
                    return Err(SshError::Interrupted);
                }
                f.write_all(chunk)
                    .map_err(|e| self.io_err(e, "upload", &final_path))?;
                done += chunk.len();
                progress(done as u64, Some(data.len() as u64));
            }
            // fsync@openssh.com where the server has it; harmless where it does not.
            let _ = f.fsync();
            Ok(())
        })();
        drop(f);
        let result = result.and_then(|()| match self.rename_no_replace(&tmp_path, &final_path) {
            Ok(()) => Ok(true),
            // Made by someone else meanwhile: left as it is.
            Err(_) if sftp.lstat(Path::new(&final_path)).is_ok() => Ok(false),
            Err(e) => Err(e),
        });
        if !matches!(result, Ok(true)) {
            // Best effort: a connection that is gone cannot clean up.
            let _ = sftp.unlink(Path::new(&tmp_path));
        }
        result
    }

    /// Remove a remote file; `Ok(false)` when there was none.
    pub fn remove_file(&self, path: &str) -> Result<bool, SshError> {
        let sftp = self.sftp()?;
        match sftp.unlink(Path::new(path)) {
            Ok(()) => Ok(true),
            Err(e) => match self.map_err(e, "remove", path) {
                SshError::NotFound { .. } => Ok(false),
                other => Err(other),
            },
        }
    }

    /// Rename replacing the target, atomically. OpenSSH's SFTP v3 rename refuses an existing
    /// target, so the posix-rename@openssh.com extension is used where the server offers it;
    /// without it a plain rename is atomic only when there is no target yet. A server that
    /// can do neither gets an error, never an unlink followed by a rename (a window in which
    /// the file does not exist).
    fn rename_over(&self, sftp: &ssh2::Sftp, from: &str, to: &str) -> Result<(), SshError> {
        if self.posix_rename(from, to).is_ok() {
            return Ok(());
        }
        sftp.rename(Path::new(from), Path::new(to), None)
            .map_err(|e| SshError::Sftp {
                endpoint: self.endpoint.to_string(),
                op: "atomic replace",
                path: to.to_owned(),
                reason: format!(
                    "the server offers no posix-rename@openssh.com and refuses to rename over the existing file ({e}); the file was left as it was"
                ),
            })
    }

    fn posix_rename(&self, from: &str, to: &str) -> Result<(), ()> {
        // libssh2 has had this function since 1.11 (the version libssh2-sys bundles and
        // links statically), but neither ssh2 nor libssh2-sys binds it. The declaration is
        // copied from that version's libssh2_sftp.h; the SFTP tests against OpenSSH's
        // sftp-server prove the replacement (export twice, the file is the new one).
        extern "C" {
            fn libssh2_sftp_posix_rename_ex(
                sftp: *mut libssh2_sys::LIBSSH2_SFTP,
                source: *const libc::c_char,
                source_len: libc::size_t,
                dest: *const libc::c_char,
                dest_len: libc::size_t,
            ) -> libc::c_int;
        }
        let (Ok(f), Ok(t)) = (CString::new(from), CString::new(to)) else {
            return Err(());
        };
        let mut raw = self.session.raw();
        // SAFETY: the session is locked by `raw` for the whole block and is in blocking mode;
        // the SFTP handle is created, used and shut down here and outlives no borrow.
        #[allow(unsafe_code)]
        unsafe {
            let sftp = libssh2_sys::libssh2_sftp_init(&mut *raw);
            if sftp.is_null() {
                return Err(());
            }
            let rc =
                libssh2_sftp_posix_rename_ex(sftp, f.as_ptr(), from.len(), t.as_ptr(), to.len());
            libssh2_sys::libssh2_sftp_shutdown(sftp);
            if rc == 0 {
                Ok(())
            } else {
                Err(())
            }
        }
    }
}
