//! The headless commands that talk to the device: `sale`, `status`, `recover`, `reset`,
//! `message`, `pair`. Each opens a session, runs its flow through the state machine, prints one
//! result (text, or one JSON object with `--json`) and exits with the documented code.

use clap::Args;

use super::composition::{self, Purpose};
use super::config::GlobalArgs;
use super::exit;
use super::failure::Failure;
use super::flows::{self, Finish, SaleInput};
use super::out;
use super::policy::{Policies, Policy};
use super::report::emit;
use crate::protocol::{Cents, check_amounts, validate_external_id};

pub(super) fn parse_amount(text: &str) -> Result<Cents, String> {
    Cents::parse(text).map_err(|e| e.to_string())
}

pub(super) fn parse_external_id(text: &str) -> Result<String, String> {
    validate_external_id(text)
        .map(|_| text.to_owned())
        .map_err(|e| e.to_string())
}

/// The answer policies of the configuration (`sale.on_challenge`, `on_signature`, `on_partial`),
/// for commands that take no policy flags of their own.
pub(super) fn policies(s: &super::composition::Session) -> Policies {
    let sale = &s.config.settings.sale;
    Policies {
        challenge: policy(sale.on_challenge),
        signature: policy(sale.on_signature),
        partial: policy(sale.on_partial),
    }
}

pub(super) fn policy(p: crate::config::AnswerPolicy) -> Policy {
    match p {
        crate::config::AnswerPolicy::Ask => Policy::Ask,
        crate::config::AnswerPolicy::Accept => Policy::Accept,
        crate::config::AnswerPolicy::Reject => Policy::Reject,
    }
}

fn fail(json: bool, command: &str, f: Failure) -> u8 {
    if json {
        out::line!(
            "{}",
            serde_json::json!({"command": command, "error": f.message, "exit_code": f.code})
        );
    } else {
        eprintln!(
            "till {command}: {}",
            crate::protocol::text::terminal_safe(&f.message)
        );
    }
    f.code
}

fn finish(json: bool, f: Finish) -> u8 {
    // Outcomes go to stdout (approved, partially approved, a definitive no); the rest to stderr.
    if !json && ![exit::OK, exit::NEGATIVE, exit::PARTIAL].contains(&f.code) {
        for line in &f.human {
            eprintln!("{}", crate::protocol::text::terminal_safe(line));
        }
        return f.code;
    }
    emit(json, f.json, &f.human, f.code)
}

/// Runs `body` on a session opened for a headless command.
pub(super) fn with_session<F>(
    global: &GlobalArgs,
    json: bool,
    command: &str,
    check: impl FnOnce(&crate::config::LoadedConfig) -> Result<(), Failure>,
    body: F,
) -> u8
where
    F: AsyncFnOnce(&mut composition::Session) -> Finish,
{
    let config = match composition::load_config(global) {
        Ok(c) => c,
        Err(f) => return fail(json, command, f),
    };
    if let Err(f) = check(&config) {
        return fail(json, command, f);
    }
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            return fail(
                json,
                command,
                Failure {
                    code: exit::UNREACHABLE,
                    message: format!("cannot start: {e}"),
                },
            );
        }
    };
    rt.block_on(async {
        let mut s = match composition::open(global, config, Purpose::Headless).await {
            Ok(s) => s,
            Err(f) => return fail(json, command, f),
        };
        let result = body(&mut s).await;
        s.close().await;
        finish(json, result)
    })
}

