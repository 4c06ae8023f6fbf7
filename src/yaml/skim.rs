//! A fast path for documents whose caller needs only part of them (in pullcheck, the schemas
//! of `k8s::kinds`): a recognizer for the plain block-style YAML that manifests are written in,
//! about 5x faster than a full parse on the documents it takes (`bench/skim_stats.rs`).
//!
//! It only says yes when it is sure. It accepts a strict subset of YAML — block mappings and
//! sequences indented with spaces, plain, quoted and block scalars, comments — and gives up
//! (returns `None`) on anything else or anything doubtful: flow collections, anchors, aliases,
//! tags, complex keys, tabs outside block scalar text, control characters, a quoted scalar
//! continued at its block's indentation, a leading blank line deeper than a block scalar's text.
//! The caller then parses the document with saphyr-parser, which finds the error if there is
//! one. A wrong "yes" would hide a `parse-error`, so every accepted case must be one saphyr
//! accepts and reads the same way: the tests compare both on handwritten cases, on every
//! document of the corpus, on mutated corpus documents and in a fuzz target.
//!
//! What it returns is the part of the tree the caller names in a [`Keep`]: for a ConfigMap its
//! kind, name and namespace; for a workload the pod spec's containers, pull secrets and
//! placement, and every key of the pod spec and of each container (to find keys written twice).
//! Kept scalars are decoded only when that is sure (one line, no escapes); anything else in a
//! kept place is left to the full parse. Spans are saphyr's, byte for byte: findings point at
//! the same place whichever way a document was read.

use memchr::memchr;

mod keep;

pub use keep::{Keep, Key, Unlisted};

use super::tree::{Document, NodeId, ScalarStyle};
use crate::source::Span;
use keep::Out;

/// Recognizes `piece` (a document of a file, starting at byte `base`), returning the `kept` top
/// of its tree, or `None` when the document is not in the subset this module is sure about.
pub fn skim(piece: &str, base: usize, kept: &'static Keep) -> Option<Document> {
    let bytes = piece.as_bytes();
    if !plain_characters(bytes) {
        return None;
    }
    let mut skimmer = Skimmer::new(bytes, base, kept);
    skimmer.run()?;
    skimmer.out.finish()
}

/// Where [`skim`] gave up on `piece`: the start of the line after the one it could not vouch
/// for (`Some(0)` for a character it does not take), or `None` if it accepts the piece. For
/// finding out what the fast path still leaves to the parser (`examples/skim_stats.rs`).
#[cfg(any(test, feature = "testing"))]
pub fn gave_up_at(piece: &str, kept: &'static Keep) -> Option<usize> {
    if !plain_characters(piece.as_bytes()) {
        return Some(0);
    }
    let mut skimmer = Skimmer::new(piece.as_bytes(), 0, kept);
    match skimmer.run() {
        Some(()) => None,
        None => Some(skimmer.pos),
    }
}

/// The characters the recognizer can be sure about: no control characters but tab and line
/// breaks, every `\r` part of a `\r\n`, and none of the non-ASCII characters YAML treats
/// specially (NEL and the other C1 controls, U+2028/2029, a byte order mark, U+FFFE/FFFF).
fn plain_characters(bytes: &[u8]) -> bool {
    // 64 bytes at a time while they are printable ASCII or line feeds (most of a manifest):
    // the test has no early exit, so the compiler vectorizes it. A chunk holding a tab, a
    // carriage return or anything else is looked at byte by byte.
    const CHUNK: usize = 64;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + CHUNK) {
            let plain = chunk.iter().fold(true, |all, &b| {
                all & (((0x20..0x7f).contains(&b)) | (b == b'\n'))
            });
            if plain {
                i += CHUNK;
                continue;
            }
        }
        let end = (i + CHUNK).min(bytes.len());
        while i < end {
            if !plain_character_at(bytes, i) {
                return false;
            }
            i += 1;
        }
    }
    true
}

fn plain_character_at(bytes: &[u8], i: usize) -> bool {
    let b = bytes[i];
    if (0x20..0x7f).contains(&b) || b == b'\n' || b == b'\t' {
        return true;
    }
    let next = bytes.get(i + 1).copied();
    let after = bytes.get(i + 2).copied();
    let suspicious = match b {
        b'\r' => next != Some(b'\n'),
        0xc2 => matches!(next, Some(0x80..=0x9f)),
        0xe2 => next == Some(0x80) && matches!(after, Some(0xa8 | 0xa9)),
        0xef => {
            (next == Some(0xbb) && after == Some(0xbf))
                || (next == Some(0xbf) && matches!(after, Some(0xbe | 0xbf)))
        }
        0x80.. => false,
        _ => true,
    };
    !suspicious
}

