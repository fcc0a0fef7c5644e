//! Work carried in the inbox: proxy calls and `ask_with`/`tell_with` closures.
//!
//! Small work travels inside the inbox slot, larger work in a box (`pykka-core/src/call.rs`).
//! Both must run exactly once or, when the actor stops first, be dropped exactly once with
//! their futures failed: these tests count the drops of what the work captured, for both
//! sizes and every way of sending work.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use pykka::{Actor, ActorRef, Error, Future, Reply};

use crate::support::{DEFAULT_TIMEOUT, Latch};

/// Counts its own drops.
#[derive(Debug)]
pub struct Token(Arc<AtomicUsize>);

impl Drop for Token {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// Keeps the tokens it is given. A call of `keep` moves a token and a reply slot, two words,
/// so it travels in place; `keep_all` moves more and is boxed.
#[pykka::actor]
#[derive(Debug, Default)]
pub struct Keeper {
    held: Vec<Token>,
    /// Reached through a nested proxy, whose calls carry the path too.
    #[traversable]
    pub shelf: Shelf,
}

/// Tokens kept one level down.
#[pykka::traversable]
#[derive(Debug, Default)]
pub struct Shelf {
    held: Vec<Token>,
}

#[pykka::traversable]
impl Shelf {
    /// Keeps `token`; returns how many the shelf holds. Through the nested proxy this moves
    /// the path, a token and a reply slot: boxed.
    pub fn store(&mut self, token: Token) -> usize {
        self.held.push(token);
        self.held.len()
    }

    /// How many the shelf holds: the path and a reply slot, in place.
    pub fn count(&self) -> usize {
        self.held.len()
    }
}

impl Actor for Keeper {
    type Message = ();
    type Reply = ();
}

#[pykka::actor]
impl Keeper {
    /// Keeps `token`; returns how many it holds.
    pub fn keep(&mut self, token: Token) -> usize {
        self.held.push(token);
        self.held.len()
    }

    /// Keeps both tokens; returns how many it holds.
    pub fn keep_all(&mut self, first: Token, second: Token) -> usize {
        self.held.extend([first, second]);
        self.held.len()
    }
}

/// Padding that makes a closure too large to travel in place.
const PAD: [u64; 6] = [7; 6];

/// A keeper blocked inside a call, with a stop queued behind it: whatever is sent to it now
/// queues after the stop.
struct StopQueued {
    actor: ActorRef<Keeper>,
    proxy: KeeperProxy,
    release: Latch,
    held: Future<()>,
    stopped: Future<bool>,
}

impl StopQueued {
    fn new() -> Self {
        let actor = Keeper::default().start();
        let proxy = actor.proxy().unwrap();
        let (release, entered) = (Latch::new(), Latch::new());
        let (signal, inner) = (entered.clone(), release.clone());
        let held = actor.ask_with(move |_, _| {
            signal.open();
            inner.wait();
        });
        entered.wait();
        let stopped = actor.stop_future();
        StopQueued {
            actor,
            proxy,
            release,
            held,
            stopped,
        }
    }

