//! `till auth`, `till preauth`, `till capture`, `till increment`, `till tip` and `till closeout`
//! (#17): tabs and holds with the same never-lose guarantees as a sale (recorded before they
//! are sent, never re-sent, recovered when their answer is lost).

use clap::Args;

use super::auth_flows::{self, Request};
use super::config::GlobalArgs;
use super::device_commands::{parse_amount, parse_external_id, policies, with_session};
use super::failure::Failure;
use super::linked_flow;
use crate::payment::PaymentKind;
use crate::protocol::Cents;

/// Take a tip-adjustable payment (an auth: the tip is added later with `till tip`).
///
/// Exit 0 approved; 1 declined or canceled; 2 invalid amount or external id, or the device does
/// not support auths (nothing sent); 3 device unreachable; 4 outcome unknown (pending recovery:
/// `till recover`); 5 another transaction is open; 6 partially approved.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  till auth 42.00 --external-id TABLE-7 --json")]
pub struct AuthArgs {
    /// Amount before tip, e.g. 42.00.
    #[arg(value_parser = parse_amount)]
    amount: Cents,
    /// Your id for the payment (1–32 printable ASCII characters); a fresh one when absent.
    #[arg(long, value_parser = parse_external_id)]
    external_id: Option<String>,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// Put a hold on a card (a pre-auth), captured later with `till capture`.
///
/// Exit 0 held; 1 declined or canceled; 2 invalid amount or external id, or the device does not
/// support pre-auths (nothing sent); 3 device unreachable; 4 outcome unknown (pending recovery:
/// `till recover`); 5 another transaction is open.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  till preauth 150.00 --external-id ROOM-12")]
pub struct PreAuthArgs {
    /// Amount to hold, e.g. 150.00.
    #[arg(value_parser = parse_amount)]
    amount: Cents,
    /// Your id for the hold (1–32 printable ASCII characters); a fresh one when absent.
    #[arg(long, value_parser = parse_external_id)]
    external_id: Option<String>,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// Capture an approved pre-auth: take the final amount (the whole hold when --amount is absent)
/// plus a tip. A pre-auth is captured once.
///
/// Exit 0 captured; 1 refused by the device (e.g. above what the hold allows); 2 invalid
/// (unknown id, not an approved pre-auth, already captured, bad amount; nothing sent); 3 device
/// unreachable; 4 outcome unknown (pending recovery: `till recover`); 5 another transaction is
/// open.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  till capture ROOM-12 --amount 132.50 --tip 10.00\n  till capture ROOM-12 --json   (the whole hold, no tip)"
)]
pub struct CaptureArgs {
    /// The external id of the pre-auth (`till history` lists them).
    #[arg(value_parser = parse_external_id)]
    external_id: String,
    /// The final amount before tip, e.g. 132.50 [default: the hold].
    #[arg(long, value_parser = parse_amount)]
    amount: Option<Cents>,
    /// The tip, e.g. 10.00 [default: 0.00].
    #[arg(long, value_parser = parse_amount)]
    tip: Option<Cents>,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// Raise an approved pre-auth's hold by AMOUNT (before it is captured).
///
/// Exit 0 raised; 1 refused by the device; 2 invalid (unknown id, not an open pre-auth, bad
/// amount; nothing sent); 3 device unreachable; 4 outcome unknown (pending recovery:
/// `till recover`); 5 another transaction is open.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  till increment ROOM-12 25.00")]
pub struct IncrementArgs {
    /// The external id of the pre-auth (`till history` lists them).
    #[arg(value_parser = parse_external_id)]
    external_id: String,
    /// How much more to hold, e.g. 25.00.
    #[arg(value_parser = parse_amount)]
    amount: Cents,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// Set the tip of an approved auth (the tip written on the receipt). It replaces an earlier tip.
///
/// Exit 0 set; 1 refused by the device; 2 invalid (unknown id, a sale or anything not an
/// approved auth, negative tip, or the device does not support tip adjusts; nothing sent);
/// 3 device unreachable; 4 outcome unknown (pending recovery: `till recover`); 5 another
/// transaction is open.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  till tip TABLE-7 6.50 --json")]
pub struct TipArgs {
    /// The external id of the auth (`till history` lists them).
    #[arg(value_parser = parse_external_id)]
    external_id: String,
    /// The tip, e.g. 6.50 (0.00 for none).
    #[arg(value_parser = parse_amount)]
    tip: Cents,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// Close the batch on the device and record it (id, count, total, state).
///
/// Refused while tabs are open (auths waiting for their tips, pre-auths waiting to be captured),
/// unless --allow-open-tabs. Exit 0 closed; 1 refused by the device; 2 open tabs (nothing
/// sent); 3 device unreachable; 4 no answer (the batch may or may not be closed: check the
/// Clover dashboard); 5 a payment is open.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  till closeout\n  till closeout --allow-open-tabs --json")]
pub struct CloseoutArgs {
    /// Close even while tabs are open.
    #[arg(long)]
    allow_open_tabs: bool,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

fn positive(amount: Option<Cents>, what: &str) -> Result<(), Failure> {
    match amount {
        Some(a) if a.get() <= 0 => Err(Failure {
            code: super::exit::USAGE,
            message: format!("{what}: must be greater than 0.00; nothing was sent"),
        }),
        _ => Ok(()),
    }
}

fn not_negative(amount: Option<Cents>, what: &str) -> Result<(), Failure> {
    match amount {
        Some(a) if a.get() < 0 => Err(Failure {
            code: super::exit::USAGE,
            message: format!("{what}: must not be negative; nothing was sent"),
        }),
        _ => Ok(()),
    }
}

fn start(
    global: &GlobalArgs,
    kind: PaymentKind,
    amount: Cents,
    id: Option<String>,
    json: bool,
) -> u8 {
    let command = if kind == PaymentKind::PreAuth {
        "preauth"
    } else {
        "auth"
    };
    with_session(
        global,
        json,
        command,
        |c: &crate::config::LoadedConfig| {
            positive(Some(amount), "amount")?;
            let max = c.settings.sale.max_amount;
            if amount > max {
                return Err(Failure {
                    code: super::exit::USAGE,
                    message: format!(
                        "amount: {amount} is over the maximum sale amount of {max} (sale.max_amount); nothing was sent"
                    ),
                });
            }
            Ok(())
        },
        async |s| {
            let p = policies(s);
            let t = s.timeouts;
            let request = Request::Start {
                kind,
                amount,
                external_id: id,
            };
            linked_flow::run(&mut s.rt, &request, p, t).await
        },
    )
}

/// `till auth`.
pub fn auth(global: &GlobalArgs, args: AuthArgs) -> u8 {
    start(
        global,
        PaymentKind::Auth,
        args.amount,
        args.external_id,
        args.json,
    )
}

/// `till preauth`.
pub fn preauth(global: &GlobalArgs, args: PreAuthArgs) -> u8 {
    start(
        global,
        PaymentKind::PreAuth,
        args.amount,
        args.external_id,
        args.json,
    )
}

fn adjust(
    global: &GlobalArgs,
    command: &str,
    json: bool,
    check: impl FnOnce() -> Result<(), Failure>,
    request: Request,
) -> u8 {
    with_session(
        global,
        json,
        command,
        |_: &crate::config::LoadedConfig| check(),
        async |s| {
            let p = policies(s);
            let t = s.timeouts;
            linked_flow::run(&mut s.rt, &request, p, t).await
        },
    )
}

/// `till capture`.
pub fn capture(global: &GlobalArgs, args: CaptureArgs) -> u8 {
    let (amount, tip) = (args.amount, args.tip);
    adjust(
        global,
        "capture",
        args.json,
        || {
            positive(amount, "--amount")?;
            not_negative(tip, "--tip")
        },
        Request::Capture {
            preauth: args.external_id,
            amount,
            tip,
        },
    )
}

/// `till increment`.
pub fn increment(global: &GlobalArgs, args: IncrementArgs) -> u8 {
    let amount = args.amount;
    adjust(
        global,
        "increment",
        args.json,
        || positive(Some(amount), "amount"),
        Request::Increment {
            preauth: args.external_id,
            amount,
        },
    )
}

/// `till tip`.
pub fn tip(global: &GlobalArgs, args: TipArgs) -> u8 {
    let tip = args.tip;
    adjust(
        global,
        "tip",
        args.json,
        || not_negative(Some(tip), "tip"),
        Request::Tip {
            auth: args.external_id,
            tip,
        },
    )
}

/// `till closeout`.
pub fn closeout(global: &GlobalArgs, args: CloseoutArgs) -> u8 {
    let allow = args.allow_open_tabs;
    with_session(
        global,
        args.json,
        "closeout",
        |_: &crate::config::LoadedConfig| Ok(()),
        async |s| {
            let t = s.timeouts;
            auth_flows::closeout(&mut s.rt, allow, t).await
        },
    )
}
