//! The command line: one file per command. Every command returns an [`ExitCode`] from the
//! documented table, and prints errors that say what to do.

use std::process::ExitCode;

use clap::Parser;

pub use args::{Cli, SimCustomerArg};
pub use config::GlobalArgs;

use args::{Command, usage_error_json};

mod args;
mod auth_commands;
mod auth_flows;
mod composition;
mod config;
mod decode;
mod device_commands;
pub mod exit;
mod failure;
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