/// An open block collection.
#[derive(Debug, Clone, Copy)]
struct Block {
    indent: usize,
    kind: BlockKind,
    /// What is kept of its entries (`None`: nothing), and its node when something is.
    keep: Option<&'static Keep>,
    node: NodeId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BlockKind {
    Mapping,
    Sequence,
    /// A sequence written at its parent mapping's indentation (`key:\n- a`).
    IndentlessSequence,
}

/// Where the value of the entry being read goes.
#[derive(Debug, Clone, Copy)]
enum Slot {
    /// Nowhere: it is read only to be sure it is valid.
    Ignored,
    /// Into the collection `parent` (after `key`, in a mapping), kept as `keep` says.
    Kept {
        parent: NodeId,
        key: Option<NodeId>,
        keep: &'static Keep,
    },
}

impl Slot {
    /// Whether the value's text must be decoded: it is kept as more than a null.
    fn exact(self) -> bool {
        matches!(self, Slot::Kept { keep, .. } if *keep != Keep::Presence)
    }
}

/// What the next line may hold.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// The document's root (a block mapping).
    Root,
    /// The value of an entry whose line ended after `key:` or `-`: a node indented more than
    /// `parent`, or (for a mapping entry) a sequence at `parent`'s own indentation; else null.
    Value {
        parent: usize,
        indentless: bool,
        slot: Slot,
        at: usize,
    },
    /// A line of the current collection.
    Entry,
}

/// One line: its indentation in spaces and the bytes after it, without the line break.
#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    indent: usize,
    end: usize,
}

struct Skimmer<'a> {
    text: &'a [u8],
    base: usize,
    /// The start of the next line to read.
    pos: usize,
    /// The end (before any `\r\n`) of the line being read: every node the skimmer looks at
    /// starts on it.
    line_end: usize,
    blocks: Vec<Block>,
    expect: Expect,
    seen_content: bool,
    keep: &'static Keep,
    out: Out,
}

/// The value a slot receives.
enum Value<'a> {
    Scalar(&'a str, ScalarStyle, Span),
    /// A block collection whose first entry starts at the offset.
    Mapping(usize),
    Sequence(usize),
    /// `{}` or `[]`, written where the span is.
    EmptyFlow {
        mapping: bool,
        span: Span,
    },
    /// A value starting at the offset whose text was checked but not decoded.
    Unread(usize),
}

impl<'a> Skimmer<'a> {
    fn new(text: &'a [u8], base: usize, keep: &'static Keep) -> Self {
        Skimmer {
            text,
            base,
            pos: 0,
            line_end: 0,
            blocks: Vec::new(),
            expect: Expect::Root,
            seen_content: false,
            keep,
            out: Out::default(),
        }
    }

    fn run(&mut self) -> Option<()> {
        while let Some(line) = self.next_line() {
            let rest = self.rest(line);
            match rest.first() {
                None => continue,
                Some(b'#') => continue,
                Some(b'\t') => return None,
                Some(_) => {}
            }
            if memchr(b'\t', rest).is_some() {
                return None;
            }
            if line.indent == 0 {
                if rest.starts_with(b"---") {
                    // Only the document's own start marker, alone on its line.
                    if self.seen_content
                        || line.start > 0
                        || !blank_at(rest, 3)
                        || !blank_or_comment(&rest[3..], false)
                    {
                        return None;
                    }
                    continue;
                }
                if rest.starts_with(b"...") || rest[0] == b'%' {
                    return None;
                }
            }
            self.seen_content = true;
            self.line_end = line.end;
            self.structure(line)?;
        }
        if let Expect::Root = self.expect {
            return None;
        }
        if let Expect::Value { slot, at, .. } = self.expect {
            self.record(
                slot,
                Value::Scalar("", ScalarStyle::Plain, self.span(at, at)),
            )?;
        }
        Some(())
    }

