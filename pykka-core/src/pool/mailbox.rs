//! A pooled actor's inbox, which is also what the pool schedules.
//!
//! A queue under one mutex, which also holds the actor's scheduling state, so that "a message
//! arrived" and "the actor is idle" are decided together: a send that finds the actor
//! [`Sched::Idle`] marks it [`Sched::Scheduled`] and hands the mailbox to the pool; a send that
//! finds it scheduled (queued or running) adds nothing, because the turn that ends re-checks
//! the queue under the same lock. So an actor is in the run queue at most once, and one
//! actor's turns never overlap. An idle actor costs its queue and nothing else: no thread, no
//! stack.
//!
//! The actor's runtime state (its `Life`) lives in [`Mailbox::body`], taken only by the worker
//! running a turn.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use super::blocking;
use super::workers::{Runnable, Workers};
use crate::debug::ActorState;
use crate::inbox::{Received, SendError, TrySendError};
use crate::panic;

/// How many times a turn that found its inbox empty checks it again, with a spin-loop pause
/// after each, before its actor goes idle (when the pool has nothing else queued).
const LINGER_CHECKS: u32 = 64;

/// How many messages a streaming turn lets gather before it takes them ([`Mailbox::gather`]).
const GATHER: usize = 32;

/// How many times a streaming turn checks for a run of [`GATHER`] messages, with a spin-loop
/// pause after each.
const GATHER_CHECKS: u32 = 32;

/// How many times a send or a turn tries the queue's lock, with a spin-loop pause after each,
/// before it waits for it ([`Mailbox::lock_spinning`]).
const TURN_LOCK_SPINS: u32 = 256;

/// How many times more it tries, yielding its time slice after each (the holder may be off
/// the processor), before it waits.
const TURN_LOCK_YIELDS: u32 = 16;

/// From how many queued messages a turn takes the sender's buffer instead of copying them.
const MOVE_RUN: usize = 16;

/// The largest message buffer (in messages) an idle actor keeps for its next burst.
const KEPT_BUFFER: usize = 8;

/// Whether the actor is waiting for a turn or running one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sched {
    /// Nothing to do: the next message schedules it.
    Idle,
    /// In the run queue, or running a turn.
    Scheduled,
}

/// What a turn asks of the mailbox when it ends.
pub(crate) enum TurnEnd {
    /// Run again later if messages are queued (idle otherwise).
    Yield,
    /// The turn found the queue empty and marked the actor idle already.
    Idle,
    /// The actor has ended: its body is dropped and it is never scheduled again.
    Ended,
}

/// A turn of one actor: implemented by the pool driver for an actor's `Life`.
pub(crate) trait Turn<T>: Send {
    /// Runs one turn, taking messages from `mailbox`.
    fn turn(&mut self, mailbox: &Arc<Mailbox<T>>) -> TurnEnd;
}

/// The messages a turn took from its inbox and has not handled yet: the first in place (most
/// turns take one), the rest in a buffer.
pub(crate) struct Batch<T> {
    first: Option<T>,
    rest: VecDeque<T>,
}

impl<T> Batch<T> {
    pub(crate) fn new() -> Self {
        Batch {
            first: None,
            rest: VecDeque::new(),
        }
    }

    fn push(&mut self, msg: T) {
        if self.first.is_none() && self.rest.is_empty() {
            self.first = Some(msg);
        } else {
            self.rest.push_back(msg);
        }
    }

    /// The next message, in order.
    #[inline]
    pub(crate) fn pop(&mut self) -> Option<T> {
        self.first.take().or_else(|| self.rest.pop_front())
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.first.is_none() && self.rest.is_empty()
    }

    fn into_deque(self) -> VecDeque<T> {
        let mut all = self.rest;
        if let Some(first) = self.first {
            all.push_front(first);
        }
        all
    }
}

/// The queued messages. Most turns of most actors find one message (a reply, a hop of a
/// ring), which travels in place: a buffer is allocated only while two or more wait.
enum Items<T> {
    Empty,
    One(T),
    Many(VecDeque<T>),
}

