//! `--demo`: seeds an account with an owner and a few members holding live and expired
//! sessions, so a new user can try every screen at once.

use chrono::Duration;
use tenure_core::wire::{AddMemberRequest, SetupRequest, SignInRequest};
use tenure_core::AppError;

use crate::clock::ManualClock;
use crate::service::{Device, Service};

pub const OWNER_EMAIL: &str = "owner@example.com";
pub const OWNER_PASSWORD: &str = "tenure-demo-owner";
pub const MEMBER_PASSWORD: &str = "tenure-demo-member";

/// Seeds the demo data through the same service rules the app uses. The members' sessions are
/// started on a clock set in the past, so some are still live and some have expired.
pub async fn seed(service: &Service) -> Result<bool, AppError> {
    if !service.status().await?.needs_setup {
        return Ok(false);
    }
    let owner = service
        .setup(SetupRequest {
            account_name: "Northwind Traders".into(),
            owner_name: "Olivia Owner".into(),
            email: OWNER_EMAIL.into(),
            password: OWNER_PASSWORD.into(),
        })
        .await?;
    // The owner's demo sign-in is not this desktop's session: end it.
    service.sign_out(owner.view.session_id).await?;
    let account = owner.view.account.id;
    let members = [
        ("Maya Member", "maya@example.com", Some(20)),
        ("Noah Nguyen", "noah@example.com", Some(3)),
        ("Priya Patel", "priya@example.com", Some(180)),
        ("Sam Sleeper", "sam@example.com", None),
    ];
    let now = service.now();
    for (name, email, minutes_ago) in members {
        service
            .add_member_as(
                account,
                None,
                AddMemberRequest {
                    name: name.into(),
                    email: email.into(),
                    password: MEMBER_PASSWORD.into(),
                },
            )
            .await?;
        if let Some(m) = minutes_ago {
            // Sign in on a clock set back by `m` minutes: 3 and 20 minutes ago are live under
            // the default 60-minute idle limit; 180 minutes ago has gone idle.
            let clock = ManualClock::new(now - Duration::minutes(m));
            let past = service.with_clock(
                std::sync::Arc::new(clock),
                Device {
                    label: "demo-laptop (linux)".into(),
                    app_version: env!("CARGO_PKG_VERSION").into(),
                },
            );
            past.sign_in(SignInRequest {
                email: email.into(),
                password: MEMBER_PASSWORD.into(),
            })
            .await?;
        }
    }
    Ok(true)
}
