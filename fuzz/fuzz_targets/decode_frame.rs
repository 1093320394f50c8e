//! Fuzz the frame decoder: arbitrary bytes must never panic, and whatever decodes must
//! re-encode to something that decodes again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use till::protocol::Frame;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(frame) = Frame::decode(text) {
        let again = frame.encode();
        let _ = till::protocol::summary::frame_line(&frame, None);
        let _ = till::protocol::redact::redact_frame_text(text);
        assert!(Frame::decode(&again).is_ok(), "re-encoded frame does not decode: {again}");
    }
});
