//! The process-wide ceiling on actor threads: [`max_actor_threads`] and its override.
//!
//! Every actor thread costs the process memory maps (its stack, the stack's guard page and
//! the kernel's bookkeeping around them: 4 maps on Linux), and Linux caps the maps of a process
//! at `vm.max_map_count` (65,530 by default). Past that cap the C library cannot map a new
//! thread's stack and Rust's thread start-up aborts the process, before anyone could be told.
//! So a start checks a count of live actor threads against a ceiling first, and refuses with
//! [`Error::StartFailed`](crate::Error::StartFailed) while there is still room to say so.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Memory maps one thread costs on Linux: its stack, the stack's guard page, and the two
/// regions the kernel and the C library keep beside them.
pub(crate) const MAPS_PER_THREAD: usize = 4;

/// Maps kept free for what the process maps after the ceiling is computed: libraries loaded
/// later, the allocator's arenas, files, the threads that are not actors. One sixteenth of
/// the cap, and never fewer than 1,024.
fn margin(max_map_count: usize) -> usize {
    (max_map_count / 16).max(1024)
}

/// Actor threads alive now (started and not yet joined or released).
static LIVE: AtomicUsize = AtomicUsize::new(0);

/// The ceiling set by [`set_max_actor_threads`], or [`NOT_SET`].
static OVERRIDE: AtomicUsize = AtomicUsize::new(NOT_SET);

/// [`OVERRIDE`] when no ceiling was set: the default applies. (`usize::MAX` itself is a valid
/// setting, "no ceiling"; it is stored as `usize::MAX - 1`, which no process reaches either.)
const NOT_SET: usize = usize::MAX;

/// Returns how many actor threads this process may have at once.
///
/// Unless [`set_max_actor_threads`] set another value, on Linux this is computed once, at the
/// first start, from `vm.max_map_count` (read from `/proc/sys/vm/max_map_count`) and the maps
/// the process already has (`/proc/self/maps`): every thread takes 4 maps, and a margin of one
/// sixteenth of the cap (at least 1,024 maps) stays free for everything else. With the stock
/// cap of 65,530 that is a little over 15,000 actors. Elsewhere, or when `/proc` cannot be read,
/// there is no ceiling (`usize::MAX`).
///
/// A start past the ceiling fails with [`Error::StartFailed`](crate::Error::StartFailed)
/// (`try_start`) or panics with that message (`start`) instead of the process aborting inside
/// the thread start-up. To go higher, raise the cap (`sysctl -w vm.max_map_count=262144`)
/// before the program starts, or use fewer actors.
///
/// # Examples
///
/// ```
/// let ceiling = pykka::max_actor_threads();
/// assert!(ceiling > 0);
/// assert!(pykka::actor_threads() <= ceiling);
/// ```
pub fn max_actor_threads() -> usize {
    match OVERRIDE.load(Ordering::Relaxed) {
        NOT_SET => default_max(),
        n => n,
    }
}

/// Sets the ceiling [`max_actor_threads`] returns, or with `None` goes back to the one computed
/// from the system.
///
/// Lower it to keep a program well inside its memory, or raise it (up to `usize::MAX`, no
/// ceiling) after raising `vm.max_map_count` while the program runs. Actors already running
/// are not affected; only later starts are checked.
///
/// # Examples
///
/// ```
/// pykka::set_max_actor_threads(Some(50_000));
/// assert_eq!(pykka::max_actor_threads(), 50_000);
/// pykka::set_max_actor_threads(None); // back to the default
/// ```
pub fn set_max_actor_threads(max: Option<usize>) {
    let stored = match max {
        None => NOT_SET,
        Some(usize::MAX) => usize::MAX - 1,
        Some(n) => n,
    };
    OVERRIDE.store(stored, Ordering::Relaxed);
}

/// Returns how many actor threads the process has now: started, and neither joined nor
/// released since they ended (a thread that ended keeps its stack until an
/// [`ActorRef::join`](crate::ActorRef::join), a stop, or the last reference to the actor going
/// away releases it).
pub fn actor_threads() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// The ceiling computed from the system, once.
fn default_max() -> usize {
    static DEFAULT: OnceLock<usize> = OnceLock::new();
    *DEFAULT.get_or_init(|| {
        let max_map_count = std::fs::read_to_string("/proc/sys/vm/max_map_count")
            .ok()
            .and_then(|s| s.trim().parse::<usize>().ok());
        let maps_now = std::fs::read_to_string("/proc/self/maps")
            .ok()
            .map(|s| s.lines().count());
        match (max_map_count, maps_now) {
            (Some(cap), Some(used)) => ceiling(cap, used),
            _ => usize::MAX,
        }
    })
}

/// The number of actor threads that fit under a cap of `max_map_count` maps when the process
/// already has `maps_now`.
pub(crate) fn ceiling(max_map_count: usize, maps_now: usize) -> usize {
    max_map_count
        .saturating_sub(maps_now)
        .saturating_sub(margin(max_map_count))
        / MAPS_PER_THREAD
}

/// One actor thread counted against the ceiling; dropping it gives the place back.
#[derive(Debug)]
pub(crate) struct Slot(());

impl Drop for Slot {
    fn drop(&mut self) {
        LIVE.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Why [`acquire`] refused.
pub(crate) struct Refused {
    /// Actor threads alive when it refused.
    pub(crate) live: usize,
    /// The ceiling.
    pub(crate) max: usize,
}

impl Refused {
    /// What the error says: the numbers, where the ceiling comes from, what to do.
    pub(crate) fn reason(&self) -> String {
        format!(
            "the process already has {} actor threads, the most it may have (pykka::max_actor_threads() = {}): \
             each thread takes {MAPS_PER_THREAD} memory maps and Linux caps them at vm.max_map_count \
             (see /proc/sys/vm/max_map_count), past which the process would abort; raise vm.max_map_count \
             (sysctl -w vm.max_map_count=262144) and pykka::set_max_actor_threads, or use fewer actors",
            self.live, self.max
        )
    }
}

/// Takes a place for one more actor thread, unless the ceiling is reached.
pub(crate) fn acquire() -> Result<Slot, Refused> {
    let max = max_actor_threads();
    LIVE.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| (n < max).then_some(n + 1))
        .map(|_| Slot(()))
        .map_err(|live| Refused { live, max })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The issue measured the abort at about 16,200 threads under the stock cap of 65,530 maps.
    #[test]
    fn the_default_ceiling_stays_below_the_stock_abort_point() {
        let n = ceiling(65_530, 40);
        assert!(n < 16_000, "{n}");
        assert!(n > 14_000, "{n}");
    }

    #[test]
    fn maps_already_in_use_lower_the_ceiling() {
        assert_eq!(ceiling(65_530, 40) - ceiling(65_530, 4_040), 1_000);
    }

    #[test]
    fn a_tiny_cap_allows_no_actor_thread_rather_than_wrapping() {
        assert_eq!(ceiling(100, 50), 0);
        assert_eq!(ceiling(0, 0), 0);
    }
}
