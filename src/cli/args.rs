//! The command line's shape: the top-level flags and one subcommand per command file, and the
//! JSON a `--json` run prints for a command line clap refused.

use clap::{Parser, Subcommand};

use super::config::GlobalArgs;
use super::{
    auth_commands, config, decode, device_commands, exit, ledger_commands, receipt,
    refund_commands, sim, support_commands,
};

/// A terminal point of sale for Clover payment devices, with a built-in device simulator.
#[derive(Debug, Parser)]
#[command(name = "till", version, about, after_help = exit::HELP)]
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
    #[arg(long, value_name = "default|real", value_parser = sim::parse_profile)]
    pub sim_profile: Option<crate::sim::device::Profile>,
    /// The TUI reads only: history and today's totals, no sales, nothing written or sent (also
    /// what `till` does by itself, with a banner, when another till holds the data directory).
    #[arg(long)]
    pub read_only: bool,
    #[command(subcommand)]
    pub(super) command: Option<Command>,
}

/// `--sim-customer` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SimCustomerArg {
    /// Act from the device panel (function keys).
    Manual,
    /// Act by itself (amount-driven outcomes).
    Auto,
}

// The commands, one per file of `cli/` (no doc comment: clap would show it).
#[derive(Debug, Subcommand)]
pub(super) enum Command {
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
pub(super) fn usage_error_json(args: &[String], message: &str, code: u8) -> serde_json::Value {
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
