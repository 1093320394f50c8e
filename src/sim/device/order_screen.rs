//! The customer display's order and the device printer (PROTOCOL.md §7.1, §7.2):
//! SHOW_ORDER_SCREEN applied to the simulated screen, PRINT_TEXT into the printed log,
//! PRINT_JOB_STATUS_REQUEST, GET_PRINTERS_REQUEST and SHOW_PAYMENT_RECEIPT_OPTIONS.
//!
//! A SHOW_ORDER_SCREEN is refused with REMOTE_ERROR 422 (and the screen left as it was) when the
//! device's message classes could not apply it: no order, more than one operation, an operation
//! for another order, an empty id list, added ids missing from the order, deleted ids still in
//! it, or an order too large to show.

use std::collections::{BTreeMap, VecDeque};

use crate::protocol::display::{
    DisplayOrder, GetPrintersRequest, GetPrintersResponse, IdsOperation, OrderUpdate,
    PrintJobStatusRequest, PrintJobStatusResponse, Printer, ShowPaymentReceiptOptions,
    ShowReceiptOptionsResponse, TextPrint,
};
use crate::protocol::{Message, UiDirection, UiState};

use super::io::ConnId;
use super::outbox::{ERROR_BAD_REQUEST, ui_state};
use super::{Device, Display, Fx};

/// Most lines a simulated display order may hold.
pub const MAX_DISPLAY_LINES: usize = 500;
/// Print jobs remembered (oldest dropped first).
pub const MAX_PRINT_JOBS: usize = 100;
/// Lines one print job may hold.
pub const MAX_PRINT_JOB_LINES: usize = 1_000;
/// The simulated device's one printer.
pub const SIM_PRINTER_ID: &str = "SIMPRINTER01";

/// One PRINT_TEXT the simulated printer printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintedJob {
    /// The POS's external print job id (empty when none was given).
    pub job_id: String,
    /// The lines, control characters removed.
    pub lines: Vec<String>,
}

/// The display order and printer state of the simulated device.
#[derive(Debug, Default)]
pub(super) struct OrderDisplay {
    /// The order on the customer display, if any.
    pub order: Option<DisplayOrder>,
    /// Printed jobs, oldest first.
    pub printed: VecDeque<PrintedJob>,
    /// Job id → status, for PRINT_JOB_STATUS_REQUEST (bounded with `printed`).
    pub statuses: BTreeMap<String, &'static str>,
}

fn clean(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).collect()
}

fn check_ids(
    op: &IdsOperation,
    order_id: Option<&str>,
    present: &dyn Fn(&str) -> bool,
    want_present: bool,
    what: &str,
) -> Result<(), String> {
    if op.order_id.as_deref() != order_id {
        return Err(format!("{what}: orderId does not name the order shown"));
    }
    let ids = op.ids.as_ref().map(|e| e.0.as_slice()).unwrap_or(&[]);
    if ids.is_empty() {
        return Err(format!("{what}: no ids"));
    }
    if let Some(bad) = ids.iter().find(|id| present(id) != want_present) {
        let state = if want_present { "is not" } else { "is still" };
        return Err(format!("{what}: id '{}' {state} in the order", clean(bad)));
    }
    Ok(())
}

