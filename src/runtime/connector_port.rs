//! The connector as the runtime's device port, and its events as the app's device inputs.

use tokio::sync::mpsc;

use super::ports::{DevicePort, SendError};
use crate::connector::{CommandError, ConnectorHandle, DeviceEvent, FrameDirection};
use crate::device::{DeviceCommand, DeviceInfo, DeviceInput};
use crate::protocol::ResponseCode;
use crate::protocol::{UiState, summary::message_fields};

/// Sends app commands through a [`ConnectorHandle`].
#[derive(Clone)]
pub struct ConnectorPort {
    handle: ConnectorHandle,
    rest: Option<crate::connector::ConnectorSettings>,
}

impl ConnectorPort {
    /// Wraps a connector handle.
    pub fn new(handle: ConnectorHandle) -> Self {
        ConnectorPort { handle, rest: None }
    }

    /// Also answers REST lookups with these (cloud) settings.
    pub fn with_rest(mut self, settings: crate::connector::ConnectorSettings) -> Self {
        self.rest = Some(settings);
        self
    }

    /// The handle (to dispose it at the end).
    pub fn handle(&self) -> &ConnectorHandle {
        &self.handle
    }
}

fn send_error(e: CommandError) -> SendError {
    let not_sent = !matches!(e, CommandError::SendFailed(_));
    SendError {
        not_sent,
        message: e.to_string(),
    }
}

impl DevicePort for ConnectorPort {
    async fn send(&mut self, command: DeviceCommand) -> Result<(), SendError> {
        let h = &self.handle;
        let result = match &command {
            DeviceCommand::Sale(r) => h.sale(r).await,
            DeviceCommand::Credit(r) => h.credit(r).await,
            DeviceCommand::Refund {
                payment_id,
                order_id,
                amount,
            } => {
                h.refund(payment_id, order_id.as_deref(), Some(amount.get()))
                    .await
            }
            DeviceCommand::Void {
                payment_id,
                order_id,
            } => h.void_payment(payment_id, order_id.as_deref()).await,
            DeviceCommand::Auth(r) => h.auth(r).await,
            DeviceCommand::PreAuth(r) => h.preauth(r).await,
            DeviceCommand::Capture {
                payment_id,
                amount,
                tip,
            } => h.capture_preauth(payment_id, amount.get(), tip.get()).await,
            DeviceCommand::Increment { payment_id, amount } => {
                h.increment_preauth(payment_id, amount.get()).await
            }
            DeviceCommand::TipAdjust {
                payment_id,
                order_id,
                tip,
            } => {
                h.tip_adjust(payment_id, order_id.as_deref(), tip.get())
                    .await
            }
            DeviceCommand::Closeout { allow_open_tabs } => h.closeout(*allow_open_tabs).await,
            DeviceCommand::AcceptPayment(p) => h.accept_payment(p).await,
            DeviceCommand::RejectPayment(p, c) => h.reject_payment(p, c).await,
            DeviceCommand::AcceptSignature(p) => h.accept_signature(p).await,
            DeviceCommand::RejectSignature(p) => h.reject_signature(p).await,
            DeviceCommand::RetrievePayment(id) => h.retrieve_payment(id).await,
            DeviceCommand::DeviceStatus { send_last_message } => {
                h.retrieve_device_status(*send_last_message).await
            }
            DeviceCommand::Reset => h.reset_device().await,
            DeviceCommand::Cancel => h.cancel().await,
            DeviceCommand::ShowMessage(t) => h.show_message(t).await,
            DeviceCommand::ShowThankYou => h.show_thank_you().await,
            DeviceCommand::ShowWelcome => h.show_welcome().await,
            DeviceCommand::ShowOrder(u) => h.show_order(u).await,
            DeviceCommand::Reconnect => {
                h.reconnect_now().await;
                Ok(String::new())
            }
        };
        result.map(|_| ()).map_err(send_error)
    }

