//! Issue 29: the replication faults that left the Cloud Connect pair different while
//! `utils dbreplication runtimestate` reported no error, each against real `ccadmin serve`
//! nodes on loopback: a snapshot delivered late (through a proxy in the test that holds it), a
//! publisher restored from a copy of its state directory, writers while the publisher's
//! service is stopped (SIGSTOP), `set smtp-pswd` on a locked database, a subscriber on a
//! nearly full filesystem (a small tmpfs), and retries towards a subscriber that is down.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::cluster::{add_user_as, caught_up, node, replication, sql, subscriber_state, Pair};
use crate::jfrog::{JFrog, GOOD_KEY};
use crate::serve::Served;
use crate::util::{bin, ccadmin, run, wait_for_showing};

/// `crate::cluster::pair_built` with services started the usual way.
fn pair_with<T>(
    prepare: impl FnOnce(&Path) -> T,
    name: impl FnOnce(&Path, u16) -> String,
    before_join: impl FnOnce(&Path),
) -> (Pair, T) {
    crate::cluster::pair_built(Served::start, prepare, name, before_join)
}

/// Rows of `query` on a node's database, read directly (read-only), each column as text.
pub fn db_rows(st: &Path, query: &str) -> Vec<Vec<String>> {
    let conn = rusqlite::Connection::open_with_flags(
        st.join("ccadmin.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    conn.busy_timeout(Duration::from_secs(30)).unwrap();
    let mut stmt = conn
        .prepare(query)
        .unwrap_or_else(|e| panic!("{query}: {e}"));
    let n = stmt.column_count();
    let rows = stmt
        .query_map([], |r| {
            (0..n)
                .map(|i| {
                    Ok(match r.get_ref(i)? {
                        rusqlite::types::ValueRef::Null => "NULL".to_owned(),
                        rusqlite::types::ValueRef::Integer(v) => v.to_string(),
                        rusqlite::types::ValueRef::Real(v) => v.to_string(),
                        rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => {
                            String::from_utf8_lossy(t).into_owned()
                        }
                    })
                })
                .collect::<rusqlite::Result<Vec<String>>>()
        })
        .unwrap();
    rows.collect::<rusqlite::Result<_>>().unwrap()
}

/// The SMTP password a node uses: the one place that knows where it is kept. Today it is
/// `smtp-password` in the file secret store (`<state>/secrets`, a JSON object); where the
/// node points a slot at another name (`secret_slot`), the name it points at.
fn smtp_password(st: &Path) -> Option<String> {
    crate::util::slot_secret(st, "smtp-password")
}

/// `set smtp-pswd` with `password`; the command's output.
fn set_smtp_password(st: &Path, password: &str) -> std::process::Output {
    ccadmin(st)
        .env("CCADMIN_SMTP_PASSWORD", password)
        .args(["set", "smtp-pswd"])
        .output()
        .unwrap()
}

fn set_smtp_password_ok(st: &Path, password: &str) {
    let out = set_smtp_password(st, password);
    assert!(
        out.status.success(),
        "set smtp-pswd: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A `ccadmin` process on `st` (not waited for), with `env`.
pub fn spawn(st: &Path, args: &[&str], env: &[(&str, &str)]) -> Child {
    let mut c = Command::new(bin());
    for (k, _) in std::env::vars() {
        if k.starts_with("CCADMIN_") {
            c.env_remove(k);
        }
    }
    c.env("CCADMIN_STATE_DIR", st)
        .env("HOME", st.parent().unwrap())
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .envs(env.iter().copied())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Wait for `child` for at most `secs` (a bound that only catches a hang): killed and a
/// failure if it has not exited by then; its exit status and stderr otherwise.
pub fn finish(mut child: Child, what: &str, secs: u64) -> (std::process::ExitStatus, String) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            return (status, err);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} hung: it had not exited after {secs} s and was killed");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The application users of a node: (pkid, name), by name.
fn users(st: &Path) -> String {
    sql(st, "select pkid, name from applicationuser order by name")
}

// ---- a proxy that can hold a request and deliver it later ----

/// A request the proxy took and did not pass on yet.
struct Held {
    request: tiny_http::Request,
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

#[derive(Default)]
struct ProxyState {
    /// Hold the next `POST /replication/changes` instead of passing it on.
    hold_changes: bool,
    held: Option<Held>,
}

/// An HTTPS proxy in front of a subscriber's service: it serves with the subscriber's own
/// certificate and key (so the publisher, which trusts that certificate, cannot tell it
/// apart), passes every request on to the service and its answer back, and can hold one
/// batch of changes to deliver it later, after the publisher gave up on it.
struct Proxy {
    port: u16,
    state: Arc<Mutex<ProxyState>>,
    target: Arc<Target>,
    stop: Arc<std::sync::atomic::AtomicBool>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

struct Target {
    port: u16,
    client: reqwest::blocking::Client,
}

impl Target {
    /// Pass a request on to the service: its status and body.
    fn send(
        &self,
        method: &str,
        url: &str,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<(u16, Vec<u8>), String> {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut r = self
            .client
            .request(method, format!("https://localhost:{}{url}", self.port))
            .body(body.to_vec());
        for (k, v) in headers {
            let skip = ["host", "content-length", "connection", "transfer-encoding"];
            if !skip.contains(&k.to_ascii_lowercase().as_str()) {
                r = r.header(k.as_str(), v.as_str());
            }
        }
        let resp = r.send().map_err(|e| format!("{e:?}"))?;
        let status = resp.status().as_u16();
        let body = resp.bytes().map_err(|e| format!("{e:?}"))?.to_vec();
        Ok((status, body))
    }
}

fn reply(request: tiny_http::Request, status: u16, body: Vec<u8>) {
    let _ = request.respond(
        tiny_http::Response::from_data(body)
            .with_status_code(status)
            .with_header(
                tiny_http::Header::from_bytes("Content-Type", "application/json").unwrap(),
            ),
    );
}

impl Proxy {
    /// In front of the service of state directory `st` listening on `port`.
    fn start(st: &Path, port: u16) -> Proxy {
        let cert = std::fs::read(st.join("tls/cert.pem")).unwrap();
        let key = std::fs::read(st.join("tls/key.pem")).unwrap();
        let server = tiny_http::Server::https(
            "127.0.0.1:0",
            tiny_http::SslConfig {
                certificate: cert.clone(),
                private_key: key,
            },
        )
        .expect("start the proxy");
        let target = Arc::new(Target {
            port,
            client: reqwest::blocking::Client::builder()
                .tls_certs_only(reqwest::Certificate::from_pem_bundle(&cert).unwrap())
                .timeout(Duration::from_secs(60))
                .build()
                .unwrap(),
        });
        let proxy = Proxy {
            port: server.server_addr().to_ip().unwrap().port(),
            state: Arc::default(),
            target: Arc::clone(&target),
            stop: Arc::default(),
        };
        let (state, stop) = (Arc::clone(&proxy.state), Arc::clone(&proxy.stop));
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let Ok(Some(mut request)) = server.recv_timeout(Duration::from_millis(100)) else {
                    continue;
                };
                let mut body = Vec::new();
                if request.as_reader().read_to_end(&mut body).is_err() {
                    continue;
                }
                let method = request.method().as_str().to_owned();
                let url = request.url().to_owned();
                let headers: Vec<(String, String)> = request
                    .headers()
                    .iter()
                    .map(|h| (h.field.as_str().to_string(), h.value.as_str().to_owned()))
                    .collect();
                {
                    let mut st = state.lock().unwrap();
                    if st.hold_changes && method == "POST" && url == "/replication/changes" {
                        st.hold_changes = false;
                        st.held = Some(Held {
                            request,
                            method,
                            url,
                            headers,
                            body,
                        });
                        continue;
                    }
                }
                let target = Arc::clone(&target);
                std::thread::spawn(move || match target.send(&method, &url, &headers, &body) {
                    Ok((status, body)) => reply(request, status, body),
                    Err(e) => reply(request, 502, e.into_bytes()),
                });
            }
        });
        proxy
    }

    fn hold_next_batch(&self) {
        self.state.lock().unwrap().hold_changes = true;
    }

    /// The body of the batch held, once one is.
    fn held_body(&self) -> Option<Vec<u8>> {
        self.state
            .lock()
            .unwrap()
            .held
            .as_ref()
            .map(|h| h.body.clone())
    }

    /// Deliver the batch held to the service now: its answer (status, body).
    fn deliver(&self) -> (u16, String) {
        let h = self
            .state
            .lock()
            .unwrap()
            .held
            .take()
            .expect("a batch is held");
        let (status, body) = self
            .target
            .send(&h.method, &h.url, &h.headers, &h.body)
            .expect("the held batch reaches the subscriber");
        // The publisher gave up on this request long ago; the answer goes nowhere.
        reply(h.request, status, body.clone());
        (status, String::from_utf8_lossy(&body).into_owned())
    }
}

/// Finding 1: the first snapshot (with the image-repository setting, its credential and the
/// SMTP password) is held by a proxy until the publisher's retry, carrying a newer SMTP
/// password, has been applied; delivered then, it changes nothing: the credential is still
/// there, the SMTP password is the newest, and the subscriber's state is the publisher's.
#[test]
fn a_late_snapshot_changes_nothing_on_the_subscriber() {
    let proxy: Mutex<Option<Proxy>> = Mutex::new(None);
    let j = JFrog::start();
    // The image repository and the SMTP password exist when the subscriber joins, so its
    // first batch (a snapshot) carries both.
    let (pair, ()) = pair_with(
        |_| (),
        |s, sp| {
            let px = Proxy::start(s, sp);
            px.hold_next_batch();
            let name = format!("localhost:{}", px.port);
            *proxy.lock().unwrap() = Some(px);
            name
        },
        |p| {
            let key = p.parent().unwrap().join("key");
            std::fs::write(&key, GOOD_KEY).unwrap();
            node(
                p,
                &j.set_args(&key)
                    .iter()
                    .map(String::as_str)
                    .collect::<Vec<_>>(),
            );
            set_smtp_password_ok(p, "Smtp-Old-Password-1");
        },
    );
    let proxy = proxy.into_inner().unwrap().unwrap();
    let Pair {
        p,
        s,
        publisher: _publisher,
        subscriber: _subscriber,
        _dirs,
        ..
    } = pair;
    wait_for_showing(
        "the proxy to hold the first batch",
        Duration::from_secs(60),
        || proxy.held_body().is_some(),
        || format!("{}", subscriber_state(&p)),
    );
    let held: serde_json::Value = serde_json::from_slice(&proxy.held_body().unwrap()).unwrap();
    assert_eq!(held["snapshot"], true, "{held}");
    assert!(
        held["image_repository"]["credential"] == GOOD_KEY
            && held["smtp"]["password"] == "Smtp-Old-Password-1",
        "the held snapshot carries the credential and the old SMTP password: {held}"
    );
    // A newer change; the publisher's retry (after its call timed out) carries it and lands.
    set_smtp_password_ok(&p, "Smtp-New-Password-2");
    wait_for_showing(
        "the publisher's retry to land",
        Duration::from_secs(60),
        || caught_up(&p),
        || format!("{}", subscriber_state(&p)),
    );
    assert_eq!(
        smtp_password(&s).as_deref(),
        Some("Smtp-New-Password-2"),
        "the retry brought the new password"
    );
    // Now the held snapshot arrives.
    let (status, answer) = proxy.deliver();
    assert!(
        status < 500,
        "the late snapshot was answered {status}: {answer}"
    );

    // Every difference, not only the first.
    let mut wrong = Vec::new();
    let shown = run(&s, &["utils", "image-repository", "show"], "");
    if shown.code != 0
        || !shown.stdout.contains("a1b2")
        || shown.stdout.to_lowercase().contains("missing")
    {
        wrong.push(format!(
            "the subscriber's image-repository credential is gone:\n{}{}",
            shown.stdout, shown.stderr
        ));
    }
    let password = smtp_password(&s);
    if password.as_deref() != Some("Smtp-New-Password-2") {
        wrong.push(format!(
            "the subscriber's SMTP password is {password:?}, not the newest"
        ));
    }
    // The database is the publisher's.
    for q in [
        "SELECT pkid, name, password_hash FROM app_user ORDER BY pkid",
        "SELECT url, repository, auth_type, software, proxy, last_validated FROM image_repository",
        "SELECT host, port, security, from_email, use_auth, user FROM smtp_config",
    ] {
        let (at_s, at_p) = (db_rows(&s, q), db_rows(&p, q));
        if at_s != at_p {
            wrong.push(format!("{q}: subscriber {at_s:?}, publisher {at_p:?}"));
        }
    }
    let seq = replication(&p)["sequence"].as_i64().unwrap();
    if subscriber_state(&p)["applied"] != seq {
        wrong.push(format!(
            "the subscriber is not at {seq}: {}",
            subscriber_state(&p)
        ));
    }
    assert!(
        wrong.is_empty(),
        "after the late snapshot (answered {status}: {answer}):\n{}",
        wrong.join("\n")
    );
}

/// `cp -a` of a state directory (the service stopped).
/// Wait (bounded) until the publisher sees the subscriber caught up with the same users.
fn same_users(p: &Path, s: &Path, what: &str) {
    wait_for_showing(
        what,
        Duration::from_secs(60),
        || caught_up(p) && users(s) == users(p),
        || format!("{}", subscriber_state(p)),
    );
}

/// Stop the publisher, copy its state directory aside (the backup), and start it again.
fn back_up(p: &Path, publisher: Served, port: u16) -> (PathBuf, Served) {
    assert_eq!(publisher.terminate(), Some(0));
    let backup = p.parent().unwrap().join("backup");
    copy_dir(p, &backup);
    (backup, Served::start_on(p, port))
}

/// Stop the publisher, put the backup back in place of its state, and start it again.
fn restore(p: &Path, publisher: Served, port: u16, backup: &Path) -> Served {
    assert_eq!(publisher.terminate(), Some(0));
    std::fs::remove_dir_all(p).unwrap();
    copy_dir(backup, p);
    Served::start_on(p, port)
}

fn copy_dir(from: &Path, to: &Path) {
    let st = Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .status()
        .unwrap();
    assert!(st.success(), "cp -a {} {}", from.display(), to.display());
}

/// Finding 2: the publisher's state is restored from a copy made at change N, after it had
/// gone on to N+5 (replicated); it makes 3 new changes. The subscriber ends with exactly the
/// publisher's users (those added after the restore, without those the restore took away),
/// and the publisher's `runtimestate` shows no negative lag.
#[test]
fn a_publisher_restored_from_a_backup_is_detected_and_the_subscriber_follows_it() {
    let Pair {
        p,
        s,
        publisher,
        subscriber: _subscriber,
        pp,
        _dirs,
        ..
    } = crate::cluster::pair();
    for u in ["kept1", "kept2", "gone1"] {
        add_user_as(&p, u, "Restored-Pass-2026");
    }
    same_users(&p, &s, "the subscriber to catch up");
    // The backup, at change N.
    let (backup, publisher) = back_up(&p, publisher, pp);
    for i in 1..=5 {
        add_user_as(&p, &format!("lost{i}"), "Restored-Pass-2026");
    }
    same_users(&p, &s, "the five changes after the backup to replicate");
    // The publisher is restored from the backup: back at change N.
    let _publisher = restore(&p, publisher, pp, &backup);
    // Fewer new changes than were lost: 2 users added, one removed.
    add_user_as(&p, "after1", "Restored-Pass-2026");
    add_user_as(&p, "after2", "Restored-Pass-2026");
    node(
        &p,
        &["--yes", "utils", "applicationuser", "delete", "gone1"],
    );
    let want = users(&p);
    assert!(
        want.contains("after1") && !want.contains("lost1") && !want.contains("gone1"),
        "{want}"
    );
    wait_for_showing(
        "the subscriber to have exactly the restored publisher's users",
        Duration::from_secs(60),
        || users(&s) == want,
        || {
            format!(
                "publisher:\n{want}\nsubscriber:\n{}\nruntimestate: {}",
                users(&s),
                replication(&p)
            )
        },
    );
    wait_for_showing(
        "the publisher to see the subscriber caught up",
        Duration::from_secs(60),
        || caught_up(&p),
        || format!("{}", subscriber_state(&p)),
    );
    let st = replication(&p);
    for n in st["nodes"].as_array().unwrap() {
        let lag = n["lag"].as_i64().unwrap_or(0);
        assert!(lag >= 0, "a negative lag: {st}");
    }
}

/// The publisher restored from a backup made when the subscriber had everything (so nothing
/// is pending after the restore, and nothing replicates by itself): `utils dbreplication
/// status` finds the difference, `repair` (whose snapshot the subscriber, being ahead, takes
/// for a late one) begins a new history and makes the pair equal, and the next change
/// arrives (found by a review: the repair's snapshot was ignored and replication wedged).
#[test]
fn repair_after_a_publisher_restored_with_nothing_pending_makes_the_pair_equal() {
    let Pair {
        p,
        s,
        publisher,
        subscriber: _subscriber,
        pp,
        _dirs,
        ..
    } = crate::cluster::pair();
    add_user_as(&p, "kept1", "Restored-Pass-2026");
    same_users(&p, &s, "the subscriber to catch up");
    let (backup, publisher) = back_up(&p, publisher, pp);
    add_user_as(&p, "lost1", "Restored-Pass-2026");
    same_users(&p, &s, "the change after the backup to replicate");
    let _publisher = restore(&p, publisher, pp, &backup);
    let status = |st: &Path| {
        let r = run(
            st,
            &["--output", "json", "utils", "dbreplication", "status"],
            "",
        );
        (
            r.code,
            serde_json::from_str::<serde_json::Value>(&r.stdout).unwrap_or_default(),
        )
    };
    let (code, v) = status(&p);
    assert_ne!(code, 0, "{v}");
    assert!(
        v.to_string().contains("lost1"),
        "the difference names the user: {v}"
    );
    let r = run(&p, &["-y", "utils", "dbreplication", "repair"], "");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let (code, v) = status(&s);
    assert_eq!(code, 0, "equal after the repair: {v}");
    assert!(!users(&s).contains("lost1"));
    let st = replication(&p);
    assert!(
        st["epoch_changed_why"]
            .as_str()
            .is_some_and(|w| w.contains("restored")),
        "runtimestate says why a new history began: {st}"
    );
    add_user_as(&p, "after1", "Restored-Pass-2026");
    wait_for_showing(
        "the next change to arrive",
        Duration::from_secs(60),
        || users(&s).contains("after1"),
        || format!("{}", replication(&p)),
    );
}

/// Finding 3: with the publisher's service stopped (SIGSTOP, a hung process), 20 changes one
/// after another each finish (a hang would be killed and fail the test); continued, the
/// service brings the subscriber all 20.
#[test]
fn writers_never_wait_on_a_stopped_service() {
    let Pair {
        p,
        s,
        publisher,
        subscriber: _subscriber,
        _dirs,
        ..
    } = crate::cluster::pair();
    wait_for_showing(
        "the first snapshot",
        Duration::from_secs(60),
        || caught_up(&p),
        || format!("{}", subscriber_state(&p)),
    );
    let pid = publisher.pid() as i32;
    // SAFETY: signals to our own child process.
    unsafe { libc::kill(pid, libc::SIGSTOP) };
    struct Continue(i32);
    impl Drop for Continue {
        fn drop(&mut self) {
            // SAFETY: as above.
            unsafe { libc::kill(self.0, libc::SIGCONT) };
        }
    }
    let stopped = Continue(pid);
    for i in 1..=20 {
        let name = format!("writer{i:02}");
        let child = spawn(
            &p,
            &["utils", "applicationuser", "add", &name],
            &[("CCADMIN_APPLICATIONUSER_PASSWORD", "Writer-Pass-2026")],
        );
        let (status, err) = finish(
            child,
            &format!(
                "change {i} of 20 (applicationuser add {name}) with the publisher's service stopped"
            ),
            30,
        );
        assert!(status.success(), "applicationuser add {name}: {err}");
    }
    drop(stopped);
    wait_for_showing(
        "the 20 users to reach the subscriber",
        Duration::from_secs(60),
        || users(&s) == users(&p),
        || format!("{}\n{}", users(&s), subscriber_state(&p)),
    );
    assert_eq!(users(&s).matches("writer").count(), 20, "{}", users(&s));
    drop(publisher);
}

/// Finding 4: `set smtp-pswd` on a database locked past the busy timeout fails, and the
/// publisher still uses the old password; set again once the lock is gone, the new one is used
/// there and reaches the subscriber.
#[test]
fn set_smtp_pswd_on_a_locked_database_changes_nothing() {
    let Pair {
        p,
        s,
        publisher: _publisher,
        subscriber: _subscriber,
        _dirs,
        ..
    } = crate::cluster::pair();
    set_smtp_password_ok(&p, "Smtp-Before-Lock-1");
    wait_for_showing(
        "the first password to reach the subscriber",
        Duration::from_secs(60),
        || caught_up(&p) && smtp_password(&s).as_deref() == Some("Smtp-Before-Lock-1"),
        || format!("{}", subscriber_state(&p)),
    );
    // Another process holds the write lock until the command has ended.
    let (locked_tx, locked_rx) = std::sync::mpsc::channel();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let db = p.join("ccadmin.db");
    let locker = std::thread::spawn(move || {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch("BEGIN IMMEDIATE").unwrap();
        locked_tx.send(()).unwrap();
        let _ = release_rx.recv();
        conn.execute_batch("ROLLBACK").unwrap();
    });
    locked_rx.recv().unwrap();
    let child = spawn(
        &p,
        &["set", "smtp-pswd"],
        &[("CCADMIN_SMTP_PASSWORD", "Smtp-During-Lock-2")],
    );
    let (status, err) = finish(child, "set smtp-pswd on a locked database", 120);
    release_tx.send(()).unwrap();
    locker.join().unwrap();
    assert!(
        !status.success(),
        "set smtp-pswd succeeded on a locked database: {err}"
    );
    assert!(err.contains("locked"), "{err}");
    assert_eq!(
        smtp_password(&p).as_deref(),
        Some("Smtp-Before-Lock-1"),
        "set smtp-pswd failed ({}) but the publisher uses the new password",
        err.trim()
    );
    set_smtp_password_ok(&p, "Smtp-After-Lock-3");
    assert_eq!(smtp_password(&p).as_deref(), Some("Smtp-After-Lock-3"));
    wait_for_showing(
        "the new password to reach the subscriber",
        Duration::from_secs(60),
        || smtp_password(&s).as_deref() == Some("Smtp-After-Lock-3"),
        || format!("{:?} {}", smtp_password(&s), subscriber_state(&p)),
    );
}

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

/// The "975 attempts in 20 s" finding: with the subscriber's service down, 50 changes on the
/// publisher one after another do not make 50 attempts: the publisher backs off, and says
/// when it tries next.
#[test]
fn retries_towards_a_subscriber_that_is_down_back_off() {
    let Pair {
        p,
        publisher: _publisher,
        mut subscriber,
        _dirs,
        ..
    } = crate::cluster::pair();
    wait_for_showing(
        "the first snapshot",
        Duration::from_secs(60),
        || caught_up(&p),
        || format!("{}", subscriber_state(&p)),
    );
    drop(subscriber.take());
    let changes = 50;
    for i in 0..changes {
        add_user_as(&p, &format!("paced{i:02}"), "Paced-Pass-2026");
    }
    let st = subscriber_state(&p);
    let attempts = st["attempts"].as_i64().unwrap_or(0);
    assert!(st["lag"].as_i64().unwrap() >= changes, "{st}");
    assert!(attempts >= 1, "the publisher tried: {st}");
    // Without back-off every change wakes an attempt (50 for 50); with it, the attempts
    // double their spacing, so however long the changes take they are far fewer. Half the
    // changes is a bound no back-off comes near and no change-per-attempt service stays under.
    assert!(
        attempts <= changes / 2,
        "{attempts} attempts for {changes} changes towards a subscriber that is down: no back-off ({st})"
    );
    // The back-off is visible: when the next attempt is due.
    assert!(st["retry_at"].is_string(), "{st}");
}
