//! Finding 5: a subscriber on a nearly full filesystem (a small tmpfs) never holds half a batch,
//! and its service started on a full disk waits and catches up.

use super::*;

// ---- a nearly full filesystem ----

/// A tmpfs of `size` mounted on `dir` (made here), unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Tmpfs {
        std::fs::create_dir_all(dir).unwrap();
        let out = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(dir)
            .output()
            .expect("run mount");
        assert!(
            out.status.success(),
            "this test needs to mount a tmpfs (run it as root): mount -t tmpfs on {} failed: {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        Tmpfs(dir.to_path_buf())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
        // The mount point, and its temporary directory, which could not go while mounted.
        let _ = std::fs::remove_dir(&self.0);
        if let Some(parent) = self.0.parent() {
            let _ = std::fs::remove_dir(parent);
        }
    }
}

/// Fill the filesystem of `dir` with the file `fill` until nothing is free, then give back
/// `free` bytes (whole pages).
fn fill_up(fill: &Path, free: u64) {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(fill)
        .unwrap();
    let chunk = vec![0x5au8; 4096];
    while f.write_all(&chunk).is_ok() {}
    drop(f);
    let len = std::fs::metadata(fill).unwrap().len();
    let f = std::fs::OpenOptions::new().write(true).open(fill).unwrap();
    f.set_len(len.saturating_sub(free) / 4096 * 4096).unwrap();
    f.sync_all().unwrap();
}

/// The subscriber is consistent: it uses the new SMTP password only with the batch that
/// brought it, i.e. with the new SMTP server and all 60 users.
fn consistent(s: &Path, new_password: &str) -> Result<(), String> {
    let password = smtp_password(s);
    if password.as_deref() != Some(new_password) {
        return Ok(());
    }
    let host = db_rows(s, "SELECT host FROM smtp_config");
    let users = db_rows(s, "SELECT count(*) FROM app_user WHERE name LIKE 'full%'");
    if host != [["mail.full.example.com".to_owned()]] || users != [["60".to_owned()]] {
        return Err(format!(
            "the subscriber uses the new SMTP password while its database has the SMTP host {host:?} and {users:?} of the 60 users"
        ));
    }
    Ok(())
}

/// Finding 5: the subscriber's state directory is a small tmpfs. While the publisher's service
/// is stopped it takes a batch of changes (60 users, a new SMTP server, then a new SMTP
/// password); the subscriber's filesystem is filled up to 8 KiB; the publisher's service comes
/// back and tries: the subscriber never uses the new password without the rest of the batch;
/// with space freed it converges.
#[test]
fn a_subscriber_on_a_full_disk_never_holds_half_a_batch() {
    let (pair, _mount) = pair_with(
        |s| Tmpfs::mount(s, "16m"),
        |_, sp| format!("localhost:{sp}"),
        |_| (),
    );
    let Pair {
        p,
        s,
        publisher,
        subscriber,
        pp,
        _dirs,
        ..
    } = pair;
    set_smtp_password_ok(&p, "Smtp-Before-Full-1");
    node(&p, &["set", "smtp-host", "mail.before.example.com"]);
    wait_for_showing(
        "the first snapshot",
        Duration::from_secs(60),
        || caught_up(&p) && smtp_password(&s).as_deref() == Some("Smtp-Before-Full-1"),
        || format!("{}", subscriber_state(&p)),
    );
    // The changes wait on the publisher (its service stopped), so they reach the subscriber
    // together, in its first attempt after the filesystem is full.
    assert_eq!(publisher.terminate(), Some(0));
    let lines: String = (0..60)
        .map(|i| format!("utils applicationuser add full{i:02}\n"))
        .chain(["set smtp-host mail.full.example.com\n".to_owned()])
        .collect();
    let r = ccadmin(&p)
        .env("CCADMIN_APPLICATIONUSER_PASSWORD", "Full-Disk-Pass-2026")
        .write_stdin(lines)
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    set_smtp_password_ok(&p, "Smtp-After-Full-2");
    let fill = s.join("fill");
    fill_up(&fill, 8 * 1024);
    let _publisher = Served::start_on(&p, pp);
    // While full: the publisher tries (and fails) a few times; every state seen meanwhile is
    // consistent.
    let tried = subscriber_state(&p)["attempts"].as_i64().unwrap_or(0);
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Err(e) = consistent(&s, "Smtp-After-Full-2") {
            panic!("{e} (publisher: {})", subscriber_state(&p));
        }
        let st = subscriber_state(&p);
        if st["attempts"].as_i64().unwrap_or(0) >= tried + 2 || caught_up(&p) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the publisher made no attempts: {st}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    consistent(&s, "Smtp-After-Full-2").unwrap();
    // Space again: it converges.
    std::fs::remove_file(&fill).unwrap();
    wait_for_showing(
        "the subscriber to converge once space is freed",
        Duration::from_secs(60),
        || caught_up(&p) && smtp_password(&s).as_deref() == Some("Smtp-After-Full-2"),
        || format!("{}", subscriber_state(&p)),
    );
    consistent(&s, "Smtp-After-Full-2").unwrap();
    assert_eq!(users(&s), users(&p));
    drop(subscriber);
}

