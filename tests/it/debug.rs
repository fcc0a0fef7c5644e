//! Debug helpers: actor state snapshots and deadlock detection (the debug issue; Pykka's
//! `log_thread_tracebacks`, manual 2.13).
//!
//! Every test switches detection on per actor, never globally, so parallel tests do not
//! affect each other, and looks only at cycles made of its own actors.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use pykka::debug::{self, Activity};
use pykka::{Actor, ActorId, ActorRegistry, Error, Future, Promise, actor};

use crate::support::{Latch, within};

const TIMEOUT: Duration = Duration::from_secs(10);

/// A node of a chain (or cycle) of actors, each calling the next and blocking on its reply.
#[actor]
pub struct Node {
    /// The next node, if any.
    pub next: Option<NodeProxy>,
}

impl Actor for Node {
    type Message = ();
    type Reply = ();
    // The snapshot test checks thread names: the thread runtime's, whatever PYKKA_RUNTIME says.
    const RUNTIME: pykka::Runtime = pykka::Runtime::Thread;
}

#[actor]
impl Node {
    /// Calls `hop` on the next node and blocks on it; the last node answers 0.
    pub fn hop(&self) -> Result<u32, Error> {
        match &self.next {
            Some(next) => Ok(next.hop().get()?? + 1),
            None => Ok(0),
        }
    }

    /// Like `hop`, but each wait is bounded by `millis`.
    pub fn hop_timeout(&self, millis: u64) -> Result<u32, Error> {
        match &self.next {
            Some(next) => Ok(next.hop_timeout(millis).get_timeout(Duration::from_millis(millis))?? + 1),
            None => Ok(0),
        }
    }

    /// Blocks on a future no actor fulfils.
    pub fn wait_on(&self, future: Future<u32>) -> Result<u32, Error> {
        future.get()
    }

    /// Waits for `gate` to open, then stops `other` and returns its answer.
    pub fn stop_when(&self, gate: Latch, other: pykka::ActorRef<Node>) -> bool {
        gate.wait();
        other.stop()
    }
}

/// Starts `n` nodes, each with detection set to `detect`.
fn nodes(registry: &ActorRegistry, n: usize, detect: Option<bool>) -> Vec<NodeProxy> {
    (0..n)
        .map(|_| {
            let proxy = Node { next: None }.start_in(registry).proxy().unwrap();
            debug::set_actor_deadlock_detection(proxy.actor_ref().id(), detect);
            proxy
        })
        .collect()
}

/// Links the nodes into a ring (`cycle`) or a chain.
fn link(nodes: &[NodeProxy], cycle: bool) {
    for (i, node) in nodes.iter().enumerate() {
        let next = if i + 1 < nodes.len() {
            Some(nodes[i + 1].clone())
        } else if cycle {
            Some(nodes[0].clone())
        } else {
            None
        };
        node.set_next(next).get_timeout(TIMEOUT).unwrap();
    }
}

fn ids(nodes: &[NodeProxy]) -> Vec<ActorId> {
    nodes.iter().map(|n| n.actor_ref().id().clone()).collect()
}

/// The cycles `find_deadlocks` reports that are made of these actors only.
fn own_cycles(ids: &[ActorId]) -> Vec<Vec<ActorId>> {
    debug::find_deadlocks()
        .into_iter()
        .filter(|c| c.iter().all(|a| ids.contains(a)))
        .collect()
}

