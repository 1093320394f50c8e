//! `till sim`: run the device simulator as a server.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use tokio::io::AsyncBufReadExt;

use super::exit;
use crate::sim::commands::{self, Command};
use crate::sim::device::{BusyAnswer, CustomerMode, DeviceConfig, Faults, Profile, SecondPos};
use crate::sim::{
    CloudConfig, Controller, DEFAULT_DEVICE_ID, DEV_ACCESS_TOKEN, SimConfig, Simulator,
};

/// Parses a `--sim-profile` / `--profile` value.
pub(super) fn parse_profile(text: &str) -> Result<crate::sim::device::Profile, String> {
    text.parse()
}

const AFTER_HELP: &str = "\
Devices: ws://HOST:PORT/remote_pay is the default device; ws://HOST:PORT/remote_pay/<id> is
another device, created on first use (state kept across connections). wss:// with --tls.
When ready, prints exactly one line to stdout: `listening on <url>`; everything else goes to stderr.

Customer: with --customer auto the cents of the amount choose the outcome:
  .01 decline  .02 partial auth  .03 duplicate challenge  .04 offline challenge  .05 signature
  .06 drop before FINISH_OK  .07 cancel  .08 walk away  .09 duplicate + signature
  .10 half-open after TX_START_RESPONSE  .11 reboot while waiting for the card  other: approved
Refunds (REFUND_REQUEST), voids (VOID_PAYMENT) and manual refunds (TX_START CREDIT) work on the
payments the device remembers; a manual refund's cents choose like a sale's (.01 declines the
card, .06 drops before FINISH_OK); a refund's .06 drops before FINISH_OK, .10 before
REFUND_RESPONSE (the refund is made either way).
Auths (TX_START AUTH), pre-auths (PREAUTH), CAPTURE_PREAUTH, INCREMENT_PREAUTH_REQUEST, TIP_ADJUST
and CLOSEOUT_REQUEST work on the payments the device remembers; --no-auth, --no-preauth and
--no-tip-adjust switch a flow off (discovery says so and the device refuses it). A capture's
amount, an increment or a tip ending in .10 drops the connection before the answer (the change is
made; sendLastMessage re-sends it). An on-screen tip is chosen by the cents' tens digit: .2x 18 %
(or the 1st suggestion), .3x 20 % (2nd), .4x 25 % (3rd), .5x no tip, otherwise 15 %.
Commands on stdin (both modes): card <number>, sign, decline, cancel, walk-away,
approve-pairing, reject-pairing, reboot, status, help, device <id>. EOF on stdin keeps running.

Faults (--fault, repeatable): drop-before-finish-ok, half-open, never-ready, drop-acks,
duplicate-frames, late-frames, slow=MS, busy-fail (a second TX_START gets TX_START_RESPONSE FAIL
instead of INVALID_STATE_TRANSITION), random=RATE (0.0-1.0, a random fault per sale),
voided-reads-success (RETRIEVE_PAYMENT shows a voided payment with result SUCCESS, as
PAYMENT_VOIDED does on real devices), drop-before-response (the connection drops instead of the
answer to CAPTURE_PREAUTH, INCREMENT_PREAUTH_REQUEST, TIP_ADJUST or CLOSEOUT_REQUEST).

Cloud (--cloud): the same port also serves POST /v2/merchant/{mId}/remote_pay, OPTIONS and
WebSocket /support/remote_pay/cs (access token as sub-protocol), and
GET /v3/merchants/{mId}/payments?filter=externalPaymentId=<id>. Point the cloud SDK's
cloverServer at http://HOST:PORT/ (https:// with --tls). Cloud deviceId `default` is the
default device; any other deviceId names a device. Without --access-token the accepted token
is the development token `till-sim-dev-access-token`. A second POS with another friendlyId and
forceConnect=false is refused: OPTIONS reports X-CLOVER-CONNECTED-ID and the upgrade answers 409.

Examples:
  till sim
  till sim --listen 127.0.0.1:0 --customer auto --delay-ms 0 --frames frames.jsonl
  till sim --tls --ca-out sim-ca.pem --customer manual
  till sim --profile real --customer auto --delay-ms 0
  till sim --cloud --merchant-id MRCHNT0000001 --access-token \"$TOKEN\"";

