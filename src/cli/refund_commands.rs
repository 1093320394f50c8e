//! `till refund`, `till void` and `till credit`: give money back, with the same never-lose
//! guarantees as a sale (recorded before it is sent, never re-sent, recovered when its answer
//! is lost).

use clap::Args;

use super::config::GlobalArgs;
use super::device_commands::{parse_amount, parse_external_id, policies, with_session};
use super::linked_flow;
use super::refund_flows::Request;

/// Refund an approved sale, in full or in part.
///
/// Exit 0 refunded; 1 refused by the device; 2 invalid (unknown, declined, voided or unsettled
/// payment, amount above what is left to refund; nothing sent); 3 device unreachable; 4 outcome
/// unknown (pending recovery: `till recover`); 5 another transaction is open.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  till refund 3F2A9C --amount 5.00\n  till refund 3F2A9C --json   (the whole remainder)"
)]
pub struct RefundArgs {
    /// The external id of the sale to refund (`till history` lists them).
    #[arg(value_parser = parse_external_id)]
    external_id: String,
    /// How much to give back, e.g. 5.00; the whole remainder (tip included) when absent.
    #[arg(long, value_parser = parse_amount)]
    amount: Option<crate::protocol::Cents>,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// Void an approved sale that has no refunds (the whole payment is undone).
///
/// Exit 0 voided; 1 refused by the device; 2 invalid (unknown, declined, voided, refunded or
/// unsettled payment; nothing sent); 3 device unreachable; 4 outcome unknown (pending recovery:
/// `till recover`); 5 another transaction is open.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  till void 3F2A9C --json")]
pub struct VoidArgs {
    /// The external id of the sale to void (`till history` lists them).
    #[arg(value_parser = parse_external_id)]
    external_id: String,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// Give money back to a card without a sale (a manual refund): the customer taps the card.
///
/// Exit 0 credited; 1 declined or canceled; 2 invalid amount or external id (nothing sent);
/// 3 device unreachable; 4 outcome unknown (pending recovery: `till recover`); 5 another
/// transaction is open.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  till credit 7.50 --external-id RETURN-42")]
pub struct CreditArgs {
    /// Amount to give back, e.g. 7.50.
    #[arg(value_parser = parse_amount)]
    amount: crate::protocol::Cents,
    /// Your id for the credit (1–32 printable ASCII characters); a fresh one when absent.
    #[arg(long, value_parser = parse_external_id)]
    external_id: Option<String>,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

fn positive(amount: Option<crate::protocol::Cents>) -> Result<(), super::failure::Failure> {
    match amount {
        Some(a) if a.get() <= 0 => Err(super::failure::Failure {
            code: super::exit::USAGE,
            message: "amount: must be greater than 0.00; nothing was sent".into(),
        }),
        _ => Ok(()),
    }
}

/// `till refund`.
pub fn refund(global: &GlobalArgs, args: RefundArgs) -> u8 {
    let amount = args.amount;
    with_session(
        global,
        args.json,
        "refund",
        |_| positive(amount),
        async |s| {
            let p = policies(s);
            let t = s.timeouts;
            let request = Request::Refund {
                sale: args.external_id,
                amount,
            };
            linked_flow::run(&mut s.rt, &request, p, t).await
        },
    )
}

/// `till void`.
pub fn void(global: &GlobalArgs, args: VoidArgs) -> u8 {
    with_session(
        global,
        args.json,
        "void",
        |_| Ok(()),
        async |s| {
            let p = policies(s);
            let t = s.timeouts;
            let request = Request::Void {
                sale: args.external_id,
            };
            linked_flow::run(&mut s.rt, &request, p, t).await
        },
    )
}

/// `till credit`.
pub fn credit(global: &GlobalArgs, args: CreditArgs) -> u8 {
    let amount = args.amount;
    with_session(
        global,
        args.json,
        "credit",
        |c: &crate::config::LoadedConfig| {
            positive(Some(amount))?;
            let max = c.settings.sale.max_amount;
            if amount > max {
                return Err(super::failure::Failure {
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
            let request = Request::Credit {
                amount,
                external_id: args.external_id,
            };
            linked_flow::run(&mut s.rt, &request, p, t).await
        },
    )
}
