//! Reading the TOML file into located leaf values, refusing unknown keys.

use std::ops::Range;
use std::path::Path;

use toml::de::{DeTable, DeValue};

use super::error::{ConfigError, Source};
use super::schema::{TABLES, allowed_in, closest, key};

/// The largest configuration file read: 1 MiB (a real one is a few KiB).
pub(crate) const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// How many characters of a value an error message quotes.
const EXCERPT_CHARS: usize = 60;

/// Reads the configuration file: a regular file (or a link to one) of at most
/// [`MAX_CONFIG_BYTES`]. A FIFO, device or directory is refused before it is opened (so
/// `/dev/zero` is not read forever and a FIFO does not hang); `NotFound` passes through.
pub(crate) fn read_config(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::{Error, ErrorKind, Read};
    let not_regular = || {
        Error::new(
            ErrorKind::InvalidInput,
            "not a regular file (a FIFO, device or directory): give the path of a TOML file",
        )
    };
    if !std::fs::metadata(path)?.is_file() {
        return Err(not_regular());
    }
    let file = std::fs::File::open(path)?;
    if !file.metadata()?.is_file() {
        return Err(not_regular());
    }
    let mut bytes = Vec::new();
    file.take(MAX_CONFIG_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(Error::new(
            ErrorKind::InvalidData,
            format!(
                "larger than {MAX_CONFIG_BYTES} bytes, far more than any till configuration: check the path"
            ),
        ));
    }
    Ok(bytes)
}

/// At most [`EXCERPT_CHARS`] characters of `text`, then `…` and its full size: what an error
/// message may quote of a value it refuses.
pub(crate) fn excerpt(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().count() <= EXCERPT_CHARS {
        return std::borrow::Cow::Borrowed(text);
    }
    let head: String = text.chars().take(EXCERPT_CHARS).collect();
    std::borrow::Cow::Owned(format!("{head}… ({} bytes in all)", text.len()))
}

/// Shortens a problem description that quotes a value (`'<value>' is not …`) to a readable size.
pub(crate) fn short_problem(problem: String) -> String {
    const MAX: usize = 4 * EXCERPT_CHARS;
    if problem.chars().count() <= MAX {
        return problem;
    }
    let head: String = problem.chars().take(MAX).collect();
    format!("{head}… ({} bytes in all)", problem.len())
}

/// One `key = value` of the file, with where its value is.
pub(crate) struct Leaf<'a> {
    /// Full dotted key name (known to the key table).
    pub name: String,
    /// Byte range of the value.
    pub span: Range<usize>,
    /// The value.
    pub value: DeValue<'a>,
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub(crate) fn position(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// The [`Source`] of byte `offset` in the file.
pub(crate) fn at(path: &Path, text: &str, offset: usize) -> Source {
    let (line, column) = position(text, offset);
    Source::File {
        path: path.to_owned(),
        line,
        column,
    }
}

/// `"integer"` → `"an integer"`, `"string"` → `"a string"`.
pub(crate) fn a(word: &str) -> String {
    let article = if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {word}")
}

/// A value as shown in an error message: strings quoted, secrets masked, tables and arrays
/// abbreviated.
pub(crate) fn show(value: &DeValue<'_>, secret: bool) -> String {
    if secret {
        return match value {
            DeValue::String(s) => format!("\"{}\"", crate::protocol::redact::mask_secret(s)),
            _ => "(hidden)".into(),
        };
    }
    match value {
        DeValue::String(s) => serde_json::Value::String(excerpt(s).into_owned()).to_string(),
        DeValue::Integer(i) => i.to_string(),
        DeValue::Float(f) => f.to_string(),
        DeValue::Boolean(b) => b.to_string(),
        DeValue::Datetime(d) => d.to_string(),
        DeValue::Array(_) => "[…]".into(),
        DeValue::Table(_) => "{…}".into(),
    }
}

/// Parses `text` and returns its leaves in file order. Broken TOML, unknown keys and tables
/// given as plain values are errors.
pub(crate) fn leaves<'a>(path: &Path, text: &'a str) -> Result<Vec<Leaf<'a>>, ConfigError> {
    let doc = DeTable::parse(text).map_err(|e| {
        let (line, column) = position(text, e.span().map_or(0, |s| s.start));
        ConfigError::Syntax {
            path: path.to_owned(),
            line,
            column,
            message: e.message().trim().to_owned(),
        }
    })?;
    let mut out = Vec::new();
    let mut problems: Vec<(usize, ConfigError)> = Vec::new();
    walk(path, text, doc.get_ref(), "", &mut out, &mut problems);
    if let Some((_, first)) = problems.into_iter().min_by_key(|(offset, _)| *offset) {
        return Err(first);
    }
    out.sort_by_key(|l| l.span.start);
    Ok(out)
}