    /// Reads the line at `pos` and moves past it.
    fn next_line(&mut self) -> Option<Line> {
        let line = self.peek_line(self.pos)?;
        self.pos = self.after(line);
        Some(line)
    }

    fn peek_line(&self, start: usize) -> Option<Line> {
        if start >= self.text.len() {
            return None;
        }
        let mut end = memchr(b'\n', &self.text[start..]).map_or(self.text.len(), |i| start + i);
        if end > start && self.text[end - 1] == b'\r' {
            end -= 1;
        }
        let indent = self.text[start..end]
            .iter()
            .take_while(|&&b| b == b' ')
            .count();
        Some(Line { start, indent, end })
    }

    /// The start of the line after `line`.
    fn after(&self, line: Line) -> usize {
        memchr(b'\n', &self.text[line.end..]).map_or(self.text.len(), |i| line.end + i + 1)
    }

    fn rest(&self, line: Line) -> &'a [u8] {
        &self.text[line.start + line.indent..line.end]
    }

    fn str(&self, start: usize, end: usize) -> &'a str {
        // Every cut is next to an ASCII byte, so it falls on a character boundary.
        std::str::from_utf8(&self.text[start..end]).unwrap_or("")
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.base + start, self.base + end)
    }

    /// A line with content, in the block structure.
    fn structure(&mut self, line: Line) -> Option<()> {
        let col = line.indent;
        let at = line.start + col;
        match std::mem::replace(&mut self.expect, Expect::Entry) {
            Expect::Root => {
                if is_entry(self.rest(line)) {
                    return None;
                }
                let root = self.out.collection(true, self.span(at, at + 1));
                self.out.root = Some(root);
                self.blocks.push(Block {
                    indent: col,
                    kind: BlockKind::Mapping,
                    keep: Some(self.keep),
                    node: root,
                });
                return self.mapping_entry(at, col);
            }
            Expect::Value {
                parent,
                indentless,
                slot,
                at: value_at,
            } => {
                if col > parent {
                    return self.node(at, col, parent, slot);
                }
                if col == parent && indentless && is_entry(self.rest(line)) {
                    return self.new_block(at, col, BlockKind::IndentlessSequence, slot);
                }
                self.record(
                    slot,
                    Value::Scalar("", ScalarStyle::Plain, self.span(value_at, value_at)),
                )?;
            }
            Expect::Entry => {}
        }
        while self.blocks.last()?.indent > col {
            self.blocks.pop();
        }
        let top = *self.blocks.last()?;
        if top.indent != col {
            return None;
        }
        let entry = is_entry(&self.text[at..line.end]);
        match top.kind {
            BlockKind::Sequence | BlockKind::IndentlessSequence if entry => {
                self.sequence_entry(at, col)
            }
            BlockKind::IndentlessSequence => {
                self.blocks.pop();
                let parent = *self.blocks.last()?;
                if parent.indent != col || parent.kind != BlockKind::Mapping {
                    return None;
                }
                self.mapping_entry(at, col)
            }
            BlockKind::Sequence => None,
            BlockKind::Mapping if entry => None,
            BlockKind::Mapping => self.mapping_entry(at, col),
        }
    }

    /// A node that starts at byte `at` (column `col`), deeper than `parent`.
    fn node(&mut self, at: usize, col: usize, parent: usize, slot: Slot) -> Option<()> {
        let line_end = self.line_end;
        if is_entry(&self.text[at..line_end]) {
            return self.new_block(at, col, BlockKind::Sequence, slot);
        }
        if self.is_key(at, line_end)? {
            return self.new_block(at, col, BlockKind::Mapping, slot);
        }
        self.scalar(at, parent, slot)
    }

    /// A block collection whose first entry is at `at` (column `col`).
    fn new_block(&mut self, at: usize, col: usize, kind: BlockKind, slot: Slot) -> Option<()> {
        let mapping = kind == BlockKind::Mapping;
        let value = match kind {
            BlockKind::Mapping => Value::Mapping(at),
            BlockKind::Sequence => Value::Sequence(at),
            BlockKind::IndentlessSequence => {
                // saphyr starts a sequence at its key's indentation at its first item.
                let item = skip_spaces(self.text, at + 1, self.line_end);
                if slot.exact() && blank_or_comment(&self.text[item..self.line_end], true) {
                    return None;
                }
                Value::Sequence(item)
            }
        };
        let kept = self.record(slot, value)?;
        self.blocks.push(Block {
            indent: col,
            kind,
            keep: kept.map(|(_, keep)| keep),
            node: kept.map_or(0, |(node, _)| node),
        });
        if mapping {
            self.mapping_entry(at, col)
        } else {
            self.sequence_entry(at, col)
        }
    }

    /// `- ` at `at`, in a sequence indented `col`.
    fn sequence_entry(&mut self, at: usize, col: usize) -> Option<()> {
        let top = *self.blocks.last()?;
        let slot = match top.keep {
            Some(keep) => Slot::Kept {
                parent: top.node,
                key: None,
                keep: keep.item(),
            },
            None => Slot::Ignored,
        };
        let line_end = self.line_end;
        let value = skip_spaces(self.text, at + 1, line_end);
        if blank_or_comment(&self.text[value..line_end], value > at + 1) {
            // saphyr puts an empty item where the next token starts, which may be lines
            // away: a kept one is left to it.
            if slot.exact() {
                return None;
            }
            self.expect = Expect::Value {
                parent: col,
                indentless: false,
                slot,
                at: value,
            };
            return Some(());
        }
        self.node(value, col + (value - at), col, slot)
    }

    /// Whether the line from `at` is a mapping entry (`key: ...`); `None` when unsure.
    fn is_key(&self, at: usize, line_end: usize) -> Option<bool> {
        let rest = &self.text[at..line_end];
        match rest[0] {
            b'"' | b'\'' => {
                let Some(close) = quoted_on_line(rest) else {
                    // Multi-line: a value, unless it turns out to be a key, which YAML forbids.
                    return Some(false);
                };
                let after = skip_spaces(rest, close, rest.len());
                Some(rest.get(after) == Some(&b':') && blank_at(rest, after + 1))
            }
            b'[' | b'{' => {
                // A flow collection as a key is left to the full parse.
                let end = flow_on_line(rest)?;
                let after = skip_spaces(rest, end, rest.len());
                Some(rest.get(after) == Some(&b':'))
            }
            _ => Some(plain_key_colon(rest).is_some()),
        }
    }

    /// `key: value` at `at`, in a mapping indented `col`.
    fn mapping_entry(&mut self, at: usize, col: usize) -> Option<()> {
        let line_end = self.line_end;
        let rest = &self.text[at..line_end];
        let (key, style, key_end, colon) = match rest[0] {
            quote @ (b'"' | b'\'') => {
                let close = quoted_on_line(rest)?;
                let after = skip_spaces(rest, close, rest.len());
                if rest.get(after) != Some(&b':') || !blank_at(rest, after + 1) {
                    return None;
                }
                let inner = &rest[1..close - 1];
                // Escapes and doubled quotes are decoded by the full parse only.
                if memchr(quote, inner).is_some() || memchr(b'\\', inner).is_some() {
                    return None;
                }
                let style = if quote == b'"' {
                    ScalarStyle::DoubleQuoted
                } else {
                    ScalarStyle::SingleQuoted
                };
                // saphyr ends a quoted key after the spaces before its colon.
                (
                    &self.text[at + 1..at + close - 1],
                    style,
                    at + after,
                    at + after,
                )
            }
            first => {
                if first == b':' || !plain_start(first, rest.get(1).copied()) {
                    return None;
                }
                let colon = plain_key_colon(rest)?;
                let key_len = trim_end_len(&rest[..colon]);
                (
                    &self.text[at..at + key_len],
                    ScalarStyle::Plain,
                    at + key_len,
                    at + colon,
                )
            }
        };
        // YAML limits an implicit key to 1024 characters.
        if key_end - at > 1024 {
            return None;
        }
        // Keys are compared as bytes: most belong to no kept mapping and are never decoded.
        let top = *self.blocks.last()?;
        let slot = match top.keep.map(|keep| (keep, keep.entry(key))) {
            // A merge key can bring in any key (`<<: {kind: Role}`).
            Some(_) if key == b"<<" => return None,
            Some((_, Some(keep))) => {
                let text = std::str::from_utf8(key).unwrap_or_default();
                let key = self.out.scalar(text, style, self.span(at, key_end));
                Slot::Kept {
                    parent: top.node,
                    key: Some(key),
                    keep,
                }
            }
            Some((_, None)) | None => Slot::Ignored,
        };
        let value = skip_spaces(self.text, colon + 1, line_end);
        if blank_or_comment(&self.text[value..line_end], value > colon + 1) {
            // saphyr puts an empty value at its key's colon.
            self.expect = Expect::Value {
                parent: col,
                indentless: true,
                slot,
                at: colon,
            };
            return Some(());
        }
        // A block collection cannot start on its key's line.
        if is_entry(&self.text[value..line_end]) {
            return None;
        }
        self.scalar(value, col, slot)
    }

    /// A scalar that starts at `at`, in a block indented `parent`.
    fn scalar(&mut self, at: usize, parent: usize, slot: Slot) -> Option<()> {
        let line_end = self.line_end;
        let rest = &self.text[at..line_end];
        match rest[0] {
            b'"' | b'\'' => self.quoted(at, parent, slot),
            b'|' | b'>' if !slot.exact() => {
                self.block_scalar(at, parent)?;
                self.record(slot, Value::Unread(at)).map(drop)
            }
            open @ (b'[' | b'{') => {
                let end = flow_on_line(rest)?;
                let after = skip_spaces(rest, end, rest.len());
                if !blank_or_comment(&rest[after..], after > end) {
                    return None;
                }
                let value = if !slot.exact() {
                    Value::Unread(at)
                } else if end == 2 {
                    // Only an empty one is read here; what a kept flow collection holds is
                    // left to the full parse.
                    Value::EmptyFlow {
                        mapping: open == b'{',
                        span: self.span(at, self.token_end(at + end)),
                    }
                } else {
                    return None;
                };
                self.record(slot, value).map(drop)
            }
            first if plain_start(first, rest.get(1).copied()) => self.plain(at, parent, slot),
            _ => None,
        }
    }

    /// Where saphyr ends a quoted scalar or flow collection whose last character is before
    /// `end`: after the spaces that follow it, and after a comment that follows them.
    fn token_end(&self, end: usize) -> usize {
        let after = skip_spaces(self.text, end, self.line_end);
        if self.text.get(after) == Some(&b'#') {
            self.line_end
        } else {
            after
        }
    }

    fn plain(&mut self, at: usize, parent: usize, slot: Slot) -> Option<()> {
        let line_end = self.line_end;
        let len = plain_line(&self.text[at..line_end])?;
        let value = self.str(at, at + len);
        // `.inf` and `.nan` are floats JSON cannot hold: go-yaml's path refuses them (see
        // `goyaml::check_scalar`), so the parser decides.
        if value.starts_with(['.', '+', '-'])
            && super::goyaml::check_scalar(value, true, None).is_err()
        {
            return None;
        }
        // A comment ends a plain scalar; text that could continue it must not follow.
        let commented = has_comment(&self.text[at..line_end]);
        // Continuation lines: deeper than the parent block, up to a comment or a shallower line.
        let mut next = self.pos;
        let mut continued = false;
        while let Some(line) = self.peek_line(next) {
            let rest = self.rest(line);
            if rest.is_empty() {
                next = self.after(line);
                continue;
            }
            if line.indent <= parent || rest[0] == b'#' {
                break;
            }
            // Any character may start a continuation line but a comment's `#` (and `: `, which
            // would make the line a key).
            if commented
                || memchr(b'\t', rest).is_some()
                || (rest[0] == b':' && blank_at(rest, 1))
                || plain_line(rest)? != trim_end_len(rest)
            {
                return None;
            }
            continued = true;
            next = self.after(line);
            self.pos = next;
        }
        let value = match continued {
            // Folding continuation lines is left to the full parse.
            true if slot.exact() => return None,
            true => Value::Unread(at),
            false => Value::Scalar(value, ScalarStyle::Plain, self.span(at, at + len)),
        };
        self.record(slot, value).map(drop)
    }

    fn quoted(&mut self, at: usize, parent: usize, slot: Slot) -> Option<()> {
        let quote = self.text[at];
        let mut i = at + 1;
        let mut line_end = self.line_end;
        let mut multi_line = false;
        let close = loop {
            if i >= line_end {
                multi_line = true;
                // The scalar goes on: the next line must be indented deeper than its block.
                let line = self.peek_line(self.pos)?;
                let rest = self.rest(line);
                if !rest.is_empty() && line.indent <= parent {
                    return None;
                }
                if memchr(b'\t', &self.text[line.start..line.end]).is_some() {
                    return None;
                }
                self.pos = self.after(line);
                i = line.start + line.indent;
                line_end = line.end;
                continue;
            }
            let b = self.text[i];
            if b == quote {
                if quote == b'\'' && self.text.get(i + 1) == Some(&b'\'') {
                    i += 2;
                    continue;
                }
                break i + 1;
            }
            if b == b'\\' && quote == b'"' {
                i = escape_end(self.text, i, line_end)?;
                continue;
            }
            i += 1;
        };
        let after = skip_spaces(self.text, close, line_end);
        if !blank_or_comment(&self.text[after..line_end], after > close) {
            return None;
        }
        if !slot.exact() {
            return self.record(slot, Value::Unread(at)).map(drop);
        }
        let inner = &self.text[at + 1..close - 1];
        if multi_line || memchr(quote, inner).is_some() || memchr(b'\\', inner).is_some() {
            return None;
        }
        let style = if quote == b'"' {
            ScalarStyle::DoubleQuoted
        } else {
            ScalarStyle::SingleQuoted
        };
        let value = self.str(at + 1, close - 1);
        let span = self.span(at, self.token_end(close));
        self.record(slot, Value::Scalar(value, style, span))
            .map(drop)
    }

    /// `|` or `>` at `at` and the lines of text that follow it.
    fn block_scalar(&mut self, at: usize, parent: usize) -> Option<()> {
        let line_end = self.line_end;
        let mut i = at + 1;
        if matches!(self.text.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        // An indentation indicator: left to the full parse.
        let after = skip_spaces(self.text, i, line_end);
        if !blank_or_comment(&self.text[after..line_end], after > i) {
            return None;
        }
        // Leading blank lines, then the first line of text sets the indentation.
        let mut deepest_blank = 0;
        let mut indent = None;
        let mut next = self.pos;
        while let Some(line) = self.peek_line(next) {
            let rest = self.rest(line);
            if rest.is_empty() {
                deepest_blank = deepest_blank.max(line.indent);
                next = self.after(line);
                continue;
            }
            if rest[0] == b'\t' {
                return None;
            }
            if line.indent > parent {
                indent = Some(line.indent);
            }
            break;
        }
        let Some(indent) = indent else {
            // No text: the scalar is empty and the next line belongs to the structure.
            return (deepest_blank <= parent).then_some(());
        };
        if deepest_blank > indent {
            return None;
        }
        while let Some(line) = self.peek_line(next) {
            if line.indent < indent {
                let rest = self.rest(line);
                if !rest.is_empty() {
                    if rest[0] == b'\t' {
                        return None;
                    }
                    break;
                }
            }
            next = self.after(line);
        }
        self.pos = next;
        Some(())
    }

    /// Gives `slot` its value; for a kept block collection, its node and what to keep of its
    /// entries. `None` when the value is not of a shape the caller expects there (a sequence
    /// where a mapping belongs): left to the full parse.
    fn record(&mut self, slot: Slot, value: Value<'_>) -> Option<Option<(NodeId, &'static Keep)>> {
        let Slot::Kept { parent, key, keep } = slot else {
            return Some(None);
        };
        let (node, entries) = match value {
            _ if *keep == Keep::Presence => {
                let at = match value {
                    Value::Scalar(_, _, span) | Value::EmptyFlow { span, .. } => span.start,
                    Value::Mapping(at) | Value::Sequence(at) | Value::Unread(at) => self.base + at,
                };
                let null = Span::new(at, at);
                (self.out.scalar("", ScalarStyle::Plain, null), None)
            }
            Value::Scalar(text, style, span) => (self.out.scalar(text, style, span), None),
            // Collections are read only for their first character (where findings about them
            // as a whole point): their spans end there.
            Value::Mapping(at) if keep.takes_mapping() => {
                let node = self.out.collection(true, self.span(at, at + 1));
                (node, Some((node, keep)))
            }
            // A sequence as an item of a sequence: where it ends is read (a pull secret entry
            // that is not an object is reported whole), and saphyr's end is not this module's.
            Value::Sequence(_) if key.is_none() => return None,
            Value::Sequence(at) if keep.takes_sequence() => {
                let node = self.out.collection(false, self.span(at, at + 1));
                (node, Some((node, keep)))
            }
            Value::EmptyFlow { mapping, span }
                if (mapping && keep.takes_mapping()) || (!mapping && keep.takes_sequence()) =>
            {
                (self.out.collection(mapping, span), None)
            }
            _ => return None,
        };
        self.out.attach(parent, key, node);
        Some(entries)
    }
}

