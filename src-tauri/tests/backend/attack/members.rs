//! A member calling every owner command through the command layer, on both back ends: each is
//! forbidden, the database is unchanged, and every refusal is audited with the command's name.

use serde_json::json;

use super::super::{Backend, MEMBER_PW, OWNER_PW};
use super::{dump_state, CmdApp};

#[rstest::rstest]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_member_is_forbidden_every_owner_command_and_each_refusal_is_audited(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(app) = CmdApp::new(backend).await else {
        return;
    };
    let owner_token = app.setup_owner();
    for (name, email) in [("Ann", "ann@example.com"), ("Bob", "bob@example.com")] {
        app.call(
            "add_member",
            json!({"token": owner_token, "request": {"name": name, "email": email, "password": MEMBER_PW}}),
        )
        .unwrap();
    }
    // Sessions a revoke would end: the owner and Bob on other desktops (straight to the service).
    let owner_elsewhere = app
        .env
        .sign_in("olive@example.com", OWNER_PW)
        .await
        .unwrap();
    let bob = app.env.sign_in("bob@example.com", MEMBER_PW).await.unwrap();
    let ann = app.sign_in("ann@example.com", MEMBER_PW).unwrap();
    let ann_id = app.call("current_session", json!({})).unwrap()["user"]["id"].clone();

    let before = dump_state(&app.env.url).await;
    let audit_before = app.env.store().audit_log(None).await.unwrap().len();
    let calls = [
        ("security_settings", json!({})),
        (
            "update_policy",
            json!({"request": {"idle_minutes": 15, "absolute_minutes": 720}}),
        ),
        // Authorisation comes before validation: a member learns nothing from a bad value.
        (
            "update_policy",
            json!({"request": {"idle_minutes": -5, "absolute_minutes": 720}}),
        ),
        (
            "update_policy",
            json!({"request": {"idle_minutes": null, "absolute_minutes": null}}),
        ),
        ("revoke_sessions", json!({"scope": "others"})),
        ("revoke_sessions", json!({"scope": "all"})),
        ("list_members", json!({})),
        (
            "add_member",
            json!({"request": {"name": "Eve", "email": "eve@example.com", "password": MEMBER_PW}}),
        ),
        // An existing email would be a Conflict for an owner; a member gets Forbidden.
        (
            "add_member",
            json!({"request": {"name": "Bob", "email": "bob@example.com", "password": MEMBER_PW}}),
        ),
    ];
    for (cmd, extra) in &calls {
        let mut args = extra.clone();
        args["token"] = json!(ann);
        assert_eq!(
            app.call(cmd, args).unwrap_err(),
            json!({"kind": "Forbidden", "message": "Only the account owner can do this."}),
            "{cmd} {extra}"
        );
    }
    assert_eq!(
        dump_state(&app.env.url).await,
        before,
        "a refused command changed the database"
    );

    let log = app.env.store().audit_log(None).await.unwrap();
    let added = &log[audit_before..];
    assert_eq!(
        added.len(),
        calls.len(),
        "one audit record per refusal, nothing else"
    );
    for (rec, (cmd, _)) in added.iter().zip(&calls) {
        assert_eq!(rec.action, "forbidden");
        assert_eq!(rec.details, json!({"command": cmd}));
        assert_eq!(json!(rec.actor_user_id), ann_id);
        assert_eq!(rec.account_id, Some(owner_elsewhere.view.account.id));
    }
    // Everyone is still signed in, Ann included.
    for t in [&owner_elsewhere.view.access_token, &bob.view.access_token] {
        app.env.service.authenticate(t).await.unwrap();
    }
    app.call("current_warning", json!({"token": ann})).unwrap();
}
