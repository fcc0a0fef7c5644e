//! A pool's run queue: the actors waiting for a turn, and the workers waiting for actors.
//!
//! A queue under a mutex, with a condvar for sleeping workers and two rules that keep wake-ups
//! (a system call on the thread that schedules an actor) rare:
//! - A worker that runs out of work first spins, looking at the queue's length; one at a time
//!   (on a machine with few cores a second spinner only takes the processor from the thread
//!   about to send the work). A new task wakes a sleeping worker only when none spins, and
//!   only one wake-up is in flight at a time.
//! - A worker that takes a task and leaves more behind wakes the next sleeper (if nobody else
//!   is on the way), so a burst of work spreads over the pool one wake-up at a time.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

use super::workers::Runnable;

thread_local! {
    /// This thread is counted in its pool's `searching`.
    static SEARCHING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// A turn to run.
pub(crate) type Task = Arc<dyn Runnable>;

/// How many times an idle worker checks the queue, with a spin-loop pause after each, before
/// it yields.
const IDLE_SPIN_CHECKS: u32 = 128;

/// How many times an idle worker yields its time slice, checking the queue after each, before
/// it sleeps.
const IDLE_YIELDS: u32 = 16;

struct Tasks {
    /// The awaited actors (a blocked pool thread waits on each), first in line.
    front: VecDeque<Task>,
    queue: VecDeque<Task>,
    /// The pool's rescue thread sleeps on `rescue` (see `workers.rs`).
    rescue_sleeping: bool,
    /// Workers waiting on the condvar.
    sleeping: usize,
    /// A wake-up is on its way to a sleeper: the next task does not send another.
    waking: bool,
    closed: bool,
}

impl Tasks {
    /// The next turn: an awaited actor's first.
    fn pop(&mut self) -> Option<Task> {
        self.front.pop_front().or_else(|| self.queue.pop_front())
    }

    fn is_empty(&self) -> bool {
        self.front.is_empty() && self.queue.is_empty()
    }
}

/// The run queue; see the module docs.
pub(crate) struct RunQueue {
    tasks: Mutex<Tasks>,
    wake: Condvar,
    /// Where the rescue thread waits for an awaited actor.
    rescue: Condvar,
    /// The queue's length, readable without the lock.
    len: AtomicUsize,
    /// Workers looking for work: the one spinning, and those whose turn just ran out of
    /// messages and who are on their way back to the queue. A new task wakes a sleeper only
    /// when nobody is looking.
    searching: AtomicUsize,
}

impl RunQueue {
    pub(crate) fn new() -> Self {
        RunQueue {
            tasks: Mutex::new(Tasks {
                front: VecDeque::new(),
                queue: VecDeque::new(),
                rescue_sleeping: false,
                sleeping: 0,
                waking: false,
                closed: false,
            }),
            wake: Condvar::new(),
            rescue: Condvar::new(),
            len: AtomicUsize::new(0),
            searching: AtomicUsize::new(0),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Tasks> {
        self.tasks.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether no task waits.
    pub(crate) fn is_empty(&self) -> bool {
        self.len.load(Ordering::Acquire) == 0
    }

    /// Queues a task, at the front (an actor a blocked thread waits on) or at the back; wakes
    /// a sleeping worker if no worker is spinning or on its way.
    pub(crate) fn push(&self, task: Task, front: bool) {
        let mut tasks = self.lock();
        let rescue = front && tasks.rescue_sleeping;
        if front {
            tasks.front.push_back(task);
        } else {
            tasks.queue.push_back(task);
        }
        self.len.fetch_add(1, Ordering::SeqCst);
        let wake = self.should_wake(&mut tasks);
        drop(tasks);
        if wake {
            self.wake.notify_one();
        }
        if rescue {
            self.rescue.notify_one();
        }
    }

    /// Decides, under the lock, whether to wake a sleeper for queued work, and marks the
    /// wake-up as on its way.
    fn should_wake(&self, tasks: &mut Tasks) -> bool {
        if tasks.sleeping == 0 || tasks.waking || self.searching.load(Ordering::SeqCst) > 0 {
            return false;
        }
        tasks.waking = true;
        true
    }

    /// Counts this worker as looking for work: its turn just found its actor's inbox empty, so
    /// it will be back at the queue in a moment (the window in which an asker, answered by
    /// that turn, sends its next ask; waking a sleeper for it would cost the asker a system
    /// call). Cleared when the worker takes a task or sleeps.
    pub(crate) fn search_soon(&self) {
        SEARCHING.with(|searching| {
            if !searching.replace(true) {
                self.searching.fetch_add(1, Ordering::SeqCst);
            }
        });
    }

    /// This worker stops looking for work (it has a task, sleeps, or waits for a permit). A
    /// task queued while it counted as searching woke nobody; if one is queued now, a sleeper
    /// is woken for it (unless someone else searches), so that it is not left behind.
    /// Returns whether it was searching. Must not be called with the queue's lock held.
    pub(crate) fn stop_searching(&self) -> bool {
        if !SEARCHING.with(|searching| searching.replace(false)) {
            return false;
        }
        self.searching.fetch_sub(1, Ordering::SeqCst);
        if self.len.load(Ordering::SeqCst) > 0 {
            self.wake_for_queued();
        }
        true
    }

    /// Wakes a sleeper for the queued work, unless someone searches or a wake-up is on its
    /// way.
    fn wake_for_queued(&self) {
        let mut tasks = self.lock();
        let wake = !tasks.is_empty() && self.should_wake(&mut tasks);
        drop(tasks);
        if wake {
            self.wake.notify_one();
        }
    }

    /// Takes the first task without waiting.
    pub(crate) fn try_pop(&self) -> Option<Task> {
        if self.is_empty() {
            return None;
        }
        let task = {
            let mut tasks = self.lock();
            let task = tasks.pop()?;
            self.len.fetch_sub(1, Ordering::Release);
            task
        };
        // This worker has work: it no longer searches, and if more work is queued behind this
        // one, the next sleeper is woken to look at it (`stop_searching` does both).
        if !self.stop_searching() && !self.is_empty() {
            self.wake_for_queued();
        }
        Some(task)
    }

    /// Takes the first task, waiting for one: spins briefly (one worker at a time), then
    /// sleeps. `None` once the queue is closed. `before_sleep` runs before the worker sleeps.
    pub(crate) fn pop(&self, before_sleep: impl FnOnce()) -> Option<Task> {
        if let Some(task) = self.try_pop() {
            return Some(task);
        }
        if self.spin()
            && let Some(task) = self.try_pop()
        {
            return Some(task);
        }
        before_sleep();
        self.stop_searching();
        let mut tasks = self.lock();
        loop {
            if let Some(task) = tasks.pop() {
                self.len.fetch_sub(1, Ordering::Release);
                let wake = !tasks.is_empty() && self.should_wake(&mut tasks);
                drop(tasks);
                if wake {
                    self.wake.notify_one();
                }
                return Some(task);
            }
            if tasks.closed {
                return None;
            }
            tasks.sleeping += 1;
            tasks = self.wake.wait(tasks).unwrap_or_else(PoisonError::into_inner);
            tasks.sleeping -= 1;
            // Whoever sent the wake-up (or a spurious one) brought this worker here.
            tasks.waking = false;
        }
    }

    /// Spins, then yields, checking the queue after each pause, if no other worker is looking
    /// for work; true if work arrived (the worker still counts as searching until it takes it). A reply turns the asker around within a microsecond or two, and
    /// its next ask should find a worker awake (as an actor thread spins on its own inbox).
    fn spin(&self) -> bool {
        self.search_soon();
        if self.searching.load(Ordering::SeqCst) > 1 {
            // Another worker is looking already: this one sleeps.
            return false;
        }
        for _ in 0..IDLE_SPIN_CHECKS {
            if !self.is_empty() {
                return true;
            }
            std::hint::spin_loop();
        }
        for _ in 0..IDLE_YIELDS {
            std::thread::yield_now();
            if !self.is_empty() {
                return true;
            }
        }
        false
    }

    /// Takes the first awaited actor's turn, waiting for one at most `idle`: for the rescue
    /// thread. `None` after `idle` without one, or once the queue is closed.
    pub(crate) fn pop_awaited(&self, idle: std::time::Duration) -> Option<Task> {
        self.stop_searching();
        let deadline = std::time::Instant::now() + idle;
        let mut tasks = self.lock();
        loop {
            if let Some(task) = tasks.front.pop_front() {
                self.len.fetch_sub(1, Ordering::Release);
                return Some(task);
            }
            let now = std::time::Instant::now();
            if tasks.closed || now >= deadline {
                return None;
            }
            tasks.rescue_sleeping = true;
            tasks = self
                .rescue
                .wait_timeout(tasks, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
            tasks.rescue_sleeping = false;
        }
    }

    /// Closes the queue: every waiting worker returns `None` once the queue is drained.
    pub(crate) fn close(&self) {
        self.lock().closed = true;
        self.wake.notify_all();
        self.rescue.notify_all();
    }
}
