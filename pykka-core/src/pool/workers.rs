//! A pool's threads: the run queue, the permits that keep its parallelism fixed, and the
//! spare threads that take a blocked worker's place.
//!
//! - **Run queue.** Actors with messages wait in the pool's [`RunQueue`] (`queue.rs`): at its
//!   back, or at its front for actors a blocked pool thread waits on and for the next actor of
//!   a worker that blocks. A worker also has a *next* slot: an actor that a turn on this
//!   worker scheduled runs right after it, on the same worker, without waking anyone (a reply,
//!   the next hop of a ring). At most [`NEXT_RUNS`] such turns in a row while other actors
//!   are queued, then the slot goes to the back of the queue, so two actors bouncing messages
//!   cannot starve the rest.
//! - **Permits.** `workers` threads hold a permit: only they take turns. A thread about to
//!   block inside a turn gives its permit up ([`begin_blocking`]); an idle spare takes it, or a
//!   new thread is started with it, so the pool keeps running `workers` turns at a time. When
//!   the wait ends the thread finishes its turn without a permit, then takes a free one or
//!   becomes an idle spare, which retires after the pool's `spare_idle`.
//! - **The cap.** At most `max_threads` threads exist. At the cap a blocking thread gives its
//!   permit up all the same but nobody takes its place: the wait is plain blocking, the pool
//!   runs fewer turns at a time until a thread comes back, and it says so once at WARN. Never
//!   an error.

use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use super::queue::{RunQueue, Task};

use crate::limits;

/// How many turns in a row a worker takes from its next slot before it looks at the queue.
const NEXT_RUNS: u32 = 32;

/// Something the pool runs a turn of: a pooled actor's mailbox.
pub(crate) trait Runnable: Send + Sync {
    /// Runs one turn, and schedules the next one if there is more to do.
    fn run(self: Arc<Self>);
}

/// The settings a pool is built with.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub(crate) name: &'static str,
    pub(crate) workers: usize,
    pub(crate) max_threads: usize,
    pub(crate) budget: u32,
    pub(crate) spare_idle: Duration,
}

#[derive(Default)]
struct Threads {
    /// Threads alive (workers and spares).
    alive: usize,
    /// Threads holding a permit.
    active: usize,
    /// Threads without a permit waiting for one.
    idle_spares: usize,
    /// The most threads ever alive at once.
    peak: usize,
    /// Threads started so far, for their names.
    started: usize,
    /// The cap was reached and said so.
    warned: bool,
    /// The rescue thread is alive (see [`Workers::rescue`]).
    rescue: bool,
    /// The pool is shutting down: threads end.
    closing: bool,
}

impl Threads {
    /// Counts a thread about to start; returns its number, for its name.
    fn count_new(&mut self) -> usize {
        self.alive += 1;
        self.peak = self.peak.max(self.alive);
        self.started += 1;
        self.started
    }
}

/// A pool's threads and run queue.
pub(crate) struct Workers {
    pub(crate) settings: Settings,
    queue: RunQueue,
    threads: Mutex<Threads>,
    permits: Condvar,
    /// Pool threads blocked now.
    blocked: AtomicUsize,
    /// The pool is closing: a copy of `Threads::closing` that idle workers read without the
    /// lock.
    closing: std::sync::atomic::AtomicBool,
}

/// What a pool thread knows about itself.
struct Here {
    workers: Arc<Workers>,
    permit: bool,
    next: Option<Task>,
    next_runs: u32,
}

thread_local! {
    static HERE: RefCell<Option<Here>> = const { RefCell::new(None) };
}

impl Workers {
    /// Builds the pool's state and starts its `workers` threads.
    pub(crate) fn start(settings: Settings) -> std::io::Result<Arc<Self>> {
        let workers = Arc::new(Workers {
            settings,
            queue: RunQueue::new(),
            threads: Mutex::new(Threads::default()),
            permits: Condvar::new(),
            blocked: AtomicUsize::new(0),
            closing: std::sync::atomic::AtomicBool::new(false),
        });
        for _ in 0..workers.settings.workers {
            let mut threads = workers.lock();
            threads.active += 1;
            let n = threads.count_new();
            drop(threads);
            if let Err(e) = workers.spawn(n, limits::acquire().ok()) {
                workers.close();
                return Err(e);
            }
        }
        Ok(workers)
    }

    fn lock(&self) -> MutexGuard<'_, Threads> {
        self.threads.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts thread number `n`, which holds a permit from the start.
    fn spawn(self: &Arc<Self>, n: usize, slot: Option<limits::Slot>) -> std::io::Result<()> {
        let workers = self.clone();
        std::thread::Builder::new()
            .name(format!("{}-{n}", self.settings.name))
            .spawn(move || {
                let _slot = slot;
                workers.main();
            })
            .map(drop)
    }

    /// Queues a turn of `task`: at the front (an awaited actor), in this worker's next slot
    /// (scheduled from one of this pool's turns), or at the back.
    pub(crate) fn submit(self: &Arc<Self>, task: Task, front: bool) {
        if front {
            self.queue.push(task, true);
            return;
        }
        let task = HERE.with(|here| {
            let mut here = here.borrow_mut();
            match here.as_mut() {
                Some(here) if here.permit && Arc::ptr_eq(&here.workers, self) => here.next.replace(task),
                _ => Some(task),
            }
        });
        if let Some(task) = task {
            self.queue.push(task, false);
        }
    }

