//! Sharing work out on the thread pool the caller runs in, and gathering what the threads made:
//! a large text split in pieces (reading it, indexing its lines), items of uneven work a task
//! each, results joined without copies, and memory freed off the caller's path.

/// A text at least this large is read and line-indexed in pieces on every pool thread: the
/// kernel's cost of filling fresh memory (about 1.5 ms a megabyte on the benchmark machine) is
/// then shared too.
pub const SPLIT_TEXT_BYTES: usize = 8 << 20;

/// Whether the caller runs on a pool thread with other threads to share work with. A run on
/// one small file has no pool and stays on the main thread.
pub fn can_split() -> bool {
    rayon::current_thread_index().is_some() && rayon::current_num_threads() > 1
}

/// `f` over `items`, on every thread of the pool the caller runs in, in order; on the caller's
/// thread alone when it has no pool (rayon's global pool is never started).
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    use rayon::prelude::*;
    if can_split() {
        items.par_iter().map(f).collect()
    } else {
        items.iter().map(f).collect()
    }
}

/// Like [`map`], with each item a task of its own, for items of uneven and large work (files,
/// kustomize roots). rayon otherwise hands each thread runs of items to do in turn, which it
/// cannot split once started: the last run of a directory's files kept one thread busy 20 ms
/// after the other had finished (the corpus' `plain/` parsed 1.33x faster with two threads
/// than one, 1.6x with a task per file).
pub fn map_each<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    use rayon::prelude::*;
    if can_split() {
        items.par_iter().with_max_len(1).map(f).collect()
    } else {
        items.iter().map(f).collect()
    }
}

/// Drops `value` on a thread of the pool the caller runs in, while the caller goes on; here
/// when it has no pool. Freeing thousands of pod specs is work no one waits for.
pub fn drop_later<T: Send + 'static>(value: T) {
    if can_split() {
        rayon::spawn(move || drop(value));
    }
}

/// Appends `from` to `to`, taking `from`'s buffer when `to` is empty: a large stream's objects
/// (thousands of pod specs) are gathered from every thread's part, and then into the run's,
/// and each copy of them was a serial millisecond or more.
pub fn append<T>(to: &mut Vec<T>, mut from: Vec<T>) {
    if to.is_empty() && to.capacity() <= from.capacity() {
        *to = from;
    } else {
        to.append(&mut from);
    }
}

/// Makes room in `to` for vectors of the lengths `lens`.
pub fn reserve<T>(to: &mut Vec<T>, lens: impl Iterator<Item = usize>) {
    to.reserve_exact(lens.sum());
}
