//! Precedence: defaults < file < environment < flags, with the source of every value reported.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use till::config::{Config, ConfigOverrides, LoadContext, LoadedConfig, Source};

fn write_private(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}

/// One row: what the file says, the environment, the flags; then the expected value and
/// source of one key.
struct Row {
    file: Option<&'static str>,
    env: &'static [(&'static str, &'static str)],
    flags: ConfigOverrides,
    key: &'static str,
    value: Value,
    source: &'static str,
}

fn row(
    file: Option<&'static str>,
    env: &'static [(&'static str, &'static str)],
    flags: ConfigOverrides,
    key: &'static str,
    value: Value,
    source: &'static str,
) -> Row {
    Row {
        file,
        env,
        flags,
        key,
        value,
        source,
    }
}

fn flags(device: Option<&str>, verbosity: i8) -> ConfigOverrides {
    ConfigOverrides {
        device: device.map(str::to_owned),
        verbosity,
        ..Default::default()
    }
}

fn load(
    dir: &Path,
    file: Option<&str>,
    env: &[(&str, &str)],
    overrides: ConfigOverrides,
) -> LoadedConfig {
    let config = dir.join("config.toml");
    let _ = std::fs::remove_file(&config);
    if let Some(text) = file {
        write_private(&config, text);
    }
    let ctx = LoadContext {
        env: env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        default_config_file: Some(config),
        default_data_dir: Some(dir.join("default-data")),
    };
    Config::load_with(&ctx, overrides).unwrap_or_else(|e| panic!("{e}"))
}

const LEVEL_FILE: &str = "# logging\n[log]\nlevel = \"debug\"\n";
const DIRECT_FILE: &str =
    "[device]\nmode = \"direct\"\n\n[device.direct]\nurl = \"ws://127.0.0.1:4000/remote_pay\"\n";
const TOKEN_FILE: &str = "[device.cloud]\naccess_token = \"file-token-0123456789\"\n";

