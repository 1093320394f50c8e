//! The command line: one file per command. Every command returns an [`ExitCode`] from the
//! documented table, and prints errors that say what to do.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use config::GlobalArgs;

mod auth_commands;
mod auth_flows;
mod composition;
mod config;
mod decode;
mod device_commands;
mod flows;
mod ledger_commands;
mod ledger_filters;
mod linked_flow;
mod order_setup;
mod out;
mod policy;
mod print_flow;
mod receipt;
mod refund_commands;
mod refund_flows;
mod report;
mod sim;
mod support_commands;
mod tui;
mod tui_read_only;

/// Exit codes shared by every command (README "Exit codes").
pub mod exit {
    /// Success; for a sale, approved.
    pub const OK: u8 = 0;
    /// A definitive negative outcome: declined, canceled, not_found; or input that failed to decode.
    pub const NEGATIVE: u8 = 1;
    /// Usage, configuration or validation error; nothing was sent.
    pub const USAGE: u8 = 2;
    /// Device unreachable, not ready, or pairing required.
    pub const UNREACHABLE: u8 = 3;
    /// Outcome unknown: the payment is pending recovery in the ledger.
    pub const UNKNOWN: u8 = 4;
    /// Refused: another payment is pending or another `till` holds the data directory.
    pub const REFUSED: u8 = 5;
    /// A sale partially approved: less was taken than asked for; the rest is still due.
    pub const PARTIAL: u8 = 6;
}

const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success (a sale, auth or pre-auth: approved; a refund, void, credit, capture, increment or
     tip adjust: done; a closeout: the batch closed; recover: every outcome resolved)
  1  definitive negative outcome (declined, canceled, voided, not_found, refused by the device;
     undecodable input)
  2  usage, configuration or validation error, a reused external id, a ledger that cannot
     be written, a refund/void/capture/increment/tip adjust the ledger's money rules forbid,
     a flow the device does not support, or a closeout with open tabs (nothing sent); a
     payment id that matches no payment (receipt)
  3  device unreachable, not ready, or pairing required
  4  outcome unknown: the payment (refund, void, credit, capture, tip adjust…) is pending
     recovery in the ledger; a closeout without an answer
  5  refused: another transaction is pending, or another till holds the data directory
  6  partially approved: less was taken than asked for (the rest is still due)";

/// A terminal point of sale for Clover payment devices, with a built-in device simulator.
#[derive(Debug, Parser)]
#[command(name = "till", version, about, after_help = EXIT_CODES_HELP)]
pub struct Cli {
    /// Flags shared by every command.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The simulated customer of the embedded simulator (TUI): `manual` acts from the device
    /// panel's keys, `auto` acts by itself by the amount-driven outcomes.
    #[arg(long, value_enum, value_name = "manual|auto")]
    pub sim_customer: Option<SimCustomerArg>,
    /// The embedded simulator's seed (TUI), to repeat a run's payment ids and auth codes
    /// [default: simulator.seed from the config, else a fresh one from the clock].
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// The device the embedded simulator imitates (TUI, and headless commands when given before
    /// the command): `default` (the project's shapes) or `real` (the frame shapes recorded on
    /// real Clover devices) [config: simulator.profile].
    #[arg(long, value_name = "default|real", value_parser = parse_profile)]
    pub sim_profile: Option<crate::sim::device::Profile>,
    /// The TUI reads only: history and today's totals, no sales, nothing written or sent (also
    /// what `till` does by itself, with a banner, when another till holds the data directory).
    #[arg(long)]
    pub read_only: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

/// `--sim-customer` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SimCustomerArg {
    /// Act from the device panel (function keys).
    Manual,
    /// Act by itself (amount-driven outcomes).
    Auto,
}

/// Parses a `--sim-profile` / `--profile` value.
fn parse_profile(text: &str) -> Result<crate::sim::device::Profile, String> {
    text.parse()
}

