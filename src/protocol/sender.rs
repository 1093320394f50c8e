//! Which peer sends a frame. One enum for it: the message table, the encoder, frame logs and
//! the simulator's faults all say it this way.

/// Which peer sends a frame: the point of sale or the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sender {
    /// The point of sale (a frame from the POS to the device).
    Pos,
    /// The device, or the cloud proxy speaking for it (a frame from the device to the POS).
    Device,
}

impl Sender {
    /// `pos->device` or `device->pos`: the way a frame from this sender goes.
    pub fn arrow(self) -> &'static str {
        match self {
            Sender::Pos => "pos->device",
            Sender::Device => "device->pos",
        }
    }

    /// The arrow of a frame whose sender is not known: `?`.
    pub const UNKNOWN_ARROW: &'static str = "?";
}