/// Run the device simulator: Clover Remote Pay devices on a WebSocket server.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct SimArgs {
    /// Address to listen on; port 0 picks any free port (the URL is printed).
    #[arg(long, default_value = "127.0.0.1:12345", value_name = "ADDR")]
    listen: SocketAddr,
    /// Serve wss:// with a certificate generated at start (a CA + a leaf for 127.0.0.1, localhost, ::1).
    #[arg(long)]
    tls: bool,
    /// Write the generated CA certificate (PEM) to FILE, for clients to trust (needs --tls).
    #[arg(long, value_name = "FILE", requires = "tls")]
    ca_out: Option<PathBuf>,
    /// Who acts as the customer: `auto` follows the amount table, `manual` waits for stdin commands.
    #[arg(long, value_enum, default_value = "auto")]
    customer: Customer,
    /// Auto customer: delay before each action, in ms (0 for tests and benchmarks).
    #[arg(long, default_value_t = 400, value_name = "N")]
    delay_ms: u64,
    /// Seed for every random choice (ids, auth codes, strokes); default: from the clock (printed).
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Append every frame, both directions, as JSON lines to FILE (read it with `till decode FILE`).
    #[arg(long, value_name = "FILE")]
    frames: Option<PathBuf>,
    /// Switch a fault on for the whole run (repeatable; see the list below).
    #[arg(long = "fault", value_name = "NAME", value_parser = parse_fault)]
    faults: Vec<Fault>,
    /// Emulate Clover's cloud on the same port (alert endpoint, proxy WebSocket, REST payments).
    #[arg(long)]
    cloud: bool,
    /// Cloud: the OAuth access token POS clients must present [default: the development token].
    #[arg(
        long,
        env = "TILL_SIM_ACCESS_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    access_token: Option<String>,
    /// The merchant id the devices belong to (and the cloud serves).
    #[arg(long, default_value = "MRCHNT0000001", value_name = "ID")]
    merchant_id: String,
    /// A second POS on a direct device: `take-over` closes the old one, `refuse` closes the newcomer.
    #[arg(long, value_enum, default_value = "take-over")]
    second_pos: SecondPosArg,
    /// On reset (BREAK): send RESET_DEVICE_RESPONSE before FINISH_CANCEL instead of after.
    #[arg(long)]
    reset_response_first: bool,
    /// Device PING interval after pairing, ms; 0 = never ping (with --profile real: every second).
    #[arg(long, default_value_t = 0, value_name = "MS")]
    ping_interval_ms: u64,
    /// Drop a POS after this many unanswered PINGs; 0 = never.
    #[arg(long, default_value_t = 0, value_name = "N")]
    ping_max_missed: u32,
    /// Give up waiting for a card after this long, ms; 0 = wait forever.
    #[arg(long, default_value_t = 60_000, value_name = "MS")]
    card_timeout_ms: u64,
    /// Do not advertise or send ACKs.
    #[arg(long)]
    no_ack: bool,
    /// Do not advertise supportsVoidPaymentResponse: VOID_PAYMENT is answered by the ACK only
    /// (always so with --profile real).
    #[arg(long)]
    no_void_payment_response: bool,
    /// Do not take auths: discovery says supportsAuth false and the device refuses TX_START AUTH.
    #[arg(long)]
    no_auth: bool,
    /// Do not take pre-auths: discovery says supportsPreAuth false and the device refuses
    /// TX_START PREAUTH, CAPTURE_PREAUTH and INCREMENT_PREAUTH_REQUEST.
    #[arg(long)]
    no_preauth: bool,
    /// Do not take tip adjusts: discovery says supportsTipAdjust false and the device refuses
    /// TIP_ADJUST.
    #[arg(long)]
    no_tip_adjust: bool,
    /// The device to imitate: `default` (the project's shapes) or `real` (the shapes recorded on
    /// real Clover devices: bare envelopes, explicit nulls, PAYMENT_VOIDED keeping result SUCCESS,
    /// partial approval as a PARTIAL_AUTH_CHALLENGE, a PING every second unless
    /// --ping-interval-ms says otherwise).
    #[arg(long, default_value = "default", value_name = "default|real", value_parser = parse_profile)]
    profile: Profile,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Customer {
    Auto,
    Manual,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SecondPosArg {
    TakeOver,
    Refuse,
}

/// One `--fault` value.
#[derive(Debug, Clone, PartialEq)]
enum Fault {
    DropBeforeFinishOk,
    HalfOpen,
    NeverReady,
    DropAcks,
    DuplicateFrames,
    LateFrames,
    Slow(u64),
    BusyFail,
    VoidedReadsSuccess,
    DropBeforeResponse,
    Random(f64),
}

fn parse_fault(text: &str) -> Result<Fault, String> {
    let (name, value) = match text.split_once('=') {
        Some((n, v)) => (n, Some(v)),
        None => (text, None),
    };
    let plain = |fault: Fault| match value {
        None => Ok(fault),
        Some(_) => Err(format!("fault '{name}' takes no value")),
    };
    match name {
        "drop-before-finish-ok" => plain(Fault::DropBeforeFinishOk),
        "half-open" => plain(Fault::HalfOpen),
        "never-ready" => plain(Fault::NeverReady),
        "drop-acks" => plain(Fault::DropAcks),
        "duplicate-frames" => plain(Fault::DuplicateFrames),
        "late-frames" => plain(Fault::LateFrames),
        "busy-fail" => plain(Fault::BusyFail),
        "voided-reads-success" => plain(Fault::VoidedReadsSuccess),
        "drop-before-response" => plain(Fault::DropBeforeResponse),
        "slow" => match value.map(str::parse::<u64>) {
            Some(Ok(ms)) => Ok(Fault::Slow(ms)),
            _ => Err("use slow=MS, e.g. slow=500".into()),
        },
        "random" => match value.map(str::parse::<f64>) {
            Some(Ok(rate)) if (0.0..=1.0).contains(&rate) => Ok(Fault::Random(rate)),
            _ => Err("use random=RATE with RATE between 0.0 and 1.0, e.g. random=0.1".into()),
        },
        _ => Err(format!(
            "unknown fault '{name}'; known: drop-before-finish-ok, half-open, never-ready, drop-acks, \
             duplicate-frames, late-frames, slow=MS, busy-fail, random=RATE, voided-reads-success, \
             drop-before-response"
        )),
    }
}

impl SimArgs {
    fn config(&self, seed: u64) -> SimConfig {
        let mut faults = Faults::default();
        let mut busy_answer = BusyAnswer::InvalidStateTransition;
        for fault in &self.faults {
            match fault {
                Fault::DropBeforeFinishOk => faults.drop_before_finish_ok = true,
                Fault::HalfOpen => faults.half_open_after_tx_start = true,
                Fault::NeverReady => faults.never_ready = true,
                Fault::DropAcks => faults.drop_acks = true,
                Fault::DuplicateFrames => faults.duplicate_frames = true,
                Fault::LateFrames => faults.late_frames = true,
                Fault::Slow(ms) => faults.slow_ms = *ms,
                Fault::BusyFail => busy_answer = BusyAnswer::TxStartFail,
                Fault::VoidedReadsSuccess => faults.voided_reads_success = true,
                Fault::DropBeforeResponse => faults.drop_before_response = true,
                Fault::Random(rate) => faults.random_rate = *rate,
            }
        }
        let customer = match self.customer {
            Customer::Manual => CustomerMode::Manual,
            Customer::Auto => CustomerMode::Auto {
                card_delay_ms: self.delay_ms,
                sign_delay_ms: self.delay_ms,
                pairing_delay_ms: self.delay_ms,
            },
        };
        let device = DeviceConfig {
            merchant_id: self.merchant_id.clone(),
            supports_ack: !self.no_ack,
            supports_void_payment_response: !self.no_void_payment_response,
            supports_auth: !self.no_auth,
            supports_pre_auth: !self.no_preauth,
            supports_tip_adjust: !self.no_tip_adjust,
            ping_interval_ms: self.ping_interval_ms,
            ping_max_missed: self.ping_max_missed,
            second_pos: match self.second_pos {
                SecondPosArg::TakeOver => SecondPos::TakeOver,
                SecondPosArg::Refuse => SecondPos::Refuse,
            },
            busy_answer,
            reset_response_first: self.reset_response_first,
            card_timeout_ms: self.card_timeout_ms,
            customer,
            faults,
            seed,
            ..DeviceConfig::default()
        }
        .with_profile(self.profile);
        let cloud = self.cloud.then(|| CloudConfig {
            access_token: self
                .access_token
                .clone()
                .unwrap_or_else(|| DEV_ACCESS_TOKEN.to_owned()),
            merchant_id: self.merchant_id.clone(),
        });
        SimConfig {
            listen: self.listen,
            tls: self.tls,
            ca_out: self.ca_out.clone(),
            device,
            frames: self.frames.clone(),
            cloud,
            notes_to_stderr: true,
            memory_file: None,
        }
    }
}

/// Runs `till sim` until Ctrl-C.
pub fn run(args: SimArgs) -> u8 {
    if args
        .access_token
        .as_deref()
        .is_some_and(|t| t.trim().is_empty())
    {
        eprintln!(
            "till sim: --access-token is empty; give a token or leave the flag out for the development token"
        );
        return exit::USAGE;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("till sim: cannot start the async runtime: {e}");
            return exit::UNREACHABLE;
        }
    };
    runtime.block_on(serve(args))
}

