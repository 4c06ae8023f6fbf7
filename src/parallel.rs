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

/// `f` over `items`, the items of most `weight` first, each thread of the pool the caller runs
/// in taking the next one when it is done (rayon would split the items in halves, and start
/// the second half with a middling one): a large item is not left to run alone at the end.
/// The results in the items' order.
pub fn map_each_largest_first<T: Sync, R: Send>(
    items: &[T],
    weight: impl Fn(&T) -> usize,
    f: impl Fn(&T) -> R + Sync + Send,
) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(weight(&items[i])));
    let next = AtomicUsize::new(0);
    let take_in_turn = || {
        let mut done = Vec::new();
        while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
            done.push((i, f(&items[i])));
        }
        done
    };
    let done = if can_split() {
        rayon::broadcast(|_| take_in_turn())
    } else {
        vec![take_in_turn()]
    };
    let mut results: Vec<Option<R>> = (0..items.len()).map(|_| None).collect();
    for (i, result) in done.into_iter().flatten() {
        results[i] = Some(result);
    }
    results.into_iter().flatten().collect()
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

/// The `field` vectors of `parts` taken out and joined in order, each element moved once, into
/// a vector of the exact size; the moving shared out on the pool the caller runs in when there
/// is much of it. Joining the corpus' 3,800 files' objects was 1.8 ms on one thread, much of
/// it the kernel filling fresh memory: the parts are not gathered into a vector first. The
/// only part with elements (a large stream's) is taken whole, not moved.
pub fn concat_field<P: Send, T: Send>(
    parts: &mut [P],
    field: impl Fn(&mut P) -> &mut Vec<T> + Sync,
) -> Vec<T> {
    use rayon::prelude::*;
    let lengths: Vec<usize> = parts.iter_mut().map(|p| field(p).len()).collect();
    let total: usize = lengths.iter().sum();
    if let Some(only) = lengths.iter().position(|&n| n == total)
        && total > 0
    {
        return std::mem::take(field(&mut parts[only]));
    }
    if !can_split() || total < CONCAT_SPLIT_ITEMS {
        let mut all = Vec::new();
        all.reserve_exact(total);
        for part in parts {
            append(&mut all, std::mem::take(field(part)));
        }
        return all;
    }
    let mut all: Vec<T> = Vec::with_capacity(total);
    let mut spare = &mut all.spare_capacity_mut()[..total];
    let mut slots = Vec::with_capacity(parts.len());
    for part in parts.iter_mut() {
        let (slot, rest) = std::mem::take(&mut spare).split_at_mut(field(part).len());
        slots.push(slot);
        spare = rest;
    }
    parts.par_iter_mut().zip(slots).for_each(|(part, slot)| {
        let part = std::mem::take(field(part));
        if part.len() >= CONCAT_SPLIT_ITEMS {
            // One large part (the objects a kustomize stage keeps) is moved in pieces too.
            (part.into_par_iter().zip(slot))
                .with_min_len(CONCAT_SPLIT_ITEMS / 4)
                .for_each(|(value, slot)| {
                    slot.write(value);
                });
        } else {
            for (value, slot) in part.into_iter().zip(slot) {
                slot.write(value);
            }
        }
    });
    // SAFETY: the first `total` slots were each written once above: the slots are disjoint,
    // cover `0..total`, and each is as long as the part moved into it.
    unsafe { all.set_len(total) };
    all
}

/// Fewer items than this are joined on the caller's thread.
const CONCAT_SPLIT_ITEMS: usize = 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_largest_first_gives_the_results_in_the_items_order() {
        let items: Vec<usize> = vec![3, 9, 1, 9, 0, 5];
        let expected: Vec<usize> = items.iter().map(|i| i * 10).collect();
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("a pool");
            let started = std::sync::Mutex::new(Vec::new());
            let results = pool.install(|| {
                map_each_largest_first(
                    &items,
                    |&i| i,
                    |&i| {
                        started.lock().expect("not poisoned").push(i);
                        i * 10
                    },
                )
            });
            assert_eq!(results, expected);
            let mut started = started.into_inner().expect("not poisoned");
            // On one thread, in order of weight; on two, a thread that starts the 5 has
            // finished a 9 first.
            if threads == 1 {
                assert_eq!(started, [9, 9, 5, 3, 1, 0]);
            } else {
                assert_eq!(started[0], 9);
                started.sort_unstable();
                assert_eq!(started, [0, 1, 3, 5, 9, 9]);
            }
        }
    }

    fn concat<T: Send>(mut parts: Vec<Vec<T>>) -> Vec<T> {
        concat_field(&mut parts, |part| part)
    }

    #[test]
    fn parts_are_joined_in_order_on_a_pool_and_off_it() {
        let parts = |n: usize| -> Vec<Vec<String>> {
            (0..n)
                .map(|i| (0..i % 7).map(|j| format!("{i}.{j}")).collect())
                .collect()
        };
        let expected: Vec<String> = parts(2000).into_iter().flatten().collect();
        // One part larger than the others, moved in pieces.
        let mut large = parts(10);
        large.push((0..5000).map(|i| i.to_string()).collect());
        large.extend(parts(10));
        let all: Vec<String> = large.iter().flatten().cloned().collect();
        assert!(expected.len() > CONCAT_SPLIT_ITEMS);
        assert_eq!(concat(parts(2000)), expected);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .expect("a pool of two threads");
        assert_eq!(pool.install(|| concat(parts(2000))), expected);
        assert_eq!(pool.install(|| concat(parts(3))), parts(3).concat());
        assert_eq!(pool.install(|| concat(large)), all);
        assert_eq!(
            pool.install(|| concat(Vec::<Vec<u8>>::new())),
            Vec::<u8>::new()
        );
    }

    #[test]
    fn the_only_part_with_elements_is_taken_whole() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .expect("a pool of two threads");
        let only: Vec<String> = (0..5000).map(|i| i.to_string()).collect();
        let buffer = only.as_ptr();
        let expected = only.clone();
        let mut moved = vec![Vec::new(), only, Vec::new()];
        let joined = pool.install(|| concat_field(&mut moved, |part| part));
        assert_eq!(joined, expected);
        assert_eq!(joined.as_ptr(), buffer, "the part's own buffer, not a copy");
    }
}