impl<T> Items<T> {
    #[inline]
    fn push_back(&mut self, msg: T) {
        match self {
            Items::Empty => *self = Items::One(msg),
            Items::One(_) => {
                let Items::One(first) = std::mem::replace(self, Items::Empty) else {
                    return;
                };
                let mut many = VecDeque::with_capacity(4);
                many.push_back(first);
                many.push_back(msg);
                *self = Items::Many(many);
            }
            Items::Many(many) => many.push_back(msg),
        }
    }

    #[inline]
    fn pop_front(&mut self) -> Option<T> {
        match self {
            Items::Empty => None,
            Items::One(_) => match std::mem::replace(self, Items::Empty) {
                Items::One(msg) => Some(msg),
                _ => None,
            },
            Items::Many(many) => many.pop_front(),
        }
    }

    fn len(&self) -> usize {
        match self {
            Items::Empty => 0,
            Items::One(_) => 1,
            Items::Many(many) => many.len(),
        }
    }

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn into_vec(self) -> Vec<T> {
        match self {
            Items::Empty => Vec::new(),
            Items::One(msg) => vec![msg],
            Items::Many(many) => many.into(),
        }
    }
}

struct Queue<T> {
    items: Items<T>,
    closed: bool,
    sched: Sched,
    /// Senders waiting for room in a bounded inbox.
    room_waiters: u32,
    /// The actor waiting (between incarnations) for a message.
    arrival_waiters: u32,
}

impl<T> Queue<T> {
    /// An open, empty queue, scheduled once (for the actor's start).
    fn new() -> Self {
        Queue {
            items: Items::Empty,
            closed: false,
            sched: Sched::Scheduled,
            room_waiters: 0,
            arrival_waiters: 0,
        }
    }

    /// A message was just queued: whether its sender hands the actor to the pool (it was
    /// idle). Decided under the queue's lock, with [`turn_ended`](Self::turn_ended).
    fn arrived(&mut self) -> bool {
        let schedule = self.sched == Sched::Idle;
        if schedule {
            self.sched = Sched::Scheduled;
        }
        schedule
    }

    /// A turn just ended: whether the actor runs again (messages are queued); otherwise it is
    /// idle (or, ended, never scheduled again).
    fn turn_ended(&mut self, end: &TurnEnd) -> bool {
        match end {
            // The turn went idle itself (`went_idle`), under the lock it found the inbox empty in.
            TurnEnd::Idle => false,
            TurnEnd::Ended => {
                self.sched = Sched::Scheduled; // never again
                false
            }
            TurnEnd::Yield if self.items.is_empty() => {
                self.went_idle();
                false
            }
            TurnEnd::Yield => true,
        }
    }

    /// Moves up to `max` messages from the front into `batch` (all of them, buffer and all,
    /// when they fit); returns how many.
    fn take(&mut self, batch: &mut Batch<T>, max: usize) -> usize {
        match &mut self.items {
            Items::Empty => 0,
            Items::One(_) => match std::mem::replace(&mut self.items, Items::Empty) {
                Items::One(msg) => {
                    batch.push(msg);
                    1
                }
                _ => 0,
            },
            // A long run moves to the turn, buffer and all, and the sender goes on filling the
            // turn's emptied buffer (if it has one) instead of the cache lines the turn reads:
            // in a stream the two buffers trade places, with no allocation under the lock.
            Items::Many(many) if many.len() >= MOVE_RUN && many.len() <= max && batch.is_empty() => {
                let n = many.len();
                std::mem::swap(&mut batch.rest, many);
                if many.capacity() == 0 {
                    self.items = Items::Empty;
                }
                n
            }
            // A short one is copied and the buffer stays: moving it to the worker (which
            // frees it) made every busy actor's sender allocate again and again.
            Items::Many(many) => {
                let n = many.len().min(max);
                for msg in many.drain(..n) {
                    batch.push(msg);
                }
                n
            }
        }
    }

    /// The running turn found the inbox empty and has nothing else to do: the actor is idle
    /// (the next message schedules it) and keeps no buffer (an idle actor's footprint is what
    /// a million of them cost; a buffer is made only for a second queued message).
    fn went_idle(&mut self) {
        self.sched = Sched::Idle;
        // A small buffer stays for the next burst; a big one goes.
        if let Items::Many(many) = &self.items
            && (!many.is_empty() || many.capacity() > KEPT_BUFFER)
        {
            self.items = Items::Empty;
        }
    }
}