/// `- ` or a lone `-`: a block sequence entry.
fn is_entry(rest: &[u8]) -> bool {
    rest.first() == Some(&b'-') && blank_at(rest, 1)
}

/// Whether `bytes[i]` is a space or the end of the line.
fn blank_at(bytes: &[u8], i: usize) -> bool {
    matches!(bytes.get(i), None | Some(b' '))
}

/// Empty, or a comment (which needs white space before it unless it starts the line).
fn blank_or_comment(rest: &[u8], after_space: bool) -> bool {
    let start = rest.iter().take_while(|&&b| b == b' ').count();
    match rest.get(start) {
        None => true,
        Some(b'#') => after_space || start > 0,
        Some(_) => false,
    }
}

fn skip_spaces(bytes: &[u8], mut i: usize, end: usize) -> usize {
    while i < end && bytes[i] == b' ' {
        i += 1;
    }
    i
}

fn trim_end_len(bytes: &[u8]) -> usize {
    bytes.len() - bytes.iter().rev().take_while(|&&b| b == b' ').count()
}

/// Whether a plain scalar may start with `first` (followed by `next`) in block context.
fn plain_start(first: u8, next: Option<u8>) -> bool {
    match first {
        b'-' | b':' => !matches!(next, None | Some(b' ')),
        // Allowed before a non-space by YAML 1.2, but rare enough to leave to the full parse.
        b'?' => false,
        b'[' | b']' | b'{' | b'}' | b',' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
        | b'"' | b'%' | b'@' | b'`' => false,
        _ => true,
    }
}