#[test]
fn precedence_table() {
    let rows = [
        // log.level: default < file < TILL_LOG < -v/-q (relative to what the others said)
        row(
            None,
            &[],
            flags(None, 0),
            "log.level",
            json!("info"),
            "default",
        ),
        row(
            Some(LEVEL_FILE),
            &[],
            flags(None, 0),
            "log.level",
            json!("debug"),
            "file line 3",
        ),
        row(
            Some(LEVEL_FILE),
            &[("TILL_LOG", "error")],
            flags(None, 0),
            "log.level",
            json!("error"),
            "env TILL_LOG",
        ),
        row(
            Some(LEVEL_FILE),
            &[("TILL_LOG", "error")],
            flags(None, 1),
            "log.level",
            json!("warn"),
            "flag -v",
        ),
        row(
            Some(LEVEL_FILE),
            &[],
            flags(None, 2),
            "log.level",
            json!("trace"),
            "flag -v",
        ),
        row(
            None,
            &[],
            flags(None, -2),
            "log.level",
            json!("error"),
            "flag -q",
        ),
        row(
            Some(LEVEL_FILE),
            &[("TILL_LOG", "")],
            flags(None, 0),
            "log.level",
            json!("debug"),
            "file line 3",
        ),
        // device: default < file < --device
        row(
            None,
            &[],
            flags(None, 0),
            "device.mode",
            json!("simulator"),
            "default",
        ),
        row(
            Some(DIRECT_FILE),
            &[],
            flags(None, 0),
            "device.mode",
            json!("direct"),
            "file line 2",
        ),
        row(
            Some(DIRECT_FILE),
            &[],
            flags(None, 0),
            "device.direct.url",
            json!("ws://127.0.0.1:4000/remote_pay"),
            "file line 5",
        ),
        row(
            Some(DIRECT_FILE),
            &[],
            flags(Some("sim"), 0),
            "device.mode",
            json!("simulator"),
            "flag --device",
        ),
        row(
            Some(DIRECT_FILE),
            &[],
            flags(Some("sim"), 0),
            "device.direct.url",
            json!("ws://127.0.0.1:4000/remote_pay"),
            "file line 5",
        ),
        row(
            None,
            &[],
            flags(Some("wss://10.0.0.5:12345/remote_pay"), 0),
            "device.mode",
            json!("direct"),
            "flag --device",
        ),
        row(
            Some(DIRECT_FILE),
            &[],
            flags(Some("wss://10.0.0.5:12345/remote_pay"), 0),
            "device.direct.url",
            json!("wss://10.0.0.5:12345/remote_pay"),
            "flag --device",
        ),
        // access token: default < file < TILL_ACCESS_TOKEN, always masked
        row(
            None,
            &[],
            flags(None, 0),
            "device.cloud.access_token",
            Value::Null,
            "default",
        ),
        row(
            Some(TOKEN_FILE),
            &[],
            flags(None, 0),
            "device.cloud.access_token",
            json!("file…"),
            "file line 2",
        ),
        row(
            Some(TOKEN_FILE),
            &[("TILL_ACCESS_TOKEN", "envtoken-0123456789")],
            flags(None, 0),
            "device.cloud.access_token",
            json!("envt…"),
            "env TILL_ACCESS_TOKEN",
        ),
        // a key nobody set stays default even when others are overridden
        row(
            Some(LEVEL_FILE),
            &[("TILL_LOG", "warn")],
            flags(Some("sim"), 1),
            "sale.max_amount",
            json!("10000.00"),
            "default",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (i, r) in rows.into_iter().enumerate() {
        let loaded = load(dir.path(), r.file, r.env, r.flags);
        let entry = loaded
            .entries()
            .into_iter()
            .find(|e| e.key == r.key)
            .unwrap();
        assert_eq!(entry.value, r.value, "row {i}: {}", r.key);
        assert_eq!(entry.source.label(), r.source, "row {i}: {}", r.key);
        assert_eq!(loaded.source(r.key), Some(&entry.source), "row {i}");
    }
}

#[test]
fn typed_settings_follow_the_winning_source() {
    let dir = tempfile::tempdir().unwrap();
    let loaded = load(
        dir.path(),
        Some(TOKEN_FILE),
        &[("TILL_ACCESS_TOKEN", "envtoken-0123456789")],
        flags(None, 0),
    );
    let token = loaded.settings.device.cloud.access_token.as_ref().unwrap();
    assert_eq!(token.expose(), "envtoken-0123456789");
    let debug = format!("{:?}", loaded.settings);
    assert!(!debug.contains("envtoken-0123456789"), "{debug}");
    let loaded = load(dir.path(), Some(DIRECT_FILE), &[], flags(Some("sim"), 0));
    assert_eq!(
        loaded.settings.device.mode,
        till::config::DeviceMode::Simulator
    );
}

fn data_dir(
    dir: &Path,
    file: Option<&str>,
    env: Option<&Path>,
    flag: Option<&Path>,
) -> (PathBuf, Source) {
    let config = dir.join("config.toml");
    let _ = std::fs::remove_file(&config);
    if let Some(text) = file {
        write_private(&config, text);
    }
    let mut ctx = LoadContext {
        default_config_file: Some(config),
        default_data_dir: Some(dir.join("platform")),
        ..LoadContext::default()
    };
    if let Some(env) = env {
        ctx.env
            .insert("TILL_DATA_DIR".into(), env.display().to_string());
    }
    let overrides = ConfigOverrides {
        data_dir: flag.map(Path::to_owned),
        ..Default::default()
    };
    let loaded = Config::load_with(&ctx, overrides).unwrap();
    assert_eq!(loaded.paths.log_dir, loaded.paths.data_dir.join("logs"));
    assert!(loaded.paths.log_file.starts_with(&loaded.paths.log_dir));
    (loaded.paths.data_dir, loaded.paths.data_dir_source)
}

#[test]
fn data_dir_precedence() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let file = "[paths]\ndata_dir = \"from-file\"\n";
    assert_eq!(
        data_dir(d, None, None, None),
        (d.join("platform"), Source::Default)
    );
    let (path, source) = data_dir(d, Some(file), None, None);
    assert_eq!(
        path,
        d.join("from-file"),
        "relative to the config file's directory"
    );
    assert_eq!(source.label(), "file line 2");
    let (path, source) = data_dir(d, Some(file), Some(&d.join("env")), None);
    assert_eq!(
        (path, source),
        (d.join("env"), Source::Env("TILL_DATA_DIR"))
    );
    let (path, source) = data_dir(d, Some(file), Some(&d.join("env")), Some(&d.join("flag")));
    assert_eq!((path, source), (d.join("flag"), Source::Flag("--data-dir")));
    assert!(
        !d.join("platform").exists() && !d.join("flag").exists(),
        "loading creates nothing"
    );
}

#[test]
fn config_file_precedence() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let (default, env, flag) = (
        d.join("default.toml"),
        d.join("env.toml"),
        d.join("flag.toml"),
    );
    write_private(&default, "[terminal]\nname = \"from default\"\n");
    write_private(&env, "[terminal]\nname = \"from env\"\n");
    write_private(&flag, "[terminal]\nname = \"from flag\"\n");
    let mut ctx = LoadContext {
        default_config_file: Some(default.clone()),
        default_data_dir: Some(d.to_owned()),
        ..LoadContext::default()
    };
    let name = |ctx: &LoadContext, o: ConfigOverrides| {
        let l = Config::load_with(ctx, o).unwrap();
        (
            l.settings.terminal.name,
            l.paths.config_file.unwrap(),
            l.paths.config_file_source,
        )
    };
    assert_eq!(
        name(&ctx, ConfigOverrides::default()),
        ("from default".into(), default, Source::Default)
    );
    ctx.env
        .insert("TILL_CONFIG".into(), env.display().to_string());
    assert_eq!(
        name(&ctx, ConfigOverrides::default()),
        ("from env".into(), env, Source::Env("TILL_CONFIG"))
    );
    let o = ConfigOverrides {
        config_file: Some(flag.clone()),
        ..Default::default()
    };
    assert_eq!(
        name(&ctx, o),
        ("from flag".into(), flag, Source::Flag("--config"))
    );
}
