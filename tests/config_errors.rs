//! Bad configurations are refused with an error that names the file, the line, the key and
//! what is allowed (or what to do). Secrets never appear in the message.

use std::path::{Path, PathBuf};

use till::config::{Config, ConfigError, ConfigOverrides, LoadContext};

const CANARY: &str = "CANARY-TOKEN-never-shown-7f3e9a";

fn write(dir: &Path, text: &str, mode: u32) -> PathBuf {
    let path = dir.join("till.toml");
    std::fs::write(&path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    #[cfg(not(unix))]
    let _ = mode;
    path
}

fn load_file(
    dir: &Path,
    text: &str,
    mode: u32,
) -> (PathBuf, Result<till::config::LoadedConfig, ConfigError>) {
    let path = write(dir, text, mode);
    let ctx = LoadContext {
        default_data_dir: Some(dir.join("data")),
        ..LoadContext::default()
    };
    let overrides = ConfigOverrides {
        config_file: Some(path.clone()),
        ..Default::default()
    };
    (path.clone(), Config::load_with(&ctx, overrides))
}

struct Case {
    name: &'static str,
    text: &'static str,
    mode: u32,
    /// Line of the problem.
    line: usize,
    /// The key the message must name (empty for broken TOML).
    key: &'static str,
    /// Text the message must contain: what is allowed or what to do.
    allowed: &'static str,
}

const CASES: &[Case] = &[
    Case {
        name: "broken TOML",
        text: "[sale]\ncurrency = \"USD\"\nmax_amount = \n",
        mode: 0o600,
        line: 3,
        key: "",
        allowed: "expected",
    },
    Case {
        name: "unclosed table header",
        text: "[terminal\nname = \"x\"\n",
        mode: 0o600,
        line: 1,
        key: "",
        allowed: "expected",
    },
    Case {
        name: "wrong type: integer as string",
        text: "[simulator]\nseed = \"7\"\n",
        mode: 0o600,
        line: 2,
        key: "simulator.seed",
        allowed: "an integer of 0 or more",
    },
    Case {
        name: "wrong type: amount as float",
        text: "[sale]\nmax_amount = 100.5\n",
        mode: 0o600,
        line: 2,
        key: "sale.max_amount",
        allowed: "as text, e.g. \"10000.00\"",
    },
    Case {
        name: "wrong type: bool as string",
        text: "[device.direct]\nallow_insecure_ws = \"yes\"\n",
        mode: 0o600,
        line: 2,
        key: "device.direct.allow_insecure_ws",
        allowed: "true or false",
    },
    Case {
        name: "section given as a value",
        text: "terminal = \"till\"\n",
        mode: 0o600,
        line: 1,
        key: "terminal",
        allowed: "a [terminal] table with the keys name, serial",
    },
    Case {
        name: "unknown key",
        text: "[sale]\ncurrency = \"USD\"\nmax_amont = \"10.00\"\n",
        mode: 0o600,
        line: 3,
        key: "sale.max_amont",
        allowed: "did you mean 'sale.max_amount'?); allowed here: max_amount, currency",
    },
    Case {
        name: "unknown section",
        text: "[terminal]\nname = \"x\"\n\n[printer]\nmodel = \"x\"\n",
        mode: 0o600,
        line: 4,
        key: "unknown section 'printer'",
        allowed: "allowed here: terminal, device, connection, sale, simulator, log, paths",
    },
    Case {
        name: "unknown top-level key",
        text: "verbose = true\n",
        mode: 0o600,
        line: 1,
        key: "verbose",
        allowed: "allowed here: terminal, device",
    },
    Case {
        name: "max_amount not a number",
        text: "[sale]\nmax_amount = \"abc\"\n",
        mode: 0o600,
        line: 2,
        key: "sale.max_amount",
        allowed: "a decimal amount above 0 with at most two decimals",
    },
    Case {
        name: "max_amount negative",
        text: "[sale]\nmax_amount = \"-1\"\n",
        mode: 0o600,
        line: 2,
        key: "sale.max_amount",
        allowed: "a decimal amount above 0",
    },
    Case {
        name: "max_amount too precise",
        text: "[sale]\n\nmax_amount = \"1.005\"\n",
        mode: 0o600,
        line: 3,
        key: "sale.max_amount",
        allowed: "at most two decimals",
    },
    Case {
        name: "max_amount zero",
        text: "[sale]\nmax_amount = \"0.00\"\n",
        mode: 0o600,
        line: 2,
        key: "sale.max_amount",
        allowed: "above 0",
    },
    Case {
        name: "unknown device mode",
        text: "[device]\nmode = \"bluetooth\"\n",
        mode: 0o600,
        line: 2,
        key: "device.mode",
        allowed: "\"simulator\", \"direct\" or \"cloud\"",
    },
    Case {
        name: "out of range duration",
        text: "[connection]\nheartbeat_timeout_ms = 10\n",
        mode: 0o600,
        line: 2,
        key: "connection.heartbeat_timeout_ms",
        allowed: "an integer from 1000 to 600000 (ms)",
    },
    Case {
        name: "reconnect floor above cap",
        text: "[connection]\nreconnect_floor_ms = 5000\nreconnect_cap_ms = 2000\n",
        mode: 0o600,
        line: 3,
        key: "connection.reconnect_cap_ms",
        allowed: "at least connection.reconnect_floor_ms",
    },
    Case {
        name: "bad currency",
        text: "[sale]\ncurrency = \"usd\"\n",
        mode: 0o600,
        line: 2,
        key: "sale.currency",
        allowed: "three capital letters",
    },
    Case {
        name: "unknown log level",
        text: "[log]\nlevel = \"loud\"\n",
        mode: 0o600,
        line: 2,
        key: "log.level",
        allowed: "\"off\", \"error\", \"warn\", \"info\", \"debug\" or \"trace\"",
    },
    Case {
        name: "device url not ws",
        text: "[device.direct]\nurl = \"https://10.0.0.5:12345/remote_pay\"\n",
        mode: 0o600,
        line: 2,
        key: "device.direct.url",
        allowed: "a ws:// or wss:// URL",
    },
    Case {
        name: "missing CA file",
        text: "[device]\nmode = \"direct\"\n[device.direct]\nurl = \"wss://10.0.0.5:12345/remote_pay\"\nca_file = \"no-such-ca.pem\"\n",
        mode: 0o600,
        line: 5,
        key: "device.direct.ca_file",
        allowed: "no-such-ca.pem\": no such file; allowed: the path of a PEM file",
    },
    Case {
        name: "insecure ws to a LAN host",
        text: "[device]\nmode = \"direct\"\n[device.direct]\nurl = \"ws://192.168.1.20:12345/remote_pay\"\n",
        mode: 0o600,
        line: 4,
        key: "device.direct.url",
        allowed: "set device.direct.allow_insecure_ws = true",
    },
    Case {
        name: "cloud without merchant id",
        text: "[device]\nmode = \"cloud\"\n[device.cloud]\ndevice_id = \"DEV1\"\n",
        mode: 0o600,
        line: 2,
        key: "device.cloud.merchant_id",
        allowed: "a Clover merchant id",
    },
    Case {
        name: "cloud without device id",
        text: "[device]\nmode = \"cloud\"\n[device.cloud]\nmerchant_id = \"M1\"\n",
        mode: 0o600,
        line: 2,
        key: "device.cloud.device_id",
        allowed: "a Clover device id",
    },
    Case {
        name: "cloud without token",
        text: "[device]\nmode = \"cloud\"\n[device.cloud]\nmerchant_id = \"M1\"\ndevice_id = \"D1\"\n",
        mode: 0o600,
        line: 2,
        key: "device.cloud.access_token",
        allowed: "TILL_ACCESS_TOKEN",
    },
];

#[test]
fn bad_configs_are_refused_with_located_errors() {
    for case in CASES {
        let dir = tempfile::tempdir().unwrap();
        let (path, result) = load_file(dir.path(), case.text, case.mode);
        let err = match result {
            Ok(_) => panic!("{}: accepted", case.name),
            Err(e) => e,
        };
        let msg = err.to_string();
        let location = format!("{}:{}:", path.display(), case.line);
        assert!(
            msg.contains(&location),
            "{}: no {location} in: {msg}",
            case.name
        );
        assert!(
            msg.contains(case.key),
            "{}: no key {} in: {msg}",
            case.name,
            case.key
        );
        assert!(
            msg.contains(case.allowed),
            "{}: no '{}' in: {msg}",
            case.name,
            case.allowed
        );
        if !case.key.is_empty() {
            let key = case
                .key
                .rsplit(' ')
                .next()
                .unwrap_or_default()
                .trim_matches('\'');
            assert_eq!(err.key(), Some(key), "{}", case.name);
        }
    }
}

#[test]
fn bad_values_are_quoted_in_the_message() {
    let dir = tempfile::tempdir().unwrap();
    let (_, result) = load_file(dir.path(), "[sale]\nmax_amount = \"1.005\"\n", 0o600);
    let msg = result.unwrap_err().to_string();
    assert!(
        msg.contains("sale.max_amount = \"1.005\": '1.005' has more than two decimal places"),
        "{msg}"
    );
    let (_, result) = load_file(dir.path(), "[simulator]\nseed = \"7\"\n", 0o600);
    let msg = result.unwrap_err().to_string();
    assert!(
        msg.contains("simulator.seed = \"7\": this is a string, not an integer"),
        "{msg}"
    );
}

#[cfg(unix)]
#[test]
fn token_in_a_readable_file_is_refused_with_the_chmod_to_run() {
    for mode in [0o644, 0o640, 0o604, 0o660] {
        let dir = tempfile::tempdir().unwrap();
        let text = format!("[device.cloud]\nmerchant_id = \"M1\"\naccess_token = \"{CANARY}\"\n");
        let path = write(dir.path(), &text, mode);
        let ctx = LoadContext {
            default_data_dir: Some(dir.path().to_owned()),
            ..LoadContext::default()
        };
        let overrides = ConfigOverrides {
            config_file: Some(path.clone()),
            ..Default::default()
        };
        let err = Config::load_with(&ctx, overrides).unwrap_err();
        let msg = err.to_string();
        assert!(
            matches!(err, ConfigError::ExposedSecret { line: 3, .. }),
            "{mode:o}: {msg}"
        );
        assert!(
            msg.contains(&format!("chmod 600 {}", path.display())),
            "{msg}"
        );
        assert!(
            msg.contains(&format!(
                "{}: holds device.cloud.access_token (line 3)",
                path.display()
            )),
            "{msg}"
        );
        assert!(
            !msg.contains(CANARY) && !msg.contains("never-shown"),
            "{msg}"
        );
    }
    // The same file, private, is accepted; a readable file without a token is fine too.
    let dir = tempfile::tempdir().unwrap();
    let (_, ok) = load_file(
        dir.path(),
        &format!("[device.cloud]\naccess_token = \"{CANARY}\"\n"),
        0o600,
    );
    assert!(ok.is_ok());
    let (_, ok) = load_file(dir.path(), "[sale]\ncurrency = \"EUR\"\n", 0o644);
    assert!(ok.is_ok());
}

#[test]
fn secret_values_are_masked_in_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (_, result) = load_file(
        dir.path(),
        &format!("[device.cloud]\naccess_token = \"{CANARY} x\"\n"),
        0o600,
    );
    let msg = result.unwrap_err().to_string();
    assert!(
        msg.contains("device.cloud.access_token = \"CANA…\": it contains white space"),
        "{msg}"
    );
    assert!(!msg.contains("never-shown"), "{msg}");
    // A broken line holding a token is reported without its text.
    let (_, result) = load_file(
        dir.path(),
        &format!("[device.cloud]\naccess_token = \"{CANARY}\n"),
        0o600,
    );
    let msg = result.unwrap_err().to_string();
    assert!(msg.contains(":2:"), "{msg}");
    assert!(!msg.contains("never-shown"), "{msg}");
}

