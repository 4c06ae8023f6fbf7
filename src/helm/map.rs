//! Placing one finding of a rendered document on the chart source that produced it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::read_confined;
use super::template::{self, Context, line_key, line_value, match_score, value_start};
use crate::diagnostic::Diagnostic;
use crate::input;
use crate::run::Run;
use crate::source::{SourceFile, Span};

/// A line of a chart file that holds a key: its index, the key and where it sits.
type KeyedLine = (usize, String, template::Place);

/// A chart's sources, read once: its templates and helpers, `values.yaml` and `Chart.yaml`.
pub struct Chart {
    /// Everything under `templates/`, by path.
    files: Vec<SourceFile>,
    by_path: HashMap<PathBuf, usize>,
    defines: HashMap<String, (usize, usize, usize)>,
    context: Context,
    values_path: PathBuf,
    /// Index in the run's files of each chart file a finding moved to.
    in_run: HashMap<PathBuf, usize>,
    /// Per template: the line ranges of it and its included helpers.
    sources: HashMap<usize, Vec<(usize, usize, usize)>>,
    /// Per chart file and range start: each line holding a key, with its key and place.
    keyed: HashMap<(usize, usize), Vec<KeyedLine>>,
}

/// The chart a template belongs to: the folder above its `templates/`.
pub fn chart_root(template: &Path) -> Option<PathBuf> {
    template
        .ancestors()
        .find(|dir| dir.file_name().is_some_and(|n| n == "templates"))
        .and_then(Path::parent)
        .map(Path::to_path_buf)
}

impl Chart {
    pub fn load(chart_dir: &Path, root: &Path) -> Option<Chart> {
        let read = |path: &Path| {
            let bytes = read_confined(chart_dir, path)?;
            let loaded = input::decode(input::display_name(path), Some(path.to_path_buf()), bytes);
            loaded.not_text.is_none().then_some(loaded.source)
        };
        let mut files = Vec::new();
        let mut by_path = HashMap::new();
        let mut pending = vec![root.join("templates")];
        while let Some(dir) = pending.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut paths: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
            paths.sort();
            for path in paths {
                if path.is_dir() {
                    pending.push(path);
                } else if let Some(file) = read(&path) {
                    by_path.insert(path, files.len());
                    files.push(file);
                }
            }
        }
        if files.is_empty() {
            return None;
        }
        let values_path = root.join("values.yaml");
        let context = Context::load(read(&values_path), read(&root.join("Chart.yaml")));
        Some(Chart {
            defines: template::defines(&files),
            files,
            by_path,
            context,
            values_path,
            in_run: HashMap::new(),
            sources: HashMap::new(),
            keyed: HashMap::new(),
        })
    }
}

/// Leaves a finding on the rendered line, saying why.
pub fn unmapped(d: &mut Diagnostic, why: &str) {
    d.message = format!("{} (not mapped to the chart: {why})", d.message);
}

/// A line of the chart's sources that may have produced the rendered line.
struct Candidate {
    file: usize,
    line: usize,
    score: usize,
}

/// Per rendered file: [`template::rendered_places`], computed once.
pub type RenderedPlaces = HashMap<usize, Vec<template::RenderedPlace>>;