/// The offset of the `:` ending a plain key on this line, if the line is `key: ...`; a `: `
/// inside a comment does not count.
fn plain_key_colon(rest: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = memchr(b':', &rest[from..]).map(|i| from + i) {
        if blank_at(rest, i + 1) {
            return (!has_comment(&rest[..i])).then_some(i);
        }
        from = i + 1;
    }
    None
}

/// Whether ` #` (a comment) occurs in `bytes`.
fn has_comment(bytes: &[u8]) -> bool {
    comment_at(bytes).is_some()
}

/// Where the first ` #` in `bytes` starts. `#` is rare: looking for it alone is faster than a
/// two-byte search, whose searcher is built anew on each call (for every plain scalar).
fn comment_at(bytes: &[u8]) -> Option<usize> {
    memchr::memchr_iter(b'#', bytes)
        .find(|&i| i > 0 && bytes[i - 1] == b' ')
        .map(|i| i - 1)
}

/// The length of a plain scalar's text on one line (up to a comment, trailing spaces dropped),
/// or `None` if the line is not only that (`: ` inside makes it a key, which is not allowed
/// here).
fn plain_line(rest: &[u8]) -> Option<usize> {
    let text = match comment_at(rest) {
        Some(i) => &rest[..i],
        None => rest,
    };
    let len = trim_end_len(text);
    let text = &text[..len];
    let key = memchr::memchr_iter(b':', text).any(|i| text.get(i + 1) == Some(&b' '));
    if key || text.last() == Some(&b':') {
        return None;
    }
    Some(len)
}