#[test]
fn environment_and_flag_errors_name_the_variable_or_flag() {
    let dir = tempfile::tempdir().unwrap();
    let mut ctx = LoadContext {
        default_data_dir: Some(dir.path().to_owned()),
        ..LoadContext::default()
    };
    ctx.env.insert("TILL_LOG".into(), "loud".into());
    let msg = Config::load_with(&ctx, ConfigOverrides::default())
        .unwrap_err()
        .to_string();
    assert!(
        msg.starts_with("environment variable TILL_LOG: log.level = \"loud\""),
        "{msg}"
    );
    assert!(msg.contains("allowed: \"off\", \"error\""), "{msg}");

    let ctx = LoadContext {
        default_data_dir: Some(dir.path().to_owned()),
        ..LoadContext::default()
    };
    for (device, allowed) in [
        ("bluetooth://x", "sim, or a device URL"),
        ("ws://10.0.0.5:12345/remote_pay", "allow_insecure_ws = true"),
        ("wss://:1/remote_pay", "a ws:// or wss:// URL with a host"),
    ] {
        let overrides = ConfigOverrides {
            device: Some(device.into()),
            ..Default::default()
        };
        let msg = Config::load_with(&ctx, overrides).unwrap_err().to_string();
        assert!(msg.starts_with("flag --device: "), "{msg}");
        assert!(msg.contains(allowed), "{device}: {msg}");
    }
}

