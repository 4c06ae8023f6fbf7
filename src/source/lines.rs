//! The line index of a file: where each line starts. Offsets are kept in 4 bytes when the text
//! is shorter than 4 GiB — every input but a contrived one — which halves the index: 40 MB
//! less for a 320 MB stream of short lines.

use rayon::prelude::*;

#[derive(Debug)]
pub enum LineStarts {
    Narrow(Vec<u32>),
    Wide(Vec<usize>),
}

impl LineStarts {
    pub fn of(bytes: &[u8]) -> LineStarts {
        if u32::try_from(bytes.len()).is_ok() {
            LineStarts::Narrow(line_starts(bytes))
        } else {
            LineStarts::Wide(line_starts(bytes))
        }
    }

    pub fn len(&self) -> usize {
        match self {
            LineStarts::Narrow(v) => v.len(),
            LineStarts::Wide(v) => v.len(),
        }
    }

    pub fn get(&self, line: usize) -> Option<usize> {
        match self {
            LineStarts::Narrow(v) => v.get(line).map(|&o| o as usize),
            LineStarts::Wide(v) => v.get(line).copied(),
        }
    }

    /// Where line `line` starts; panics past the last line, as indexing does.
    pub fn at(&self, line: usize) -> usize {
        match self {
            LineStarts::Narrow(v) => v[line] as usize,
            LineStarts::Wide(v) => v[line],
        }
    }

    /// The 0-based line holding `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        let after = match self {
            LineStarts::Narrow(v) => v.partition_point(|&s| s as usize <= offset),
            LineStarts::Wide(v) => v.partition_point(|&s| s <= offset),
        };
        after.saturating_sub(1)
    }
}

/// An offset as the index stores it.
pub trait Offset: Copy + Default + Send + Sync {
    fn from_offset(offset: usize) -> Self;
}

impl Offset for u32 {
    fn from_offset(offset: usize) -> Self {
        // `LineStarts::of` takes this width only for texts shorter than 4 GiB.
        offset as u32
    }
}

impl Offset for usize {
    fn from_offset(offset: usize) -> Self {
        offset
    }
}

pub const INDEX_PIECE: usize = 1 << 20;

/// The byte offset at which each line starts; for a large text, built on every thread of the
/// pool the caller runs in (see [`crate::parallel`]). Lines are counted first so that the index
/// is allocated once: growing it by doubling on a large stream costs more in copies and page
/// faults than the count.
pub fn line_starts<T: Offset>(bytes: &[u8]) -> Vec<T> {
    if !crate::parallel::can_split() || bytes.len() < crate::parallel::SPLIT_TEXT_BYTES {
        let lines = memchr_newlines(bytes).count();
        let mut starts = Vec::with_capacity(lines + 1);
        starts.push(T::default());
        starts.extend(memchr_newlines(bytes).map(|i| T::from_offset(i + 1)));
        return starts;
    }
    // Count per piece, then each piece fills its own part of the index.
    let counts: Vec<usize> = bytes
        .par_chunks(INDEX_PIECE)
        .map(|piece| memchr_newlines(piece).count())
        .collect();
    let mut starts = vec![T::default(); counts.iter().sum::<usize>() + 1];
    let mut parts = Vec::with_capacity(counts.len());
    let mut rest = &mut starts[1..];
    for &count in &counts {
        let (part, tail) = rest.split_at_mut(count);
        parts.push(part);
        rest = tail;
    }
    parts
        .into_par_iter()
        .zip(bytes.par_chunks(INDEX_PIECE))
        .enumerate()
        .for_each(|(i, (part, piece))| {
            let base = i * INDEX_PIECE + 1;
            for (slot, newline) in part.iter_mut().zip(memchr_newlines(piece)) {
                *slot = T::from_offset(base + newline);
            }
        });
    starts
}

fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'\n', bytes)
}
