//! The real `admin:` shell in a pseudo-terminal: prompt, Tab, `?`, Ctrl-C, history, paging,
//! password prompts, `quit`.

use std::path::Path;
use std::process::Command;

use rexpect::process::WaitStatus;
use rexpect::session::PtySession;

use crate::util::{all_files, bin, contains, state};

/// Start the shell on a terminal of `rows` x 100 with its state in `state`.
pub fn shell(state: &Path, rows: u16) -> PtySession {
    let mut cmd = Command::new("bash");
    cmd.arg("-c").arg(format!(
        "stty rows {rows} cols 100 && exec {}",
        bin().display()
    ));
    for (k, _) in std::env::vars() {
        if k.starts_with("CCADMIN_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("CCADMIN_STATE_DIR", state)
        .env("TERM", "xterm")
        .env_remove("DBUS_SESSION_BUS_ADDRESS");
    let mut p =
        rexpect::session::spawn_command(cmd, Some(15_000)).expect("spawn the shell in a pty");
    p.exp_string("admin:").expect("the prompt appears");
    p
}

/// The pid of the shell running on `state` (the `ccadmin` whose environment names it).
fn shell_pid(state: &Path) -> u32 {
    let want = format!("CCADMIN_STATE_DIR={}\0", state.display());
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        let comm = std::fs::read_to_string(e.path().join("comm")).unwrap_or_default();
        let env = std::fs::read(e.path().join("environ")).unwrap_or_default();
        if comm.trim() == "ccadmin" && contains(&env, &want) {
            return pid;
        }
    }
    panic!("no ccadmin process on {}", state.display())
}

/// The CPU time (user and system, in clock ticks) process `pid` has used.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // After the command name's closing parenthesis: state, ..., utime (12th), stime (13th).
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap()
        .split_whitespace()
        .collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

/// Type `s` without Enter (rexpect buffers `send` until flushed).
fn keys(p: &mut PtySession, s: &str) {
    p.send(s).unwrap();
    p.flush().unwrap();
}

fn quit(mut p: PtySession) {
    p.send_line("quit").unwrap();
    p.exp_eof().unwrap();
    match p.process().wait().unwrap() {
        WaitStatus::Exited(_, code) => assert_eq!(code, 0),
        other => panic!("shell ended with {other:?}"),
    }
}

#[test]
fn tab_completes_a_unique_prefix_and_lists_a_menu() {
    let (_d, s) = state();
    let mut p = shell(&s, 40);
    keys(&mut p, "ut\t");
    p.exp_string("utils ").unwrap();
    keys(&mut p, "appl\t");
    p.exp_string("applicationuser ").unwrap();
    keys(&mut p, "\t");
    // The listing of the menu's sub-commands.
    p.exp_regex("add +list +delete +password").unwrap();
    p.send_control('u').unwrap();
    keys(&mut p, "utils\t");
    // Listed down the columns: node* and system* may come in either order on the screen.
    p.exp_regex(r"applicationuser\*[\s\S]*(node\*[\s\S]*system\*|system\*[\s\S]*node\*)")
        .unwrap();
    p.send_control('u').unwrap();
    keys(&mut p, "set cli pagination o\t");
    p.exp_regex("on +off").unwrap();
    p.send_control('u').unwrap();
    quit(p);
}

#[test]
fn question_mark_and_help() {
    let (_d, s) = state();
    let mut p = shell(&s, 40);
    p.send_line("utils ?").unwrap();
    p.exp_string("node*").unwrap();
    p.exp_string("admin:").unwrap();
    p.send_line("utils applicationuser add ?").unwrap();
    p.exp_string("Mandatory parameters:").unwrap();
    p.exp_string("<NAME>").unwrap();
    p.exp_string("admin:").unwrap();
    p.send_line("help").unwrap();
    p.exp_string("utils*").unwrap();
    p.exp_string("admin:").unwrap();
    p.send_line("utils nod show").unwrap();
    p.exp_string("Invalid command: utils nod show").unwrap();
    p.exp_string("Did you mean: utils node show?").unwrap();
    p.exp_string("admin:").unwrap();
    quit(p);
}

#[test]
fn ctrl_c_cancels_a_running_command_and_the_shell_goes_on() {
    let (_d, s) = state();
    let mut p = shell(&s, 40);
    let pid = shell_pid(&s);
    let before = cpu_ticks(pid);
    p.send_line("run sql with recursive c(x) as (select 1 union all select x+1 from c) select count(*) from c")
        .unwrap();
    // The observable sign that the query runs (a Ctrl-C before the command starts is cleared
    // with the last command's): the shell has spent 0.3 s of CPU on the line, which reading
    // and dispatching it take a few milliseconds of; the endless query takes the rest.
    // SAFETY: sysconf has no preconditions.
    let per_second = u64::try_from(unsafe { libc::sysconf(libc::_SC_CLK_TCK) }).unwrap();
    crate::util::wait_for(
        "the query to run (0.3 s of the shell's CPU time)",
        std::time::Duration::from_secs(15),
        || cpu_ticks(pid) >= before + per_second * 3 / 10,
    );
    p.send_control('c').unwrap();
    p.exp_string("Control-C pressed").unwrap();
    p.exp_string("admin:").unwrap();
    // Ctrl-C at the prompt clears the line.
    keys(&mut p, "utils node sh");
    p.exp_string("utils node sh").unwrap();
    p.send_control('c').unwrap();
    p.exp_string("admin:").unwrap();
    p.send_line("show cli pagination").unwrap();
    p.exp_string("Automatic Pagination : On.").unwrap();
    p.exp_string("admin:").unwrap();
    quit(p);
}

#[test]
fn history_recalls_commands_across_sessions() {
    let (_d, s) = state();
    let mut p = shell(&s, 40);
    p.send_line("set cli pagination off").unwrap();
    p.exp_string("admin:").unwrap();
    p.send_line("show cli pagination").unwrap();
    p.exp_string("Automatic Pagination : Off.").unwrap();
    p.exp_string("admin:").unwrap();
    quit(p);
    let history = std::fs::read_to_string(s.join("history")).unwrap();
    assert!(
        history.contains("set cli pagination off\nshow cli pagination\nquit"),
        "{history}"
    );
    let mut p = shell(&s, 40);
    // Up twice: the session before `quit`'s predecessor. Pagination is per session: On again.
    keys(&mut p, "\x1b[A\x1b[A\r");
    p.exp_string("Automatic Pagination : On.").unwrap();
    p.exp_string("admin:").unwrap();
    quit(p);
}

#[test]
fn long_output_pages_and_q_stops_it() {
    let (_d, s) = state();
    let mut p = shell(&s, 10);
    p.send_line("run sql with recursive c(x) as (select 1 union all select x+1 from c limit 100) select x from c")
        .unwrap();
    p.exp_string("Press <enter> for 1 line, <space> for one page, or <q> to quit")
        .unwrap();
    keys(&mut p, " ");
    p.exp_string("Press <enter>").unwrap();
    keys(&mut p, "q");
    p.exp_string("admin:").unwrap();
    p.send_line("set cli pagination off").unwrap();
    p.exp_string("admin:").unwrap();
    p.send_line("run sql with recursive c(x) as (select 1 union all select x+1 from c limit 100) select x from c")
        .unwrap();
    let before = p.exp_string("\n100").unwrap();
    assert!(!before.contains("Press <enter>"), "{before}");
    quit(p);
}

#[test]
fn password_typed_at_the_prompt_is_nowhere_to_be_found() {
    const PASSWORD: &str = "Typed-S3cret-Value";
    let (_d, s) = state();
    let mut p = shell(&s, 40);
    p.send_line("utils applicationuser add alice").unwrap();
    p.exp_string("Password: ").unwrap();
    p.send_line(PASSWORD).unwrap();
    let stars = p.exp_string("Confirm Password: ").unwrap();
    assert!(
        stars.contains(&"*".repeat(PASSWORD.len())),
        "no stars: {stars:?}"
    );
    p.send_line(PASSWORD).unwrap();
    let rest = p.exp_string("admin:").unwrap();
    assert!(rest.contains("Application user alice added."), "{rest}");
    p.send_line("run sql select * from applicationuser")
        .unwrap();
    p.exp_string("alice").unwrap();
    p.exp_string("admin:").unwrap();
    p.send_line("quit").unwrap();
    let transcript = p.exp_eof().unwrap();
    assert!(!transcript.contains(PASSWORD), "{transcript}");
    assert!(!stars.contains(PASSWORD) && !rest.contains(PASSWORD));
    let files = all_files(&s);
    assert!(files.iter().any(|(p, _)| p.ends_with("history")));
    for (path, bytes) in files {
        assert!(
            !contains(&bytes, PASSWORD),
            "the password is in {}",
            path.display()
        );
    }
    let history = std::fs::read_to_string(s.join("history")).unwrap();
    assert!(
        history.contains("utils applicationuser add alice"),
        "{history}"
    );
}

/// A password typed at `admin:` by mistake is not a command: it runs as an invalid line and
/// never reaches the history file.
#[test]
fn invalid_lines_stay_out_of_the_history() {
    let (_d, s) = state();
    let mut p = shell(&s, 40);
    p.send_line("Hunter2-not-a-command").unwrap();
    p.exp_string("Invalid command").unwrap();
    p.exp_string("admin:").unwrap();
    p.send_line("show cli pagination").unwrap();
    p.exp_string("admin:").unwrap();
    quit(p);
    let history = std::fs::read_to_string(s.join("history")).unwrap();
    assert!(!history.contains("Hunter2"), "{history}");
    assert!(history.contains("show cli pagination"), "{history}");
}

/// Issue 11 A: VOS automation (Cisco's pyATS Unicon) runs the console on an 80x24 xterm and
/// takes what comes between two `admin:` prompts as the command's output. Those bytes are plain
/// text: the echoed command (a long one wrapped by the terminal, never redrawn from the
/// prompt), the output, the VOS pager prompt in bold, a yes/no question shown once.
#[test]
fn the_bytes_between_prompts_are_plain_text_for_automation() {
    let (_d, s) = state();
    let r = crate::util::ccadmin(&s)
        .env("CCADMIN_APPLICATIONUSER_PASSWORD", "Str0ng-pass-1")
        .args(["utils", "applicationuser", "add", "bob"])
        .output()
        .unwrap();
    assert!(r.status.success());
    let mut cmd = Command::new("bash");
    cmd.arg("-c")
        // A terminal as a terminal program gets it: echo on (rexpect turns it off).
        .arg(format!(
            "stty rows 24 cols 80 echo && exec {}",
            bin().display()
        ));
    cmd.env("CCADMIN_STATE_DIR", &s)
        .env("TERM", "xterm")
        .env_remove("DBUS_SESSION_BUS_ADDRESS");
    let mut p = rexpect::session::spawn_command(cmd, Some(15_000)).unwrap();
    p.exp_string("admin:").unwrap();
    let line = |p: &mut PtySession, text: &str| {
        keys(p, &format!("{text}\r"));
    };

    // A short command.
    line(&mut p, "show cli pagination");
    assert_eq!(
        p.exp_string("admin:").unwrap(),
        "show cli pagination\r\nAutomatic Pagination : On.\r\n\r\x1b[K"
    );

    // A 120-character command: past column 80 the terminal wraps it.
    let long = format!("run sql select 1 as one -- {}", "x".repeat(93));
    assert_eq!(long.len(), 120);
    line(&mut p, &long);
    assert_eq!(
        p.exp_string("admin:").unwrap(),
        format!("{long}\r\none\r\n===\r\n1\r\n\r\x1b[K")
    );

    // A yes/no question, answered once.
    line(&mut p, "utils applicationuser delete bob");
    assert_eq!(
        p.exp_string("(yes/no)? ").unwrap(),
        "utils applicationuser delete bob\r\nDelete application user bob "
    );
    line(&mut p, "yes");
    assert_eq!(
        p.exp_string("admin:").unwrap(),
        "yes\r\nApplication user bob deleted.\r\n\r\x1b[K"
    );

    // A paged output: 23 rows, then VOS's bold pager prompt, erased after the key.
    let sql = "run sql with recursive c(x) as (select 1 union all select x+1 from c limit 40) select x from c";
    line(&mut p, sql);
    let rows: String = (1..=21).map(|i| format!("{i}\r\n")).collect();
    assert_eq!(
        p.exp_string("Press <enter> for 1 line, <space> for one page, or <q> to quit\x1b[0m")
            .unwrap(),
        format!("{sql}\r\nx\r\n==\r\n{rows}\x1b[1m")
    );
    keys(&mut p, "q");
    assert_eq!(p.exp_string("admin:").unwrap(), "\r\x1b[K\r\x1b[K");
    quit(p);
}