/// Waits (bounded) until `pred` holds, polling the debug snapshot.
fn eventually(what: &str, mut pred: impl FnMut() -> bool) {
    let deadline = Instant::now() + TIMEOUT;
    while !pred() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn assert_deadlock(result: pykka::Result<Result<u32, Error>>, members: &[ActorId]) {
    let err = match result {
        Ok(Err(e)) | Err(e) => e,
        Ok(Ok(v)) => panic!("expected a deadlock error, got {v}"),
    };
    match &err {
        Error::Deadlock { cycle } => {
            assert_eq!(cycle.len(), members.len(), "{err}");
            for m in members {
                assert!(cycle.contains(m), "{m} missing from {err}");
            }
        }
        other => panic!("expected Error::Deadlock, got {other:?}"),
    }
    assert!(err.to_string().starts_with("deadlock: Node ("), "{err}");
}

#[test]
fn a_cycle_of_two_actors_is_reported_as_a_deadlock() {
    let registry = ActorRegistry::new();
    let ring = nodes(&registry, 2, Some(true));
    link(&ring, true);
    assert_deadlock(ring[0].hop().get_timeout(TIMEOUT), &ids(&ring));
    registry.stop_all();
}

#[test]
fn a_cycle_of_three_actors_is_reported_as_a_deadlock() {
    let registry = ActorRegistry::new();
    let ring = nodes(&registry, 3, Some(true));
    link(&ring, true);
    assert_deadlock(ring[0].hop().get_timeout(TIMEOUT), &ids(&ring));
    registry.stop_all();
}

#[test]
fn a_chain_without_a_cycle_is_not_a_deadlock() {
    let registry = ActorRegistry::new();
    let chain = nodes(&registry, 3, Some(true));
    link(&chain, false);
    let (promise, pending) = Promise::new();
    // The last node blocks on a future no actor is known to set; the others wait on it.
    let last = chain[2].wait_on(pending);
    let first = chain[0].hop_timeout(TIMEOUT.as_millis() as u64);
    let chain_ids = ids(&chain);
    eventually("the chain is blocked", || {
        debug::actor_states()
            .iter()
            .filter(|s| chain_ids.contains(&s.actor) && s.blocked_on.is_some())
            .count()
            == 3
    });
    assert!(own_cycles(&chain_ids).is_empty());
    promise.set(7);
    assert_eq!(last.get_timeout(TIMEOUT).unwrap().unwrap(), 7);
    assert_eq!(first.get_timeout(TIMEOUT).unwrap().unwrap(), 2);
    registry.stop_all();
}

#[test]
fn the_snapshot_names_the_method_and_the_waited_on_actor() {
    let registry = ActorRegistry::new();
    let ring = nodes(&registry, 2, Some(false));
    link(&ring, true);
    let ring_ids = ids(&ring);
    let result = ring[0].hop();
    eventually("both nodes are blocked", || {
        debug::actor_states()
            .iter()
            .filter(|s| ring_ids.contains(&s.actor) && s.blocked_on.is_some())
            .count()
            == 2
    });
    let states = debug::actor_states();
    let state_of = |id: &ActorId| states.iter().find(|s| &s.actor == id).unwrap().clone();
    let (a, b) = (state_of(&ring_ids[0]), state_of(&ring_ids[1]));
    assert_eq!(a.activity, Activity::Handling { label: "hop" });
    assert_eq!(a.blocked_on, Some(Some(ring_ids[1].clone())));
    assert_eq!(b.activity, Activity::Handling { label: "hop" });
    assert_eq!(b.blocked_on, Some(Some(ring_ids[0].clone())));
    assert!(a.thread.as_deref().is_some_and(|t| t.starts_with("Node-")));
    let shown = a.to_string();
    assert!(
        shown.contains("handling `hop`") && shown.contains("blocked in get() waiting on Node ("),
        "{shown}"
    );
    let cycles = own_cycles(&ring_ids);
    assert_eq!(cycles.len(), 1, "{cycles:?}");
    assert_eq!(cycles[0].len(), 2);

    // Turning detection on ends a deadlock that formed before.
    debug::set_actor_deadlock_detection(&ring_ids[0], Some(true));
    assert_deadlock(result.get_timeout(TIMEOUT), &ring_ids);
    registry.stop_all();
}

#[test]
fn a_timed_get_in_a_cycle_times_out_normally_without_detection() {
    let registry = ActorRegistry::new();
    let ring = nodes(&registry, 2, Some(false));
    link(&ring, true);
    let err = match ring[0].hop_timeout(50).get_timeout(TIMEOUT) {
        Ok(Err(e)) | Err(e) => e,
        Ok(Ok(v)) => panic!("expected a timeout, got {v}"),
    };
    assert!(err.is_timeout(), "{err:?}");
    registry.stop_all();
}

#[test]
fn blocking_on_a_reply_from_the_own_thread_is_always_a_deadlock() {
    let registry = ActorRegistry::new();
    let ring = nodes(&registry, 1, Some(false));
    link(&ring, true); // the node's next is itself
    assert_deadlock(ring[0].hop().get_timeout(TIMEOUT), &ids(&ring));
    registry.stop_all();
}

#[test]
fn idle_actors_show_as_idle() {
    let registry = ActorRegistry::new();
    let single = nodes(&registry, 1, None);
    single[0].next().get_timeout(TIMEOUT).unwrap();
    let id = single[0].actor_ref().id().clone();
    eventually("the node is idle", || {
        debug::actor_states()
            .iter()
            .any(|s| s.actor == id && s.activity == Activity::Idle && s.blocked_on.is_none())
    });
    registry.stop_all();
    assert!(
        debug::actor_states().iter().all(|s| s.actor != id),
        "stopped actors leave the snapshot"
    );
}

/// An actor that holds its thread until a gate opens, as a proxy call or a plain message,
/// reporting when its handler started.
#[actor]
pub struct Holder;

/// A plain message for [`Holder`]: report the start, then wait for the gate.
#[derive(Debug)]
pub struct Hold(mpsc::Sender<Instant>, mpsc::Receiver<()>);

impl Actor for Holder {
    type Message = Hold;
    type Reply = ();

    fn on_receive(&mut self, _ctx: &pykka::Context<Self>, Hold(started, gate): Hold) -> Result<(), pykka::Unhandled> {
        hold(&started, &gate);
        Ok(())
    }
}

#[actor]
impl Holder {
    /// Reports the start, then waits for the gate.
    pub fn hold(&self, started: mpsc::Sender<Instant>, gate: mpsc::Receiver<()>) {
        hold(&started, &gate);
    }
}

fn hold(started: &mpsc::Sender<Instant>, gate: &mpsc::Receiver<()>) {
    // The warm-up call has nobody listening and no gate to wait for.
    let _ = started.send(Instant::now());
    let _ = gate.recv();
}

/// The actor's `since` may be the moment it went idle, a little before the message that woke
/// it arrived: up to its spin at the start of a wait (a couple of microseconds), with room to
/// spare here.
const SPIN_SLACK: Duration = Duration::from_millis(1);

/// Sends a holding message (by `send`, after `pause`), then checks the snapshot's time for it:
/// at least as long as the handler has run, at most since just before the send (plus the
/// actor's spin).
fn check_hold_is_timed(pause: Duration, as_call: bool) {
    let registry = ActorRegistry::new();
    let holder = Holder.start_in(&registry);
    let proxy = holder.proxy().unwrap();
    // Let the actor settle into waiting; the pause decides whether its wait outlasts its spin
    // (and it sleeps).
    let (nobody, open_gate) = (mpsc::channel().0, mpsc::channel().1);
    proxy.hold(nobody, open_gate).get_timeout(TIMEOUT).unwrap();
    std::thread::sleep(pause);
    let (started_tx, started) = mpsc::channel();
    let (open, gate) = mpsc::channel();
    let sent = Instant::now();
    let reply = if as_call {
        proxy.hold(started_tx, gate)
    } else {
        holder.ask_future(Hold(started_tx, gate))
    };
    let began = started.recv_timeout(TIMEOUT).unwrap();
    let before = Instant::now();
    let state = debug::actor_states()
        .into_iter()
        .find(|s| &s.actor == holder.id())
        .unwrap();
    let after = Instant::now();
    let expected = if as_call {
        Activity::Handling { label: "hold" }
    } else {
        Activity::Receiving
    };
    assert_eq!(state.activity, expected);
    let took = state.for_how_long.expect("a running handler is timed");
    assert!(took >= before - began, "{took:?} < {:?}", before - began);
    assert!(took <= after - sent + SPIN_SLACK, "{took:?} > {:?}", after - sent);
    open.send(()).unwrap();
    reply.get_timeout(TIMEOUT).unwrap();
    registry.stop_all();
}

#[test]
fn a_call_is_timed_from_its_start_after_a_short_wait() {
    check_hold_is_timed(Duration::ZERO, true);
}

#[test]
fn a_call_is_timed_from_its_start_after_a_long_wait() {
    check_hold_is_timed(Duration::from_millis(20), true);
}

#[test]
fn a_plain_message_is_timed_from_its_start_after_a_short_wait() {
    check_hold_is_timed(Duration::ZERO, false);
}

#[test]
fn a_plain_message_is_timed_from_its_start_after_a_long_wait() {
    check_hold_is_timed(Duration::from_millis(20), false);
}

#[test]
fn stopping_an_actor_that_waits_on_the_stopper_is_a_deadlock_not_a_hang() {
    let registry = ActorRegistry::new();
    let pair = nodes(&registry, 2, Some(true));
    let (a, b) = (pair[0].clone(), pair[1].clone());
    b.set_next(Some(a.clone())).get_timeout(TIMEOUT).unwrap();
    let gate = Latch::new();
    let answer = a.stop_when(gate.clone(), b.actor_ref().clone());
    // B blocks on A, which is held inside `stop_when`.
    let _hop = b.hop();
    let b_id = b.actor_ref().id().clone();
    eventually("B blocks on A", || {
        debug::actor_states()
            .iter()
            .any(|s| s.actor == b_id && s.blocked_on.is_some())
    });
    // A now stops B and waits for it: B waits for A. The wait must end with the cycle found.
    gate.open();
    let stopped = within("A's stop of B", move || answer.get_timeout(TIMEOUT));
    assert_eq!(stopped, Ok(false));
    registry.stop_all();
}
