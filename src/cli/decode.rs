//! `till decode [FILE] [--json]`: decode Remote Pay frames into readable, redacted lines.

use std::io::Read;
use std::path::PathBuf;

use clap::Args;
use serde_json::{Value, json};

use super::exit;
use super::out;
use crate::protocol::redact::{expand_nested, redact_value};
use crate::protocol::summary::frame_line;
use crate::protocol::text::{device_line, sanitise_json};
use crate::protocol::{DecodeError, Frame, Sender};

/// Decode Remote Pay frames (JSON lines, a JSON array, or a `till sim --frames` log).
///
/// Prints one line per frame: direction (when known), type, method and the key fields, with
/// tokens and card data redacted. A frame that does not decode is reported on stderr with its
/// line number; decoding goes on and the exit code is 1.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  till decode frames.jsonl\n  till sim --frames log.jsonl & … ; till decode --json log.jsonl | jq .method"
)]
pub struct DecodeArgs {
    /// File to read; standard input when absent or `-`.
    file: Option<PathBuf>,
    /// Print one typed JSON object per frame instead of a line of text.
    #[arg(long)]
    json: bool,
}

/// One input item: where it came from, the direction a frame log recorded, and the frame JSON.
struct Item {
    line: usize,
    direction: Option<String>,
    frame: Result<Value, String>,
}

fn items(text: &str) -> Vec<Item> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('[')
        && let Ok(Value::Array(values)) = serde_json::from_str::<Value>(trimmed)
    {
        return values
            .into_iter()
            .enumerate()
            .map(|(i, v)| item(i + 1, Ok(v)))
            .collect();
    }
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            item(
                i + 1,
                serde_json::from_str::<Value>(l).map_err(|e| format!("not JSON: {e}")),
            )
        })
        .collect()
}

/// Unwraps a frame-log entry (`{"dir": …, "frame": "<text>"}`) into its frame.
fn item(line: usize, value: Result<Value, String>) -> Item {
    let Ok(Value::Object(obj)) = &value else {
        return Item {
            line,
            direction: None,
            frame: value,
        };
    };
    let Some(inner) = obj.get("frame") else {
        return Item {
            line,
            direction: None,
            frame: value,
        };
    };
    let direction = obj.get("dir").and_then(Value::as_str).map(str::to_owned);
    let frame = match inner {
        Value::String(text) => {
            serde_json::from_str(text).map_err(|e| format!("frame is not JSON: {e}"))
        }
        other => Ok(other.clone()),
    };
    Item {
        line,
        direction,
        frame,
    }
}

fn typed_json(frame: &Frame, line: usize, direction: Option<&str>) -> Value {
    let message = frame.message.as_ref();
    let mut fields = message
        .and_then(|m| m.fields().ok())
        .map(Value::Object)
        .unwrap_or(Value::Null);
    expand_nested(&mut fields);
    redact_value(&mut fields);
    let direction = direction.map(str::to_owned).or_else(|| {
        message.map(|m| {
            m.sender()
                .map_or(Sender::UNKNOWN_ARROW, Sender::arrow)
                .to_owned()
        })
    });
    json!({
        "line": line,
        "direction": direction,
        "type": frame.kind().as_str(),
        "method": frame.method(),
        "id": frame.envelope.id,
        "messageId": frame.message_id,
        "version": frame.envelope.version,
        "payloadVersion": frame.payload_version,
        "packageName": frame.envelope.package_name,
        "known": !matches!(message, Some(crate::protocol::Message::Unknown { .. })),
        "fields": fields,
    })
}

/// Runs the command.
pub fn run(args: DecodeArgs) -> u8 {
    let mut text = String::new();
    let read = match &args.file {
        Some(path) if path.as_os_str() != "-" => std::fs::read(path).map(|bytes| {
            text = String::from_utf8_lossy(&bytes).into_owned();
        }),
        _ => std::io::stdin().read_to_string(&mut text).map(|_| ()),
    };
    if let Err(e) = read {
        let name = args
            .file
            .as_ref()
            .map_or("standard input".into(), |p| p.display().to_string());
        eprintln!("till decode: cannot read {name}: {e}");
        return exit::USAGE;
    }
    let mut failures = 0usize;
    for item in items(&text) {
        if out::closed() {
            break;
        }
        // A frames log's own notes (e.g. frames left out by its rate limit) are not frames.
        if let Ok(Value::Object(obj)) = &item.frame
            && let Some(Value::String(note)) = obj.get("note")
            && !obj.contains_key("method")
        {
            eprintln!(
                "till decode: line {}: note: {}",
                item.line,
                device_line(note)
            );
            continue;
        }
        let decoded = item
            .frame
            .and_then(|v| Frame::from_value(v).map_err(|e: DecodeError| e.to_string()));
        match decoded {
            Ok(frame) if args.json => {
                let mut typed = typed_json(&frame, item.line, item.direction.as_deref());
                sanitise_json(&mut typed);
                out::line!("{typed}");
            }
            Ok(frame) => out::line!(
                "{}",
                device_line(&frame_line(&frame, item.direction.as_deref()))
            ),
            Err(reason) => {
                failures += 1;
                eprintln!("till decode: line {}: {}", item.line, device_line(&reason));
            }
        }
    }
    if failures > 0 {
        eprintln!("till decode: {failures} frame(s) could not be decoded");
        exit::NEGATIVE
    } else {
        exit::OK
    }
}