pub fn relocate(
    d: &mut Diagnostic,
    run: &mut Run,
    chart: &mut Chart,
    template: &Path,
    rendered_places: &mut RenderedPlaces,
) {
    let Some(&template) = chart.by_path.get(template) else {
        return unmapped(d, "its template is not in the chart directory");
    };
    let rendered = &run.files[d.file];
    let line = rendered.line_index(d.span.start);
    let text = rendered.line_text(line);
    let Some(key) = line_key(text).map(str::to_string) else {
        return unmapped(d, "the rendered line holds no key");
    };
    let value = line_value(text).to_string();
    let places = rendered_places
        .entry(d.file)
        .or_insert_with(|| template::rendered_places(rendered));
    let (list, ordinal) = places[line].clone().unwrap_or((None, 0));
    let here_list = list.map(|(_, name)| name);

    let mut candidates = Vec::new();
    for (file, start, end) in chart.sources_of(template) {
        for (candidate, candidate_key, there) in chart.keyed_lines(file, start, end) {
            if candidate_key != key {
                continue;
            }
            if here_list.is_some() && there.list.is_some() && here_list != there.list {
                continue;
            }
            if let (Some(name), Some(container)) = (&there.name, &d.container)
                && name != container
            {
                continue;
            }
            let written = line_value(chart.files[file].line_text(candidate));
            if let Some(score) = match_score(written, &value, &chart.context) {
                candidates.push(Candidate {
                    file,
                    line: candidate,
                    score,
                });
            }
        }
    }
    let Some(best) = candidates.iter().map(|c| c.score).max() else {
        // Written out in `values.yaml` (a list of containers the template copies with
        // `toYaml`), or in values the chart was rendered with.
        return match values_literal(d, &key, &value, chart) {
            Ok(line) => {
                let index = chart_file(run, chart, ChartFile::Values);
                place_on(d, &run.files[index], line);
                d.file = index;
            }
            Err(why) => unmapped(d, &why),
        };
    };
    let tied: Vec<&Candidate> = candidates.iter().filter(|c| c.score == best).collect();
    let chosen = tied[ordinal.min(tied.len() - 1)];
    let source = &chart.files[chosen.file];
    let written = source.line_text(chosen.line).to_string();
    let at = format!("{}:{}", source.name, chosen.line + 1);
    // The value the user edits: the `values.yaml` line of the part the finding is about.
    if let Some((values_line, values_file)) = values_line(d, &key, &written, &value, chart) {
        let index = chart_file(run, chart, values_file);
        place_on(d, &run.files[index], values_line);
        d.file = index;
        d.message = format!("{} (the template line is {at})", d.message);
        return;
    }
    let index = chart_file(run, chart, ChartFile::Template(chosen.file));
    place_on(d, &run.files[index], chosen.line);
    d.file = index;
}

impl Chart {
    /// The template, then every helper it includes (and they include), as (file, first
    /// line, last line) ranges; computed once per template.
    fn sources_of(&mut self, template: usize) -> Vec<(usize, usize, usize)> {
        if let Some(known) = self.sources.get(&template) {
            return known.clone();
        }
        let file = &self.files[template];
        let mut ranges = vec![(template, 0, file.line_count().saturating_sub(1))];
        let mut names = template::included(&file.text);
        let mut seen = std::collections::HashSet::new();
        while let Some(name) = names.pop() {
            if !seen.insert(name.clone()) || seen.len() > 64 {
                continue;
            }
            if let Some(&(f, start, end)) = self.defines.get(&name) {
                ranges.push((f, start, end));
                let source = &self.files[f];
                let body: Vec<&str> = (start..=end).map(|l| source.line_text(l)).collect();
                names.extend(template::included(&body.join("\n")));
            }
        }
        self.sources.insert(template, ranges.clone());
        ranges
    }

    /// The lines of a range that hold a key, with the key and the line's place; computed
    /// once per range.
    fn keyed_lines(
        &mut self,
        file: usize,
        start: usize,
        end: usize,
    ) -> Vec<(usize, String, template::Place)> {
        if let Some(known) = self.keyed.get(&(file, start)) {
            return known.clone();
        }
        let source = &self.files[file];
        let last = end.min(source.line_count().saturating_sub(1));
        let lines: Vec<KeyedLine> = (start..=last)
            .filter_map(|l| {
                let key = line_key(source.line_text(l))?.to_string();
                Some((l, key, template::place(source, start, l)))
            })
            .collect();
        self.keyed.insert((file, start), lines.clone());
        lines
    }
}

enum ChartFile {
    /// A file under `templates/`, by its index in [`Chart`].
    Template(usize),
    Values,
}

