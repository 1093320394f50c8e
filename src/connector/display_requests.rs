//! The customer-display and printing messages the POS sends (PROTOCOL.md §7.1, §7.2), validated
//! before anything reaches the wire. Shapes match the JS SDK (`tests/order_display_golden.rs`).

use crate::protocol::Message;
use crate::protocol::display::{
    GetPrintersRequest, OrderUpdate, PrintJobStatusRequest, ShowPaymentReceiptOptions, TextPrint,
};

use super::requests::CommandError;

/// Most lines one PRINT_TEXT carries.
pub const MAX_PRINT_LINES: usize = 500;
/// Longest printed line, in characters.
pub const MAX_PRINT_LINE_CHARS: usize = 200;
/// Longest external print job id.
pub const MAX_PRINT_JOB_ID: usize = 32;

fn invalid(field: &'static str, problem: impl Into<String>) -> CommandError {
    CommandError::Invalid {
        field,
        problem: problem.into(),
    }
}

fn check_job_id(id: &str) -> Result<(), CommandError> {
    if id.is_empty() || id.len() > MAX_PRINT_JOB_ID || !id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(invalid(
            "externalPrintJobId",
            format!("1 to {MAX_PRINT_JOB_ID} printable ASCII characters"),
        ));
    }
    Ok(())
}

/// SHOW_ORDER_SCREEN carrying one order update (see `crate::order::display`). Refused when the
/// update has no order or more than one operation.
pub fn show_order(update: OrderUpdate) -> Result<Message, CommandError> {
    if update.order.is_none() {
        return Err(invalid("order", "a display order is required"));
    }
    if update.operation_count() > 1 {
        return Err(invalid("operation", "at most one operation per message"));
    }
    Ok(Message::ShowOrderScreen(update))
}

/// PRINT_TEXT: plain-text lines for the device's (default) printer, with our job id.
pub fn print_text(lines: &[String], job_id: &str) -> Result<Message, CommandError> {
    check_job_id(job_id)?;
    if lines.is_empty() || lines.len() > MAX_PRINT_LINES {
        return Err(invalid(
            "textLines",
            format!("1 to {MAX_PRINT_LINES} lines (got {})", lines.len()),
        ));
    }
    if let Some(bad) = lines
        .iter()
        .find(|l| l.chars().count() > MAX_PRINT_LINE_CHARS || l.chars().any(char::is_control))
    {
        return Err(invalid(
            "textLines",
            format!(
                "each line is at most {MAX_PRINT_LINE_CHARS} printable characters: {:?}",
                bad.chars()
                    .filter(|c| !c.is_control())
                    .take(40)
                    .collect::<String>()
            ),
        ));
    }
    Ok(Message::PrintText(TextPrint {
        text_lines: Some(lines.to_vec()),
        external_print_job_id: Some(job_id.to_owned()),
        printer: None,
    }))
}

/// PRINT_JOB_STATUS_REQUEST for one of our print jobs.
pub fn print_job_status(job_id: &str) -> Result<Message, CommandError> {
    check_job_id(job_id)?;
    Ok(Message::PrintJobStatusRequest(PrintJobStatusRequest {
        external_print_job_id: Some(job_id.to_owned()),
    }))
}

/// GET_PRINTERS_REQUEST; `category` is ORDER, RECEIPT, FISCAL or LABEL (all printers if `None`).
pub fn retrieve_printers(category: Option<&str>) -> Result<Message, CommandError> {
    if let Some(c) = category
        && !["ORDER", "RECEIPT", "FISCAL", "LABEL"].contains(&c)
    {
        return Err(invalid(
            "category",
            format!("'{c}' is not one of ORDER, RECEIPT, FISCAL, LABEL"),
        ));
    }
    Ok(Message::GetPrintersRequest(GetPrintersRequest {
        category: category.map(str::to_owned),
    }))
}

/// SHOW_PAYMENT_RECEIPT_OPTIONS (payload version 2): the device's own receipt choice for a
/// payment. `disableCloverPrinting` is written `false` like the SDK.
pub fn show_payment_receipt_options(
    order_id: &str,
    payment_id: &str,
) -> Result<Message, CommandError> {
    if order_id.is_empty() || payment_id.is_empty() {
        return Err(invalid(
            "paymentId",
            "the payment's order and payment ids are required",
        ));
    }
    Ok(Message::ShowPaymentReceiptOptions(
        ShowPaymentReceiptOptions {
            order_id: Some(order_id.to_owned()),
            payment_id: Some(payment_id.to_owned()),
            disable_clover_printing: Some(false),
        },
    ))
}
