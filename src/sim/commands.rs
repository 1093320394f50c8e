//! The manual customer's command language (`till sim` stdin, and any embedder that wants it):
//! `card <number>`, `sign`, `decline`, `cancel`, `walk-away`, `approve-pairing`,
//! `reject-pairing`, `reboot`, `status`, `help`, `device <id>`.

use super::config::valid_device_id;
use super::device::CustomerAction;

/// One parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// A customer action for the selected device.
    Act(CustomerAction),
    /// Print the selected device's screen.
    Status,
    /// Print the command list.
    Help,
    /// Select the device later commands act on.
    Device(String),
    /// An empty line.
    Nothing,
}

/// The command list, for `help`.
pub const HELP: &str = "\
commands (they act on the selected device, 'default' at start):
  card <number>     tap a card (4242424242424242 approves, 4005571702222222 declines,
                    4005578003333335 partial auth; other numbers approve)
  sign              sign on the screen
  decline           the issuer declines the card
  cancel            press Cancel on the device
  walk-away         the customer leaves (the device waits until its card timeout)
  approve-pairing   accept the pairing request (as if the code was entered)
  reject-pairing    refuse the pairing request
  reboot            power-cycle the device (in-flight payments are forgotten)
  status            show the device screen
  device <id>       act on device <id> from now on ('default' is /remote_pay)
  help              this list";

/// Parses one line. `Err` says what is wrong and what to type instead.
pub fn parse(line: &str) -> Result<Command, String> {
    let mut words = line.split_whitespace();
    let Some(verb) = words.next() else {
        return Ok(Command::Nothing);
    };
    let rest: Vec<&str> = words.collect();
    let no_args = |command: Command| {
        if rest.is_empty() {
            Ok(command)
        } else {
            Err(format!("'{verb}' takes no arguments"))
        }
    };
    match verb.to_ascii_lowercase().as_str() {
        "card" => {
            let number: String = rest.concat();
            if number.is_empty()
                || !number.bytes().all(|b| b.is_ascii_digit())
                || !(12..=19).contains(&number.len())
            {
                return Err("usage: card <number> (12-19 digits, spaces allowed), e.g. card 4242 4242 4242 4242".into());
            }
            Ok(Command::Act(CustomerAction::TapCard(number)))
        }
        "sign" => no_args(Command::Act(CustomerAction::Sign)),
        "decline" => no_args(Command::Act(CustomerAction::Decline)),
        "cancel" => no_args(Command::Act(CustomerAction::Cancel)),
        "walk-away" | "walkaway" => no_args(Command::Act(CustomerAction::WalkAway)),
        "approve-pairing" => no_args(Command::Act(CustomerAction::ApprovePairing)),
        "reject-pairing" => no_args(Command::Act(CustomerAction::RejectPairing)),
        "reboot" => no_args(Command::Act(CustomerAction::Reboot)),
        "status" => no_args(Command::Status),
        "help" | "?" => no_args(Command::Help),
        "device" => match rest.as_slice() {
            [id] if valid_device_id(id) => Ok(Command::Device((*id).to_owned())),
            [id] => Err(format!(
                "'{id}' is not a device id: use 1-64 letters, digits, '.', '_' or '-'"
            )),
            _ => Err("usage: device <id>".into()),
        },
        other => Err(format!(
            "unknown command '{other}'; type 'help' for the list"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_command() {
        assert_eq!(
            parse("card 4242 4242 4242 4242"),
            Ok(Command::Act(CustomerAction::TapCard(
                "4242424242424242".into()
            )))
        );
        assert_eq!(parse("  sign "), Ok(Command::Act(CustomerAction::Sign)));
        assert_eq!(
            parse("walk-away"),
            Ok(Command::Act(CustomerAction::WalkAway))
        );
        assert_eq!(
            parse("approve-pairing"),
            Ok(Command::Act(CustomerAction::ApprovePairing))
        );
        assert_eq!(parse("device lane-2"), Ok(Command::Device("lane-2".into())));
        assert_eq!(parse("STATUS"), Ok(Command::Status));
        assert_eq!(parse(""), Ok(Command::Nothing));
    }

    #[test]
    fn rejects_bad_input_with_a_reason() {
        assert!(parse("card 42x").unwrap_err().contains("usage: card"));
        assert!(parse("card").is_err());
        assert!(parse("sign now").unwrap_err().contains("no arguments"));
        assert!(parse("device a/b").unwrap_err().contains("not a device id"));
        assert!(parse("dance").unwrap_err().contains("help"));
    }
}