/// The `values.yaml` line a finding is about, when the template line takes that part of the
/// value from `.Values` and `values.yaml` sets it to what was rendered.
fn values_line(
    d: &Diagnostic,
    key: &str,
    written: &str,
    rendered: &str,
    chart: &Chart,
) -> Option<(usize, ChartFile)> {
    let wanted: &[&str] = match (key, d.rule.name) {
        ("image", "latest-tag" | "missing-tag" | "digest-not-pinned") => &["tag"],
        (
            "image",
            "missing-pull-secret" | "disallowed-registry" | "pull-secret-registry-mismatch",
        ) => &["registry", "repository"],
        ("imagePullPolicy", _) => &["pullPolicy"],
        _ => return None,
    };
    for path in written.split(".Values.").skip(1) {
        let path: String = path
            .chars()
            .take_while(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
            .collect();
        let keys: Vec<&str> = path.split('.').filter(|k| !k.is_empty()).collect();
        if !keys.last().is_some_and(|last| wanted.contains(last)) {
            continue;
        }
        if let Some((value, line)) = chart.context.value(&keys)
            && !value.is_empty()
            && rendered.contains(value)
        {
            return Some((line, ChartFile::Values));
        }
    }
    None
}

/// The `values.yaml` line that writes the rendered `key: value` itself, in the item named
/// like the container; among several, the one under a key the object's name holds.
fn values_literal(d: &Diagnostic, key: &str, value: &str, chart: &Chart) -> Result<usize, String> {
    let not_found = || format!("no `{key}:` line of the template or of values.yaml renders it");
    let Some((file, _)) = &chart.context.values else {
        return Err(not_found());
    };
    let lines: Vec<&str> = (0..file.line_count()).map(|l| file.line_text(l)).collect();
    let found: Vec<usize> = (0..lines.len())
        .filter(|&l| line_key(lines[l]) == Some(key) && line_value(lines[l]) == value)
        .filter(
            |&l| match (&d.container, template::place(&lines[..], 0, l).name) {
                (Some(container), Some(name)) => *container == name,
                _ => true,
            },
        )
        .collect();
    match found.as_slice() {
        [] => Err(not_found()),
        [one] => Ok(*one),
        several => {
            let object = d
                .object
                .as_ref()
                .and_then(|o| o.name.as_deref())
                .unwrap_or("");
            // The longest key above each line that the object's name contains.
            let fit = |line: usize| {
                keys_above(&lines, line)
                    .into_iter()
                    .filter(|k| object.contains(k.as_str()))
                    .map(|k| k.len())
                    .max()
                    .unwrap_or(0)
            };
            let best = several.iter().map(|&l| fit(l)).max().unwrap_or(0);
            let fitting: Vec<usize> = several
                .iter()
                .copied()
                .filter(|&l| fit(l) == best)
                .collect();
            match fitting.as_slice() {
                [one] if best > 0 => Ok(*one),
                _ => Err(format!(
                    "values.yaml writes it at lines {}",
                    several
                        .iter()
                        .map(|l| (l + 1).to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            }
        }
    }
}

/// The keys of the mappings a line of a block-style YAML text is under.
fn keys_above(lines: &[&str], line: usize) -> Vec<String> {
    let mut depth = lines[line].len() - lines[line].trim_start().len();
    let mut keys = Vec::new();
    for text in lines[..line].iter().rev() {
        let indent = text.len() - text.trim_start().len();
        if text.trim().is_empty() || text.trim_start().starts_with('#') || indent >= depth {
            continue;
        }
        if let Some(key) = line_key(text) {
            keys.push(key.to_string());
        }
        depth = indent;
        if depth == 0 {
            break;
        }
    }
    keys
}

/// The run's index of a chart file, adding it to the run the first time (masked like any
/// input when it may hold a Secret).
fn chart_file(run: &mut Run, chart: &mut Chart, which: ChartFile) -> usize {
    let copy = |f: &SourceFile| SourceFile::new(f.name.clone(), f.path.clone(), f.text.clone());
    let (path, source): (PathBuf, Option<SourceFile>) = match which {
        ChartFile::Template(i) => {
            let source = &chart.files[i];
            (source.path.clone().unwrap_or_default(), Some(copy(source)))
        }
        ChartFile::Values => {
            let source = chart.context.values.as_ref().map(|(f, _)| copy(f));
            (chart.values_path.clone(), source)
        }
    };
    if let Some(&index) = chart.in_run.get(&path) {
        return index;
    }
    let mut source =
        source.unwrap_or_else(|| SourceFile::new(input::display_name(&path), None, String::new()));
    // A template cannot be parsed to find a Secret's values exactly: mask them as in a
    // rendered document that does not parse.
    if crate::k8s::may_hold_secret(&source.text) {
        let whole = Span::new(0, source.text.len());
        source.redact_values(whole);
    }
    run.files.push(source);
    chart.in_run.insert(path, run.files.len() - 1);
    run.files.len() - 1
}

/// Points a finding at the value of `line` in `file`.
fn place_on(d: &mut Diagnostic, file: &SourceFile, line: usize) {
    let text = file.line_text(line);
    let start = file.line_start(line) + value_start(text);
    d.span = Span::new(start, file.line_start(line) + text.len());
}
