//! Loom models of a pooled actor's scheduling (`cargo xtask loom`): senders queuing messages
//! race the end of the actor's turn, each side deciding under the queue's lock with the
//! mailbox's own [`Queue::arrived`] and [`Queue::turn_ended`].
//!
//! The run queue is modelled by a count of the actor's outstanding turns. Every interleaving
//! must keep it at most 1 (never scheduled twice: one actor's turns never overlap) and must end
//! with every message handled and the actor idle (never left idle with messages queued).

use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::sync::{Arc, Mutex};
use loom::thread;

use super::{Queue, Sched, TurnEnd};

/// The actor's queue and its outstanding turns (0 or 1).
struct Model {
    queue: Mutex<Queue<u32>>,
    turns: AtomicUsize,
    handled: AtomicUsize,
}

impl Model {
    fn new() -> Arc<Self> {
        Arc::new(Model {
            // Scheduled once, for the start, as `Mailbox::new` is.
            queue: Mutex::new(Queue::new()),
            turns: AtomicUsize::new(1),
            handled: AtomicUsize::new(0),
        })
    }

    /// Hands the actor to the run queue.
    fn submit(&self) {
        let before = self.turns.fetch_add(1, Ordering::SeqCst);
        assert_eq!(before, 0, "the actor was scheduled twice");
    }

    /// `Mailbox::push`: queue, decide, then submit outside the lock.
    fn push(&self, msg: u32) {
        let schedule = {
            let mut queue = self.queue.lock().unwrap();
            queue.items.push_back(msg);
            queue.arrived()
        };
        if schedule {
            self.submit();
        }
    }

    /// Takes the outstanding turn, if any, and runs it: up to `budget` messages, each popped
    /// under the lock (as `Mailbox::pop`), then the end-of-turn decision (as `Mailbox::run`).
    /// With `go_idle`, as `pool.rs`'s `receive` does for an actor without timers: a take that
    /// finds the inbox empty marks the actor idle under the same lock, and the turn ends without
    /// a second look (`TurnEnd::Idle`).
    fn turn(&self, budget: usize, go_idle: bool) -> bool {
        if self
            .turns
            .compare_exchange(1, 0, Ordering::SeqCst, Ordering::SeqCst)
            .is_err()
        {
            return false;
        }
        let mut end = TurnEnd::Yield;
        for _ in 0..budget {
            let mut queue = self.queue.lock().unwrap();
            if queue.items.pop_front().is_none() {
                if go_idle {
                    queue.went_idle();
                    end = TurnEnd::Idle;
                }
                break;
            }
            drop(queue);
            self.handled.fetch_add(1, Ordering::SeqCst);
        }
        if self.queue.lock().unwrap().turn_ended(&end) {
            self.submit();
        }
        true
    }

    /// A turn that ends with the end-of-turn decision.
    fn run_turn(&self, budget: usize) -> bool {
        self.turn(budget, false)
    }

    /// A turn that goes idle in its take when it finds the inbox empty.
    fn run_turn_going_idle(&self, budget: usize) -> bool {
        self.turn(budget, true)
    }

    /// After every thread is done: runs the remaining turns, then checks nothing is left.
    fn finish(&self, messages: usize) {
        while self.run_turn(1) {}
        let queue = self.queue.lock().unwrap();
        assert!(
            queue.items.is_empty(),
            "idle with {} messages queued",
            queue.items.len()
        );
        assert_eq!(queue.sched, Sched::Idle);
        assert_eq!(self.handled.load(Ordering::SeqCst), messages);
    }
}

#[test]
fn loom_sends_racing_the_end_of_a_turn_never_lose_or_double_schedule_the_actor() {
    loom::model(|| {
        let model = Model::new();
        let senders: Vec<_> = (0..2)
            .map(|n| {
                let model = model.clone();
                thread::spawn(move || model.push(n))
            })
            .collect();
        // The worker: the start turn, then whatever the senders scheduled meanwhile.
        model.run_turn(1);
        model.run_turn(1);
        for sender in senders {
            sender.join().unwrap();
        }
        model.finish(2);
    });
}

#[test]
fn loom_a_send_racing_a_worker_that_yields_at_its_budget_is_handled() {
    loom::model(|| {
        let model = Model::new();
        model.push(0);
        let sender = {
            let model = model.clone();
            thread::spawn(move || model.push(1))
        };
        // A budget of 1: the turn yields with the second message possibly queued.
        let worker = {
            let model = model.clone();
            thread::spawn(move || {
                model.run_turn(1);
                model.run_turn(1);
            })
        };
        sender.join().unwrap();
        worker.join().unwrap();
        model.finish(2);
    });
}

#[test]
fn loom_sends_racing_a_turn_that_goes_idle_in_its_take_are_handled() {
    loom::model(|| {
        let model = Model::new();
        let senders: Vec<_> = (0..2)
            .map(|n| {
                let model = model.clone();
                thread::spawn(move || model.push(n))
            })
            .collect();
        model.run_turn_going_idle(3);
        model.run_turn_going_idle(3);
        for sender in senders {
            sender.join().unwrap();
        }
        while model.run_turn_going_idle(3) {}
        model.finish(2);
    });
}
