//! `config.example.toml` documents every key: as shipped it loads to the defaults; with every
//! key uncommented it still loads, every key is recognised (read from the file), and each
//! value is the default unless the line is marked "(example)".

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use till::config::{Config, ConfigOverrides, LoadContext, LoadedConfig, Settings, Source};

const EXAMPLE: &str = include_str!("../config.example.toml");

fn write_private(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    path
}

fn load(file: &Path, data: &Path) -> LoadedConfig {
    let ctx = LoadContext {
        default_data_dir: Some(data.to_owned()),
        ..LoadContext::default()
    };
    let overrides = ConfigOverrides {
        config_file: Some(file.to_owned()),
        ..Default::default()
    };
    Config::load_with(&ctx, overrides).unwrap_or_else(|e| panic!("{e}"))
}

/// The documented setting lines: (full key, line number, marked as example), with the line
/// uncommented in the returned text.
fn uncomment(text: &str) -> (String, Vec<(String, usize, bool)>) {
    let mut section = String::new();
    let mut keys = Vec::new();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.to_owned();
        }
        // A setting line is `#key = value` (no space after '#'); prose is `# text`.
        let setting = line
            .strip_prefix('#')
            .filter(|rest| rest.starts_with(|c: char| c.is_ascii_lowercase()))
            .and_then(|rest| rest.split_once(" = ").map(|(k, _)| (k, rest)));
        match setting {
            Some((key, rest)) => {
                keys.push((
                    format!("{section}.{key}"),
                    i + 1,
                    rest.ends_with("# (example)"),
                ));
                out.push_str(rest);
            }
            None => out.push_str(line),
        }
        out.push('\n');
    }
    (out, keys)
}

#[test]
fn example_as_shipped_loads_to_the_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_private(dir.path(), "config.toml", EXAMPLE);
    let loaded = load(&file, dir.path());
    assert_eq!(loaded.settings, Settings::default());
    assert!(loaded.paths.config_file_exists);
    assert!(loaded.entries().iter().all(|e| e.source == Source::Default));
}

#[test]
fn example_documents_every_key_once_with_default_or_example_values() {
    let (text, documented) = uncomment(EXAMPLE);
    let names: Vec<&str> = documented.iter().map(|(k, _, _)| k.as_str()).collect();
    let unique: BTreeSet<&str> = names.iter().copied().collect();
    assert_eq!(
        unique.len(),
        names.len(),
        "a key is documented twice: {names:?}"
    );
    let known: BTreeSet<&str> = LoadedConfig::key_names().into_iter().collect();
    assert_eq!(
        unique, known,
        "documented keys differ from the keys till knows"
    );

    let dir = tempfile::tempdir().unwrap();
    let file = write_private(dir.path(), "config.toml", &text);
    let loaded = load(&file, dir.path());
    let defaults = Config::load_with(
        &LoadContext {
            default_data_dir: Some(dir.path().to_owned()),
            ..LoadContext::default()
        },
        ConfigOverrides::default(),
    )
    .unwrap()
    .entries();
    for (entry, default) in loaded.entries().iter().zip(&defaults) {
        let (_, line, example) = documented.iter().find(|(k, _, _)| k == entry.key).unwrap();
        match &entry.source {
            Source::File { path, line: at, .. } => {
                assert_eq!(path, &file);
                assert_eq!(at, line, "{}", entry.key);
            }
            other => panic!("{} not read from the file but from {other:?}", entry.key),
        }
        if *example {
            assert_ne!(
                entry.value, default.value,
                "{}: marked (example) but is the default",
                entry.key
            );
        } else {
            assert_eq!(
                entry.value, default.value,
                "{}: documented default differs",
                entry.key
            );
        }
    }
}

#[test]
fn example_values_pass_in_their_own_modes() {
    // The example direct and cloud settings are valid when their mode is selected (CA files
    // must then exist, so they are created next to the file).
    let (text, _) = uncomment(EXAMPLE);
    let dir = tempfile::tempdir().unwrap();
    let pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    write_private(dir.path(), "device-ca.pem", pem);
    write_private(dir.path(), "cloud-ca.pem", pem);
    for mode in ["direct", "cloud"] {
        let text = text.replace("mode = \"simulator\"", &format!("mode = \"{mode}\""));
        let file = write_private(dir.path(), "config.toml", &text);
        let loaded = load(&file, dir.path());
        assert_eq!(loaded.settings.device.mode.as_str(), mode);
        assert_eq!(
            loaded.settings.device.direct.ca_file.as_deref(),
            Some(dir.path().join("device-ca.pem").as_path())
        );
    }
}
