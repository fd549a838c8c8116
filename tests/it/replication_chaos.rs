//! A seeded random fault run against a real Cloud Connect pair (issue 29): while changes are
//! made on the publisher, either node's service is killed (`kill -9`, mid-request or not) and
//! restarted, stopped (SIGSTOP: the publisher's batches time out and are retried, and the
//! stopped subscriber later reads and applies requests the publisher gave up on — late
//! deliveries), or restarted gracefully. At the end both services run, and within a bounded
//! time the pair must be equal: the subscriber caught up, the same users with the same
//! hashes, the same SMTP password, and `utils dbreplication status` says every kind is equal.
//!
//! `CCADMIN_CHAOS_SEED` and `CCADMIN_CHAOS_ROUNDS` choose the run (the default is fixed, so a
//! failure can be replayed); the figures are printed (`--nocapture`).

use std::path::Path;
use std::time::{Duration, Instant};

use crate::cluster::{caught_up, pair, subscriber_state};
use crate::replication_faults::{db_rows, finish, spawn};
use crate::serve::Served;
use crate::util::run;

/// xorshift64*: a tiny deterministic generator, enough to choose faults.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn signal(s: &Served, sig: i32) {
    // SAFETY: a signal to our own child process.
    unsafe { libc::kill(s.pid() as i32, sig) };
}

/// A command on the publisher, with a hang detector: it must end by itself.
fn command(st: &Path, args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
    let (status, err) = finish(spawn(st, args, env), &format!("{args:?}"), 60);
    (status.success(), err)
}

/// The users with their hashes, as a node holds them.
fn users(st: &Path) -> Vec<Vec<String>> {
    db_rows(st, "SELECT name, password_hash FROM app_user ORDER BY name")
}

#[derive(Default, Debug)]
struct Faults {
    kill_subscriber: u32,
    kill_publisher: u32,
    stop_subscriber: u32,
    stop_publisher: u32,
    restart_subscriber: u32,
}

impl Faults {
    fn total(&self) -> u32 {
        self.kill_subscriber
            + self.kill_publisher
            + self.stop_subscriber
            + self.stop_publisher
            + self.restart_subscriber
    }
}