async fn serve(args: SimArgs) -> u8 {
    let seed = args.seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0)
    });
    let config = args.config(seed);
    let sim = match Simulator::start(config).await {
        Ok(sim) => sim,
        Err(e) => {
            eprintln!("till sim: {e}");
            return exit::USAGE;
        }
    };
    {
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "listening on {}", sim.url());
        let _ = stdout.flush();
    }
    eprintln!(
        "till sim: seed {seed} (replay with --seed {seed}); {} profile; other devices at {}/<id>",
        args.profile,
        sim.url()
    );
    if let Some(path) = sim.ca_pem_path() {
        eprintln!("till sim: CA certificate written to {}", path.display());
    }
    if let Some(base) = sim.cloud_base_url() {
        let which = if args.access_token.is_some() {
            "the given access token"
        } else {
            "the development access token (see --help)"
        };
        eprintln!(
            "till sim: cloud at {base} for merchant {}, accepting {which}",
            args.merchant_id
        );
    }
    eprintln!("till sim: type 'help' for customer commands; Ctrl-C stops");
    tokio::spawn(read_commands(sim.controller()));
    let _ = tokio::signal::ctrl_c().await;
    eprintln!("till sim: stopping");
    sim.shutdown().await;
    exit::OK
}

async fn read_commands(sim: Controller) {
    let mut lines = tokio::io::BufReader::new(tokio::io::stdin()).lines();
    let mut device = DEFAULT_DEVICE_ID.to_owned();
    while let Ok(Some(line)) = lines.next_line().await {
        match commands::parse(&line) {
            Ok(Command::Nothing) => {}
            Ok(Command::Help) => eprintln!("{}", commands::HELP),
            Ok(Command::Device(id)) => {
                eprintln!("now acting on device '{id}'");
                device = id;
            }
            Ok(Command::Status) => match sim.screen(&device) {
                Ok(screen) => {
                    let screen = screen.borrow().clone();
                    eprintln!("[{device}] screen: {} | {}", screen.title, screen.detail);
                    if let Some(code) = &screen.pairing_code {
                        eprintln!("[{device}] pairing code: {code}");
                    }
                    for line in &screen.order {
                        eprintln!("[{device}] order: {line}");
                    }
                    for line in &screen.printer {
                        eprintln!("[{device}] printer: {line}");
                    }
                    eprintln!("[{device}] possible now: {}", screen.actions.join(", "));
                }
                Err(e) => eprintln!("[{device}] {e}"),
            },
            Ok(Command::Act(action)) => {
                if let Err(why) = sim.act(&device, action).await {
                    eprintln!("[{device}] not done: {why}");
                }
            }
            Err(why) => eprintln!("{why}"),
        }
    }
    eprintln!("till sim: stdin closed; still serving (Ctrl-C stops)");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_parse_with_reasons() {
        assert_eq!(parse_fault("slow=250"), Ok(Fault::Slow(250)));
        assert_eq!(parse_fault("random=0.5"), Ok(Fault::Random(0.5)));
        assert_eq!(parse_fault("half-open"), Ok(Fault::HalfOpen));
        assert_eq!(
            parse_fault("drop-before-response"),
            Ok(Fault::DropBeforeResponse)
        );
        assert!(parse_fault("slow").unwrap_err().contains("slow=MS"));
        assert!(parse_fault("random=2").unwrap_err().contains("between"));
        assert!(parse_fault("half-open=1").unwrap_err().contains("no value"));
        assert!(parse_fault("gremlins").unwrap_err().contains("known:"));
    }
}
