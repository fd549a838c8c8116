//! `ccadmin hub ...`: the hub's operations from a shell (issue 14): the clusters and their
//! upgrade schedules, the registration codes (*Add Cloud Connect*), the releases.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;

use super::{describe, when, Clock, Hub};
use crate::ops::upgrade_window::ScheduleChange;
use crate::ops::{OpError, OpResult};
use crate::output::{kv_block, plain_table, Ui};

/// The hub's state and what it is asked to do.
#[derive(Debug, Args)]
pub struct HubArgs {
    /// Directory holding the hub's state [default: $XDG_DATA_HOME/ccadmin-hub]
    #[arg(long, env = "CCADMIN_HUB_DIR", value_name = "DIR")]
    pub hub_dir: Option<PathBuf>,
    /// The time to act at, instead of the clock: RFC 3339, or @FILE holding one, read at every
    /// use (for tests and rehearsals)
    #[arg(long, value_name = "TIME|@FILE", hide = true, value_parser = Clock::parse)]
    pub now: Option<Clock>,
    #[command(subcommand)]
    pub command: HubCommand,
}

#[derive(Debug, Subcommand)]
pub enum HubCommand {
    /// Run the hub's HTTPS service for Cloud Connect nodes (registration, polls, releases)
    Serve {
        /// Address and port to listen on
        #[arg(
            long,
            value_name = "ADDR:PORT",
            default_value = "0.0.0.0:8446",
            env = "CCADMIN_HUB_LISTEN"
        )]
        listen: std::net::SocketAddr,
        /// The hub's host name, in its certificate
        #[arg(
            long,
            value_name = "FQDN",
            default_value = "localhost",
            env = "CCADMIN_HUB_HOSTNAME"
        )]
        hostname: String,
    },
    /// The registered Cloud Connect clusters
    #[command(subcommand)]
    Cluster(ClusterCommand),
    /// The ccadmin releases the hub offers
    #[command(subcommand)]
    Release(ReleaseCommand),
    /// The accounts of the people who use the hub's pages and API
    #[command(subcommand)]
    Account(AccountCommand),
}

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Add an account; its password is asked for (or read as the first line of standard input
    /// when that is not a terminal)
    Add { name: String },
    /// The accounts
    List,
    /// Remove an account and end its sessions
    Delete { name: String },
}