#[test]
fn a_missing_explicit_file_is_an_error_but_a_missing_default_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.toml");
    let ctx = LoadContext {
        default_config_file: Some(missing.clone()),
        default_data_dir: Some(dir.path().to_owned()),
        ..LoadContext::default()
    };
    let loaded = Config::load_with(&ctx, ConfigOverrides::default()).unwrap();
    assert!(!loaded.paths.config_file_exists);

    let overrides = ConfigOverrides {
        config_file: Some(missing.clone()),
        ..Default::default()
    };
    let msg = Config::load_with(&ctx, overrides).unwrap_err().to_string();
    assert!(
        msg.contains(&format!(
            "{}: no such configuration file (named by flag --config)",
            missing.display()
        )),
        "{msg}"
    );

    let mut ctx = ctx;
    ctx.env
        .insert("TILL_CONFIG".into(), missing.display().to_string());
    let msg = Config::load_with(&ctx, ConfigOverrides::default())
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("named by environment variable TILL_CONFIG"),
        "{msg}"
    );
}

#[test]
fn no_data_dir_anywhere_is_an_error_that_says_what_to_do() {
    let msg = Config::load_with(&LoadContext::default(), ConfigOverrides::default())
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("pass --data-dir DIR, set TILL_DATA_DIR"),
        "{msg}"
    );
}

