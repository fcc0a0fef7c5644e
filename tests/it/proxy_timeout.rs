//! Proxies with a default timeout (`with_timeout`): the wait for room in a bounded inbox and
//! the blocking reads of each call's future are bounded by one deadline per call.

use std::time::Duration;

use pykka::{Actor, ActorRegistry, Error, actor};

use crate::support::{DEFAULT_TIMEOUT, Latch};

/// How long the timed proxies of these tests wait. The actor is held on a latch for the whole
/// wait, so nothing can arrive early whatever the machine's speed.
const SHORT: Duration = Duration::from_millis(50);

/// An actor with room for two queued messages, which can be held inside a call.
#[actor]
pub struct Gate {
    /// How many `add` calls were handled.
    pub handled: u32,
}

impl Actor for Gate {
    type Message = ();
    type Reply = ();
    const INBOX_CAPACITY: Option<usize> = Some(2);
}

#[actor]
impl Gate {
    /// Returns once `latch` opens, after telling `entered`.
    pub fn hold(&mut self, entered: Latch, latch: Latch) {
        entered.open();
        latch.wait();
    }

    /// Counts a call and returns `x + 1`.
    pub fn add(&mut self, x: u32) -> u32 {
        self.handled += 1;
        x + 1
    }
}

/// Starts a gate, holds it inside a call, and fills its two slots; returns the gate's proxy
/// and the latch that releases it.
fn held_and_full(registry: &ActorRegistry) -> (GateProxy, Latch) {
    let proxy = Gate { handled: 0 }.start_in(registry).proxy().unwrap();
    let (entered, release) = (Latch::new(), Latch::new());
    proxy.defer().hold(entered.clone(), release.clone()).unwrap();
    entered.wait();
    proxy.defer().add(0).unwrap(); // the two slots
    proxy.defer().add(0).unwrap();
    (proxy, release)
}

#[test]
fn a_timed_proxy_call_gives_up_waiting_for_room_with_a_failed_future() {
    let registry = ActorRegistry::new();
    let (proxy, release) = held_and_full(&registry);
    // Without a timeout this call would wait for room as long as the actor is held.
    let future = proxy.with_timeout(SHORT).add(1);
    assert!(future.is_ready(), "the call returned only once it had given up");
    match future.get_timeout(DEFAULT_TIMEOUT) {
        Err(Error::Timeout { actor, after }) => {
            assert_eq!(actor.as_ref(), Some(proxy.actor_ref().id()));
            assert_eq!(after, SHORT);
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    release.open();
    // The refused call was never queued: only the fillers were handled.
    assert_eq!(proxy.handled().get_timeout(DEFAULT_TIMEOUT).unwrap(), 2);
    assert_eq!(registry.stop_all(), vec![true]);
}

#[test]
fn a_timed_deferred_call_gives_up_waiting_for_room_with_an_error() {
    let registry = ActorRegistry::new();
    let (proxy, release) = held_and_full(&registry);
    let error = proxy.with_timeout(SHORT).defer().add(1).unwrap_err();
    assert!(
        matches!(error, Error::Timeout { after, .. } if after == SHORT),
        "{error:?}"
    );
    release.open();
    assert_eq!(proxy.handled().get_timeout(DEFAULT_TIMEOUT).unwrap(), 2);
    assert_eq!(registry.stop_all(), vec![true]);
}

#[test]
fn get_on_a_timed_proxy_s_future_gives_up_at_the_call_s_deadline() {
    let registry = ActorRegistry::new();
    let proxy = Gate { handled: 0 }.start_in(&registry).proxy().unwrap();
    let (entered, release) = (Latch::new(), Latch::new());
    proxy.defer().hold(entered.clone(), release.clone()).unwrap();
    entered.wait();
    let timed = proxy.with_timeout(SHORT);
    let future = timed.add(1);
    let error = future.get().unwrap_err();
    assert!(
        matches!(error, Error::Timeout { after, .. } if after == SHORT),
        "{error:?}"
    );
    // A read with a shorter timeout of its own reports that one.
    let long = proxy.with_timeout(DEFAULT_TIMEOUT).add(3);
    let error = long.get_timeout(Duration::from_millis(1)).unwrap_err();
    assert!(
        matches!(error, Error::Timeout { after, .. } if after == Duration::from_millis(1)),
        "{error:?}"
    );
    release.open();
    // The call itself was queued and is answered; a read after the reply finds it.
    assert_eq!(proxy.add(5).get_timeout(DEFAULT_TIMEOUT).unwrap(), 6);
    assert_eq!(future.get().unwrap(), 2);
    assert_eq!(long.get().unwrap(), 4);
    assert_eq!(registry.stop_all(), vec![true]);
}

#[test]
fn a_timed_proxy_answers_like_any_other_when_the_actor_is_free() {
    let registry = ActorRegistry::new();
    let proxy = Gate { handled: 0 }.start_in(&registry).proxy().unwrap();
    let timed = proxy.with_timeout(DEFAULT_TIMEOUT);
    assert_eq!(timed.add(1).get().unwrap(), 2);
    timed.defer().add(2).unwrap();
    assert_eq!(timed.handled().wait().unwrap(), 2);
    // Same actor, same path: a timed proxy equals the plain one.
    assert_eq!(timed, proxy);
    // `None` takes the timeout off again: this call waits for room as long as it takes.
    let untimed = timed.with_timeout(None);
    assert_eq!(untimed.add(3).get().unwrap(), 4);
    assert_eq!(registry.stop_all(), vec![true]);
}