    /// Lets the actor finish the held call and stop; checks that both went through.
    fn release(&self) {
        self.release.open();
        assert_eq!(self.held.get_timeout(DEFAULT_TIMEOUT), Ok(()));
        assert_eq!(self.stopped.get_timeout(DEFAULT_TIMEOUT), Ok(true));
    }
}

fn is_dead<T: std::fmt::Debug>(result: pykka::Result<T>) -> bool {
    matches!(result, Err(Error::ActorDead { .. }))
}

#[test]
fn calls_run_once_and_drop_what_they_captured_once() {
    let drops = Arc::new(AtomicUsize::new(0));
    let token = || Token(drops.clone());
    let actor = Keeper::default().start();
    let proxy = actor.proxy().unwrap();

    let t = token();
    assert_eq!(actor.ask_with(move |_, _| drop(t)).get_timeout(DEFAULT_TIMEOUT), Ok(()));
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    let (t, pad) = (token(), PAD);
    let sum = actor.ask_with(move |_, _| {
        drop(t);
        pad.iter().sum::<u64>()
    });
    assert_eq!(sum.get_timeout(DEFAULT_TIMEOUT), Ok(42));
    assert_eq!(drops.load(Ordering::SeqCst), 2);

    let t = token();
    actor.tell_with(move |keeper, _| keeper.held.push(t)).unwrap();
    let (t, pad) = (token(), PAD);
    actor
        .tell_with(move |keeper, _| {
            assert_eq!(pad, PAD);
            keeper.held.push(t);
        })
        .unwrap();
    assert_eq!(proxy.keep(token()).get_timeout(DEFAULT_TIMEOUT), Ok(3));
    proxy.defer().keep(token()).unwrap();
    assert_eq!(proxy.keep(token()).get_timeout(DEFAULT_TIMEOUT), Ok(5));
    assert_eq!(proxy.keep_all(token(), token()).get_timeout(DEFAULT_TIMEOUT), Ok(7));
    proxy.defer().keep_all(token(), token()).unwrap();
    assert_eq!(proxy.keep(token()).get_timeout(DEFAULT_TIMEOUT), Ok(10));
    assert_eq!(proxy.shelf().store(token()).get_timeout(DEFAULT_TIMEOUT), Ok(1));
    proxy.shelf().defer().store(token()).unwrap();
    assert_eq!(proxy.shelf().count().get_timeout(DEFAULT_TIMEOUT), Ok(2));
    let (reply, sent) = Reply::for_actor(actor.id());
    actor.send(KeeperCall::Keep { token: token(), reply }).unwrap();
    assert_eq!(sent.get_timeout(DEFAULT_TIMEOUT), Ok(11));
    assert_eq!(drops.load(Ordering::SeqCst), 2, "the actor holds the other thirteen");

    assert!(actor.stop());
    assert_eq!(drops.load(Ordering::SeqCst), 15);
}

#[test]
fn calls_queued_behind_a_stop_fail_and_drop_what_they_captured_once() {
    let drops = Arc::new(AtomicUsize::new(0));
    let ran = Arc::new(AtomicUsize::new(0));
    let token = || Token(drops.clone());
    let queued = StopQueued::new();
    let (actor, proxy) = (&queued.actor, &queued.proxy);

    // Queued behind the stop, in this order; the channel drops them in order too, so once the
    // last future has failed, every earlier call has been dropped.
    let (t, r) = (token(), ran.clone());
    actor
        .tell_with(move |_, _| {
            r.fetch_add(1, Ordering::SeqCst);
            drop(t);
        })
        .unwrap();
    let (t, r, pad) = (token(), ran.clone(), PAD);
    actor
        .tell_with(move |_, _| {
            r.fetch_add(pad.len(), Ordering::SeqCst);
            drop(t);
        })
        .unwrap();
    proxy.defer().keep(token()).unwrap();
    let (t, r) = (token(), ran.clone());
    let small = actor.ask_with(move |_, _| {
        r.fetch_add(1, Ordering::SeqCst);
        drop(t);
    });
    let (t, r, pad) = (token(), ran.clone(), PAD);
    let large = actor.ask_with(move |_, _| {
        r.fetch_add(pad.len(), Ordering::SeqCst);
        drop(t);
    });
    proxy.defer().keep_all(token(), token()).unwrap();
    let kept = proxy.keep(token());
    let kept_all = proxy.keep_all(token(), token());
    let stored = proxy.shelf().store(token());
    proxy.shelf().defer().store(token()).unwrap();
    let counted = proxy.shelf().count();
    let (reply, sent) = Reply::for_actor(actor.id());
    actor.send(KeeperCall::Keep { token: token(), reply }).unwrap();
    assert_eq!(drops.load(Ordering::SeqCst), 0);

    queued.release();
    assert!(is_dead(small.get_timeout(DEFAULT_TIMEOUT)));
    assert!(is_dead(large.get_timeout(DEFAULT_TIMEOUT)));
    assert!(is_dead(kept.get_timeout(DEFAULT_TIMEOUT)));
    assert!(is_dead(kept_all.get_timeout(DEFAULT_TIMEOUT)));
    assert!(is_dead(stored.get_timeout(DEFAULT_TIMEOUT)));
    assert!(is_dead(counted.get_timeout(DEFAULT_TIMEOUT)));
    assert!(is_dead(sent.get_timeout(DEFAULT_TIMEOUT)));
    assert_eq!(ran.load(Ordering::SeqCst), 0, "no call ran after the stop");
    assert_eq!(drops.load(Ordering::SeqCst), 13, "every token dropped, once");
}

#[test]
fn calls_to_a_dead_actor_fail_at_once_and_drop_what_they_captured() {
    let drops = Arc::new(AtomicUsize::new(0));
    let token = || Token(drops.clone());
    let actor = Keeper::default().start();
    let proxy = actor.proxy().unwrap();
    assert!(actor.stop());

    let t = token();
    assert!(is_dead(actor.tell_with(move |_, _| drop(t))));
    let (t, pad) = (token(), PAD);
    assert!(is_dead(actor.tell_with(move |_, _| drop((t, pad)))));
    let t = token();
    assert!(is_dead(
        actor.ask_with(move |_, _| drop(t)).get_timeout(DEFAULT_TIMEOUT)
    ));
    assert!(is_dead(proxy.keep(token()).get_timeout(DEFAULT_TIMEOUT)));
    assert!(is_dead(proxy.defer().keep(token())));
    assert!(is_dead(proxy.keep_all(token(), token()).get_timeout(DEFAULT_TIMEOUT)));
    assert_eq!(drops.load(Ordering::SeqCst), 7);
}

/// Panics when dropped (unless the thread is already panicking).
pub struct PanicsOnDrop;

impl Drop for PanicsOnDrop {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            panic!("PanicsOnDrop dropped");
        }
    }
}

#[test]
fn a_queued_call_whose_drop_panics_does_not_strand_the_calls_behind_it() {
    let drops = Arc::new(AtomicUsize::new(0));
    let token = || Token(drops.clone());
    let queued = StopQueued::new();
    let (actor, proxy) = (&queued.actor, &queued.proxy);

    let bomb = PanicsOnDrop;
    let first = actor.ask_with(move |_, _| drop(bomb));
    let t = token();
    let second = actor.ask_with(move |_, _| drop(t));
    let third = proxy.keep(token());
    queued.release();

    assert!(is_dead(second.get_timeout(DEFAULT_TIMEOUT)));
    assert!(is_dead(third.get_timeout(DEFAULT_TIMEOUT)));
    // The first call dropped its reply slot (failing its future) before the closure that panicked.
    assert!(is_dead(first.get_timeout(DEFAULT_TIMEOUT)));
    assert_eq!(drops.load(Ordering::SeqCst), 2);
    actor.join().unwrap();
}
