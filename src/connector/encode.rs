//! From the app's [`DeviceCommand`] to the message the connector frames and sends: the one
//! place that knows which request builder serves which command.

use crate::device::DeviceCommand;
use crate::protocol::Message;

use super::display_requests;
use super::requests::{self, CommandError};

/// The message for `command`, validated; `None` for a command that is no frame
/// ([`DeviceCommand::Reconnect`]).
pub fn message_for(command: &DeviceCommand) -> Result<Option<Message>, CommandError> {
    Ok(Some(match command {
        DeviceCommand::Sale(r) => requests::sale(r),
        DeviceCommand::Credit(r) => r.to_credit_message(),
        DeviceCommand::Refund {
            payment_id,
            order_id,
            amount,
        } => requests::refund(payment_id, order_id.as_deref(), Some(amount.get()))?,
        DeviceCommand::Void {
            payment_id,
            order_id,
        } => requests::void_payment(payment_id, order_id.as_deref())?,
        DeviceCommand::Auth(r) => r.to_auth_message(),
        DeviceCommand::PreAuth(r) => r.to_preauth_message(),
        DeviceCommand::Capture {
            payment_id,
            amount,
            tip,
        } => requests::capture_preauth(payment_id, amount.get(), tip.get())?,
        DeviceCommand::Increment { payment_id, amount } => {
            requests::increment_preauth(payment_id, amount.get())?
        }
        DeviceCommand::TipAdjust {
            payment_id,
            order_id,
            tip,
        } => requests::tip_adjust(payment_id, order_id.as_deref(), tip.get())?,
        DeviceCommand::Closeout { allow_open_tabs } => requests::closeout(*allow_open_tabs),
        DeviceCommand::AcceptPayment(p) => requests::accept_payment(p)?,
        DeviceCommand::RejectPayment(p, c) => requests::reject_payment(p, c)?,
        DeviceCommand::AcceptSignature(p) => requests::verify_signature(p, true)?,
        DeviceCommand::RejectSignature(p) => requests::verify_signature(p, false)?,
        DeviceCommand::RetrievePayment(id) => requests::retrieve_payment(id)?,
        DeviceCommand::DeviceStatus { send_last_message } => {
            requests::retrieve_device_status(*send_last_message)
        }
        DeviceCommand::Reset => requests::reset_device(),
        DeviceCommand::Cancel => requests::cancel(),
        DeviceCommand::ShowMessage(t) => requests::show_message(t)?,
        DeviceCommand::ShowThankYou => requests::show_thank_you(),
        DeviceCommand::ShowWelcome => requests::show_welcome(),
        DeviceCommand::ShowOrder(u) => display_requests::show_order(u.clone())?,
        DeviceCommand::PrintText { lines, job_id } => display_requests::print_text(lines, job_id)?,
        DeviceCommand::PrintJobStatus(job_id) => display_requests::print_job_status(job_id)?,
        DeviceCommand::Reconnect => return Ok(None),
    }))
}