fn walk<'a>(
    path: &Path,
    text: &str,
    table: &DeTable<'a>,
    prefix: &str,
    out: &mut Vec<Leaf<'a>>,
    problems: &mut Vec<(usize, ConfigError)>,
) {
    for (k, v) in table.iter() {
        let name = if prefix.is_empty() {
            k.get_ref().to_string()
        } else {
            format!("{prefix}.{}", k.get_ref())
        };
        if TABLES.contains(&name.as_str()) {
            match v.get_ref() {
                DeValue::Table(inner) => walk(path, text, inner, &name, out, problems),
                other => problems.push((
                    v.span().start,
                    ConfigError::Invalid {
                        at: Box::new(at(path, text, v.span().start)),
                        key: name.clone(),
                        value: show(other, false),
                        problem: format!("this is {}, not a table", a(other.type_str())),
                        allowed: format!(
                            "a [{name}] table with the keys {}",
                            allowed_in(&name).join(", ")
                        ),
                    },
                )),
            }
        } else if key(&name).is_some() {
            out.push(Leaf {
                name,
                span: v.span(),
                value: v.get_ref().clone(),
            });
        } else {
            let table_name = if prefix.is_empty() {
                "the top level".to_owned()
            } else {
                format!("[{prefix}]")
            };
            problems.push((
                k.span().start,
                ConfigError::UnknownKey {
                    at: Box::new(at(path, text, k.span().start)),
                    what: if v.get_ref().is_table() {
                        "section"
                    } else {
                        "key"
                    },
                    did_you_mean: closest(&name).map(str::to_owned),
                    allowed: format!("{} ({table_name})", allowed_in(prefix).join(", ")),
                    key: name,
                },
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_in_characters() {
        let text = "a = 1\nbé = \"x\"\n";
        assert_eq!(position(text, 0), (1, 1));
        assert_eq!(position(text, 6), (2, 1));
        assert_eq!(position(text, text.find('=').unwrap()), (1, 3));
        let second_eq = text.rfind('=').unwrap();
        assert_eq!(position(text, second_eq), (2, 4));
    }

    #[test]
    fn leaves_in_file_order_with_dotted_and_inline_forms() {
        let text = "[sale]\ncurrency = \"EUR\"\n[device]\ndirect = { allow_insecure_ws = true }\nmode = \"direct\"\n";
        let leaves = leaves(Path::new("t.toml"), text).unwrap();
        let names: Vec<&str> = leaves.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "sale.currency",
                "device.direct.allow_insecure_ws",
                "device.mode"
            ]
        );
    }

    #[test]
    fn integers_lose_their_underscores() {
        let text = "[connection]\nready_timeout_ms = 20_000\n";
        let leaves = leaves(Path::new("t.toml"), text).unwrap();
        let DeValue::Integer(i) = &leaves[0].value else {
            panic!("not an integer")
        };
        assert_eq!(i64::from_str_radix(i.as_str(), i.radix()), Ok(20_000));
    }
}