/// A pooled actor's inbox and scheduling state.
pub(crate) struct Mailbox<T> {
    queue: Mutex<Queue<T>>,
    /// Signalled when a message is taken out of a full bounded inbox, or the inbox closes.
    room: Condvar,
    /// Signalled when a message arrives for an actor waiting between incarnations.
    arrival: Condvar,
    /// A bounded inbox's capacity (at least 1).
    capacity: Option<std::num::NonZeroUsize>,
    workers: Arc<Workers>,
    /// The actor's runtime state; `None` once it has ended.
    body: Mutex<Option<Box<dyn Turn<T>>>>,
    /// The actor's debug record, which counts the pool threads blocked on it: while there
    /// are any, its turns go to the front of the run queue (see [`Workers`]).
    state: Arc<ActorState>,
    /// The number of queued messages, readable without the lock (see
    /// [`linger`](Mailbox::linger)).
    queued: AtomicUsize,
}

impl<T: Send + 'static> Mailbox<T> {
    /// A mailbox on `workers`, scheduled once at once (for the actor's start).
    pub(crate) fn new(workers: Arc<Workers>, capacity: Option<usize>, state: Arc<ActorState>) -> Arc<Self> {
        Arc::new(Mailbox {
            queue: Mutex::new(Queue::new()),
            room: Condvar::new(),
            arrival: Condvar::new(),
            capacity: capacity.and_then(|n| std::num::NonZeroUsize::new(n.max(1))),
            workers,
            body: Mutex::new(None),
            state,
            queued: AtomicUsize::new(0),
        })
    }

    /// Installs the actor's body and submits its first turn (the start).
    pub(crate) fn start(self: &Arc<Self>, body: Box<dyn Turn<T>>) {
        *lock(&self.body) = Some(body);
        self.workers.submit(self.clone(), false);
    }

    fn lock(&self) -> MutexGuard<'_, Queue<T>> {
        lock(&self.queue)
    }

    /// Locks the queue for a send or a turn's take, spinning (then yielding) while it is held
    /// instead of sleeping on it: both hold it for a few instructions. A turn that slept there
    /// while a sender streamed tells in made each of the sender's unlocks a wake-up system
    /// call, which slowed the sender down, which made the turn find the lock held again: a
    /// stream fell from about 18M to 6M messages a second and stayed there.
    fn lock_spinning(&self) -> MutexGuard<'_, Queue<T>> {
        for spin in 0..TURN_LOCK_SPINS + TURN_LOCK_YIELDS {
            match self.queue.try_lock() {
                Ok(queue) => return queue,
                Err(std::sync::TryLockError::Poisoned(e)) => return e.into_inner(),
                Err(std::sync::TryLockError::WouldBlock) if spin < TURN_LOCK_SPINS => std::hint::spin_loop(),
                Err(std::sync::TryLockError::WouldBlock) => std::thread::yield_now(),
            }
        }
        self.lock()
    }

    /// Queues `msg`, first waiting (until `deadline`, managed if on a pool worker) for room in
    /// a bounded inbox when `tokened`; schedules the actor if it was idle.
    pub(crate) fn push(self: &Arc<Self>, msg: T, tokened: bool, deadline: Option<Instant>) -> Result<(), SendError<T>> {
        let mut queue = self.lock_spinning();
        if tokened
            && let Some(capacity) = self.capacity.map(std::num::NonZeroUsize::get)
            && queue.items.len() >= capacity
            && !queue.closed
        {
            let (q, timed_out) = blocking::managed(|| self.wait_for_room(queue, capacity, deadline));
            queue = q;
            if timed_out {
                return Err(SendError::Timeout(msg));
            }
        }
        if queue.closed {
            return Err(SendError::Closed(msg));
        }
        queue.items.push_back(msg);
        self.queued.store(queue.items.len(), Ordering::Relaxed);
        if queue.arrival_waiters > 0 {
            self.arrival.notify_one();
        }
        let schedule = queue.arrived();
        drop(queue);
        if schedule {
            self.workers.submit(self.clone(), self.is_awaited());
        }
        Ok(())
    }

    /// Waits until the bounded inbox has room, it closes, or `deadline` passes (true).
    fn wait_for_room<'a>(
        &'a self,
        mut queue: MutexGuard<'a, Queue<T>>,
        capacity: usize,
        deadline: Option<Instant>,
    ) -> (MutexGuard<'a, Queue<T>>, bool) {
        while queue.items.len() >= capacity && !queue.closed {
            queue.room_waiters += 1;
            let now = Instant::now();
            queue = match deadline {
                Some(d) if now >= d => {
                    queue.room_waiters -= 1;
                    return (queue, true);
                }
                Some(d) => {
                    self.room
                        .wait_timeout(queue, d - now)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0
                }
                None => self.room.wait(queue).unwrap_or_else(PoisonError::into_inner),
            };
            queue.room_waiters -= 1;
        }
        (queue, false)
    }

    /// Queues without waiting: [`TrySendError::Full`] if a bounded inbox has no room.
    pub(crate) fn try_push(self: &Arc<Self>, msg: T) -> Result<(), TrySendError<T>> {
        if let Some(capacity) = self.capacity
            && self.lock().items.len() >= capacity.get()
        {
            return Err(TrySendError::Full(msg));
        }
        self.push(msg, false, None).map_err(|e| match e {
            SendError::Closed(msg) | SendError::Timeout(msg) => TrySendError::Closed(msg),
        })
    }

    /// The number of queued messages.
    pub(crate) fn len(&self) -> usize {
        self.lock().items.len()
    }

    /// Takes the next message, if any (for the running turn).
    #[inline]
    pub(crate) fn pop(&self) -> Option<T> {
        let mut queue = self.lock();
        let msg = queue.items.pop_front();
        self.queued.store(queue.items.len(), Ordering::Relaxed);
        if msg.is_some() && queue.room_waiters > 0 {
            self.room.notify_one();
        }
        msg
    }

    /// Moves up to `max` queued messages (one, for a bounded inbox, whose room a message frees
    /// when it is taken) into `batch`, for the running turn; returns how many. With none and
    /// `idle_if_empty`, marks the actor idle at once, sparing the turn's end a second look at the queue.
    #[inline]
    pub(crate) fn take(&self, batch: &mut Batch<T>, max: u32, idle_if_empty: bool) -> u32 {
        let max = if self.capacity.is_some() {
            1
        } else {
            max.max(1) as usize
        };
        let mut lingered = false;
        loop {
            let mut queue = self.lock_spinning();
            let taken = queue.take(batch, max);
            self.queued.store(queue.items.len(), Ordering::Relaxed);
            if taken > 0 {
                if queue.room_waiters > 0 {
                    self.room.notify_all();
                }
                return u32::try_from(taken).unwrap_or(u32::MAX);
            }
            if !idle_if_empty {
                return 0;
            }
            if !lingered && self.workers.nothing_else_to_do() {
                drop(queue);
                lingered = true;
                self.linger();
                continue;
            }
            queue.went_idle();
            drop(queue);
            // This worker is on its way back to the run queue.
            self.workers.search_soon();
            return 0;
        }
    }

    /// Waits briefly (a few spin-loop pauses) until a run of [`GATHER`] messages has queued up:
    /// called by a turn whose last take found a stream of them coming in.
    pub(crate) fn gather(&self) {
        for _ in 0..GATHER_CHECKS {
            if self.queued.load(Ordering::Relaxed) >= GATHER {
                return;
            }
            std::hint::spin_loop();
        }
    }

    /// The turn found the inbox empty and the pool has nothing else queued: waits a moment
    /// for a message before the actor goes idle, still scheduled, so that one that comes now
    /// (the next ask of a caller this turn just answered, the next of a stream of tells) is
    /// handled by this turn: no scheduling, no wake-up, as an actor thread spinning on its
    /// inbox.
    fn linger(&self) {
        for _ in 0..LINGER_CHECKS {
            if self.queued.load(Ordering::Relaxed) > 0 {
                return;
            }
            std::hint::spin_loop();
        }
    }

    /// Puts back, in front and in order, messages a turn took but did not handle (it ended
    /// early: a stop, a failure, a restart).
    pub(crate) fn put_back(&self, batch: Batch<T>) {
        let mut queue = self.lock();
        let rest = std::mem::replace(&mut queue.items, Items::Empty).into_vec();
        let mut all = batch.into_deque();
        all.extend(rest);
        self.queued.store(all.len(), Ordering::Relaxed);
        queue.items = Items::Many(all);
    }

    /// Waits (managed, if on a pool worker) for the next message until `deadline`: for the
    /// waits between incarnations.
    pub(crate) fn recv_until(&self, deadline: Option<Instant>) -> Received<T> {
        if let Some(msg) = self.pop() {
            return Received::Message(msg);
        }
        blocking::managed(|| {
            let mut queue = self.lock();
            loop {
                if let Some(msg) = queue.items.pop_front() {
                    if queue.room_waiters > 0 {
                        self.room.notify_one();
                    }
                    return Received::Message(msg);
                }
                if queue.closed {
                    return Received::Closed;
                }
                let now = Instant::now();
                queue.arrival_waiters += 1;
                queue = match deadline {
                    Some(d) if now >= d => {
                        queue.arrival_waiters -= 1;
                        return Received::Timeout;
                    }
                    Some(d) => {
                        self.arrival
                            .wait_timeout(queue, d - now)
                            .unwrap_or_else(PoisonError::into_inner)
                            .0
                    }
                    None => self.arrival.wait(queue).unwrap_or_else(PoisonError::into_inner),
                };
                queue.arrival_waiters -= 1;
            }
        })
    }

    /// Closes the inbox: later sends are refused, waiting senders give up, and every queued
    /// message is dropped, each inside a catch point (see [`panic::drop_queued`]).
    pub(crate) fn close(&self) {
        let (items, waiters) = {
            let mut queue = self.lock();
            queue.closed = true;
            (
                std::mem::replace(&mut queue.items, Items::Empty).into_vec(),
                queue.room_waiters > 0,
            )
        };
        // Only if anyone waits: a notification is a system call, and every actor closes.
        if waiters {
            self.room.notify_all();
        }
        for item in items {
            panic::drop_queued(item);
        }
    }

    /// Whether no other actor waits for a turn on this worker's pool (see
    /// [`Workers::nothing_else_to_do`]).
    pub(crate) fn nothing_else_to_do(&self) -> bool {
        self.workers.nothing_else_to_do()
    }

    /// Whether a blocked pool thread waits on this actor.
    fn is_awaited(&self) -> bool {
        self.state.is_awaited()
    }
}

