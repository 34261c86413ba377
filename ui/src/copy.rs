//! The words the UI shows that depend on a number or a choice: counts of people and sessions,
//! minutes, the revoke dialog's wording per scope, the expiry notices. Pure functions, so the
//! grammar ("1 person", "2 people") is unit-tested natively rather than eyeballed in a window.

use tenure_core::wire::{RevokeScope, Role};

/// "1 minute", "5 minutes".
pub fn minutes_phrase(n: i64) -> String {
    if n == 1 {
        "1 minute".to_owned()
    } else {
        format!("{n} minutes")
    }
}

/// The headline of the Active sessions card. `caller_included` is whether the person reading it
/// is among the `people` counted (they normally are: they are signed in to read it).
pub fn active_copy(people: usize, caller_included: bool) -> String {
    match (people, caller_included) {
        (0, _) => "Nobody is signed in".to_owned(),
        (1, true) => "Only you are signed in".to_owned(),
        (1, false) => "1 person is signed in".to_owned(),
        (n, _) => format!("{n} people are signed in"),
    }
}

/// How many people the Active sessions list shows at first, and adds per "Show more": a long
/// list stays quick to open and light to hold, and the most recent sign-ins come first.
pub const ACTIVE_PAGE: usize = 100;

/// The line under a list cut short, and its button; `None` when every person is shown.
pub fn active_more(shown: usize, total: usize) -> Option<(String, String)> {
    (shown < total).then(|| {
        let next = ACTIVE_PAGE.min(total - shown);
        (
            format!("Showing the {shown} most recent of {total} people"),
            format!("Show {next} more"),
        )
    })
}

/// The success notice after a revoke. It counts sessions, not people: one person may be
/// signed in on several desktops.
pub fn revoked_notice(sessions: u64) -> String {
    if sessions == 1 {
        "Signed out 1 session".to_owned()
    } else {
        format!("Signed out {sessions} sessions")
    }
}

/// What the revoke confirmation says, per scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevokeCopy {
    pub title: String,
    pub body: String,
    pub confirm: String,
}

/// `others` is how many active people there are besides the caller; `everyone` counts the
/// caller too.
pub fn revoke_copy(scope: RevokeScope, others: usize, everyone: usize) -> RevokeCopy {
    match scope {
        RevokeScope::Others => RevokeCopy {
            title: "Sign out everyone except you?".to_owned(),
            body: format!(
                "{} will be signed out on every device and must sign in again. You stay signed in.",
                capitalise(&other_people_phrase(others))
            ),
            confirm: format!("Sign out {}", other_people_phrase(others)),
        },
        RevokeScope::All => RevokeCopy {
            title: "Sign out everyone, including you?".to_owned(),
            body: if everyone <= 1 {
                "You will be signed out on every device and taken to the sign-in page.".to_owned()
            } else {
                format!(
                    "All {everyone} people, you included, will be signed out on every device. \
                     You will be taken to the sign-in page."
                )
            },
            confirm: if everyone <= 1 {
                "Sign me out everywhere".to_owned()
            } else {
                format!("Sign out all {everyone} people")
            },
        },
    }
}