/// Ring a sale on the device and wait for the outcome.
///
/// Exit 0 approved; 1 declined, canceled or refused by the device; 2 invalid input, a reused
/// external id or a ledger that cannot be written (nothing sent); 3 device unreachable or pairing
/// required; 4 outcome unknown (pending recovery; also when --timeout passed with the payment
/// still in progress); 5 another payment is pending; 6 partially approved (less was taken than
/// asked for).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  till --device sim sale 12.34\n  till sale 25.00 --tip 3.00 --on-challenge reject --json"
)]
pub struct SaleArgs {
    /// Amount to charge, e.g. 12.34; optional with --item (the charge is the order's total).
    #[arg(value_parser = parse_amount, required_unless_present = "items")]
    amount: Option<Cents>,
    /// An order line: NAME=PRICE[xQTY] (e.g. Tea=2.50x2) or a catalog CODE; repeatable. The
    /// lines go to the device display, and the sale's amount is the order's total.
    #[arg(long = "item", value_name = "NAME=PRICE[xQTY]|CODE")]
    items: Vec<String>,
    /// Tip already agreed, e.g. 2.00.
    #[arg(long, value_parser = parse_amount)]
    tip: Option<Cents>,
    /// Tax part of the amount.
    #[arg(long, value_parser = parse_amount)]
    tax: Option<Cents>,
    /// Your id for the payment (1–32 printable ASCII characters); a fresh one when absent.
    #[arg(long, value_parser = parse_external_id)]
    external_id: Option<String>,
    /// Answer to a duplicate/offline challenge [default: sale.on_challenge from the config, "ask"].
    #[arg(long, value_enum)]
    on_challenge: Option<Policy>,
    /// Answer to a signature [default: sale.on_signature from the config, "ask"].
    #[arg(long, value_enum)]
    on_signature: Option<Policy>,
    /// Answer to a partial approval (PARTIAL_AUTH_CHALLENGE) [default: sale.on_partial from the
    /// config, "ask"; without a terminal "ask" rejects].
    #[arg(long, value_enum)]
    on_partial: Option<Policy>,
    /// Give up waiting after SECONDS: one recovery round runs, and a payment still in progress
    /// is left pending (exit 4) for `till recover` [default: sale.timeout_ms from the config,
    /// 300 s].
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    timeout: Option<u64>,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// `till sale`.
pub fn sale(global: &GlobalArgs, args: SaleArgs) -> u8 {
    let check = |c: &crate::config::LoadedConfig| {
        let max = c.settings.sale.max_amount;
        let Some(amount) = args.amount else {
            return Ok(());
        };
        check_amounts(amount, args.tip, args.tax, Some(max)).map_err(|e| Failure {
            code: exit::USAGE,
            message: format!("{e}; nothing was sent"),
        })
    };
    let json = args.json;
    with_session(global, json, "sale", check, async |s| {
        let sale = &s.config.settings.sale;
        let policies = Policies {
            challenge: args.on_challenge.unwrap_or(policy(sale.on_challenge)),
            signature: args.on_signature.unwrap_or(policy(sale.on_signature)),
            partial: args.on_partial.unwrap_or(policy(sale.on_partial)),
        };
        let input = SaleInput {
            amount: args.amount,
            items: args.items,
            tip: args.tip,
            tax: args.tax,
            external_id: args.external_id,
        };
        let mut t = s.timeouts;
        if let Some(secs) = args.timeout {
            t.sale = std::time::Duration::from_secs(secs);
        }
        flows::sale(&mut s.rt, input, policies, t).await
    })
}

/// Show the connection, what the device is doing, and the pending payment.
///
/// Exit 0 when the device answered; 3 when it is unreachable or needs pairing.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  till status --json")]
pub struct StatusArgs {
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// `till status`.
pub fn status(global: &GlobalArgs, args: StatusArgs) -> u8 {
    with_session(
        global,
        args.json,
        "status",
        |_| Ok(()),
        async |s| {
            let t = s.timeouts;
            flows::status(&mut s.rt, t).await
        },
    )
}

/// Find out what happened to every payment left open, and record it.
///
/// Asks the device for its status (re-sending what it waits for), answers a re-delivered
/// challenge or signature by the policies, and looks the payment up by external id.
/// Progress (each recovery step and the device's answer) is printed on stderr as it happens.
/// Exit 0 when everything is resolved, whatever the outcome (approved, declined, canceled,
/// voided, not_found); 4 when an outcome is still unknown; 3 device unreachable.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  till recover --on-challenge reject")]
pub struct RecoverArgs {
    /// Answer to a re-delivered challenge.
    #[arg(long, value_enum)]
    on_challenge: Option<Policy>,
    /// Answer to a re-delivered signature.
    #[arg(long, value_enum)]
    on_signature: Option<Policy>,
    /// Answer to a re-delivered partial approval (PARTIAL_AUTH_CHALLENGE).
    #[arg(long, value_enum)]
    on_partial: Option<Policy>,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// `till recover`.
pub fn recover(global: &GlobalArgs, args: RecoverArgs) -> u8 {
    with_session(
        global,
        args.json,
        "recover",
        |_| Ok(()),
        async |s| {
            let sale = &s.config.settings.sale;
            let policies = Policies {
                challenge: args.on_challenge.unwrap_or(policy(sale.on_challenge)),
                signature: args.on_signature.unwrap_or(policy(sale.on_signature)),
                partial: args.on_partial.unwrap_or(policy(sale.on_partial)),
            };
            let t = s.timeouts;
            flows::recover(&mut s.rt, policies, t).await
        },
    )
}

/// Reset the device (BREAK), guarded: recovery runs first, and a payment still at risk must be
/// named with --yes-void-pending. Afterwards the payment is checked again.
///
/// Exit 0 done; 5 refused (a payment is at risk and was not named); 3 unreachable; 4 unknown.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  till reset\n  till reset --yes-void-pending 3f2a9c0d1b7e4f6a8c5d2e1f0a9b8c7d"
)]
pub struct ResetArgs {
    /// Confirm the reset although this pending payment may be voided by it.
    #[arg(long, value_name = "EXTERNAL_ID", value_parser = parse_external_id)]
    yes_void_pending: Option<String>,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// `till reset`.
pub fn reset(global: &GlobalArgs, args: ResetArgs) -> u8 {
    with_session(
        global,
        args.json,
        "reset",
        |_| Ok(()),
        async |s| {
            let t = s.timeouts;
            flows::reset(&mut s.rt, args.yes_void_pending, t).await
        },
    )
}

/// Show a message on the device screen.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  till message \"Welcome! Next customer please\"")]
pub struct MessageArgs {
    /// The text.
    text: String,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// `till message`.
pub fn message(global: &GlobalArgs, args: MessageArgs) -> u8 {
    if args.text.trim().is_empty() {
        return fail(
            args.json,
            "message",
            Failure {
                code: exit::USAGE,
                message: "the text must not be empty".into(),
            },
        );
    }
    with_session(
        global,
        args.json,
        "message",
        |_| Ok(()),
        async |s| {
            let t = s.timeouts;
            flows::message(&mut s.rt, args.text, t).await
        },
    )
}

/// Pair with the device: prints the pairing code to enter on the device, waits, stores the token.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  till --device wss://192.168.1.15:12345/remote_pay pair")]
pub struct PairArgs {
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// `till pair`.
pub fn pair(global: &GlobalArgs, args: PairArgs) -> u8 {
    with_session(
        global,
        args.json,
        "pair",
        |_| Ok(()),
        async |s| {
            let t = s.timeouts;
            flows::pair(&mut s.rt, t).await
        },
    )
}
