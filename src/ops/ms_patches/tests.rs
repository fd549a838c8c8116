//! Unit tests of the typed values a node's answers and the command set are read into.

use super::*;

#[test]
fn a_kb_number_is_kb_and_digits() {
    let kb: Kb = "KB5031356".parse().unwrap();
    assert_eq!((kb.to_string(), kb.number()), ("KB5031356".into(), 5031356));
    assert_eq!("kb42".parse::<Kb>().unwrap().to_string(), "KB42");
    for bad in [
        "",
        "KB",
        "5031356",
        "KB0123",
        "KB12a",
        "KB 1",
        "KB1;calc",
        "KB12345678901",
        "KB-1",
        "KB+1",
    ] {
        assert_eq!(bad.parse::<Kb>(), Err(KbError), "{bad}");
    }
}

#[test]
fn a_list_answer_is_read_into_kb_numbers() {
    let l = parse_list("Installed KB1\r\n\r\nPending KB2\npending kb3\nInstalled KB3\n").unwrap();
    assert_eq!(
        l.installed.iter().map(Kb::to_string).collect::<Vec<_>>(),
        ["KB1", "KB3"]
    );
    assert_eq!(
        l.pending.iter().map(Kb::to_string).collect::<Vec<_>>(),
        ["KB2"]
    );
    assert_eq!(parse_list(""), Ok(Listing::default()));
    assert_eq!(
        parse_list("Installed KB1\nGone KB2\n"),
        Err(ListError::NotAnUpdate(2))
    );
    assert_eq!(
        parse_list("Installed KB1;rm\n"),
        Err(ListError::NotAnUpdate(1))
    );
    assert_eq!(
        parse_list("Pending KB1\x1b[2J\n"),
        Err(ListError::Control(1))
    );
    let many: String = (1..=MAX_KBS + 1)
        .map(|i| format!("Pending KB{i}\n"))
        .collect();
    assert_eq!(parse_list(&many), Err(ListError::TooMany));
    assert_eq!(
        parse_list(&"x".repeat(MAX_OUTPUT + 1)),
        Err(ListError::TooLarge)
    );
}

#[test]
fn a_command_set_names_the_kb_of_its_remove_command() {
    let ok = parse_set(
        br#"{"PG": {"list": "sh l", "install": "sh i", "remove": "wusa /uninstall /kb:{kb_number} /quiet", "busy": "sh b"}}"#,
    )
    .unwrap();
    let kb: Kb = "KB5031356".parse().unwrap();
    assert_eq!(
        ok["PG"].remove_command(kb),
        "wusa /uninstall /kb:5031356 /quiet"
    );
    assert!(matches!(
        parse_set(br#"{"PG": {"list": "l", "install": "i", "remove": "sh r", "busy": "b"}}"#),
        Err(SetError::Rule { what: "remove", .. })
    ));
    assert!(matches!(
        parse_set(
            br#"{"PG": {"list": "l", "install": "i", "remove": "r {kb}", "busy": "b", "x": "y"}}"#
        ),
        Err(SetError::Json(_))
    ));
    assert_eq!(
        parse_set(
            br#"{"PG": {"list": "l", "install": "a\u0007", "remove": "r {kb}", "busy": "b"}}"#
        ),
        Err(SetError::Command {
            product: "PG".into(),
            what: "install"
        })
    );
}

#[test]
fn a_set_without_a_busy_command_is_refused_and_a_busy_answer_is_one_word() {
    // Without `busy` a resumed run could not know whether an installer still runs.
    assert!(matches!(
        parse_set(br#"{"PG": {"list": "l", "install": "i", "remove": "r {kb}"}}"#),
        Err(SetError::Json(e)) if e.contains("missing field `busy`")
    ));
    assert_eq!(parse_busy("Busy\r\n"), Ok(true));
    assert_eq!(parse_busy("  idle\n"), Ok(false));
    for bad in ["", "Busy\nIdle", "busy?", "\x1b]0;t\x07Busy"] {
        assert!(parse_busy(bad).is_err(), "{bad:?}");
    }
    assert!(parse_busy(&"Idle ".repeat(1000)).is_err());
}
