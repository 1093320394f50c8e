//! `till config` as a real process: text and JSON output with sources, token redaction, and
//! exit code 2 with a located message for a bad configuration.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const CANARY: &str = "CANARY-ACCESS-TOKEN-must-never-appear-5d41";

fn write(path: &Path, text: &str, mode: u32) {
    std::fs::write(path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    #[cfg(not(unix))]
    let _ = mode;
}

/// Runs `till` with a clean environment whose home is `home`, plus `env`.
fn till(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_till"));
    cmd.env_clear()
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn assert_no_canary(out: &Output) {
    for stream in [&out.stdout, &out.stderr] {
        let s = String::from_utf8_lossy(stream);
        assert!(
            !s.contains(CANARY) && !s.contains("must-never-appear"),
            "token leaked: {s}"
        );
    }
}

fn cloud_config(dir: &Path) -> PathBuf {
    let path = dir.join("till.toml");
    let body = format!(
        "[terminal]\nname = \"Front counter\"\n\n[device]\nmode = \"cloud\"\n\n[device.cloud]\nmerchant_id = \"MRCHNT1\"\ndevice_id = \"DEVICE1\"\naccess_token = \"{CANARY}\"\n\n[log]\nlevel = \"debug\"\n"
    );
    write(&path, &body, 0o600);
    path
}

#[test]
fn prints_every_key_with_its_source_and_the_paths() {
    let home = tempfile::tempdir().unwrap();
    let config = cloud_config(home.path());
    let data = home.path().join("my-data");
    let out = till(
        home.path(),
        &[
            "--config",
            config.to_str().unwrap(),
            "config",
            "--data-dir",
            data.to_str().unwrap(),
            "-v",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_no_canary(&out);
    let stdout = text(&out.stdout);
    let line = |key: &str| {
        stdout
            .lines()
            .find(|l| l.starts_with(&format!("{key} = ")))
            .unwrap_or_else(|| panic!("no {key} in:\n{stdout}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(
        line("terminal.name"),
        "terminal.name = \"Front counter\" # file line 2"
    );
    assert_eq!(
        line("terminal.serial"),
        "terminal.serial = \"till-1\" # default"
    );
    assert_eq!(line("device.mode"), "device.mode = \"cloud\" # file line 5");
    assert_eq!(
        line("device.cloud.access_token"),
        "device.cloud.access_token = \"CANA…\" # file line 10"
    );
    assert_eq!(
        line("device.direct.url"),
        "device.direct.url = (not set) # default"
    );
    assert_eq!(line("log.level"), "log.level = \"trace\" # flag -v");
    assert_eq!(
        line("sale.max_amount"),
        "sale.max_amount = \"10000.00\" # default"
    );
    let key_lines = stdout.lines().take_while(|l| !l.is_empty()).count();
    assert_eq!(key_lines, till::config::LoadedConfig::key_names().len());
    assert!(
        stdout.contains(&format!(
            "config file  {} (flag --config)",
            config.display()
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "data dir     {} (flag --data-dir)",
            data.display()
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "log file     {}",
            data.join("logs").join("till.").display()
        )),
        "{stdout}"
    );
    assert!(!data.exists(), "till config creates nothing");
}

#[test]
fn json_output_is_one_object_with_values_sources_and_paths() {
    let home = tempfile::tempdir().unwrap();
    let config = cloud_config(home.path());
    let config_s = config.to_str().unwrap();
    let out = till(
        home.path(),
        &["config", "--json"],
        &[("TILL_CONFIG", config_s), ("TILL_LOG", "warn")],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_no_canary(&out);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = &v["settings"];
    assert_eq!(s["device.cloud.access_token"]["value"], "CANA…");
    assert_eq!(s["device.cloud.access_token"]["source"], "file");
    assert_eq!(s["device.cloud.access_token"]["line"], 10);
    assert_eq!(s["device.cloud.access_token"]["file"], config_s);
    assert_eq!(s["log.level"]["value"], "warn");
    assert_eq!(s["log.level"]["source"], "env");
    assert_eq!(s["log.level"]["name"], "TILL_LOG");
    assert_eq!(s["connection.response_timeout_ms"]["value"], 15000);
    assert_eq!(s["device.direct.allow_insecure_ws"]["value"], false);
    assert_eq!(s["device.direct.url"]["value"], Value::Null);
    assert_eq!(
        s.as_object().unwrap().len(),
        till::config::LoadedConfig::key_names().len()
    );
    let p = &v["paths"];
    assert_eq!(p["config_file"], config_s);
    assert_eq!(p["config_file_exists"], true);
    assert_eq!(p["config_file_from"]["name"], "TILL_CONFIG");
    let default_data = home.path().join("data").join("till");
    assert_eq!(p["data_dir"], default_data.to_str().unwrap());
    assert_eq!(p["data_dir_from"]["source"], "default");
    assert_eq!(p["log_dir"], default_data.join("logs").to_str().unwrap());
}

#[test]
fn token_from_the_environment_is_masked_too() {
    let home = tempfile::tempdir().unwrap();
    for args in [&["config"][..], &["config", "--json"][..]] {
        let out = till(home.path(), args, &[("TILL_ACCESS_TOKEN", CANARY)]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert_no_canary(&out);
        assert!(text(&out.stdout).contains("CANA…"));
    }
}

#[test]
fn default_location_is_used_and_may_be_missing() {
    let home = tempfile::tempdir().unwrap();
    let out = till(home.path(), &["config"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let default_file = home.path().join("config").join("till").join("config.toml");
    assert!(text(&out.stdout).contains(&format!(
        "{} (not found: defaults used; default)",
        default_file.display()
    )));
    std::fs::create_dir_all(default_file.parent().unwrap()).unwrap();
    write(&default_file, "[sale]\ncurrency = \"EUR\"\n", 0o644);
    let out = till(home.path(), &["config"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("sale.currency = \"EUR\""));
}

#[test]
fn bad_configuration_exits_2_with_a_located_message() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("bad.toml");
    write(&path, "[sale]\nmax_amount = \"1.005\"\n", 0o600);
    let out = till(
        home.path(),
        &["--config", path.to_str().unwrap(), "config"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(
        err.starts_with(&format!(
            "till config: {}:2:14: sale.max_amount = \"1.005\"",
            path.display()
        )),
        "{err}"
    );
    assert!(
        err.contains("allowed: a decimal amount above 0 with at most two decimals"),
        "{err}"
    );

    let out = till(
        home.path(),
        &["config", "--json", "--device", "tcp://10.0.0.5"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    // With --json the error is the one JSON object on stdout.
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["exit_code"], 2, "{v}");
    assert!(
        v["error"].as_str().unwrap().contains("flag --device"),
        "{v}"
    );

    let missing = home.path().join("missing.toml");
    let out = till(
        home.path(),
        &["config"],
        &[("TILL_CONFIG", missing.to_str().unwrap())],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no such configuration file"),
        "{}",
        text(&out.stderr)
    );
}

#[cfg(unix)]
#[test]
fn token_in_a_world_readable_file_exits_2_with_the_chmod_to_run() {
    let home = tempfile::tempdir().unwrap();
    let config = cloud_config(home.path());
    write(&config, &std::fs::read_to_string(&config).unwrap(), 0o644);
    let out = till(
        home.path(),
        &["--config", config.to_str().unwrap(), "config"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_no_canary(&out);
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!("run `chmod 600 {}`", config.display())),
        "{err}"
    );
}
