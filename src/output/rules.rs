//! `pullcheck rules`: every rule with its level under the run's settings, whether it runs, and
//! its summary, as an aligned table.

use std::io::{self, Write};

use crate::rules;
use crate::settings::Settings;

pub fn write_table(settings: &Settings, out: &mut dyn Write) -> io::Result<()> {
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
    let width = |i: usize| rows.iter().map(|r| r[i].len()).max().unwrap_or(0);
    let (w0, w1, w2) = (width(0).max(4), width(1).max(5), width(2).max(3));
    writeln!(
        out,
        "{:<w0$}  {:<w1$}  {:<w2$}  SUMMARY",
        "RULE", "LEVEL", "RUN"
    )?;
    for [name, level, on, summary] in &rows {
        writeln!(out, "{name:<w0$}  {level:<w1$}  {on:<w2$}  {summary}")?;
    }
    Ok(())
}
