//! How a headless command answers the device's questions: `accept`, `reject` or `ask`.
//! `ask` prompts on the terminal; without one it leaves the question open (the payment stays
//! pending for `till recover`), so a script never auto-accepts a duplicate charge. A partial
//! approval (PARTIAL_AUTH_CHALLENGE) has its own policy, and without a terminal `ask` rejects it.

use std::io::{BufRead, IsTerminal, Write};

use clap::ValueEnum;

use crate::app::Prompt;
use crate::protocol::ChallengeType;

/// An answer policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Policy {
    /// Accept.
    Accept,
    /// Reject (the device voids the payment).
    Reject,
    /// Ask on the terminal; leave it open when there is no terminal.
    Ask,
}

/// The three answer policies of a headless command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policies {
    /// Duplicate / offline challenges (`--on-challenge`).
    pub challenge: Policy,
    /// Signatures (`--on-signature`).
    pub signature: Policy,
    /// Partial approvals, PARTIAL_AUTH_CHALLENGE (`--on-partial`).
    pub partial: Policy,
}

impl Policies {
    /// `ask` for every question.
    pub const ASK: Policies = Policies {
        challenge: Policy::Ask,
        signature: Policy::Ask,
        partial: Policy::Ask,
    };
}

/// True when the prompt is a partial-approval challenge.
pub fn is_partial(prompt: &Prompt) -> bool {
    matches!(prompt, Prompt::Challenge { challenges, .. }
        if challenges.iter().any(|c| c.kind == Some(ChallengeType::PartialAuthChallenge)))
}

/// What to do with a prompt: `Some(true)` accept, `Some(false)` reject, `None` leave it open.
pub fn decide(prompt: &Prompt, policies: Policies) -> Option<bool> {
    let partial = is_partial(prompt);
    let on_challenge = if partial {
        policies.partial
    } else {
        policies.challenge
    };
    let on_signature = policies.signature;
    let (policy, question) = match prompt {
        Prompt::Challenge {
            challenges,
            payment,
        } => {
            let texts: Vec<String> = challenges
                .iter()
                .map(|c| {
                    format!(
                        "{}: {}",
                        c.kind
                            .as_ref()
                            .map_or("CHALLENGE".into(), |k| k.to_string()),
                        crate::protocol::text::device_line(
                            c.message.as_deref().unwrap_or("(no message)")
                        )
                    )
                })
                .collect();
            let amount = payment
                .amount
                .map(|a| crate::protocol::Cents(a).to_string())
                .unwrap_or_default();
            (
                on_challenge,
                format!(
                    "The device asks about the payment of {amount}: {}. Accept it?",
                    texts.join("; ")
                ),
            )
        }
        Prompt::Signature { signature, .. } => (
            on_signature,
            format!(
                "The customer signed ({} strokes). Accept the signature?",
                signature.strokes.len()
            ),
        ),
    };
    match policy {
        Policy::Accept => Some(true),
        Policy::Reject => Some(false),
        Policy::Ask => ask(&question, partial),
    }
}

fn ask(question: &str, partial: bool) -> Option<bool> {
    let question = crate::protocol::text::terminal_safe(question);
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        if partial {
            eprintln!(
                "{question}\nNo terminal to ask on: rejecting the partial approval (answer with --on-partial)."
            );
            return Some(false);
        }
        eprintln!(
            "{question}\nNo terminal to ask on: leaving it open (answer with --on-challenge/--on-signature)."
        );
        return None;
    }
    loop {
        eprint!("{question} [y/n] ");
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        if stdin.lock().read_line(&mut line).ok()? == 0 {
            return None;
        }
        match line.trim().to_ascii_lowercase().as_str() {
            "y" | "yes" => return Some(true),
            "n" | "no" => return Some(false),
            _ => eprintln!("Please answer y or n."),
        }
    }
}
