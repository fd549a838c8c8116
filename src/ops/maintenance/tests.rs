//! Unit tests of maintenance mode's parsing: the status answer, the reason, the command set,
//! a node's peers.

use super::*;

#[test]
fn a_status_answer_is_one_of_two_lines() {
    assert_eq!(parse_status("In maintenance\r\n"), Ok(State::InMaintenance));
    assert_eq!(
        parse_status("\n  Not in maintenance  \n\n"),
        Ok(State::NotInMaintenance)
    );
    assert_eq!(parse_status(""), Err(StatusError::Empty));
    assert_eq!(parse_status("\r\n"), Err(StatusError::Empty));
    assert_eq!(
        parse_status("Maintenance\n"),
        Err(StatusError::NotAState(1))
    );
    assert_eq!(
        parse_status("In maintenance\nNot in maintenance\n"),
        Err(StatusError::MoreThanOne)
    );
    assert_eq!(
        parse_status("In maintenance\x1b[2J\n"),
        Err(StatusError::Control(1))
    );
    assert_eq!(
        parse_status("\nIn maint\x07enance\n"),
        Err(StatusError::Control(2))
    );
    assert_eq!(
        parse_status(&"In maintenance\n".repeat(MAX_OUTPUT)),
        Err(StatusError::TooLarge)
    );
    // The refusal never repeats what the node printed.
    let e = parse_status("\x1b]0;pwned\x07\n").unwrap_err().to_string();
    assert!(!e.contains('\x1b') && !e.contains("pwned"), "{e}");
}

#[test]
fn a_reason_is_one_of_the_fixed_tokens() {
    for r in Reason::ALL {
        assert_eq!(r.token().parse::<Reason>(), Ok(r));
        assert_eq!(r.token().to_uppercase().parse::<Reason>(), Ok(r));
    }
    assert_eq!(Reason::MajorUpgrade.label(), "ISO/major upgrade");
    for bad in [
        "",
        "es install",
        "es-install;reboot",
        "$(reboot)",
        "other ",
        "ms-updates-install\n",
    ] {
        assert_eq!(bad.parse::<Reason>(), Err(ReasonError), "{bad:?}");
    }
    assert!(asks_reason("Router") && asks_reason("ROGGER") && !asks_reason("PG"));
}

#[test]
fn a_command_set_is_checked_and_its_reason_replaced_by_the_token_only() {
    let set =
        parse_set(br#"{"PG": {"status": "sh s", "initiate": "sh i {reason}", "end": "sh e"}}"#)
            .unwrap();
    assert!(supports(&set, "pg") && supports(&set, "PG") && !supports(&set, "Finesse"));
    let c = commands_for(&set, "Pg").unwrap();
    assert_eq!(
        c.initiate_command(Some(Reason::EsRollback)),
        "sh i es-rollback"
    );
    assert_eq!(c.initiate_command(None), "sh i ");
    assert!(matches!(
        parse_set(br#"{"PG": {"status": "s", "initiate": "i", "end": "e", "x": "y"}}"#),
        Err(SetError::Json(_))
    ));
    assert!(matches!(
        parse_set(br#"{"PG": {"status": "s", "initiate": "i"}}"#),
        Err(SetError::Json(_))
    ));
    assert_eq!(
        parse_set(br#"{"PG": {"status": "s", "initiate": "i", "end": "a\u001bb"}}"#),
        Err(SetError::Command {
            product: "PG".into(),
            what: "end"
        })
    );
}

#[test]
fn the_peers_of_a_node_are_the_other_members_of_its_group() {
    let row = |product: &str, group: &str, name: &str| HostRow {
        platform: "Windows",
        product: product.into(),
        group: group.into(),
        name: name.into(),
        side: "A".into(),
        detail: String::new(),
    };
    let rows = vec![
        row("PG", "PG1", "pg1a"),
        row("PG", "PG1", "pg1b"),
        row("PG", "PG2", "pg2a"),
        row("ROUTER", "", "ra"),
        row("ROUTER", "", "rb"),
    ];
    let names = |h: &HostRow| {
        peers(&rows, h)
            .iter()
            .map(|r| r.name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&rows[0]), ["pg1b"]);
    assert_eq!(names(&rows[1]), ["pg1a"]);
    assert!(names(&rows[2]).is_empty());
    // No group: no peers known.
    assert!(names(&rows[3]).is_empty());
}
