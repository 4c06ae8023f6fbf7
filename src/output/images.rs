//! Output of `pullcheck images`: a table for people, JSON for tools, and plain references for
//! mirror and preload scripts.

use std::io::{self, Write};

use serde::Serialize;

use crate::k8s::ObjectRef;
use crate::plan::PlannedImage;
use crate::source::SourceFile;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ImagesFormat {
    /// An aligned table: image, registry class, pull policy, credentials, used by.
    Table,
    /// `{"version": 1, "images": [...]}`.
    Json,
    /// One normalised reference per line, for a mirror or preload script; with `--online`,
    /// `reference: digest` where the registry resolved one (a pins file for `fix --pins`).
    Plain,
}

/// `width`: the terminal's columns, when known; the table then fits them.
pub fn write(
    images: &[PlannedImage],
    files: &[SourceFile],
    format: ImagesFormat,
    width: Option<usize>,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        ImagesFormat::Plain => {
            for image in images {
                // With `--online`, the digest the registry resolved: a pins file for
                // `pullcheck fix --pins`.
                let digest = image
                    .online
                    .iter()
                    .find_map(|v| v.digest.as_deref().filter(|_| v.status.is_available()));
                match digest {
                    Some(digest) if !image.reference.contains('@') => {
                        writeln!(out, "{}: {digest}", image.reference)?
                    }
                    _ => writeln!(out, "{}", image.reference)?,
                }
            }
            Ok(())
        }
        ImagesFormat::Table => table(images, width, out),
        ImagesFormat::Json => json(images, files, out),
    }
}

fn table(images: &[PlannedImage], width: Option<usize>, out: &mut dyn Write) -> io::Result<()> {
    let online = images.iter().any(|i| !i.online.is_empty());
    let header = ["IMAGE", "CLASS", "PULL POLICY", "CREDENTIALS", "USED BY"];
    let rows: Vec<[String; 5]> = images
        .iter()
        .map(|image| {
            let policies: Vec<&str> = image.policies.iter().map(|p| p.as_str()).collect();
            let users: Vec<String> = image
                .used_by
                .iter()
                .map(|u| {
                    let mut who = object_name(&u.object);
                    match (&u.container, u.volume) {
                        (Some(volume), true) => who.push_str(&format!(" (image volume {volume})")),
                        (Some(container), false) => who.push_str(&format!(" ({container})")),
                        (None, _) => {}
                    }
                    who
                })
                .collect();
            [
                image.reference.clone(),
                image.class.to_string(),
                policies.join(", "),
                image.credentials.join("; "),
                users.join(", "),
            ]
            .map(|cell| super::escape::controls(&cell).into_owned())
        })
        .collect();
    let mut rows: Vec<Vec<String>> = rows.into_iter().map(Vec::from).collect();
    if !online {
        return super::table::write(&header, &rows, width, out);
    }
    // With `--online`, the registry's answer comes second: it is what a reader looks for.
    for (row, image) in rows.iter_mut().zip(images) {
        let statuses: Vec<&str> = image.online.iter().map(|v| v.status.as_str()).collect();
        row.insert(1, statuses.join(", "));
    }
    let header = [
        "IMAGE",
        "STATUS",
        "CLASS",
        "PULL POLICY",
        "CREDENTIALS",
        "USED BY",
    ];
    super::table::write(&header, &rows, width, out)
}

fn object_name(object: &ObjectRef) -> String {
    format!(
        "{} {}/{}",
        object.kind,
        object.namespace,
        object.name.as_deref().unwrap_or("?")
    )
}

#[derive(Serialize)]
struct JsonImages<'a> {
    version: u32,
    images: Vec<JsonImage<'a>>,
}

#[derive(Serialize)]
struct JsonImage<'a> {
    image: &'a str,
    registry: &'a str,
    class: &'a str,
    pull_policies: Vec<&'a str>,
    credentials: &'a [String],
    used_by: Vec<JsonUse<'a>>,
    /// With `--online`: what the registry answered, per distinct pull.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    online: &'a [crate::online::Verdict],
}

#[derive(Serialize)]
struct JsonUse<'a> {
    object: &'a ObjectRef,
    container: Option<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    image_volume: bool,
    file: &'a str,
    line: usize,
    column: usize,
}

fn json(images: &[PlannedImage], files: &[SourceFile], out: &mut dyn Write) -> io::Result<()> {
    let images = images
        .iter()
        .map(|image| JsonImage {
            image: &image.reference,
            registry: &image.registry,
            class: image.class.as_str(),
            pull_policies: image.policies.iter().map(|p| p.as_str()).collect(),
            credentials: &image.credentials,
            online: &image.online,
            used_by: image
                .used_by
                .iter()
                .map(|u| {
                    let file = &files[u.file];
                    let position = file.position(u.span.start);
                    JsonUse {
                        object: &u.object,
                        container: u.container.as_deref(),
                        image_volume: u.volume,
                        file: &file.name,
                        line: position.line,
                        column: position.column,
                    }
                })
                .collect(),
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &JsonImages { version: 1, images })?;
    writeln!(out)
}