/// Why an order update cannot be applied, or `Ok(true)` when it removes the order.
fn validate(m: &OrderUpdate) -> Result<bool, String> {
    let Some(order) = &m.order else {
        return Err("SHOW_ORDER_SCREEN without an order".into());
    };
    if m.operation_count() > 1 {
        return Err("SHOW_ORDER_SCREEN with more than one operation".into());
    }
    let lines = order
        .line_items
        .as_ref()
        .map(|e| e.0.as_slice())
        .unwrap_or(&[]);
    if lines.len() > MAX_DISPLAY_LINES {
        return Err(format!("more than {MAX_DISPLAY_LINES} lines"));
    }
    let discounts = order
        .discounts
        .as_ref()
        .map(|e| e.0.as_slice())
        .unwrap_or(&[]);
    let has_line = |id: &str| lines.iter().any(|l| l.id.as_deref() == Some(id));
    let has_discount = |id: &str| discounts.iter().any(|d| d.id.as_deref() == Some(id));
    let oid = order.id.as_deref();
    if let Some(op) = &m.line_items_added_operation {
        check_ids(op, oid, &has_line, true, "lineItemsAddedOperation")?;
    }
    if let Some(op) = &m.line_items_deleted_operation {
        check_ids(op, oid, &has_line, false, "lineItemsDeletedOperation")?;
    }
    if let Some(op) = &m.discounts_added_operation {
        check_ids(op, oid, &has_discount, true, "discountsAddedOperation")?;
    }
    if let Some(op) = &m.discounts_deleted_operation {
        check_ids(op, oid, &has_discount, false, "discountsDeletedOperation")?;
    }
    if let Some(op) = &m.order_deleted_operation {
        if op.id.is_none() || op.id.as_deref() != oid {
            return Err("orderDeletedOperation: id does not name the order shown".into());
        }
        return Ok(true);
    }
    Ok(false)
}

impl Device {
    /// SHOW_ORDER_SCREEN: show (or remove) the order; UI_STATE DISPLAY_ORDER on show.
    pub(super) fn on_show_order(&mut self, fx: &mut Fx, conn: ConnId, m: OrderUpdate) {
        match validate(&m) {
            Err(why) => self.remote_error(fx, conn, ERROR_BAD_REQUEST, &why),
            Ok(true) => {
                self.orders.order = None;
                self.display = Display {
                    title: "Welcome".into(),
                    detail: String::new(),
                };
                fx.note("order removed from the display");
                let msg = ui_state(UiState::DisplayOrder, "", UiDirection::Exit);
                self.send(fx, conn, &msg);
            }
            Ok(false) => {
                let order = m.order.unwrap_or_default();
                fx.note(format!(
                    "display order: {} lines, total {}",
                    order.line_items.as_ref().map_or(0, |l| l.0.len()),
                    clean(order.total.as_deref().unwrap_or("-"))
                ));
                self.orders.order = Some(order);
                let msg = ui_state(UiState::DisplayOrder, "Order", UiDirection::Enter);
                self.send(fx, conn, &msg);
            }
        }
    }

    /// The order lines as the customer display shows them (name, quantity, price), then the
    /// discounts and the totals. Empty when no order is shown. Device text is stripped of
    /// control characters.
    pub fn display_order_lines(&self) -> Vec<String> {
        let Some(o) = &self.orders.order else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if let Some(t) = &o.title {
            out.push(clean(t));
        }
        for l in o.line_items.iter().flat_map(|e| &e.0) {
            out.push(format!(
                "{} × {}  {}",
                clean(l.quantity.as_deref().unwrap_or("1")),
                clean(l.name.as_deref().unwrap_or("Item")),
                clean(l.price.as_deref().unwrap_or(""))
            ));
        }
        for d in o.discounts.iter().flat_map(|e| &e.0) {
            out.push(format!(
                "{}  {}",
                clean(d.name.as_deref().unwrap_or("Discount")),
                clean(d.amount.as_deref().unwrap_or(""))
            ));
        }
        let field =
            |name: &str, v: &Option<String>| v.as_deref().map(|v| format!("{name} {}", clean(v)));
        out.extend(field("Subtotal", &o.subtotal));
        out.extend(field("Tax", &o.tax));
        out.extend(field("Total", &o.total));
        out
    }

    /// The jobs the simulated printer printed, oldest first (at most [`MAX_PRINT_JOBS`]).
    pub fn printed_jobs(&self) -> impl Iterator<Item = &PrintedJob> {
        self.orders.printed.iter()
    }