    /// Queues another turn of `task`, whose turn just ended with messages left: at the front
    /// (an awaited actor) or at the back, never in the next slot.
    pub(crate) fn requeue(&self, task: Task, front: bool) {
        self.queue.push(task, front);
    }

    /// A pool thread's loop: take a turn, run it, again; without a permit, get one or retire.
    fn main(self: Arc<Self>) {
        HERE.with(|here| {
            *here.borrow_mut() = Some(Here {
                workers: self.clone(),
                permit: true,
                next: None,
                next_runs: 0,
            });
        });
        loop {
            let permit = HERE.with(|here| here.borrow().as_ref().is_some_and(|h| h.permit));
            if !permit {
                // Waiting for a permit is not looking for work: a task queued meanwhile must
                // wake a sleeper.
                self.queue.stop_searching();
                if !self.reacquire() {
                    break;
                }
                HERE.with(|here| {
                    if let Some(h) = here.borrow_mut().as_mut() {
                        h.permit = true;
                    }
                });
            }
            let Some(task) = self.next_task() else {
                // The pool closes: this thread ends holding a permit, so it leaves the counts
                // here (`reacquire` does it for a thread that ends without one). Without this,
                // `Pool::threads` never reached 0 after `shutdown`.
                let mut threads = self.lock();
                threads.alive -= 1;
                threads.active -= 1;
                break;
            };
            task.run();
        }
        self.queue.stop_searching();
        let next = HERE.with(|here| here.borrow_mut().take().and_then(|h| h.next));
        if let Some(task) = next {
            self.queue.push(task, true);
        }
    }

    /// The next turn to run: the next slot (a limited number of times in a row), the front
    /// lane, then the back of the queue, waiting for one. `None` when the pool closes.
    fn next_task(&self) -> Option<Task> {
        let next = HERE.with(|here| {
            let mut here = here.borrow_mut();
            let here = here.as_mut()?;
            let task = here.next.take()?;
            // Past its run of next-slot turns, the worker lets queued actors go first; with
            // none queued there is nobody to be fair to, and handing the next actor to the
            // queue would only wake another worker for it.
            if here.next_runs < NEXT_RUNS || self.queue.is_empty() {
                here.next_runs += 1;
                Some(Ok(task))
            } else {
                here.next_runs = 0;
                Some(Err(task))
            }
        });
        match next {
            Some(Ok(task)) => {
                self.queue.stop_searching();
                return Some(task);
            }
            Some(Err(task)) => self.queue.push(task, false),
            None => HERE.with(|here| {
                if let Some(h) = here.borrow_mut().as_mut() {
                    h.next_runs = 0;
                }
            }),
        }
        if self.closing.load(Ordering::Acquire) {
            return None;
        }
        self.queue.pop(crate::debug::forget_turn_boundary)
    }

    /// Whether no other actor waits for a turn: none in the run queue, none in this worker's
    /// next slot.
    pub(crate) fn nothing_else_to_do(&self) -> bool {
        self.queue.is_empty()
            && HERE.with(|here| {
                here.try_borrow()
                    .ok()
                    .is_some_and(|h| h.as_ref().is_some_and(|h| h.next.is_none()))
            })
    }

    /// Counts this worker as looking for work (see [`RunQueue::search_soon`]), if it is one
    /// that goes back to the run queue after this turn: a thread holding a permit. (One whose
    /// permit went to a spare while it was blocked waits for a permit instead, and the rescue
    /// thread only looks at awaited actors.)
    pub(crate) fn search_soon(&self) {
        let goes_back = HERE.with(|here| {
            here.try_borrow()
                .ok()
                .is_some_and(|h| h.as_ref().is_some_and(|h| h.permit))
        });
        if goes_back {
            self.queue.search_soon();
        }
    }

    /// Gets a permit back after a blocking wait, or waits as an idle spare for one; false when
    /// the thread is to end (idle for `spare_idle` with the permits taken, or the pool closing).
    fn reacquire(&self) -> bool {
        let mut threads = self.lock();
        loop {
            if threads.closing {
                threads.alive -= 1;
                return false;
            }
            if threads.active < self.settings.workers {
                threads.active += 1;
                return true;
            }
            threads.idle_spares += 1;
            let (guard, waited) = self
                .permits
                .wait_timeout(threads, self.settings.spare_idle)
                .unwrap_or_else(PoisonError::into_inner);
            threads = guard;
            threads.idle_spares -= 1;
            if waited.timed_out() && threads.active >= self.settings.workers {
                threads.alive -= 1;
                return false;
            }
        }
    }