#[derive(Debug, Subcommand)]
pub enum ClusterCommand {
    /// Add Cloud Connect: a one-time registration code for a display name and the publisher's
    /// FQDN, valid 15 minutes, to be allowed on the publisher
    Add {
        #[arg(long, value_name = "NAME")]
        display_name: String,
        /// The FQDN of the Cloud Connect publisher (HOST or HOST:PORT; port 8445 by default)
        #[arg(long, value_name = "FQDN")]
        fqdn: String,
        /// The hub's address as the publisher reaches it, in the consent link [default: the
        /// address `hub serve` last announced, https://HOSTNAME:PORT]
        #[arg(long, value_name = "URL")]
        hub_url: Option<String>,
    },
    /// The clusters, their next upgrade window and schedule
    List {
        /// Only clusters whose display name contains this text (any case)
        #[arg(long, value_name = "TEXT")]
        search: Option<String>,
    },
    /// One cluster, its schedule and every recorded change of it
    Show { name: String },
    /// Forget a cluster (its polls are refused from now on)
    Unregister {
        name: String,
        /// Acknowledge that the cluster is no longer kept up to date
        #[arg(long)]
        yes: bool,
    },
    /// The cluster's automatic upgrade schedule
    #[command(subcommand)]
    Schedule(ScheduleCommand),
    /// Skip the cluster's next upgrade window, once
    Postpone { name: String },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Freq {
    Daily,
    Weekly,
    Monthly,
}

#[derive(Debug, Subcommand)]
pub enum ScheduleCommand {
    /// Change the schedule (what is not given stays); clears a postponement
    Set {
        name: String,
        #[arg(long, value_enum)]
        frequency: Option<Freq>,
        /// Weekly: the days, e.g. mon,thu
        #[arg(long, value_name = "DAYS", value_delimiter = ',')]
        days: Vec<String>,
        /// Monthly: the day of the month (1 to 28)
        #[arg(long, value_name = "N")]
        day: Option<u8>,
        /// The window's hour (0 to 23) on the zone's clock
        #[arg(long, value_name = "H")]
        hour: Option<u8>,
        /// IANA time zone, e.g. Europe/Berlin
        #[arg(long, value_name = "ZONE")]
        time_zone: Option<String>,
        /// The daily hour of urgent releases (0 to 23)
        #[arg(long, value_name = "H")]
        urgent_hour: Option<u8>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReleaseCommand {
    /// Publish a ccadmin release: the archive, its version, notes, whether it is urgent, and
    /// the publisher's minisign signature of the archive
    Add {
        archive: PathBuf,
        #[arg(long, value_name = "VERSION")]
        version: String,
        #[arg(long, value_name = "TEXT", default_value = "")]
        notes: String,
        /// Urgent: installed in the clusters' urgent windows
        #[arg(long)]
        urgent: bool,
        /// The signature file [default: ARCHIVE.minisig]
        #[arg(long, value_name = "FILE")]
        signature: Option<PathBuf>,
    },
    /// The published releases, newest first
    List,
    /// Withdraw a release (a broken one): it is never offered again, and who withdrew it when
    /// is recorded
    Withdraw { version: String },
}

/// The hub's address for a consent link: `https://HOST[:PORT]`, nothing more.
fn hub_origin(given: &str) -> OpResult<String> {
    let invalid = || {
        OpError::new(
            crate::ops::Kind::Invalid,
            format!(
                "'{}' is not the hub's address (https://HOST:PORT)",
                given.escape_debug()
            ),
        )
        .hint("pass --hub-url https://hub.example.com:8446")
    };
    let u = url::Url::parse(given).map_err(|_| invalid())?;
    if u.scheme() != "https"
        || u.host_str().is_none()
        || !u.username().is_empty()
        || u.password().is_some()
        || u.path() != "/"
        || u.query().is_some()
        || u.fragment().is_some()
    {
        return Err(invalid());
    }
    Ok(u.origin().ascii_serialization())
}

/// A new account's password: asked twice on a terminal, else the first line of standard input;
/// it must meet the password policy.
fn read_new_password(name: &str) -> OpResult<crate::secrets::Secret> {
    use std::io::{BufRead, IsTerminal};
    let invalid = |m: String| OpError::new(crate::ops::Kind::Invalid, m);
    let password = if std::io::stdin().is_terminal() {
        let ask = |p: &str| {
            crate::prompt::read_masked(p)
                .map_err(|e| invalid(format!("no password was given: {e}")))
        };
        let first = ask(&format!("Password for {name}: "))?;
        crate::passwords::check_policy(name, &crate::secrets::Secret::new(first.clone()))
            .map_err(|e| invalid(e.to_string()))?;
        if ask("Confirm the password: ")? != first {
            return Err(invalid(
                "the password and its confirmation do not match".into(),
            ));
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| invalid(format!("cannot read the password: {e}")))?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    };
    let password = crate::secrets::Secret::new(password);
    crate::passwords::check_policy(name, &password).map_err(|e| invalid(e.to_string()))?;
    Ok(password)
}

/// Run a hub command; the process's exit status.
pub fn run(args: HubArgs, default_dir: Option<PathBuf>, ui: &mut Ui, actor: &str) -> i32 {
    match go(args, default_dir, ui, actor) {
        Ok(()) => crate::errors::exit::SUCCESS,
        Err(e) => {
            let e = crate::errors::CommandError::from(e);
            ui.err_text(&e.render());
            e.exit_code()
        }
    }
}

fn go(args: HubArgs, default_dir: Option<PathBuf>, ui: &mut Ui, actor: &str) -> OpResult {
    let dir = args.hub_dir.or(default_dir).ok_or_else(|| {
        OpError::new(
            crate::ops::Kind::Invalid,
            "no hub directory: HOME is not set",
        )
        .hint("pass --hub-dir DIR or set CCADMIN_HUB_DIR")
    })?;
    if let HubCommand::Serve { listen, hostname } = &args.command {
        return super::server::run(dir, *listen, hostname, args.now.unwrap_or(Clock::System))
            .map_err(|e| OpError::new(crate::ops::Kind::Failed, e));
    }
    let now = args.now.unwrap_or(Clock::System).now();
    let mut hub = Hub::open(&dir)?;
    let json = ui.json_output();
    let io = |e: std::io::Error| OpError::new(crate::ops::Kind::Failed, e.to_string());
    match args.command {
        HubCommand::Serve { .. } => {}
        HubCommand::Cluster(ClusterCommand::Add {
            display_name,
            fqdn,
            hub_url,
        }) => {
            let hub_url = match hub_url {
                Some(u) => hub_origin(&u)?,
                None => hub.address()?.ok_or_else(|| {
                    OpError::new(
                        crate::ops::Kind::Invalid,
                        "the hub's address is not known yet (hub serve announces it when it starts)",
                    )
                    .hint("pass --hub-url https://HOST:PORT (the address the publisher reaches the hub at)")
                })?,
            };
            let (code, register_url, expires) =
                hub.register_url(&display_name, &fqdn, &hub_url, now)?;
            let id = hub.id()?;
            let ep = crate::clients::ssh::Endpoint::parse(&fqdn, 8445)
                .map_err(|e| OpError::new(crate::ops::Kind::Invalid, e.to_string()))?;
            let url = format!("https://{ep}/cloudconnect/register");
            if json {
                ui.json(&json!({"code": code, "hub_id": id, "expires_at": expires.to_string(), "publisher_url": url, "register_url": register_url}))
                    .map_err(io)?;
            } else {
                ui.line(&kv_block(&[
                    ("Registration code", code),
                    ("Hub", id),
                    ("Valid until", expires.to_string()),
                    ("Open on the publisher", register_url),
                ]))
                .map_err(io)?;
            }
        }
        HubCommand::Cluster(ClusterCommand::List { search }) => {
            let list = hub.clusters(search.as_deref(), now)?;
            if json {
                ui.json(&json!({ "clusters": list })).map_err(io)?;
            } else if list.is_empty() {
                match &search {
                    Some(s) => ui.line(&format!(
                        "No Cloud Connect cluster's display name contains '{}'.",
                        crate::output::terminal_safe(s)
                    )),
                    None => ui.line("No Cloud Connect cluster is registered (Add Cloud Connect on the hub's Cloud Connect page registers one)."),
                }
                .map_err(io)?;
            } else {
                let rows: Vec<Vec<String>> = list
                    .iter()
                    .map(|c| {
                        vec![
                            c.display_name.clone(),
                            c.fqdn.clone(),
                            when(c.next_upgrade.start, &c.schedule.time_zone),
                            describe(&c.schedule),
                        ]
                    })
                    .collect();
                ui.line(&plain_table(
                    &["CLUSTER", "PUBLISHER", "NEXT UPGRADE", "SCHEDULE"],
                    &rows,
                ))
                .map_err(io)?;
            }
        }
        HubCommand::Cluster(ClusterCommand::Show { name }) => {
            let c = hub.cluster(&name, now)?;
            let changes = hub.schedule_changes(&name)?;
            let nodes = hub.nodes(&name)?;
            if json {
                let changes: Vec<_> = changes
                    .iter()
                    .map(|(at, who, old, new)| {
                        json!({"at": at, "actor": who,
                            "old": serde_json::from_str::<serde_json::Value>(old).unwrap_or_default(),
                            "new": serde_json::from_str::<serde_json::Value>(new).unwrap_or_default()})
                    })
                    .collect();
                ui.json(&json!({ "cluster": c, "nodes": nodes, "schedule_changes": changes }))
                    .map_err(io)?;
            } else {
                let tz = &c.schedule.time_zone;
                let postponed = c
                    .schedule
                    .postponed
                    .map(|p| format!("the window of {} is skipped", when(p, tz)))
                    .unwrap_or_else(|| "no".into());
                ui.line(&kv_block(&[
                    ("Cluster", c.display_name.clone()),
                    ("Publisher", c.fqdn.clone()),
                    ("Registered", c.registered_at.clone()),
                    (
                        "Last poll",
                        c.last_poll.clone().unwrap_or_else(|| "never".into()),
                    ),
                    ("Schedule", describe(&c.schedule)),
                    ("Postponed", postponed),
                    ("Next upgrade", when(c.next_upgrade.start, tz)),
                    ("Next urgent window", when(c.next_urgent.start, tz)),
                    ("Schedule changes", changes.len().to_string()),
                ]))
                .map_err(io)?;
                if !nodes.is_empty() {
                    let rows: Vec<Vec<String>> = nodes
                        .iter()
                        .map(|n| {
                            vec![
                                n.node.clone(),
                                n.version.clone(),
                                n.state.clone(),
                                n.last_poll.clone(),
                                n.detail.clone(),
                            ]
                        })
                        .collect();
                    ui.line(&plain_table(
                        &["NODE", "VERSION", "STATE", "LAST POLL", "DETAIL"],
                        &rows,
                    ))
                    .map_err(io)?;
                }
            }
        }
        HubCommand::Cluster(ClusterCommand::Unregister { name, yes }) => {
            if !yes {
                return Err(OpError::new(
                    crate::ops::Kind::Invalid,
                    format!("unregistering {name} stops its automatic upgrades"),
                )
                .hint("acknowledge with --yes"));
            }
            hub.unregister(&name)?;
            ui.status(&format!("{name} is unregistered."));
        }
        HubCommand::Cluster(ClusterCommand::Schedule(ScheduleCommand::Set {
            name,
            frequency,
            days,
            day,
            hour,
            time_zone,
            urgent_hour,
        })) => {
            let change = ScheduleChange {
                frequency: frequency.map(|f| {
                    match f {
                        Freq::Daily => "daily",
                        Freq::Weekly => "weekly",
                        Freq::Monthly => "monthly",
                    }
                    .to_owned()
                }),
                days,
                day,
                hour,
                time_zone,
                urgent_hour,
            };
            let s = change.apply(&hub.cluster(&name, now)?.schedule)?;
            let c = hub.set_schedule(&name, s, actor, now)?;
            if json {
                ui.json(&json!({ "cluster": c })).map_err(io)?;
            } else {
                ui.line(&format!(
                    "{}: {}; next upgrade {}",
                    c.display_name,
                    describe(&c.schedule),
                    when(c.next_upgrade.start, &c.schedule.time_zone)
                ))
                .map_err(io)?;
            }
        }
        HubCommand::Cluster(ClusterCommand::Postpone { name }) => {
            let c = hub.postpone(&name, actor, now)?;
            if json {
                ui.json(&json!({ "cluster": c })).map_err(io)?;
            } else {
                ui.line(&format!(
                    "{}: the next upgrade is postponed to {}",
                    c.display_name,
                    when(c.next_upgrade.start, &c.schedule.time_zone)
                ))
                .map_err(io)?;
            }
        }
        HubCommand::Release(ReleaseCommand::Add {
            archive,
            version,
            notes,
            urgent,
            signature,
        }) => {
            let sig_path = signature
                .unwrap_or_else(|| PathBuf::from(format!("{}.minisig", archive.display())));
            let sig = crate::state::read_bounded(&sig_path, crate::ops::signing::MAX_SIGNATURE)
                .map_err(|e| {
                    OpError::new(
                        crate::ops::Kind::NotFound,
                        format!("cannot read the signature {}: {e}", sig_path.display()),
                    )
                    .hint("sign the archive with: minisign -S -m ARCHIVE")
                })?;
            let r = hub.add_release(
                &archive,
                &version,
                &notes,
                urgent,
                &String::from_utf8_lossy(&sig),
                now,
            )?;
            if json {
                ui.json(&json!({ "release": r })).map_err(io)?;
            } else {
                ui.status(&format!(
                    "Release {} published ({} bytes, SHA-256 {}{}).",
                    r.version,
                    r.size,
                    r.sha256,
                    if r.urgent { ", urgent" } else { "" }
                ));
            }
        }
        HubCommand::Account(AccountCommand::Add { name }) => {
            let password = read_new_password(&name)?;
            let hash = crate::passwords::hash(&password)
                .map_err(|e| OpError::new(crate::ops::Kind::Failed, e.to_string()))?;
            hub.add_account(&name, &hash, now)?;
            ui.status(&format!("Account {name} added."));
        }
        HubCommand::Account(AccountCommand::List) => {
            let list = hub.accounts()?;
            if json {
                let list: Vec<_> = list
                    .iter()
                    .map(|(n, at)| json!({"name": n, "created_at": at}))
                    .collect();
                ui.json(&json!({ "accounts": list })).map_err(io)?;
            } else if list.is_empty() {
                ui.line("No account exists (ccadmin hub account add NAME adds one).")
                    .map_err(io)?;
            } else {
                let rows: Vec<Vec<String>> = list.into_iter().map(|(n, at)| vec![n, at]).collect();
                ui.line(&plain_table(&["ACCOUNT", "CREATED"], &rows))
                    .map_err(io)?;
            }
        }
        HubCommand::Account(AccountCommand::Delete { name }) => {
            hub.delete_account(&name)?;
            ui.status(&format!("Account {name} deleted."));
        }
        HubCommand::Release(ReleaseCommand::Withdraw { version }) => {
            let r = hub.withdraw_release(&version, actor, now)?;
            if json {
                ui.json(&json!({ "release": r })).map_err(io)?;
            } else {
                ui.status(&format!(
                    "Release {} is withdrawn ({} by {}); it will never be offered again.",
                    r.version,
                    r.withdrawn_at.as_deref().unwrap_or(""),
                    r.withdrawn_by.as_deref().unwrap_or("")
                ));
            }
        }
        HubCommand::Release(ReleaseCommand::List) => {
            let list = hub.releases()?;
            if json {
                ui.json(&json!({ "releases": list })).map_err(io)?;
            } else if list.is_empty() {
                ui.line("No release is published (ccadmin hub release add publishes one).")
                    .map_err(io)?;
            } else {
                let rows: Vec<Vec<String>> = list
                    .iter()
                    .map(|r| {
                        vec![
                            r.version.clone(),
                            if r.urgent { "urgent" } else { "" }.into(),
                            r.size.to_string(),
                            r.sha256.clone(),
                            r.added_at.clone(),
                            match (&r.withdrawn_at, &r.withdrawn_by) {
                                (Some(at), Some(by)) => format!("{at} by {by}"),
                                _ => String::new(),
                            },
                            r.notes.lines().next().unwrap_or("").to_owned(),
                        ]
                    })
                    .collect();
                ui.line(&plain_table(
                    &[
                        "VERSION",
                        "URGENT",
                        "BYTES",
                        "SHA-256",
                        "ADDED",
                        "WITHDRAWN",
                        "NOTES",
                    ],
                    &rows,
                ))
                .map_err(io)?;
            }
        }
    }
    Ok(())
}
