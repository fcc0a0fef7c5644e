//! Interfaces in a user crate under strict lints: the generated code must not trip any of them.
#![deny(missing_docs, warnings)]
#![deny(missing_debug_implementations)]
#![deny(unused_lifetimes, single_use_lifetimes)]
#![forbid(unsafe_code)]

use pykka::{actor, interface, Actor};

/// Told about events.
#[interface]
pub trait Listener {
    /// One event.
    fn on_event(&mut self, event: String);

    /// How many events so far; a default body.
    fn seen(&self) -> usize {
        0
    }
}

mod private {
    /// A crate-private interface.
    #[pykka::interface]
    pub(crate) trait Counter {
        /// Adds one.
        fn bump(&mut self) -> u32;
    }
}

/// A listener.
#[derive(Debug)]
#[actor]
pub struct Log {
    events: Vec<String>,
}

impl Actor for Log {
    type Message = ();
    type Reply = ();
    const INTERFACES: &'static [pykka::Implementation] = pykka::interfaces![Listener, private::Counter];
}

#[actor]
impl Log {}

#[actor]
impl Listener for Log {
    fn on_event(&mut self, event: String) {
        self.events.push(event);
    }

    fn seen(&self) -> usize {
        self.events.len()
    }
}

#[actor]
impl private::Counter for Log {
    fn bump(&mut self) -> u32 {
        1
    }
}

fn main() {
    let registry = pykka::ActorRegistry::new();
    let log = Log { events: Vec::new() }.start_in(&registry);
    let listener: ListenerProxy = log.clone().into();
    listener.defer().on_event("e".to_string()).unwrap();
    assert_eq!(listener.seen().get().unwrap(), 1);
    let counter: private::CounterProxy = log.interface::<dyn private::Counter>().unwrap();
    assert_eq!(counter.bump().get().unwrap(), 1);
    registry.stop_all();
}