fn other_people_phrase(n: usize) -> String {
    if n == 1 {
        "1 other person".to_owned()
    } else {
        format!("{n} other people")
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The amber notice: the idle expiry is near and a refresh would help.
pub fn idle_notice(minutes_left: i64) -> String {
    format!(
        "Your session will end in {} because of inactivity.",
        minutes_phrase(minutes_left)
    )
}

/// The cyan notice: the absolute expiry is near and nothing but a new sign-in helps.
pub fn absolute_notice(minutes_left: i64) -> String {
    format!(
        "Your session reaches its maximum length in {}.",
        minutes_phrase(minutes_left)
    )
}

/// Minutes in the short form the preset labels use: "15 min", "12 h", "1 h 30 min", "30 days".
pub fn short_minutes(m: i64) -> String {
    const DAY: i64 = 24 * 60;
    if m >= 2 * DAY && m % DAY == 0 {
        format!("{} days", m / DAY)
    } else if m < 60 {
        format!("{m} min")
    } else if m % 60 == 0 {
        format!("{} h", m / 60)
    } else {
        format!("{} h {} min", m / 60, m % 60)
    }
}

/// Minutes with their short form when that reads differently: "30 min", "1440 min (24 h)".
pub fn minutes_explained(m: i64) -> String {
    let short = short_minutes(m);
    if short == format!("{m} min") {
        short
    } else {
        format!("{m} min ({short})")
    }
}

/// The people in an account, as a role badge reads.
pub fn role_label(role: Role) -> &'static str {
    match role {
        Role::Owner => "Owner",
        Role::Member => "Member",
    }
}

/// The lock-out message with the local wall-clock time, e.g. "Try again after 14:05.".
pub fn locked_out(hour: u32, minute: u32) -> String {
    format!("Too many failed sign-ins. Try again after {hour:02}:{minute:02}.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_list_says_how_much_is_shown_and_what_more_adds() {
        assert_eq!(active_more(3, 3), None);
        assert_eq!(
            active_more(100, 1000),
            Some((
                "Showing the 100 most recent of 1000 people".to_owned(),
                "Show 100 more".to_owned()
            ))
        );
        assert_eq!(
            active_more(900, 937).map(|(_, b)| b),
            Some("Show 37 more".to_owned())
        );
    }

    #[test]
    fn active_copy_fits_the_count() {
        assert_eq!(active_copy(1, true), "Only you are signed in");
        assert_eq!(active_copy(2, true), "2 people are signed in");
        assert_eq!(active_copy(3, true), "3 people are signed in");
        assert_eq!(active_copy(1, false), "1 person is signed in");
        assert_eq!(active_copy(2, false), "2 people are signed in");
        assert_eq!(active_copy(0, false), "Nobody is signed in");
    }

    #[test]
    fn revoked_notice_is_singular_for_one() {
        assert_eq!(revoked_notice(1), "Signed out 1 session");
        assert_eq!(revoked_notice(0), "Signed out 0 sessions");
        assert_eq!(revoked_notice(4), "Signed out 4 sessions");
    }

    #[test]
    fn revoke_copy_differs_by_scope_and_counts_people() {
        let others = revoke_copy(RevokeScope::Others, 1, 2);
        let all = revoke_copy(RevokeScope::All, 1, 2);
        assert_ne!(others.title, all.title);
        assert_ne!(others.confirm, all.confirm);
        assert_eq!(others.confirm, "Sign out 1 other person");
        assert!(others.body.starts_with("1 other person will be signed out"));
        assert_eq!(
            revoke_copy(RevokeScope::Others, 3, 4).confirm,
            "Sign out 3 other people"
        );
        assert_eq!(all.confirm, "Sign out all 2 people");
        assert!(all.body.contains("All 2 people"));
        assert_eq!(
            revoke_copy(RevokeScope::All, 0, 1).confirm,
            "Sign me out everywhere"
        );
    }

    #[test]
    fn notices() {
        assert_eq!(
            idle_notice(5),
            "Your session will end in 5 minutes because of inactivity."
        );
        assert_eq!(
            idle_notice(1),
            "Your session will end in 1 minute because of inactivity."
        );
        assert_eq!(
            absolute_notice(3),
            "Your session reaches its maximum length in 3 minutes."
        );
    }

    #[test]
    fn short_minutes_reads_naturally() {
        assert_eq!(short_minutes(15), "15 min");
        assert_eq!(short_minutes(60), "1 h");
        assert_eq!(short_minutes(720), "12 h");
        assert_eq!(short_minutes(1440), "24 h");
        assert_eq!(short_minutes(90), "1 h 30 min");
        assert_eq!(short_minutes(43_200), "30 days");
        assert_eq!(short_minutes(129_600), "90 days");
    }

    #[test]
    fn minutes_explained_skips_a_repeat() {
        assert_eq!(minutes_explained(30), "30 min");
        assert_eq!(minutes_explained(1440), "1440 min (24 h)");
    }

    #[test]
    fn locked_out_pads_the_time() {
        assert_eq!(
            locked_out(14, 5),
            "Too many failed sign-ins. Try again after 14:05."
        );
        assert_eq!(
            locked_out(9, 0),
            "Too many failed sign-ins. Try again after 09:00."
        );
    }
}