    /// Gives this thread's permit to a spare: wakes an idle one, or starts one under the cap.
    fn release_permit(self: &Arc<Self>) {
        let mut threads = self.lock();
        threads.active -= 1;
        if threads.closing {
            return;
        }
        if threads.idle_spares > 0 {
            drop(threads);
            self.permits.notify_one();
            return;
        }
        // The last thread the cap allows is kept for the rescue thread.
        if threads.alive + 1 >= self.settings.max_threads {
            self.rescue(threads);
            return;
        }
        let Some((mut threads, slot)) = self.thread_slot(threads) else {
            return;
        };
        threads.active += 1;
        let n = threads.count_new();
        drop(threads);
        if let Err(e) = self.spawn(n, Some(slot)) {
            let mut threads = self.lock();
            threads.alive -= 1;
            threads.active -= 1;
            self.at_cap(threads, Some(format!("the operating system refused a thread: {e}")));
        }
    }

    /// At the cap, no spare takes a blocked worker's place. Every thread could end up blocked
    /// on an actor whose turn is queued (a slow actor that all of them ask), and with nobody
    /// left to run that turn the pool would be stuck. So the last thread the cap allows is the
    /// *rescue* thread: it runs only the turns of awaited actors (those a blocked pool thread
    /// waits on, first in the run queue), and retires when it has found none for the pool's
    /// `spare_idle`. A chain of blocking waits deeper than the cap still cannot complete: the
    /// rescue thread can block too.
    fn rescue(self: &Arc<Self>, threads: MutexGuard<'_, Threads>) {
        if threads.rescue || threads.alive >= self.settings.max_threads {
            self.at_cap(threads, None);
            return;
        }
        let Some((mut threads, slot)) = self.thread_slot(threads) else {
            return;
        };
        threads.rescue = true;
        let n = threads.count_new();
        drop(threads);
        self.at_cap(self.lock(), None);
        let workers = self.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("{}-{n}", self.settings.name))
            .spawn(move || {
                let _slot = slot;
                while let Some(task) = workers.queue.pop_awaited(workers.settings.spare_idle) {
                    task.run();
                }
                let mut threads = workers.lock();
                threads.rescue = false;
                threads.alive -= 1;
            });
        if let Err(e) = spawned {
            let mut threads = self.lock();
            threads.rescue = false;
            threads.alive -= 1;
            drop(threads);
            tracing::warn!(target: "pykka", pool = self.settings.name, "Pool {} could not start its rescue thread: {e}", self.settings.name);
        }
    }

    /// A place for one more thread in the process's thread ceiling (`limits.rs`); `None`
    /// (after saying so once) if the ceiling is reached.
    fn thread_slot<'a>(&self, threads: MutexGuard<'a, Threads>) -> Option<(MutexGuard<'a, Threads>, limits::Slot)> {
        match limits::acquire() {
            Ok(slot) => Some((threads, slot)),
            Err(refused) => {
                self.at_cap(threads, Some(refused.reason()));
                None
            }
        }
    }

    /// No thread takes a blocked worker's place: says so once.
    fn at_cap(&self, mut threads: MutexGuard<'_, Threads>, why: Option<String>) {
        if std::mem::replace(&mut threads.warned, true) {
            return;
        }
        let (name, alive, max) = (self.settings.name, threads.alive, self.settings.max_threads);
        drop(threads);
        let why = why.unwrap_or_else(|| format!("it has {alive} of its at most {max} threads"));
        tracing::warn!(
            target: "pykka",
            pool = name,
            "Pool {name} cannot start a spare thread ({why}): a blocked actor now holds its worker \
             until its wait ends (said once per pool)"
        );
    }

    /// Ends every thread once its current turn is done.
    pub(crate) fn close(&self) {
        let alive = {
            let mut threads = self.lock();
            threads.closing = true;
            self.closing.store(true, Ordering::Release);
            threads.alive
        };
        self.permits.notify_all();
        let _ = alive;
        self.queue.close();
    }

    /// Threads alive now, the most ever alive, and blocked now.
    pub(crate) fn counts(&self) -> (usize, usize) {
        let threads = self.lock();
        (threads.alive, threads.peak)
    }

    /// Pool threads blocked now.
    pub(crate) fn blocked(&self) -> usize {
        self.blocked.load(Ordering::Relaxed)
    }
}

/// A blocking section on a pool thread: its permit went to a spare; see [`begin_blocking`].
pub(crate) struct Handoff {
    workers: Arc<Workers>,
}

impl Drop for Handoff {
    fn drop(&mut self) {
        self.workers.blocked.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Called by a thread about to block: if it is a pool thread holding a permit, gives the
/// permit (and its next slot, to the front lane) away. `None` on any other thread, and on a
/// pool thread already without a permit.
pub(crate) fn begin_blocking() -> Option<Handoff> {
    let (workers, next) = HERE.with(|here| {
        let mut here = here.try_borrow_mut().ok()?;
        let here = here.as_mut()?;
        if !here.permit {
            return None;
        }
        here.permit = false;
        Some((here.workers.clone(), here.next.take()))
    })?;
    // A thread that blocks is not looking for work.
    workers.queue.stop_searching();
    if let Some(task) = next {
        workers.queue.push(task, true);
    }
    workers.blocked.fetch_add(1, Ordering::Relaxed);
    workers.release_permit();
    Some(Handoff { workers })
}