impl<T: Send + 'static> Runnable for Mailbox<T> {
    fn run(self: Arc<Self>) {
        let end = {
            let mut body = lock(&self.body);
            match body.as_mut() {
                Some(turn) => {
                    let end = turn.turn(&self);
                    if matches!(end, TurnEnd::Ended) {
                        // Breaks the cycle through the actor's context: the body goes now.
                        let ended = body.take();
                        drop(body);
                        drop(ended);
                    }
                    end
                }
                None => TurnEnd::Ended,
            }
        };
        if matches!(end, TurnEnd::Idle) {
            // The turn marked the actor idle itself (`take`, on an empty inbox).
            return;
        }
        let again = self.lock().turn_ended(&end);
        if again {
            // Its budget spent with other actors waiting (alone, a turn goes on): to the back
            // of the run queue, behind them, not to this worker's next slot, which would run
            // it again first.
            let (workers, awaited) = (self.workers.clone(), self.is_awaited());
            workers.requeue(self, awaited);
        }
    }
}

impl<T> Drop for Mailbox<T> {
    fn drop(&mut self) {
        let queue = self.queue.get_mut().unwrap_or_else(PoisonError::into_inner);
        for item in std::mem::replace(&mut queue.items, Items::Empty).into_vec() {
            panic::drop_queued(item);
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(all(test, loom))]
mod loom;
