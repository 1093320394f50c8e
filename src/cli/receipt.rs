//! `till receipt`: a payment's receipt as plain text on stdout (ready for `lp`), read from the
//! ledger read-only, so it works while another till holds the data directory.

use clap::Args;

use super::composition::{self, merchant_name};
use super::config::GlobalArgs;
use super::exit;
use super::failure::Failure;
use super::ledger_commands::{clean, print_out, record_line};
use crate::config::LoadedConfig;
use crate::receipt::{MAX_WIDTH, MIN_WIDTH, Receipt, ReceiptLookup, WIDTH};

/// Print a payment's receipt: merchant, date, the order's lines, discounts, subtotal, tax, tip,
/// total, card brand and last four digits, auth code, refunds and voids, the external id.
///
/// Reads the ledger read-only. A payment that took no money, or whose outcome is not known,
/// is marked so at the top and the bottom. Exit 0 when printed; 2 when no payment or several
/// match the id given (nothing printed on stdout).
///
/// With --print-on-device the receipt goes to the device's printer instead (PRINT_TEXT), and the
/// command waits for the device to report the print job: exit 0 printed (DONE); 1 the device
/// refused the job or its printer failed (or never said DONE); 2 no such payment, or a receipt
/// the device cannot take (nothing sent); 3 the device is unreachable or needs pairing.
#[derive(Debug, Args)]
#[command(
    after_help = "The merchant name is sale.order_title, or terminal.name when that is empty.\n\nExamples:\n  till receipt 3f2a9c0d1b7e4f6a8c5d2e1f0a9b8c7d\n  till receipt 3f2a | lp   (any unambiguous prefix, or the device's payment id)\n  till receipt 3f2a --print-on-device --json"
)]
pub struct ReceiptArgs {
    /// The payment's external id, an unambiguous prefix of it, or the device's payment id.
    pub external_id: String,
    /// Line width in columns, 36 to 80.
    #[arg(long, default_value_t = WIDTH as u16, value_parser = clap::value_parser!(u16).range(MIN_WIDTH as i64..=MAX_WIDTH as i64))]
    pub width: u16,
    /// Print on the device's printer (PRINT_TEXT) and wait for its print-job status.
    #[arg(long)]
    pub print_on_device: bool,
    /// Print one JSON object (with --print-on-device: printed, job_id, status or error; else the
    /// receipt's text).
    #[arg(long)]
    pub json: bool,
}

/// Loads the receipt of the payment `text` names, or the failure to report (exit 2, saying
/// what to do).
pub fn load(config: &LoadedConfig, text: &str) -> Result<Receipt, Failure> {
    let ledger = composition::open_ledger_read_only(config)?;
    let found =
        Receipt::load(&ledger, text).map_err(|e| Failure::new(exit::USAGE, e.to_string()))?;
    match found {
        ReceiptLookup::Found(r) => Ok(*r),
        ReceiptLookup::None => Err(Failure::new(
            exit::USAGE,
            format!(
                "no payment with external id (or prefix, or device payment id) {} in the ledger \
                 of {}: check the id with `till history`, or give --data-dir of the till that \
                 took it",
                clean(text),
                config.paths.data_dir.display()
            ),
        )),
        ReceiptLookup::Ambiguous(list) => {
            let mut message = format!(
                "{} is the start of {} external ids; give more of the id:",
                clean(text),
                list.len()
            );
            for r in &list {
                message.push_str(&format!("\n  {}", record_line(r)));
            }
            Err(Failure::new(exit::USAGE, message))
        }
    }
}

/// `till receipt`.
pub fn run(global: &GlobalArgs, args: ReceiptArgs) -> u8 {
    if args.print_on_device {
        return on_device(global, args);
    }
    let json = args.json;
    let id = args.external_id.clone();
    let result = composition::load_config(global).and_then(|config| {
        let receipt = load(&config, &args.external_id)?;
        Ok(crate::receipt::receipt_text(
            &merchant_name(&config),
            &receipt.payment,
            receipt.order.as_ref(),
            &receipt.children,
            usize::from(args.width),
        ))
    });
    match result {
        Ok(text) if json => {
            let value = serde_json::json!({
                "command": "receipt",
                "external_id": id,
                "text": text,
                "exit_code": exit::OK,
            });
            print_out(&format!("{value}\n"));
            exit::OK
        }
        Ok(text) => {
            print_out(&text);
            exit::OK
        }
        Err(f) if json => {
            let value = serde_json::json!({
                "command": "receipt",
                "error": f.message,
                "exit_code": f.code,
            });
            print_out(&format!("{value}\n"));
            f.code
        }
        Err(f) => {
            eprintln!(
                "till receipt: {}",
                crate::protocol::text::terminal_safe(&f.message)
            );
            f.code
        }
    }
}

/// `till receipt --print-on-device`: the same text, read from the ledger first (read-only), then
/// sent to the device's printer through a headless session.
fn on_device(global: &GlobalArgs, args: ReceiptArgs) -> u8 {
    let loaded: std::cell::RefCell<Option<(String, Vec<String>)>> = Default::default();
    let check = |config: &LoadedConfig| {
        let receipt = load(config, &args.external_id)?;
        let text = crate::receipt::receipt_text(
            &merchant_name(config),
            &receipt.payment,
            receipt.order.as_ref(),
            &receipt.children,
            usize::from(args.width),
        );
        let lines = text.lines().map(str::to_owned).collect();
        *loaded.borrow_mut() = Some((receipt.payment.external_id, lines));
        Ok(())
    };
    super::device_commands::with_session(global, args.json, "receipt", check, async |s| {
        let (external_id, lines) = loaded
            .borrow_mut()
            .take()
            .unwrap_or_else(|| (args.external_id.clone(), Vec::new()));
        let what = format!("The receipt of {external_id}");
        let extra = serde_json::json!({ "external_id": external_id });
        let job_id = super::print_flow::fresh_job_id();
        super::print_flow::print(
            &mut s.rt, "receipt", &what, lines, job_id, extra, s.timeouts,
        )
        .await
    })
}