/// The offset just past a flow collection (`[a, b]`, `{k: v}`, nested) that starts and ends
/// on this line (`rest` starts at its bracket), or `None` when it does not or holds anything
/// but scalars and collections: no comments, no `k: v` pairs in sequences, no empty values.
fn flow_on_line(rest: &[u8]) -> Option<usize> {
    let mut flow = Flow {
        text: rest,
        at: 0,
        depth: 0,
    };
    flow.collection()?;
    Some(flow.at)
}

struct Flow<'a> {
    text: &'a [u8],
    at: usize,
    depth: usize,
}

/// How deep flow collections may nest before the fast path gives up.
const MAX_FLOW_DEPTH: usize = 32;

impl Flow<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn spaces(&mut self) {
        self.at = skip_spaces(self.text, self.at, self.text.len());
    }

    fn collection(&mut self) -> Option<()> {
        self.depth += 1;
        if self.depth > MAX_FLOW_DEPTH {
            return None;
        }
        let open = self.peek()?;
        let close = if open == b'[' { b']' } else { b'}' };
        self.at += 1;
        self.spaces();
        if self.peek() == Some(close) {
            self.at += 1;
            self.depth -= 1;
            return Some(());
        }
        loop {
            self.node(open == b'{')?;
            if open == b'{' {
                self.spaces();
                if self.peek() != Some(b':') || self.text.get(self.at + 1) != Some(&b' ') {
                    return None;
                }
                self.at += 1;
                self.spaces();
                self.node(false)?;
            }
            self.spaces();
            match self.peek()? {
                b',' => {
                    self.at += 1;
                    self.spaces();
                    if self.peek() == Some(close) {
                        self.at += 1;
                        break;
                    }
                }
                c if c == close => {
                    self.at += 1;
                    break;
                }
                _ => return None,
            }
        }
        self.depth -= 1;
        Some(())
    }

    fn node(&mut self, key: bool) -> Option<()> {
        let first = self.peek()?;
        let next = self.text.get(self.at + 1).copied();
        match first {
            b'[' | b'{' if !key => self.collection(),
            b'"' | b'\'' => {
                self.at += quoted_on_line(&self.text[self.at..])?;
                Some(())
            }
            b':' => None,
            b'-' if matches!(next, Some(b',' | b'[' | b']' | b'{' | b'}')) => None,
            _ if plain_start(first, next) => {
                while let Some(b) = self.peek() {
                    match b {
                        b',' | b'[' | b']' | b'{' | b'}' => break,
                        b':' if matches!(
                            self.text.get(self.at + 1),
                            None | Some(b' ' | b',' | b'[' | b']' | b'{' | b'}')
                        ) =>
                        {
                            break;
                        }
                        // After white space inside a flow scalar, saphyr refuses some
                        // indicators (`[a -]`): any of them is left to it.
                        b'-' | b'?' | b':' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
                        | b'"' | b'%' | b'@' | b'`'
                            if self.text[self.at - 1] == b' ' =>
                        {
                            return None;
                        }
                        _ => self.at += 1,
                    }
                }
                // `[k: v]` is a mapping inside the sequence: left to the full parse.
                if !key && self.peek() == Some(b':') {
                    return None;
                }
                Some(())
            }
            _ => None,
        }
    }
}