#[test]
fn duplicate_keys_and_non_utf8_files_are_located() {
    let dir = tempfile::tempdir().unwrap();
    let (path, result) = load_file(
        dir.path(),
        "[sale]\ncurrency = \"USD\"\ncurrency = \"EUR\"\n",
        0o600,
    );
    let msg = result.unwrap_err().to_string();
    assert!(msg.starts_with(&format!("{}:3:", path.display())), "{msg}");
    let path = dir.path().join("latin1.toml");
    std::fs::write(&path, b"[terminal]\nname = \"caf\xe9\"\n").unwrap();
    let ctx = LoadContext {
        default_data_dir: Some(dir.path().to_owned()),
        ..LoadContext::default()
    };
    let overrides = ConfigOverrides {
        config_file: Some(path.clone()),
        ..Default::default()
    };
    let msg = Config::load_with(&ctx, overrides).unwrap_err().to_string();
    assert!(
        msg.starts_with(&format!("{}:2:", path.display())) && msg.contains("not UTF-8"),
        "{msg}"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]

    /// Arbitrary text built from real section and key names never panics the loader.
    #[test]
    fn arbitrary_configs_never_panic(
        lines in proptest::collection::vec(
            (
                proptest::sample::select(vec!["[sale]", "[device]", "[device.direct]", "[connection]", "[log]", "[x]", ""]),
                proptest::sample::select(vec!["max_amount", "mode", "url", "seed", "level", "reconnect_cap_ms", "ca_file", "zz"]),
                proptest::sample::select(vec!["\"1.00\"", "1", "-5", "true", "\"ws://10.0.0.1/\"", "[1]", "{a=1}", "\"\"", "9999999999999999999", "0x10", "1.5", "\"é\""]),
            ),
            0..8,
        ),
        noise in ".{0,20}",
    ) {
        let mut text = String::new();
        for (section, key, value) in lines {
            text.push_str(&format!("{section}\n{key} = {value}\n"));
        }
        text.push_str(&noise);
        let dir = tempfile::tempdir().unwrap();
        let (_, result) = load_file(dir.path(), &text, 0o600);
        if let Err(e) = result {
            proptest::prop_assert!(!e.to_string().is_empty());
        }
    }
}