    async fn rest_payments(
        &mut self,
        external_id: &str,
    ) -> Result<Vec<crate::protocol::Payment>, String> {
        match &self.rest {
            Some(settings) => {
                crate::connector::rest::payments_by_external_id(settings, external_id).await
            }
            None => Err("no REST access configured".to_owned()),
        }
    }
}

/// Maps one connector event to what the app needs (`None` for events it does not use).
pub fn map_event(event: DeviceEvent) -> Option<DeviceInput> {
    Some(match event {
        DeviceEvent::Connecting { attempt } => DeviceInput::Connecting { attempt },
        DeviceEvent::Connected => return None,
        DeviceEvent::PairingCode(code) => DeviceInput::PairingCode(code),
        DeviceEvent::Paired => DeviceInput::Paired,
        DeviceEvent::Ready(m) => DeviceInput::Ready(DeviceInfo {
            merchant_name: m.merchant_name.unwrap_or_default(),
            device_name: m.device_name.unwrap_or_default(),
            serial: m.device_serial.unwrap_or_default(),
            merchant_id: m.merchant_id.unwrap_or_default(),
            supports_void_payment_response: m.supports_void_payment_response,
            supports_auth: m.supports_auths,
            supports_pre_auth: m.supports_pre_auths,
            supports_tip_adjust: m.supports_tip_adjust,
        }),
        DeviceEvent::NotReady { reason, .. } => DeviceInput::NotReady(reason),
        DeviceEvent::Disconnected { reason, retry_in } => {
            DeviceInput::Disconnected(match retry_in {
                Some(d) => format!("{reason}; retrying in {:.1} s", d.as_secs_f64()),
                None => format!("{reason}"),
            })
        }
        DeviceEvent::UiState(ui) => DeviceInput::UiState {
            declined: ui.state == Some(UiState::Declined),
            timed_out: ui.state == Some(UiState::TimedOut),
            signing: ui.state == Some(UiState::AddSignature)
                && ui.direction != Some(crate::protocol::UiDirection::Exit),
            text: ui.text.unwrap_or_default(),
            direction: ui.direction,
        },
        DeviceEvent::TxState(s) => DeviceInput::TxState(s),
        DeviceEvent::TxStartResponse(r) => DeviceInput::TxStartResponse {
            result: r.result,
            external_id: r.external_id,
            message: r.message.or(r.reason),
        },
        DeviceEvent::ConfirmPayment {
            payment,
            challenges,
        } => DeviceInput::ConfirmPayment {
            payment,
            challenges,
        },
        DeviceEvent::VerifySignature { payment, signature } => DeviceInput::VerifySignature {
            payment,
            signature: signature.unwrap_or_default(),
        },
        DeviceEvent::SaleFinished(r) => match (r.payment, r.external_id) {
            (Some(payment), _) => DeviceInput::FinishOk {
                payment: Some(payment),
                request_info: r.request_info,
            },
            // A refused TX_START: already reported as TxStartResponse.
            (None, Some(_)) => return None,
            (None, None) if r.result == ResponseCode::Cancel => DeviceInput::FinishCancel {
                request_info: r.request_info,
            },
            (None, None) => return None,
        },
        DeviceEvent::RetrievePaymentResponse(r) => DeviceInput::RetrievePayment {
            query: r.query_status?,
            external_id: r.external_id,
            payment: r.payment,
        },
        DeviceEvent::DeviceStatusResponse(s) => DeviceInput::DeviceStatus {
            state: s
                .state
                .unwrap_or(crate::protocol::ExternalDeviceState::UnknownValue),
            substate: s.substate,
            external_id: s.external_payment_id,
        },
        DeviceEvent::ResetResponse(r) => DeviceInput::ResetDone { state: r.state },
        DeviceEvent::DeviceError {
            code: crate::connector::DeviceErrorCode::InvalidStateTransition,
            message,
        } => DeviceInput::Busy(message),
        DeviceEvent::DeviceError { code, message } => {
            DeviceInput::Error(format!("{message} ({code})"))
        }
        DeviceEvent::Frame(tap) => {
            let direction = match tap.direction {
                FrameDirection::Sent => "pos->device",
                FrameDirection::Received => "device->pos",
            };
            let summary = match crate::protocol::Frame::decode(&tap.text) {
                Ok(f) => {
                    let fields = f.message.as_ref().map(message_fields).unwrap_or_default();
                    format!("{} {}", f.method().unwrap_or(f.kind().as_str()), fields)
                        .trim_end()
                        .to_owned()
                }
                Err(_) => tap.method.unwrap_or_else(|| "?".into()),
            };
            DeviceInput::Frame { direction, summary }
        }
        DeviceEvent::TipAdded(tip) => DeviceInput::TipAdded(crate::protocol::Cents(tip)),
        DeviceEvent::RefundResponse {
            success,
            payment_id,
            refund,
            reason,
            message,
        } => DeviceInput::RefundResponse {
            success,
            payment_id,
            refund,
            message: match (reason, message) {
                (Some(r), Some(m)) => Some(format!("{r}: {m}")),
                (r, m) => m.or(r),
            },
        },
        DeviceEvent::RefundFinished(r) => DeviceInput::RefundFinished(r),
        DeviceEvent::CreditFinished(c) => DeviceInput::CreditFinished(c),
        DeviceEvent::VoidPaymentResponse {
            success,
            payment,
            message,
        } => DeviceInput::VoidResponse {
            success,
            payment,
            message,
        },
        DeviceEvent::CaptureResponse {
            success,
            payment_id,
            amount,
            tip,
            message,
        } => DeviceInput::CaptureResponse {
            success,
            payment_id,
            amount: amount.map(crate::protocol::Cents),
            tip: tip.map(crate::protocol::Cents),
            message,
        },
        DeviceEvent::IncrementResponse {
            success,
            payment_id,
            amount,
            message,
        } => DeviceInput::IncrementResponse {
            success,
            payment_id,
            amount: amount.map(crate::protocol::Cents),
            message,
        },
        DeviceEvent::TipAdjustResponse {
            success,
            payment_id,
            tip,
            message,
        } => DeviceInput::TipAdjustResponse {
            success,
            payment_id,
            tip: tip.map(crate::protocol::Cents),
            message,
        },
        DeviceEvent::CloseoutResponse {
            success,
            batch,
            message,
        } => DeviceInput::CloseoutResponse {
            success,
            batch: batch.map(|b| crate::ledger::Batch {
                id: b.id,
                count: b.tx_count.map(|c| c.max(0) as u64),
                total: b.total_batch_amount.map(crate::protocol::Cents),
                state: b.state.map(|s| s.to_string()),
            }),
            message,
        },
        DeviceEvent::PaymentVoided { payment, reason } => DeviceInput::PaymentVoided {
            payment,
            reason: reason.map(|r| r.to_string()),
        },
        // PARTIAL_AUTH is informational: the FINISH_OK's payment says what was taken.
        DeviceEvent::PartialAuth(_) | DeviceEvent::Ack { .. } => {
            return None;
        }
    })
}

/// Forwards connector events into the runtime's device channel, mapped.
pub fn forward(mut events: mpsc::Receiver<DeviceEvent>) -> mpsc::Receiver<DeviceInput> {
    let (tx, rx) = mpsc::channel(1024);
    tokio::spawn(async move {
        while let Some(event) = events.recv().await {
            match &event {
                // The frame text is already redacted by the connector.
                DeviceEvent::Frame(tap) => {
                    tracing::trace!(direction = ?tap.direction, frame = %tap.text, "frame")
                }
                other => tracing::debug!(event = %other, "device event"),
            }
            if let Some(input) = map_event(event)
                && tx.send(input).await.is_err()
            {
                break;
            }
        }
    });
    rx
}
