//! `pullcheck rules`: every rule with its level under the run's settings, whether it runs, and
//! its summary, as an aligned table.

use std::io::{self, Write};

use crate::rules;
use crate::settings::Settings;

/// `width`: the terminal's columns, when known; the table then fits them.
pub fn write_table(
    settings: &Settings,
    width: Option<usize>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let rows: Vec<[String; 4]> = rules::ALL
        .iter()
        .map(|rule| {
            let meta = rule.meta();
            [
                meta.name.to_string(),
                settings.severity(*rule).to_string(),
                if settings.is_enabled(meta.name) {
                    "on"
                } else {
                    "off"
                }
                .to_string(),
                meta.summary.to_string(),
            ]
        })
        .collect();
    let rows: Vec<Vec<String>> = rows.into_iter().map(Vec::from).collect();
    super::table::write(&["RULE", "LEVEL", "RUN", "SUMMARY"], &rows, width, out)
}