#[derive(Debug, Subcommand)]
enum Command {
    Config(config::ConfigArgs),
    Sale(device_commands::SaleArgs),
    Refund(refund_commands::RefundArgs),
    Void(refund_commands::VoidArgs),
    Credit(refund_commands::CreditArgs),
    Auth(auth_commands::AuthArgs),
    Preauth(auth_commands::PreAuthArgs),
    Capture(auth_commands::CaptureArgs),
    Increment(auth_commands::IncrementArgs),
    Tip(auth_commands::TipArgs),
    Closeout(auth_commands::CloseoutArgs),
    Status(device_commands::StatusArgs),
    Recover(device_commands::RecoverArgs),
    Reset(device_commands::ResetArgs),
    Payment(ledger_commands::PaymentArgs),
    History(ledger_commands::HistoryArgs),
    Receipt(receipt::ReceiptArgs),
    Report(support_commands::ReportArgs),
    Export(support_commands::ExportArgs),
    Resolve(support_commands::ResolveArgs),
    Message(device_commands::MessageArgs),
    Pair(device_commands::PairArgs),
    Sim(sim::SimArgs),
    Decode(decode::DecodeArgs),
}

/// The one JSON object a `--json` run prints for a command line clap refused: the command (the
/// first argument naming one, or `till` when none does), clap's message and the exit code.
fn usage_error_json(args: &[String], message: &str, code: u8) -> serde_json::Value {
    use clap::CommandFactory;
    let cli = Cli::command();
    let command = args
        .iter()
        .find(|a| cli.get_subcommands().any(|s| s.get_name() == a.as_str()))
        .map_or("till", String::as_str);
    let message = message
        .trim()
        .trim_start_matches("error: ")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    serde_json::json!({"command": command, "error": message, "exit_code": code})
}

/// Parses the command line and runs the command.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            let args: Vec<String> = std::env::args().skip(1).collect();
            if e.use_stderr() && args.iter().any(|a| a == "--json") {
                out::line!("{}", usage_error_json(&args, &e.to_string(), code));
            } else {
                let _ = e.print();
            }
            return ExitCode::from(code);
        }
    };
    let Some(command) = cli.command else {
        let customer = cli.sim_customer.map(|c| match c {
            SimCustomerArg::Manual => crate::config::SimCustomer::Manual,
            SimCustomerArg::Auto => crate::config::SimCustomer::Auto,
        });
        return ExitCode::from(tui::run(
            &cli.global,
            customer,
            cli.sim_profile,
            cli.seed,
            cli.read_only,
        ));
    };
    let global = GlobalArgs {
        sim_profile: cli.sim_profile,
        ..cli.global
    };
    let code = match command {
        Command::Config(args) => config::run(&global, args),
        Command::Decode(args) => decode::run(args),
        Command::Sim(args) => sim::run(args),
        Command::Sale(args) => device_commands::sale(&global, args),
        Command::Refund(args) => refund_commands::refund(&global, args),
        Command::Void(args) => refund_commands::void(&global, args),
        Command::Credit(args) => refund_commands::credit(&global, args),
        Command::Auth(args) => auth_commands::auth(&global, args),
        Command::Preauth(args) => auth_commands::preauth(&global, args),
        Command::Capture(args) => auth_commands::capture(&global, args),
        Command::Increment(args) => auth_commands::increment(&global, args),
        Command::Tip(args) => auth_commands::tip(&global, args),
        Command::Closeout(args) => auth_commands::closeout(&global, args),
        Command::Status(args) => device_commands::status(&global, args),
        Command::Recover(args) => device_commands::recover(&global, args),
        Command::Reset(args) => device_commands::reset(&global, args),
        Command::Message(args) => device_commands::message(&global, args),
        Command::Pair(args) => device_commands::pair(&global, args),
        Command::Payment(args) => ledger_commands::payment(&global, args),
        Command::History(args) => ledger_commands::history(&global, args),
        Command::Receipt(args) => receipt::run(&global, args),
        Command::Report(args) => support_commands::report(&global, args),
        Command::Export(args) => support_commands::export(&global, args),
        Command::Resolve(args) => support_commands::resolve(&global, args),
    };
    ExitCode::from(code)
}