#[test]
fn a_seeded_random_fault_run_ends_with_both_nodes_equal() {
    let seed = env_u64("CCADMIN_CHAOS_SEED", 29);
    let rounds = env_u64("CCADMIN_CHAOS_ROUNDS", 12);
    let mut rng = Rng(seed.max(1));
    let mut pair = pair();
    let (p, s) = (pair.p.clone(), pair.s.clone());
    let (pp, sp) = (pair.pp, pair.sp);
    for args in [
        &[
            "set",
            "smtp-host",
            "127.0.0.1:2525",
            "--security",
            "starttls",
        ][..],
        &["set", "smtp-use-auth", "enable"],
        &["set", "smtp-user", "mailer"],
    ] {
        let r = run(&p, args, "");
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    }
    let mut users_made: Vec<String> = Vec::new();
    let mut faults = Faults::default();
    let (mut changes, mut next_user) = (0u32, 0u32);
    let mut stopped_subscriber = false;
    let mut last_password = String::new();
    let started = Instant::now();
    for _ in 0..rounds {
        // A few changes: users added, deleted, their passwords changed; the SMTP password.
        for _ in 0..1 + rng.below(3) {
            let (ok, err) = match rng.below(4) {
                0 | 1 => {
                    next_user += 1;
                    let name = format!("chaos{next_user}");
                    users_made.push(name.clone());
                    command(
                        &p,
                        &["utils", "applicationuser", "add", &name],
                        &[("CCADMIN_APPLICATIONUSER_PASSWORD", "Chaos-Pass-2026")],
                    )
                }
                2 if !users_made.is_empty() => {
                    let i = rng.below(users_made.len() as u64) as usize;
                    let name = users_made.swap_remove(i);
                    command(
                        &p,
                        &["-y", "utils", "applicationuser", "delete", &name],
                        &[],
                    )
                }
                _ => {
                    last_password = format!("Smtp-{}", rng.next());
                    command(
                        &p,
                        &["set", "smtp-pswd"],
                        &[("CCADMIN_SMTP_PASSWORD", &last_password)],
                    )
                }
            };
            assert!(ok, "a change failed: {err}");
            changes += 1;
        }
        if stopped_subscriber {
            if let Some(sub) = &pair.subscriber {
                signal(sub, libc::SIGCONT);
            }
            stopped_subscriber = false;
        }
        match rng.below(7) {
            0 => {
                faults.kill_subscriber += 1;
                drop(pair.subscriber.take());
                pair.subscriber = Some(Served::start_on(&s, sp));
            }
            1 => {
                faults.kill_publisher += 1;
                kill_and_wait(&pair.publisher);
                pair.publisher = Served::start_on(&p, pp);
            }
            2 => {
                // Stopped until the publisher gave up on a batch (its call timed out), then
                // more changes, then continued: the subscriber reads the batch the publisher
                // gave up on late, after or before the newer one.
                faults.stop_subscriber += 1;
                if let Some(sub) = &pair.subscriber {
                    let before = subscriber_state(&p)["attempts"].as_i64().unwrap_or(0);
                    signal(sub, libc::SIGSTOP);
                    next_user += 1;
                    let name = format!("chaos{next_user}");
                    users_made.push(name.clone());
                    let (ok, err) = command(
                        &p,
                        &["utils", "applicationuser", "add", &name],
                        &[("CCADMIN_APPLICATIONUSER_PASSWORD", "Chaos-Pass-2026")],
                    );
                    assert!(ok, "{err}");
                    changes += 1;
                    let deadline = Instant::now() + Duration::from_secs(60);
                    while subscriber_state(&p)["attempts"].as_i64().unwrap_or(0) <= before {
                        assert!(Instant::now() < deadline, "the publisher never gave up");
                        std::thread::sleep(Duration::from_millis(100));
                    }
                    stopped_subscriber = true;
                }
            }
            3 => {
                // The publisher's service hung while commands write: they must not wait.
                faults.stop_publisher += 1;
                signal(&pair.publisher, libc::SIGSTOP);
                for _ in 0..3 {
                    next_user += 1;
                    let name = format!("chaos{next_user}");
                    users_made.push(name.clone());
                    let (ok, err) = command(
                        &p,
                        &["utils", "applicationuser", "add", &name],
                        &[("CCADMIN_APPLICATIONUSER_PASSWORD", "Chaos-Pass-2026")],
                    );
                    assert!(ok, "{err}");
                    changes += 1;
                }
                signal(&pair.publisher, libc::SIGCONT);
            }
            4 => {
                faults.restart_subscriber += 1;
                if let Some(sub) = pair.subscriber.take() {
                    sub.terminate();
                }
                pair.subscriber = Some(Served::start_on(&s, sp));
            }
            _ => {}
        }
    }
    if let Some(sub) = &pair.subscriber {
        signal(sub, libc::SIGCONT);
    }
    let faults_done = started.elapsed();
    // Both run now: within a bounded time the pair is equal.
    let healed = Instant::now();
    let deadline = healed + Duration::from_secs(120);
    loop {
        if caught_up(&p) && users(&p) == users(&s) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the pair never became equal (seed {seed}): {:?}\n{:?}",
            users(&p),
            users(&s)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let to_equal = healed.elapsed();
    let status = run(
        &s,
        &["--output", "json", "utils", "dbreplication", "status"],
        "",
    );
    assert_eq!(
        status.code, 0,
        "status after the run (seed {seed}): {}{}",
        status.stdout, status.stderr
    );
    let v: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    let kinds = v["kinds"].as_array().expect("kinds").clone();
    assert!(!kinds.is_empty(), "{v}");
    for k in &kinds {
        assert_eq!(k["equal"], true, "seed {seed}: {k}");
    }
    assert!(!last_password.is_empty() || changes > 0);
    eprintln!(
        "chaos seed {seed}: {rounds} rounds, {changes} changes, {} faults ({faults:?}) in {:.1}s; equal {:.1}s after the last fault; status: {} kinds equal",
        faults.total(),
        faults_done.as_secs_f64(),
        to_equal.as_secs_f64(),
        kinds.len()
    );
    assert!(faults.total() > 0, "the run injected no fault");
}

/// `kill -9`, and wait until the process is gone (its port free again).
fn kill_and_wait(s: &Served) {
    signal(s, libc::SIGKILL);
    let stat = format!("/proc/{}/stat", s.pid());
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let gone = std::fs::read_to_string(&stat).map_or(true, |st| {
            st.rsplit(')')
                .next()
                .is_some_and(|r| r.trim_start().starts_with('Z'))
        });
        if gone {
            return;
        }
        assert!(Instant::now() < deadline, "the killed service never ended");
        std::thread::sleep(Duration::from_millis(10));
    }
}