    /// PRINT_TEXT: print into the log; the job is DONE at once.
    pub(super) fn on_print_text(&mut self, fx: &mut Fx, conn: ConnId, m: TextPrint) {
        let lines = m.text_lines.unwrap_or_default();
        if lines.is_empty() || lines.len() > MAX_PRINT_JOB_LINES {
            let why = format!("PRINT_TEXT needs 1 to {MAX_PRINT_JOB_LINES} textLines");
            return self.remote_error(fx, conn, ERROR_BAD_REQUEST, &why);
        }
        if let Some(id) = m.printer.as_ref().and_then(|p| p.id.as_deref())
            && id != SIM_PRINTER_ID
        {
            let why = format!("no printer '{}'", clean(id));
            return self.remote_error(fx, conn, ERROR_BAD_REQUEST, &why);
        }
        let job_id = clean(m.external_print_job_id.as_deref().unwrap_or(""));
        let lines: Vec<String> = lines.iter().map(|l| clean(l)).collect();
        fx.note(format!("printed job '{job_id}': {} lines", lines.len()));
        for line in &lines {
            fx.note(format!("  | {line}"));
        }
        if self.orders.printed.len() >= MAX_PRINT_JOBS
            && let Some(old) = self.orders.printed.pop_front()
        {
            self.orders.statuses.remove(&old.job_id);
        }
        if !job_id.is_empty() {
            self.orders.statuses.insert(job_id.clone(), "DONE");
        }
        self.orders.printed.push_back(PrintedJob { job_id, lines });
    }

    /// PRINT_JOB_STATUS_REQUEST → PRINT_JOB_STATUS_RESPONSE (DONE or NOT_FOUND).
    pub(super) fn on_print_job_status(
        &mut self,
        fx: &mut Fx,
        conn: ConnId,
        m: PrintJobStatusRequest,
    ) {
        let id = m.external_print_job_id.unwrap_or_default();
        let status = self
            .orders
            .statuses
            .get(&id)
            .copied()
            .unwrap_or("NOT_FOUND");
        let response = PrintJobStatusResponse {
            external_print_job_id: Some(id),
            status: Some(status.into()),
        };
        self.send(fx, conn, &Message::PrintJobStatusResponse(response));
    }

    /// GET_PRINTERS_REQUEST → GET_PRINTERS_RESPONSE: the one built-in printer prints receipts and
    /// orders; there is no fiscal or label printer.
    pub(super) fn on_get_printers(&mut self, fx: &mut Fx, conn: ConnId, m: GetPrintersRequest) {
        let printers = match m.category.as_deref() {
            None | Some("RECEIPT") | Some("ORDER") => vec![Printer {
                id: Some(SIM_PRINTER_ID.into()),
                name: Some("Built-in printer".into()),
                kind: Some("LOCAL".into()),
                ..Printer::default()
            }],
            _ => Vec::new(),
        };
        self.send(
            fx,
            conn,
            &Message::GetPrintersResponse(GetPrintersResponse { printers }),
        );
    }

    /// SHOW_PAYMENT_RECEIPT_OPTIONS: the receipt choice for a payment the device remembers
    /// (SUCCESS; the customer's choice is immediate), else FAIL.
    pub(super) fn on_receipt_options(
        &mut self,
        fx: &mut Fx,
        conn: ConnId,
        m: ShowPaymentReceiptOptions,
    ) {
        let known = m
            .payment_id
            .as_deref()
            .is_some_and(|id| self.payments.iter().any(|p| p.id.as_deref() == Some(id)));
        let response = if known {
            fx.note("receipt options shown; the customer chose no receipt");
            ShowReceiptOptionsResponse {
                status: Some("SUCCESS".into()),
                reason: None,
            }
        } else {
            ShowReceiptOptionsResponse {
                status: Some("FAIL".into()),
                reason: Some("PAYMENT_NOT_FOUND".into()),
            }
        };
        self.send(fx, conn, &Message::ShowReceiptOptionsResponse(response));
    }
}
