//! Plain and tagged scalars as go-yaml v2 resolves them: what a tag accepts.

/// Checks a scalar the way go-yaml decodes it: a core tag must match what the value resolves
/// to (`resolve` in go-yaml v2's resolve.go), and JSON cannot hold an infinity or NaN.
pub fn check_scalar(value: &str, plain: bool, tag: Option<(&str, &str)>) -> Result<(), String> {
    // Most scalars carry no tag and start with no `.`, `+` or `-`: nothing to resolve.
    if tag.is_none() && !(plain && value.starts_with(['.', '+', '-'])) {
        return Ok(());
    }
    let resolved = resolve(value, plain);
    match tag {
        Some(("tag:yaml.org,2002:", wanted)) => {
            let ok = match wanted {
                "str" => true,
                "binary" => base64_decodes(value),
                "null" | "bool" | "int" | "timestamp" => resolved == wanted,
                "float" => matches!(resolved, "float" | "int" | "infinity"),
                _ => true,
            };
            if ok && !(wanted == "float" && resolved == "infinity") {
                return Ok(());
            }
            if wanted == "binary" {
                return Err("`!!binary` value is not base64 (go-yaml refuses it)".into());
            }
            if resolved == "infinity" {
                return Err(format!(
                    "`{value}` is not a number JSON can hold (kubectl refuses it)"
                ));
            }
            Err(format!(
                "cannot decode !!{} `{value}` as a !!{wanted} (go-yaml refuses it)",
                resolved.replace("infinity", "float")
            ))
        }
        None if plain && resolved == "infinity" => Err(format!(
            "`{value}` is a YAML float JSON cannot hold (kubectl refuses it); quote it for a string"
        )),
        _ => Ok(()),
    }
}

/// What go-yaml v2 resolves an untagged scalar to: `str`, `null`, `bool`, `int`, `float`,
/// `timestamp`, or `infinity` (a float that is infinite or NaN).
pub(super) fn resolve(value: &str, plain: bool) -> &'static str {
    if !plain {
        return "str";
    }
    match value {
        "" | "~" | "null" | "Null" | "NULL" => return "null",
        "y" | "Y" | "yes" | "Yes" | "YES" | "n" | "N" | "no" | "No" | "NO" | "true" | "True"
        | "TRUE" | "false" | "False" | "FALSE" | "on" | "On" | "ON" | "off" | "Off" | "OFF" => {
            return "bool";
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => return "infinity",
        _ => {}
    }
    let digits = value.replace('_', "");
    if is_go_int(&digits) {
        return "int";
    }
    if is_yaml_float(&digits) {
        return "float";
    }
    if is_timestamp(value) {
        return "timestamp";
    }
    "str"
}

/// `strconv.ParseInt(s, 0, 64)` (or its unsigned form): decimal, `0x`, `0o`, `0b` or a
/// leading-zero octal, with an optional sign.
pub(super) fn is_go_int(s: &str) -> bool {
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (radix, digits) =
        if let Some(d) = unsigned.strip_prefix("0x").or(unsigned.strip_prefix("0X")) {
            (16, d)
        } else if let Some(d) = unsigned.strip_prefix("0b").or(unsigned.strip_prefix("0B")) {
            (2, d)
        } else if let Some(d) = unsigned.strip_prefix("0o").or(unsigned.strip_prefix("0O")) {
            (8, d)
        } else if unsigned.len() > 1 && unsigned.starts_with('0') {
            (8, &unsigned[1..])
        } else {
            (10, unsigned)
        };
    !digits.is_empty() && u64::from_str_radix(digits, radix).is_ok()
}

/// go-yaml v2's `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
pub(super) fn is_yaml_float(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(e) => (&s[..e], Some(&s[e + 1..])),
        None => (s, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", fraction)) => digits(fraction),
        Some((whole, fraction)) => digits(whole) && (fraction.is_empty() || digits(fraction)),
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}

/// go-yaml v2's timestamp forms: a date `2006-1-2`, optionally followed by a time.
pub(super) fn is_timestamp(s: &str) -> bool {
    let date_end = s.find(['T', 't', ' ']).unwrap_or(s.len());
    let mut parts = s[..date_end].split('-');
    let year = parts
        .next()
        .is_some_and(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()));
    let rest: Vec<&str> = parts.collect();
    year && rest.len() == 2
        && rest
            .iter()
            .all(|p| (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
        && (date_end == s.len() || s[date_end + 1..].contains(':'))
}

/// Go's `base64.StdEncoding.DecodeString`.
pub(super) fn base64_decodes(value: &str) -> bool {
    use base64::Engine;
    let compact: String = value
        .chars()
        .filter(|c| !matches!(c, '\r' | '\n'))
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact)
        .is_ok()
}
