//! Method calls, field reads and field writes through a proxy, with the name of the thread
//! each line of code runs on.
//!
//! Port of Pykka's manual, section 2.2.2 "Actor with proxy" (`examples/actor_with_proxy.py`).
//!
//! ```text
//! cargo run -p examples --example actor_with_proxy
//! ```
//!
//! Two differences from the Python script:
//!
//! - Rust's main thread is named `main`, not `MainThread`; the actor's thread is `AnActor-1`
//!   in both.
//! - In Python, `proc()` prints from the actor's thread while the main thread goes on printing,
//!   so the lines race (the manual's output shows it: its third round is ordered differently).
//!   Here `proc` first waits on a future that the main thread resolves once it has announced
//!   that it is blocking, so every run prints the order of the manual's first two rounds.

use std::thread;
use std::time::Duration;

use pykka::{Actor, Future, Promise, actor};

/// The actor: a field and two methods.
#[actor]
#[derive(Debug)]
pub struct AnActor {
    /// A plain field, read and written through the proxy.
    pub field: String,
}

impl Actor for AnActor {
    type Message = ();
    type Reply = ();
}

#[actor]
impl AnActor {
    /// A method with a side effect: logs from the actor's thread, once `go` is resolved.
    pub fn proc(&self, go: Future<()>) {
        // Only there to make the output deterministic; see the module docs.
        let _ = go.get();
        log("this was printed by AnActor.proc()");
    }

    /// A method with a return value, which takes a while.
    pub fn func(&self) -> String {
        thread::sleep(Duration::from_millis(500)); // Block a bit to make it realistic.
        "this was returned by AnActor.func() after a delay".to_string()
    }
}

/// Prints `msg` after the name of the current thread.
fn log(msg: &str) {
    let current = thread::current();
    println!("{}: {msg}", current.name().unwrap_or("<unnamed>"));
}

fn main() -> pykka::Result<()> {
    let actor = AnActor {
        field: "this is the value of AnActor.field".to_string(),
    }
    .start()
    .proxy()?;
    for _ in 0..3 {
        // Method with side effect.
        log("calling AnActor.proc() ...");
        let (go, proc_may_log) = Promise::new();
        let proc_done = actor.proc(proc_may_log);

        // Method with return value.
        log("calling AnActor.func() ...");
        let result = actor.func(); // Does not block, returns a future.
        log("printing result ... (blocking)");
        go.set(());
        log(&result.get()?); // Blocks until ready.
        proc_done.get()?;

        // Field reading.
        log("reading AnActor.field ...");
        let result = actor.field(); // Does not block, returns a future.
        log("printing result ... (blocking)");
        log(&result.get()?); // Blocks until ready.

        // Field writing.
        log("writing AnActor.field ...");
        actor.defer().set_field("new value".to_string())?; // Assignment does not block.
        let result = actor.field(); // Does not block, returns a future.
        log("printing new field value ... (blocking)");
        log(&result.get()?); // Blocks until ready.
    }
    actor.actor_ref().stop();
    Ok(())
}
