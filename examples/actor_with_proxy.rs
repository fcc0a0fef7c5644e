//! The model in one run: start an actor, tell it, ask it, read and write its field through a
//! typed proxy, stop it; each line says which thread printed it.
//!
//! Based on Pykka's manual, section 2.2.2 "Actor with proxy" (`examples/actor_with_proxy.py`).
//!
//! ```text
//! cargo run -p examples --example actor_with_proxy
//! ```
//!
//! The output is the same on every run, with no extra synchronisation: an actor handles its
//! messages one at a time in the order they were sent, and the main thread prints only after a
//! reply, so whatever the actor printed before that reply comes first. Differences from the
//! Python script: one round instead of three (Python's third round shows the two threads'
//! prints racing, which cannot happen here), and Rust names the main thread `main`, not
//! `MainThread`.

use std::thread;
use std::time::Duration;

use pykka::{Actor, Context, actor};

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

    fn on_start(&mut self, _ctx: &Context<Self>) {
        log("AnActor started");
    }

    fn on_stop(&mut self, _ctx: &Context<Self>) {
        log("AnActor stopping");
    }
}

#[actor]
impl AnActor {
    /// A method with a side effect and no return value.
    pub fn proc(&self) {
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
    log("starting AnActor, telling it proc(), asking it func() ...");
    // Start: the actor gets its own thread (`AnActor-1`), which runs `on_start` before any
    // message. `start` returns at once; `proxy()` gives the typed proxy.
    let actor = AnActor {
        field: "this is the value of AnActor.field".to_string(),
    }
    .start()
    .proxy()?;

    // Tell: `defer()` sends the call and returns at once, without a reply.
    actor.defer().proc()?;
    // Ask: a proxy call sends the call and returns a future at once.
    let result = actor.func();
    // `get` blocks until the reply. `on_start` and `proc` came first, so they have printed.
    log(&result.get()?);

    // Field reading: also a message, answered in order.
    log("reading AnActor.field ...");
    log(&actor.field().get()?);

    // Field writing: `defer()` again, so it does not block; the read after it sees the new value.
    log("writing AnActor.field ...");
    actor.defer().set_field("new value".to_string())?;
    log(&actor.field().get()?);

    // Stop: queued messages are handled first, then `on_stop`; `stop` waits for both.
    log("stopping AnActor ...");
    let stopped = actor.actor_ref().stop();
    log(&format!("stopped: {stopped}"));
    Ok(())
}