/// The offset just past the closing quote of a quoted scalar that starts and ends on this
/// line (`rest` starts at the opening quote), or `None` if it goes on (or has an escape this
/// module does not check).
fn quoted_on_line(rest: &[u8]) -> Option<usize> {
    let quote = rest[0];
    let mut i = 1;
    while i < rest.len() {
        let b = rest[i];
        if b == quote {
            if quote == b'\'' && rest.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return Some(i + 1);
        }
        if b == b'\\' && quote == b'"' {
            i = escape_end(rest, i, rest.len())?;
            if i > rest.len() {
                return None;
            }
            continue;
        }
        i += 1;
    }
    None
}

/// Past a valid escape sequence at `i` (a backslash) in a double-quoted scalar; an escaped line
/// break ends at `line_end`. `None` for an escape YAML does not define.
fn escape_end(bytes: &[u8], i: usize, line_end: usize) -> Option<usize> {
    let Some(&c) = bytes.get(i + 1).filter(|_| i + 1 < line_end) else {
        return Some(line_end);
    };
    let digits = match c {
        b'0' | b'a' | b'b' | b't' | b'n' | b'v' | b'f' | b'r' | b'e' | b' ' | b'"' | b'/'
        | b'\\' | b'N' | b'_' | b'L' | b'P' => return Some(i + 2),
        b'x' => 2,
        b'u' => 4,
        b'U' => 8,
        _ => return None,
    };
    let hex = bytes.get(i + 2..i + 2 + digits)?;
    if i + 2 + digits > line_end {
        return None;
    }
    let mut code = 0u32;
    for &h in hex {
        code = code * 16 + char::from(h).to_digit(16)?;
    }
    char::from_u32(code)?;
    Some(i + 2 + digits)
}

#[cfg(test)]
mod tests;

#[cfg(any(test, feature = "testing"))]
mod compare;

#[cfg(any(test, feature = "testing"))]
pub use compare::compare_with_parser;
