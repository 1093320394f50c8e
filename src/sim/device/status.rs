//! The device state reported to the POS (RETRIEVE_DEVICE_STATUS_RESPONSE, INVALID_STATE_TRANSITION),
//! mapped from where the transaction rests (PROTOCOL.md §5.8).

use crate::protocol::{DeviceStateData, ExternalDeviceState, ExternalDeviceSubState};

use super::Device;
use super::tx::Phase;

impl Device {
    /// `(state, substate, data)`: IDLE when no transaction runs; otherwise who the device waits
    /// for and on what, with the transaction's externalPaymentId.
    pub(super) fn device_state(
        &self,
    ) -> (ExternalDeviceState, ExternalDeviceSubState, DeviceStateData) {
        let Some(tx) = &self.tx else {
            return (
                ExternalDeviceState::Idle,
                ExternalDeviceSubState::UnknownValue,
                DeviceStateData::default(),
            );
        };
        let (state, substate) = match tx.phase {
            Phase::CardPrompt => (
                ExternalDeviceState::WaitingForCustomer,
                ExternalDeviceSubState::StartingPaymentFlow,
            ),
            Phase::Challenge => (
                ExternalDeviceState::WaitingForPos,
                ExternalDeviceSubState::ConfirmPayment,
            ),
            Phase::Signing => (
                ExternalDeviceState::WaitingForCustomer,
                ExternalDeviceSubState::VerifySignature,
            ),
            Phase::VerifySignature => (
                ExternalDeviceState::WaitingForPos,
                ExternalDeviceSubState::VerifySignature,
            ),
        };
        let data = DeviceStateData {
            external_payment_id: Some(tx.external_id.clone()),
            custom_activity_id: None,
        };
        (state, substate, data)
    }
}
