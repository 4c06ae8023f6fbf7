//! The objects of resource files: read once by the parse stage or here, shared by the builds.

use super::*;

/// The objects of resource files (or why a file does not parse), by file.
pub type Resources = HashMap<usize, Result<Vec<BuiltObject>, BuildError>>;

/// The objects of the files the parse stage already read (or where one stopped, and why), for
/// [`Builder::with_read`]: the builds do not parse them again.
pub fn already_read(read: HashMap<usize, Result<Vec<BuiltObject>, (usize, String)>>) -> Resources {
    read.into_iter()
        .map(|(file, objects)| {
            let objects = objects.map_err(|(offset, message)| BuildError {
                at: Place {
                    file,
                    span: Span::new(offset, offset),
                },
                message: format!("a resource does not parse: {message}"),
            });
            (file, objects)
        })
        .collect()
}

/// The objects of a resource file. Kinds that hold no pod spec, ServiceAccount or Secret are
/// read for their identity only, as the parse stage reads them (a CRD's schema is not built
/// into a tree twice).
pub(super) fn read_resource(tree: &Tree<'_>, file: usize) -> Result<Vec<BuiltObject>, BuildError> {
    let source = &tree.files[file];
    let mut objects = Vec::new();
    let parsed = yaml::pieces(source).into_iter().flat_map(|(start, end)| {
        let partial = crate::k8s::kinds::partial(&source.text[start..end], true);
        yaml::parse_document(source, start, end, partial)
    });
    for parsed in parsed {
        if let Some(error) = parsed.error {
            return Err(BuildError {
                at: Place {
                    file,
                    span: Span::new(error.offset, error.offset),
                },
                message: format!("a resource does not parse: {}", error.message),
            });
        }
        let doc = &parsed.document;
        if let Some(root) = doc.root() {
            objects.extend(objects_of(doc, root, file));
        }
    }
    Ok(objects)
}