/// The subscriber's service that could not start on a nearly full disk: stopped cleanly, it
/// is started on its full filesystem (a small tmpfs); it does not exit, and once space is
/// freed it serves and catches up with a change made meanwhile.
#[test]
fn a_subscriber_service_started_on_a_full_disk_waits_and_catches_up() {
    let (pair, _mount) = pair_with(
        |s| Tmpfs::mount(s, "16m"),
        |_, sp| format!("localhost:{sp}"),
        |_| (),
    );
    let Pair {
        p,
        s,
        publisher: _publisher,
        subscriber,
        sp,
        _dirs,
        ..
    } = pair;
    wait_for_showing(
        "the first snapshot",
        Duration::from_secs(60),
        || caught_up(&p),
        || format!("{}", subscriber_state(&p)),
    );
    assert_eq!(subscriber.unwrap().terminate(), Some(0));
    let fill = s.join("fill");
    fill_up(&fill, 0);
    add_user_as(&p, "whiledown", "While-Down-Pass-1");
    let errlog = p.parent().unwrap().join("subscriber-serve.stderr");
    let child = Command::new(bin())
        .env("CCADMIN_STATE_DIR", &s)
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{sp}"),
            "--sync-interval",
            "1",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&errlog).unwrap())
        .spawn()
        .unwrap();
    struct Kill(Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut service = Kill(child);
    let said = || std::fs::read_to_string(&errlog).unwrap_or_default();
    let exited = |service: &mut Kill| {
        if let Ok(Some(status)) = service.0.try_wait() {
            panic!(
                "the subscriber's service started on a full filesystem exited ({status}) instead of waiting for space: {}",
                said()
            );
        }
    };
    // It says it cannot go on for lack of space (or it exits, which fails).
    wait_for_showing(
        "the service to say that its filesystem is full",
        Duration::from_secs(60),
        || {
            exited(&mut service);
            let lower = said().to_lowercase();
            lower.contains("space") || lower.contains("full") || lower.contains("disk")
        },
        said,
    );
    std::fs::remove_file(&fill).unwrap();
    let cert = std::fs::read(s.join("tls/cert.pem")).unwrap();
    let client = reqwest::blocking::Client::builder()
        .tls_certs_only(reqwest::Certificate::from_pem_bundle(&cert).unwrap())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    wait_for_showing(
        "the service to serve once space is freed",
        Duration::from_secs(60),
        || {
            exited(&mut service);
            client
                .get(format!("https://localhost:{sp}/health"))
                .send()
                .is_ok_and(|r| r.status() == 200)
        },
        said,
    );
    same_users(&p, &s, "the subscriber to catch up after the restart");
    assert!(users(&s).contains("whiledown"));
}
